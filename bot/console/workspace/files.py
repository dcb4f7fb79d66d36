"""Shared files: the upload URLs files.getUploadURLExternal hands out, the bytes posted
to them, and files.completeUploadExternal, which shares them (into a folder, when the
workspace has one)."""

from __future__ import annotations

import itertools
import re
import uuid
from pathlib import Path
from typing import Any

from bot.console.refusals import SlackError, missing
from bot.console.workspace.objects import SharedFile, Upload
from bot.console.workspace.state import WorkspaceState, json_field

SAFE_FILE_NAME = re.compile(r"[^\w.\- ]")


class FilesApi(WorkspaceState):
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
        for file, content in shared:
            self._save(file, content)
        if channel:
            comment = {"text": args.get("initial_comment"), "thread_ts": args.get("thread_ts")}
            message = self._bot_message(channel, comment)
            message.files = [file for file, _ in shared]
            self._post(message)
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
