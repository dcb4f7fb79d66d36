"""Fetching a file from Slack's file host with the bot token, and sharing it again.

Only Slack's own file hosts are ever asked (`files.slack.com` and its education and
origin hosts; `files.slack-gov.com` when `SLACK_API_URL` is GovSlack's; the host of the
Web API when `SLACK_API_URL` points elsewhere); a URL on any other host is refused
before a byte moves. A redirect (Enterprise Grid's file host sends one) is followed at
most MAX_REDIRECTS times and only to one of those hosts, so the bot token never leaves
Slack. A download has a total deadline, not only one per read. Slack answers a request
it does not accept with an HTML sign-in page and status 200: such a page is never
shared as the file.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

FILE_SIZE_MAX = 20 * 1024 * 1024
SLACK_FILE_HOST = "files.slack.com"
# Slack's file hosts for the commercial cloud, and for GovSlack (API at slack-gov.com).
SLACK_FILE_HOSTS = frozenset({SLACK_FILE_HOST, "files-edu.slack.com", "files-origin.slack.com"})
GOV_API_HOST = "slack-gov.com"
GOV_FILE_HOST = "files.slack-gov.com"
CHUNK = 64 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 30  # each read
DOWNLOAD_DEADLINE_SECONDS = 60  # the whole download
MAX_REDIRECTS = 3


class NotRelayed(Exception):
    """Why a file cannot be shared: `reason` is one of the note keys in bot/words/reporter.py."""

    def __init__(self, reason: str, *, size: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size = size


@dataclass(frozen=True)
class Fetched:
    name: str
    mimetype: str
    content: bytes


class _SlackRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to one of Slack's file hosts, a few times at most; any
    other Location is refused before the token is sent there."""

    max_redirections = MAX_REDIRECTS
    max_repeats = MAX_REDIRECTS

    def __init__(self, hosts: frozenset[str]) -> None:
        super().__init__()
        self._hosts = hosts

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if not _allowed(newurl, self._hosts):
            raise NotRelayed("foreign_host")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def file_hosts(client: WebClient) -> frozenset[str]:
    """The hosts a file may be fetched from with this client's token."""
    api_host = urlsplit(client.base_url).hostname or ""
    if api_host in ("slack.com", ""):
        return SLACK_FILE_HOSTS
    if api_host == GOV_API_HOST:
        return frozenset({GOV_FILE_HOST})
    return SLACK_FILE_HOSTS | {api_host}


def _allowed(url: str, hosts: frozenset[str]) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or parts.hostname not in hosts:
        return False
    # Plain HTTP only for a Web API that is itself plain HTTP (a local stand-in).
    return parts.scheme == "https" or parts.hostname not in (SLACK_FILE_HOSTS | {GOV_FILE_HOST})


def looks_like_html(content: bytes) -> bool:
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def fetch(client: WebClient, file_id: str) -> Fetched:
    """The file's bytes, looked up by ID (`files.info`), never from a payload's URL."""
    info = client.files_info(file=file_id)
    file: Any = info.get("file")
    if not isinstance(file, dict):
        raise NotRelayed("unreadable")
    name = str(file.get("name") or file.get("title") or file_id)
    mimetype = str(file.get("mimetype") or "")
    size = file.get("size")
    if isinstance(size, int) and size > FILE_SIZE_MAX:
        raise NotRelayed("too_big", size=size)
    url = file.get("url_private_download") or file.get("url_private")
    if not isinstance(url, str):
        raise NotRelayed("unreadable")
    content = download(client, url, expect_html="html" in mimetype)
    return Fetched(name=name, mimetype=mimetype, content=content)


def download(
    client: WebClient,
    url: str,
    *,
    expect_html: bool = False,
    deadline_seconds: float = DOWNLOAD_DEADLINE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    hosts = file_hosts(client)
    if not _allowed(url, hosts):
        raise NotRelayed("foreign_host")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    opener = urllib.request.build_opener(_SlackRedirects(hosts))
    deadline = clock() + deadline_seconds
    try:
        with opener.open(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            content_type = str(response.headers.get("Content-Type") or "")
            chunks, total = [], 0
            while chunk := response.read(CHUNK):
                total += len(chunk)
                if total > FILE_SIZE_MAX:
                    raise NotRelayed("too_big", size=total)
                if clock() > deadline:
                    # Tried again later, with back-off; meanwhile the rest goes out.
                    raise TimeoutError(f"download took longer than {deadline_seconds:.0f}s")
                chunks.append(chunk)
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400 or error.code in (401, 403, 404):
            raise NotRelayed("unreadable") from None
        raise
    content = b"".join(chunks)
    if not expect_html and (content_type.startswith("text/html") or looks_like_html(content)):
        raise NotRelayed("sign_in_page")
    return content


def upload(client: WebClient, fetched: Fetched) -> str:
    """Put the bytes on Slack's file host, not yet shared anywhere (the first two steps
    of files_upload_v2); returns the new file's ID."""
    answer = client.files_getUploadURLExternal(filename=fetched.name, length=len(fetched.content))
    file_id, url = str(answer["file_id"]), str(answer["upload_url"])
    result = client._upload_file(
        url=url,
        data=fetched.content,
        logger=client.logger,
        timeout=client.timeout,
        proxy=client.proxy,
        ssl=client.ssl,
    )
    if result.status != 200:
        raise SlackRequestError(f"file upload answered HTTP {result.status}")
    return file_id


def share(
    client: WebClient, file_id: str, *, title: str, channel: str, thread_ts: str | None
) -> None:
    """Share an uploaded file into a thread (files_upload_v2's last step)."""
    client.files_completeUploadExternal(
        files=[{"id": file_id, "title": title}], channel_id=channel, thread_ts=thread_ts
    )


def is_shared(client: WebClient, file_id: str) -> bool:
    """Whether a file the bot uploaded is shared anywhere already (`files.info` lists
    its shares; a file never shared has none, or is not found at all)."""
    try:
        file: Any = client.files_info(file=file_id).get("file")
    except SlackApiError as error:
        if error.response.get("error") in ("file_not_found", "file_deleted"):
            return False
        raise
    if not isinstance(file, dict):
        return False
    shares = file.get("shares")
    shared = isinstance(shares, dict) and any(shares.get(side) for side in ("public", "private"))
    return shared or any(file.get(where) for where in ("channels", "groups", "ims"))
