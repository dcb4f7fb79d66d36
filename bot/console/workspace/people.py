"""Who is who: the people of the workspace, its bot (auth.test, users.info) and which
token may call what (the app-level one only opens Socket Mode connections)."""

from __future__ import annotations

from typing import Any

from bot.console.refusals import SlackError
from bot.console.workspace.objects import user_id_for
from bot.console.workspace.state import WorkspaceState


class PeopleApi(WorkspaceState):
    def user_id(self, name: str) -> str:
        """The ID of a person by name, who then exists in the workspace."""
        user_id = user_id_for(name)
        with self._lock:
            self._users.setdefault(user_id, name.lstrip("@").lower())
        return user_id

    def set_locale(self, user_id: str, locale: str) -> None:
        """The language a person uses Slack in (`de-DE`, `en-US`, …)."""
        with self._lock:
            self._locales[user_id] = locale

    def set_team(self, user_id: str, team_id: str) -> None:
        """A person of another organisation (Slack Connect): users.info names their team."""
        with self._lock:
            self._teams[user_id] = team_id

    def set_away(self, user_id: str, away: bool = True) -> None:
        """The person's presence: `away`, or `active` (users.getPresence)."""
        with self._lock:
            (self._away.add if away else self._away.discard)(user_id)

    def set_status(self, user_id: str, emoji: str = "", expiration: int = 0) -> None:
        """The person's status emoji (`:palm_tree:`; empty: none) until `expiration`
        (Unix seconds; 0: until they change it), as users.info's profile shows it."""
        with self._lock:
            self._statuses[user_id] = (emoji, expiration)

    def set_app(self, user_id: str) -> None:
        """The user is an app's bot user: users.info says `is_bot`."""
        with self._lock:
            self._apps.add(user_id)

    def deactivate(self, user_id: str) -> None:
        """The person's account is deactivated: users.info says `deleted`."""
        with self._lock:
            self._deactivated.add(user_id)

    def name_of(self, user_id: str) -> str:
        with self._lock:
            return self._users.get(user_id, user_id)

    def _authenticate(self, method: str, token: str | None) -> None:
        # Socket Mode connects with the app-level token, everything else with the bot's.
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token is None:
            raise SlackError("not_authed")
        if token != expected:
            raise SlackError("invalid_auth")

    def _api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": self.team.url,
            "team": self.team.name,
            "user": self.team.bot_name,
            "team_id": self.team.id,
            "user_id": self.team.bot_user,
            "bot_id": self.team.bot_id,
        }

    def _api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_mode_url}

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user") or "")
        if not user.startswith(("U", "W")):
            raise SlackError("user_not_found")
        with self._lock:
            known = self._users.get(user)
            locale = self._locales.get(user, self.default_locale)
            team_id = self._teams.get(user, self.team.id)
            emoji, expiration = self._statuses.get(user, ("", 0))
            is_bot, deleted = user in self._apps, user in self._deactivated
        name = known or user.lower()
        real_name = known or f"Person {user}"
        person: dict[str, Any] = {
            "id": user,
            "team_id": team_id,
            "name": name,
            "real_name": real_name,
            "tz": "Europe/Berlin",
            "is_bot": is_bot,
            "deleted": deleted,
            "profile": {
                "display_name": name,
                "real_name": real_name,
                "status_text": "",
                "status_emoji": emoji,
                "status_expiration": expiration,
            },
        }
        # Slack names the locale only when asked (`true` or `1`, as slack_sdk sends it).
        if str(args.get("include_locale", "")).lower() in ("1", "true"):
            person["locale"] = locale
        return {"ok": True, "user": person}

    def _api_users_getPresence(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user") or "")
        if not user.startswith(("U", "W")):
            raise SlackError("user_not_found")
        with self._lock:
            away = user in self._away
        # For another user Slack answers the presence alone (the rest is the caller's own).
        return {"ok": True, "presence": "away" if away else "active"}
