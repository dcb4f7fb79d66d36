"""What a person does in the console's workspace, as Slack would send it to the bot:
slash commands, clicks, replies in a ticket's DM thread (edited, unsent), posts in
#general and what is done to them (a reaction, the message shortcut), the App Home.
A modal a step opens is filled in field by field (`bot.console.forms`)."""

from __future__ import annotations

import json
import mimetypes
import re
import time
import uuid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from bot import blocks, mrkdwn
from bot.console import forms
from bot.console.local_bot import LocalBot
from bot.console.render import Renderer, options_of
from bot.console.screen import Screen
from bot.console.typed import first_path, handle_and_choice
from bot.console.words import Say
from bot.console.workspace import Message, Workspace, dm_channel
from bot.settings import Settings

MENTION = re.compile(r"(?<!\S)@([A-Za-z0-9._-]+)")
COMMAND_CHANNEL = "CGENERAL"  # where people type their slash commands
FORM = "application/x-www-form-urlencoded"


class Console(Protocol):
    """What a person acts through (the shell): who they are now, the bot, the screen."""

    user: str
    # How much of the workspace's feed was printed; whether the App Home was just opened.
    printed: int
    home_asked: bool
    bot: LocalBot
    workspace: Workspace
    screen: Screen
    renderer: Renderer
    words: Say
    settings: Settings

    def say(self, text: str) -> None: ...

    def read(self, prompt: str) -> str | None: ...

    def find_channel(self, name: str) -> str | None: ...


class Person:
    """The console's person (`shell.user`, whom `as` changes) acting in the workspace."""

    def __init__(self, shell: Console) -> None:
        self.shell = shell
        self.workspace = shell.workspace
        self.screen = shell.screen
        self.renderer = shell.renderer
        self.words = shell.words
        self.settings = shell.settings
        # Each person's last answer in a ticket's DM thread, as Slack sent it.
        self.last_replies: dict[tuple[str, int], dict[str, Any]] = {}
        # What people wrote in #general, by the number `post` gave it.
        self.posted: list[Message] = []

    def command(self, command: str, text: str) -> None:
        if command not in ("/ticket", "/ticket-admin"):
            self.shell.say(self.words("no_such_command", command=command))
            return
        form = {
            "command": command,
            "text": self._as_slack_sends(text),
            "user_id": self.shell.user,
            "user_name": self.workspace.name_of(self.shell.user),
            "channel_id": COMMAND_CHANNEL,
            "team_id": self.workspace.team.id,
            "trigger_id": self.workspace.issue_trigger_id(self.shell.user),
            "response_url": self.workspace.issue_response_url(self.shell.user, COMMAND_CHANNEL),
        }
        answer = self.shell.bot.dispatch(urlencode(form), FORM)
        self.screen.answer(answer, COMMAND_CHANNEL)
        self._fill_open_modal()

    def click(self, rest: str) -> None:
        """`click #3 take`, `click #3 status 2` (or `… status resolved`), `click new_ticket`:
        the newest drawing of that button or list."""
        words = rest.split()
        handle, choice = handle_and_choice(words, self.renderer.clickables)
        clickable = self.renderer.clickables.get(handle) if handle else None
        if clickable is None:
            self.shell.say(self.words("which_one"))
            return
        element = clickable.element
        action: dict[str, Any] = {
            "action_id": element["action_id"],
            "block_id": clickable.block_id,
            "type": element.get("type"),
            "action_ts": f"{time.time():.6f}",
        }
        options = options_of(element)
        if element.get("type") == "users_select":
            if not choice.strip():
                return self.shell.say(self.words("pick_person", handle=handle))
            action["selected_user"] = self.workspace.user_id(choice.split()[0])
        elif options:
            picked = forms.pick(choice, options) if choice else None
            if picked is None:
                self.shell.say(self.words("pick_option", handle=handle))
                return
            action["selected_option"] = options[picked - 1]
        else:
            action["value"] = element.get("value")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": self.shell.user, "username": self.workspace.name_of(self.shell.user)},
            "team": {"id": self.workspace.team.id},
            "trigger_id": self.workspace.issue_trigger_id(self.shell.user),
            "actions": [action],
        }
        if clickable.view_id is not None:
            # A button on an App Home: Slack sends the view, and no channel or response_url.
            payload["container"] = {"type": "view", "view_id": clickable.view_id}
            payload["view"] = {"id": clickable.view_id, "type": "home"}
        else:
            payload["container"] = {
                "type": "message",
                "channel_id": clickable.channel,
                "message_ts": clickable.message_ts,
                "is_ephemeral": clickable.message_ts is None,
            }
            payload["channel"] = {"id": clickable.channel}
            payload["response_url"] = self.workspace.issue_response_url(
                self.shell.user, clickable.channel
            )
        answer = self.shell.bot.dispatch(urlencode({"payload": json.dumps(payload)}), FORM)
        self.screen.answer(answer, clickable.channel)
        self._fill_open_modal()

    def write_to_bot(self, text: str) -> None:
        """A DM to the bot outside any ticket's thread, as Slack sends it."""
        message = self.workspace.person_writes(
            self.shell.user, dm_channel(self.shell.user), self._as_slack_sends(text)
        )
        event: dict[str, Any] = {
            "type": "message",
            "channel": message.channel,
            "channel_type": "im",
            "user": self.shell.user,
            "text": message.text,
            "ts": message.ts,
            "event_ts": message.ts,
        }
        self.shell.printed = len(self.workspace.feed_since(0))
        self.shell.say(self.words("you_wrote_dm", text=text))
        self.shell.bot.dispatch(json.dumps(self._envelope(event)), "application/json")

    def reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        root = self._thread_root(int(number.lstrip("#"))) if number.lstrip("#").isdigit() else None
        files: list[dict[str, Any]] = []
        while text.startswith("--file "):
            path, text = first_path(text[len("--file ") :])
            file = self._attach(path) if path else None
            if file is None:
                if not path:
                    self.shell.say(self.words("reply_usage"))
                return
            files.append(file)
        if root is None or not (text.strip() or files):
            self.shell.say(self.words("reply_usage"))
            return
        event: dict[str, Any] = {
            "type": "message",
            "channel": root.channel,
            "channel_type": "im",
            "user": self.shell.user,
            "text": self._as_slack_sends(text),
            "ts": f"{time.time():.6f}",
            "thread_ts": root.ts,
        }
        if files:
            event.update(subtype="file_share", upload=False, display_as_bot=False, files=files)
        self.shell.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        self.last_replies[(self.shell.user, int(number.lstrip("#")))] = event
        attached = "".join(f" [{f['name']}]" for f in files)
        self.shell.say(self.words("you_replied", ticket=number.lstrip("#"), text=text + attached))

    def edit_reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        before = self._last_reply(number)
        if before is None or not text.strip():
            self.shell.say(self.words("edit_usage"))
            return
        now = f"{time.time():.6f}"
        after = before | {"text": self._as_slack_sends(text), "edited": {"user": self.shell.user}}
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": before["channel"],
            "channel_type": "im",
            "ts": now,
            "message": after,
            "previous_message": before,
        }
        self.shell.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        self.last_replies[(self.shell.user, int(number.lstrip("#")))] = after
        self.shell.say(self.words("you_edited", ticket=number.lstrip("#"), text=text))

    def unsend_reply(self, rest: str) -> None:
        number = rest.strip()
        before = self._last_reply(number)
        if before is None:
            self.shell.say(self.words("unsend_usage"))
            return
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": before["channel"],
            "channel_type": "im",
            "ts": f"{time.time():.6f}",
            "deleted_ts": before["ts"],
            "previous_message": before,
        }
        self.shell.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        del self.last_replies[(self.shell.user, int(number.lstrip("#")))]
        self.shell.say(self.words("you_unsent", ticket=number.lstrip("#")))

    def _last_reply(self, number: str) -> dict[str, Any] | None:
        if not number.lstrip("#").isdigit():
            return None
        return self.last_replies.get((self.shell.user, int(number.lstrip("#"))))

    def post(self, text: str) -> None:
        """`post text` in #general, `post #help-it text` in that channel."""
        channel, where = COMMAND_CHANNEL, "general"
        if text.startswith("#"):
            name, _, text = text.partition(" ")
            found = self.shell.find_channel(name)
            if found is None:
                return
            channel, where = found, name.removeprefix("#")
        if not text.strip():
            self.shell.say(self.words("post_usage"))
            return
        message = self.workspace.person_posts(self.shell.user, channel, self._as_slack_sends(text))
        self.posted.append(message)
        # What people write is theirs to see in Slack; the console only numbers it.
        self.shell.printed = len(self.workspace.feed_since(0))
        self.shell.say(self.words("you_posted", number=len(self.posted), text=text, channel=where))

    def _posted(self, rest: str, usage: str) -> Message | None:
        number = rest.strip().lstrip("<").rstrip(">")
        if not number.isdigit() or not 1 <= int(number) <= len(self.posted):
            self.shell.say(self.words("posted_usage", usage=usage))
            return None
        return self.posted[int(number) - 1]

    def react(self, rest: str) -> None:
        message = self._posted(rest, "react")
        if message is None:
            return
        emoji = self.settings.flashticket_ticket_emoji
        if not emoji:
            self.shell.say(self.words("reactions_off"))
            return
        event = self.workspace.reaction_added(self.shell.user, message, emoji)
        self.shell.bot.dispatch(json.dumps(self._envelope(event)), "application/json")
        self.shell.say(
            self.words("you_reacted", emoji=emoji, number=self.posted.index(message) + 1)
        )

    def shortcut(self, rest: str) -> None:
        message = self._posted(rest, "shortcut")
        if message is None:
            return
        payload = self.workspace.message_shortcut(self.shell.user, message, blocks.FROM_MESSAGE)
        answer = self.shell.bot.dispatch(urlencode({"payload": json.dumps(payload)}), FORM)
        self.screen.answer(answer, message.channel)
        self._fill_open_modal()

    def open_home(self) -> None:
        event = {"type": "app_home_opened", "user": self.shell.user, "tab": "home"}
        self.shell.home_asked = True
        self.shell.bot.dispatch(json.dumps(self._envelope(event)), "application/json")

    def _envelope(self, event: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "event_callback",
            "team_id": self.workspace.team.id,
            "event": event,
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
        }

    def _thread_root(self, ticket_id: int) -> Message | None:
        """The DM that started the ticket's thread for its reporter."""
        for message in self.workspace.messages_in(dm_channel(self.shell.user)):
            if message.thread_ts is None and f"*#{ticket_id}*" in message.text:
                return message
        return None

    def _fill_open_modal(self) -> None:
        """The modal the last step opened on the person's screen, filled in and submitted."""
        view = self.workspace.take_modal(self.shell.user)
        if view is None:
            return

        def submit(state: dict[str, dict[str, Any]]) -> dict[str, str]:
            payload = {
                "type": "view_submission",
                "user": {
                    "id": self.shell.user,
                    "username": self.workspace.name_of(self.shell.user),
                },
                "team": {"id": self.workspace.team.id},
                "view": dict(view, state={"values": state}),
            }
            return forms.errors_of(
                self.shell.bot.dispatch(urlencode({"payload": json.dumps(payload)}), FORM)
            )

        def choose(
            shown: dict[str, Any], block: dict[str, Any], state: dict[str, Any]
        ) -> dict[str, Any] | None:
            """A choice that acts at once: Slack's block_actions from the open view."""
            element = block["element"]
            chosen = state[block["block_id"]][element["action_id"]]
            action = {"block_id": block["block_id"], "action_id": element["action_id"]}
            payload = {
                "type": "block_actions",
                "user": {
                    "id": self.shell.user,
                    "username": self.workspace.name_of(self.shell.user),
                },
                "team": {"id": self.workspace.team.id},
                "container": {"type": "view", "view_id": shown["id"]},
                "view": dict(shown, state={"values": state}),
                "actions": [{**action, "type": element["type"], **chosen}],
            }
            self.shell.bot.dispatch(urlencode({"payload": json.dumps(payload)}), FORM)
            return self.workspace.take_modal(self.shell.user)

        forms.fill(
            view,
            self.shell.read,
            self.shell.say,
            submit,
            self._attach,
            words=self.words,
            choose=choose,
            people=self.workspace.user_id,
        )

    def _attach(self, path: str) -> dict[str, Any] | None:
        """A local file, put on the workspace's file host as if uploaded in Slack."""
        try:
            content = Path(path).expanduser().read_bytes()
        except OSError as error:
            self.shell.say(self.words("cannot_read", path=path, reason=error.strerror or error))
            return None
        name = Path(path).name
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return self.workspace.host_file(self.shell.user, name, content, mimetype)

    def _as_slack_sends(self, text: str) -> str:
        """What a person types, encoded as Slack sends it in a message or a slash command
        (with `should_escape`): `&`, `<` and `>` as entities, `@alice` as `<@UALICE|alice>`."""

        def mention(match: re.Match[str]) -> str:
            return f"<@{self.workspace.user_id(match.group(1))}|{match.group(1).lower()}>"

        return MENTION.sub(mention, mrkdwn.escape(text))
