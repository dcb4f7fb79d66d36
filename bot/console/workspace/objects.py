"""What a Slack workspace is made of, as the console's workspace keeps it: its team and
bot, channels and messages, shared files, the calls it answered and the feed of what
people saw; and the records behind what Slack hands out (triggers, response URLs, views,
upload URLs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def user_id_for(name: str) -> str:
    """A stable Slack-like user ID for a name (`@alice` -> `UALICE`)."""
    clean = re.sub(r"[^A-Za-z0-9]", "", name.lstrip("@")).upper()[:20] or "ANON"
    return "U" + clean


def dm_channel(user_or_channel: str) -> str:
    """The app's DM with a user is a stable D… id; channel ids pass through."""
    if user_or_channel.startswith(("U", "W")):
        return "D" + user_or_channel[1:]
    return user_or_channel


@dataclass(frozen=True)
class Team:
    """The workspace and its bot user, as auth.test reports them."""

    id: str = "TCONSOLE"
    name: str = "FlashTicket Console"
    domain: str = "flashticket-console"
    bot_user: str = "UFLASHBOT"
    bot_id: str = "BFLASHBOT"
    bot_name: str = "flashticket"

    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"


@dataclass(frozen=True)
class ChannelSetup:
    """How a channel is set up for the bot. The default is what FlashTicket's support
    channel needs: private, with the bot in it."""

    exists: bool = True
    is_private: bool = True
    is_member: bool = True
    is_archived: bool = False
    name: str | None = None


@dataclass
class Call:
    """One request as the workspace saw it, including refused and faulted ones."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    response: dict[str, Any] = field(default_factory=dict)
    faulted: bool = False

    @property
    def ok(self) -> bool:
        """True only if Slack would have accepted it (faulted calls count as failed)."""
        return bool(self.response.get("ok"))


@dataclass
class SharedFile:
    """A file shared by files.completeUploadExternal, and where it was saved, if anywhere."""

    id: str
    name: str
    title: str
    saved_to: Path | None = None
    not_saved: str | None = None  # why the folder did not take it


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    bot_id: str | None = None
    files: list[SharedFile] = field(default_factory=list)
    # Message metadata: only shown when asked for with `include_all_metadata`.
    metadata: dict[str, Any] | None = None

    def as_slack(self, *, with_metadata: bool = False) -> dict[str, Any]:
        """The message object Slack returns with chat.postMessage."""
        message: dict[str, Any] = {
            "type": "message",
            "text": self.text,
            "ts": self.ts,
            "user": self.user,
        }
        if self.bot_id:
            message["bot_id"] = self.bot_id
        if self.blocks:
            message["blocks"] = self.blocks
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        if self.files:
            message["files"] = [{"id": f.id, "name": f.name, "title": f.title} for f in self.files]
            if not self.bot_id:
                message["subtype"] = "file_share"  # what Slack sends for a person's files
        if with_metadata and self.metadata is not None:
            message["metadata"] = self.metadata
        return message


@dataclass
class FeedItem:
    """One thing people see: a post, an edit, an ephemeral message, a modal, an App Home."""

    kind: str  # "post", "update", "delete", "ephemeral", "modal", "home"
    channel: str
    user: str | None  # who alone sees it (ephemeral, modal, home)
    message: Message | None = None
    view: dict[str, Any] | None = None


@dataclass
class Trigger:
    """A trigger_id handed out with an interaction, and whose screen it opens on."""

    issued: float
    user: str | None
    exchanged: bool = False


@dataclass
class ResponseUrl:
    """A response_url handed out with an interaction: whom and where its posts reach."""

    issued: float
    user: str | None
    channel: str
    posts: list[float] = field(default_factory=list)


@dataclass
class StoredView:
    """A view Slack knows by its ID: a modal or an App Home."""

    user: str | None
    external_id: str | None
    # Its state now: views.update with another (an older) hash is refused.
    hash: str = ""


@dataclass
class Upload:
    """An upload URL handed out by files.getUploadURLExternal, and what was posted to it."""

    filename: str
    length: int
    content: bytes | None = None


@dataclass
class HostedFile:
    """A file on the workspace's file host: what files.info describes and `url_private`
    serves (to the bot token only)."""

    id: str
    name: str
    mimetype: str
    content: bytes
    user: str
    created: int = 0
    # Where files.completeUploadExternal shared it: channel → the messages showing it.
    shares: dict[str, list[dict[str, str]]] = field(default_factory=dict)
