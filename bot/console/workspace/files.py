"""Shared files: the upload URLs files.getUploadURLExternal hands out, the bytes posted
to them, and files.completeUploadExternal, which shares them (into a folder, when the
workspace has one); files.info, and the file host behind `url_private`, which serves a
file to the bot token and a sign-in page (HTML, status 200) to anyone else, as Slack
does."""

from __future__ import annotations

import itertools
import mimetypes
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.console.refusals import SlackError, missing
from bot.console.workspace.objects import HostedFile, SharedFile, Upload
from bot.console.workspace.state import WorkspaceState, json_field

SAFE_FILE_NAME = re.compile(r"[^\w.\- ]")


SIGN_IN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Slack</title></head>"
    b"<body>Sign in to your workspace</body></html>"
)


class FilesApi(WorkspaceState):
    def host_file(
        self, user: str, name: str, content: bytes, mimetype: str = "application/octet-stream"
    ) -> dict[str, Any]:
        """A person uploads a file: it is on the file host, and this is the file object
        a `message` event's `files` carries."""
        file_id = f"F{uuid.uuid4().hex[:10].upper()}"
        with self._lock:
            self._hosted[file_id] = HostedFile(file_id, name, mimetype, content, user)
        return self.file_object(file_id)

    def file_object(self, file_id: str) -> dict[str, Any]:
        with self._lock:
            file = self._hosted[file_id]
        url = f"{self._origin()}/files-pri/{self.team.id}-{file.id}/{quote(file.name)}"
        return {
            "id": file.id,
            "created": file.created,
            "timestamp": file.created,
            "name": file.name,
            "title": file.name,
            "mimetype": file.mimetype,
            "filetype": Path(file.name).suffix.lstrip(".") or "binary",
            "user": file.user,
            "size": len(file.content),
            "mode": "hosted",
            "is_external": False,
            "url_private": url,
            "url_private_download": f"{url.rsplit('/', 1)[0]}/download/{quote(file.name)}",
            "permalink": f"{self.team.url}files/{file.user}/{file.id}/{quote(file.name)}",
            **({"shares": self._shares_of(file)} if file.shares else {}),
        }

    def connect_file_object(self, file_id: str) -> dict[str, Any]:
        """The same file as a message of another organisation (Slack Connect) carries it:
        no user, no URL; files.info tells the rest."""
        return {
            "id": file_id,
            "mode": "file_access",
            "file_access": "check_file_info",
            "created": 0,
            "timestamp": 0,
            "user": "",
        }

    @staticmethod
    def _shares_of(file: HostedFile) -> dict[str, Any]:
        """files.info's `shares`: per channel, the messages the file was shared in,
        under "public" for a public channel and "private" for the rest."""
        shares: dict[str, Any] = {}
        for channel, messages in file.shares.items():
            side = "public" if channel.startswith("C") else "private"
            shares.setdefault(side, {})[channel] = [dict(m) for m in messages]
        return shares

    def download(self, path: str, authorization: str) -> tuple[str, bytes]:
        """What the file host answers a GET of `path`: the file's type and bytes for the
        bot token, Slack's sign-in page for anything else (still status 200)."""
        file_id = path.split("/")[2].split("-", 1)[-1] if path.count("/") >= 3 else ""
        with self._lock:
            file = self._hosted.get(file_id)
        if file is None or authorization != f"Bearer {self.bot_token}":
            return "text/html; charset=utf-8", SIGN_IN_PAGE
        return file.mimetype, file.content

    def _api_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = str(args.get("file") or "")
        if not file_id:
            raise missing("file")
        with self._lock:
            known = file_id in self._hosted
        if not known:
            raise SlackError("file_not_found")
        return {"ok": True, "file": self.file_object(file_id)}

    def store_upload(self, file_id: str, raw: bytes) -> bool:
        """Keep the bytes posted to an upload URL; False if no such URL was handed out."""
        with self._lock:
            upload = self._uploads.get(file_id)
            if upload is None:
                return False
            upload.content = raw
            return True

    def uploaded_bytes(self, file_id: str) -> bytes | None:
        """The bytes a client posted to a file's upload URL, if any."""
        with self._lock:
            upload = self._uploads.get(file_id)
            return upload.content if upload else None

    def _api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = str(args.get("filename") or "")
        if not filename:
            raise missing("filename")
        try:
            length = int(args["length"])
        except (KeyError, TypeError, ValueError):
            raise missing("length") from None
        file_id = f"F{uuid.uuid4().hex[:10].upper()}"
        with self._lock:
            self._uploads[file_id] = Upload(filename, length)
        return {"ok": True, "upload_url": f"{self._origin()}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        entries = json_field(args.get("files"))
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments")
        channel = str(args.get("channel_id") or str(args.get("channels") or "").split(",")[0])
        if channel:
            channel = self._postable(channel)
        shared: list[tuple[SharedFile, bytes]] = []
        with self._lock:
            for entry in entries:
                file_id = str(entry.get("id") or "") if isinstance(entry, dict) else ""
                upload = self._uploads.get(file_id)
                if upload is None or upload.content is None:
                    raise SlackError("file_not_found")
                title = str(entry.get("title") or upload.filename)
                file = SharedFile(file_id, upload.filename, title)
                shared.append((file, upload.content))
                guessed = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
                self._hosted[file_id] = HostedFile(
                    file_id, upload.filename, guessed, upload.content, self.team.bot_user
                )
        for file, content in shared:
            self._save(file, content)
        if channel:
            comment = {"text": args.get("initial_comment"), "thread_ts": args.get("thread_ts")}
            message = self._bot_message(channel, comment)
            message.files = [file for file, _ in shared]
            self._post(message)
            share = {"ts": message.ts}
            if args.get("thread_ts"):
                share["thread_ts"] = str(args["thread_ts"])
            with self._lock:
                for file, _ in shared:
                    self._hosted[file.id].shares.setdefault(channel, []).append(share)
        return {"ok": True, "files": [{"id": f.id, "title": f.title} for f, _ in shared]}

    def _save(self, file: SharedFile, content: bytes) -> None:
        """Write a shared file into the folder, under its own name; never over another."""
        if self.files_dir is None:
            return
        name = Path(file.name).name.strip()
        name = SAFE_FILE_NAME.sub("_", name) if name and not name.startswith(".") else file.id
        stem, suffix = Path(name).stem, Path(name).suffix
        try:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            for number in itertools.count(1):
                target = self.files_dir / (name if number == 1 else f"{stem}-{number}{suffix}")
                try:
                    with target.open("xb") as out:
                        out.write(content)
                except FileExistsError:
                    continue
                file.saved_to = target
                return
        except OSError as error:
            file.not_saved = error.strerror or str(error)
