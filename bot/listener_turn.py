"""One request from Slack, and how the bot answers the person behind it.

Every listener runs inside `Turn.run`, the one place where failures become words:
expected failures from the core become a modal field error or an ephemeral message;
anything unexpected becomes a short apology with an error id that is also in the log.
"""

from __future__ import annotations

import http.client
import logging
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot import mrkdwn, times
from bot.incoming import BadPayload, EventCallback, Incoming
from bot.incoming.objects import Event
from bot.locales import Locales
from bot.words import translate
from flashticket_core.domain.enums import Role
from flashticket_core.domain.permissions import Action, Actor
from flashticket_core.errors import InvalidInput, TicketError
from flashticket_core.i18n import Language
from flashticket_core.service_layer.desk import HelpDesk

log = logging.getLogger("flashticket.bot")

# Where Slack's response_urls point; the Web API's own host (an emulator, a test) as well.
RESPONSE_URL_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})

P = TypeVar("P", bound=Incoming | Event)


class Kind(StrEnum):
    COMMAND = "command"
    ACTION = "action"
    VIEW = "view"
    EVENT = "event"


class Turn:
    def __init__(
        self,
        kind: Kind,
        *,
        ack: Ack,
        context: BoltContext,
        respond: Respond | None,
        client: WebClient,
    ) -> None:
        self.kind = kind
        self.context = context
        self.client = client
        self._ack = ack
        self._respond = respond
        self._acked = False
        # The modal field that a non-field error is shown on.
        self.error_block: str | None = None

    # -- what the middleware put in the context ---------------------------

    def expect(self, kind: type[P]) -> P:
        """The payload as its model (validated once, at the edge), of the kind this
        listener handles; for a kind of event, the event the payload carries."""
        payload = self._payload()
        found = (
            payload.event
            if isinstance(payload, EventCallback) and kind is not EventCallback
            else payload
        )
        if not isinstance(found, kind):
            raise BadPayload(f"{type(found).__name__} where {kind.__name__} was expected")
        return found

    def _payload(self) -> Incoming:
        payload: Incoming | None = self.context.get("payload")
        if payload is None:
            raise BadPayload(self.context.get("payload_problem") or "no payload")
        return payload

    @property
    def desk(self) -> HelpDesk:
        desk: HelpDesk = self.context["desk"]
        return desk

    @property
    def lang(self) -> Language:
        """The actor's language (their Slack locale), for everything said to them;
        looked up on first use."""
        if "actor_lang" not in self.context:
            locales: Locales = self.context["locales"]
            user = self.context.user_id
            self.context["actor_lang"] = locales.language_of(user) if user else self.desk_lang
        lang: Language = self.context["actor_lang"]
        return lang

    @property
    def desk_lang(self) -> Language:
        """The help desk's language (`FLASHTICKET_LANGUAGE`): channels, stored texts."""
        lang: Language = self.context["lang"]
        return lang

    @property
    def actor(self) -> str:
        user_id = self.context.user_id
        if not user_id:
            raise BadPayload("request without a user")
        return user_id

    @property
    def role(self) -> Role:
        """The actor's role, looked up on first use (most requests never need it)."""
        if "role" not in self.context:
            self.context["role"] = self.desk.roles.role_of(self.actor)
        role: Role = self.context["role"]
        return role

    def may(self, action: Action) -> bool:
        """Whether the permission table lets the actor do `action` at all (to choose what
        to offer; the core checks again for every operation)."""
        return Actor(self.actor, self.role).may(action)

    def is_kept_out(self) -> bool:
        """The actor is of another organisation (Slack Connect) and
        FLASHTICKET_EXTERNAL_REPORTERS does not let such people open tickets."""
        if self.context.get("external_reporters", True):
            return False
        team = self._payload().team_of_actor() or self._team_of_reactor()
        if team is None:
            return False
        workspace_team: Callable[[], str | None] = self.context["workspace_team"]
        ours = workspace_team()
        if ours is None or team == ours:
            return False
        log.info("%s of team %s may not open tickets here", self.context.user_id, team)
        return True

    def _team_of_reactor(self) -> str | None:
        """A reaction names no team (Slack's reaction_added carries the user alone): the
        reactor's profile (`users.info`) does. None if Slack does not tell."""
        payload, user = self._payload(), self.context.user_id
        if not isinstance(payload, EventCallback) or payload.event.type != "reaction_added":
            return None
        if not user:
            return None
        try:
            person = self.client.users_info(user=user).get("user")
        except SlackApiError as error:
            log.info("no team for %s: %s", user, error.response.get("error"))
            return None
        team = person.get("team_id") if isinstance(person, dict) else None
        return team if isinstance(team, str) and team else None

    def refused_as_external(self, *, once_per: str | None = None) -> bool:
        """Tell a person kept out (`is_kept_out`) politely that the help desk is internal;
        nothing is made. `once_per`: an event's key, so a redelivery tells them nothing
        more. True if refused."""
        if not self.is_kept_out():
            return False
        if once_per is None or self.desk.conversation.first_time(f"kept_out:{once_per}"):
            self.say(self.t("bot.external.internal_only"))
        return True

    def t(self, key: str, **params: Any) -> str:
        return translate(key, self.lang, **params)

    # -- answering -----------------------------------------------------------

    def ack(self, **kwargs: Any) -> None:
        if not self._acked:
            self._acked = True
            self._ack(**kwargs)

    def say(
        self, text: str, blocks: list[dict[str, Any]] | None = None, *, replace: bool = False
    ) -> None:
        """An answer only the actor sees; `replace`: in place of the (ephemeral) message
        whose button they clicked, where its response_url allows."""
        if blocks:
            text = times.plain_times(text)  # the notification: Slack shows no date markup there
        if self.kind is Kind.COMMAND and not self._acked:
            self.ack(text=text, blocks=blocks, response_type="ephemeral")
            return
        if self.kind is Kind.VIEW and not self._acked:
            # `text` is mrkdwn; a modal's field error is plain text.
            plain = mrkdwn.decode_incoming(text)[:150]
            self.ack(response_action="errors", errors={self.error_block or "text": plain})
            return
        self.ack()
        if self._respond_ephemerally(text, blocks, replace=replace):
            return
        channel = self._channel()
        user = self.context.user_id
        try:
            if channel and user:
                self.client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
            elif user:
                self.client.chat_postMessage(channel=user, text=text, blocks=blocks)
        except SlackApiError as error:
            log.warning(
                "could not tell %s: %s",
                user,
                error.response.get("error"),
                extra={"slack_error": error.response.get("error")},
            )

    def _respond_ephemerally(
        self, text: str, blocks: list[dict[str, Any]] | None, *, replace: bool = False
    ) -> bool:
        """Answer through the request's response_url; False if there is none to use."""
        payload = self.context.get("payload")
        url = payload.response_url if payload is not None else None
        if self._respond is None or not url or not self._may_post_to(url):
            if url:
                log.warning("not posting to a response_url outside Slack: %.80r", url)
            return False
        try:
            answer = self._respond(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=replace
            )
        except (OSError, ValueError, http.client.HTTPException, SlackClientError) as error:
            log.warning("response_url unusable (%s); answering in the channel", error)
            return False
        if answer.status_code != 200:
            log.warning("response_url answered %s; answering in the channel", answer.status_code)
            return False
        return True

    def _channel(self) -> str | None:
        """Where the request came from: a command's channel, a click's."""
        payload: Incoming | None = self.context.get("payload")
        return None if payload is None else payload.origin_channel()

    def _may_post_to(self, url: str) -> bool:
        """Slack's own hooks over HTTPS, or the host the Web API client talks to."""
        if len(url) > 2048:
            return False
        if not (url.isascii() and url.isprintable()) or " " in url:
            return False
        try:
            parts, api = urlsplit(url), urlsplit(self.client.base_url)
            port = parts.port
        except ValueError:  # a port that is no number, a broken IPv6 address
            return False
        if parts.scheme == "https" and port is None and parts.hostname in RESPONSE_URL_HOSTS:
            return True
        return bool(parts.hostname) and (parts.scheme, parts.netloc) == (api.scheme, api.netloc)

    def open_modal(self, view: dict[str, Any]) -> bool:
        """Open a modal with the request's trigger; tell the actor if Slack refuses it."""
        try:
            self.client.views_open(trigger_id=self._payload().trigger_id, view=view)
        except SlackApiError as error:
            # A trigger is good for 3 s and once: a slow or repeated click is no bug.
            code = str(error.response.get("error"))
            log.warning("views.open failed: %s", code, extra={"slack_error": code})
            self.say(self.t("bot.oops", error_id=code))
            return False
        return True

    def refuse(self, error: TicketError) -> None:
        if self.kind is Kind.VIEW and not self._acked:
            # A modal's field error is plain text: the person's words go in as typed, and
            # a person named in it as their user id (a mention would show as `<@U…>`).
            block = (
                error.field if isinstance(error, InvalidInput) and error.field else self.error_block
            )
            self.ack(response_action="errors", errors={block or "text": error.message(self.lang)})
            return
        self.say(error.message(self.lang, quote=self._quote, person=mrkdwn.mention))

    def _quote(self, typed: str) -> str:
        """A word of the person's, quoted back in mrkdwn: decoded from Slack's encoding
        (a slash command's text arrives encoded), then escaped once."""
        return mrkdwn.escape(mrkdwn.decode_incoming(typed) if self.kind is Kind.COMMAND else typed)

    def run(self, handler: Callable[[Turn], None]) -> None:
        try:
            handler(self)
        except TicketError as error:
            self.refuse(error)
        except BadPayload as error:
            log.warning("unusable %s payload from %s: %s", self.kind, self.context.user_id, error)
            self.say(self.t("bot.stale_payload"))
        except Exception:
            error_id = uuid.uuid4().hex[:10]
            log.exception("error %s while handling a %s", error_id, self.kind)
            try:
                self.say(self.t("bot.oops", error_id=error_id))
            except Exception:
                log.exception("error %s: could not even apologise", error_id)
        finally:
            self.ack()


Handler = Callable[[Turn], None]


def listener(kind: Kind) -> Callable[[Handler], Callable[..., None]]:
    """Adapt `handler(turn)` to Bolt's keyword injection, wrapped in `Turn.run`."""

    def decorate(handler: Handler) -> Callable[..., None]:
        def bolt_listener(
            ack: Ack, context: BoltContext, respond: Respond, client: WebClient
        ) -> None:
            Turn(kind, ack=ack, context=context, respond=respond, client=client).run(handler)

        bolt_listener.__name__ = handler.__name__
        bolt_listener.__qualname__ = handler.__qualname__
        return bolt_listener

    return decorate
