"""Modals and App Homes: views.open and views.push with a trigger (valid for 3 s and
once), views.update and views.publish; what is on a person's screen."""

from __future__ import annotations

import time
import uuid
from typing import Any

from bot.console.refusals import SlackError, check_view, missing
from bot.console.workspace.objects import FeedItem, StoredView, Trigger
from bot.console.workspace.state import WorkspaceState, json_field


class ViewsApi(WorkspaceState):
    def issue_trigger_id(self, user: str | None = None) -> str:
        """A trigger as Slack puts in an interaction: usable once, for `trigger_ttl` s.
        A modal opened with it is on `user`'s screen."""
        trigger = f"{next(self._ts)}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}"
        with self._lock:
            self._triggers[trigger] = Trigger(self.clock(), user)
        return trigger

    def take_modal(self, user: str) -> dict[str, Any] | None:
        """The modal on a person's screen, which they now fill in."""
        with self._lock:
            return self._open_modals.pop(user, None)

    def _exchange_trigger(self, trigger: str) -> str | None:
        """Slack takes a trigger once, within 3 s of the interaction; whose screen it is."""
        if not trigger:
            raise missing("trigger_id")
        with self._lock:
            issued = self._triggers.get(trigger)
            if issued is None:
                raise SlackError("invalid_trigger_id")
            if issued.exchanged:
                raise SlackError("exchanged_trigger_id")
            if self.clock() - issued.issued > self.trigger_ttl:
                raise SlackError("expired_trigger_id")
            issued.exchanged = True
            return issued.user

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._exchange_trigger(str(args.get("trigger_id") or ""))
        return self._open_modal(args, user)

    def _api_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._exchange_trigger(str(args.get("trigger_id") or ""))
        return self._open_modal(args, user)

    def _api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = self._existing_view(args)
        with self._lock:
            stored = self._views[view_id]
            user = stored.user
            # Slack refuses an update made from an older state of the view.
            if args.get("hash") and args["hash"] != stored.hash:
                raise SlackError("hash_conflict")
        answer = self._store_view(args, view_id=view_id, user=user)
        with self._lock:
            # The modal changes on the person's screen (where the console fills it in).
            if user is not None and answer["view"].get("type") == "modal":
                self._open_modals[user] = answer["view"]
        return answer

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user_id") or "")
        if not user:
            raise missing("user_id")
        with self._lock:
            view_id = self._home_ids.get(user)
        answer = self._store_view(args, view_id=view_id, user=user)
        with self._lock:
            self._home_ids[user] = answer["view"]["id"]
            self._feed.append(FeedItem("home", "", user, view=answer["view"]))
        return answer

    def _open_modal(self, args: dict[str, Any], user: str | None) -> dict[str, Any]:
        answer = self._store_view(args, view_id=None, user=user)
        if user is not None:
            with self._lock:
                self._open_modals[user] = answer["view"]
                self._feed.append(FeedItem("modal", "", user, view=answer["view"]))
        return answer

    def _existing_view(self, args: dict[str, Any]) -> str:
        """views.update names the view by view_id or external_id; both must exist."""
        view_id, external_id = args.get("view_id"), args.get("external_id")
        with self._lock:
            if view_id:
                if view_id not in self._views:
                    raise SlackError("not_found")
                return str(view_id)
            for known, view in self._views.items():
                if external_id and view.external_id == external_id:
                    return known
        raise SlackError("not_found" if external_id else "invalid_arguments")

    def _store_view(
        self, args: dict[str, Any], *, view_id: str | None, user: str | None
    ) -> dict[str, Any]:
        view = json_field(args.get("view"))
        if not isinstance(view, dict):
            raise missing("view")
        check_view(view)
        view_id = view_id or f"V{uuid.uuid4().hex[:10].upper()}"
        state = f"{time.time():.6f}.{uuid.uuid4().hex[:8]}"
        with self._lock:
            self._views[view_id] = StoredView(user, view.get("external_id"), state)
        return {"ok": True, "view": {**view, "id": view_id, "hash": state}}
