"""A team's saved replies: those of the desk file (config) and those its support saved
in chat (the database); listed, added and removed by the team's support and the
administrators, and offered in the reply form of the team's tickets. A private team's
replies are named to its members and the administrators alone."""

from __future__ import annotations

from dataclasses import dataclass

from flashticket_core.desk_file import Team
from flashticket_core.domain.model import (
    REPLIES_PER_TEAM_MAX,
    REPLY_TEXT_MAX,
    REPLY_TITLE_MAX,
    SavedReply,
)
from flashticket_core.domain.model.values import checked_length
from flashticket_core.domain.permissions import Action, Actor, authorize, authorize_team
from flashticket_core.errors import InvalidInput, NotFound
from flashticket_core.service_layer import views
from flashticket_core.service_layer.common import Area
from flashticket_core.service_layer.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class SavedReplyView:
    """A saved reply as offered: `key` names it (the desk file's id, or the number of
    one saved in chat: a desk-file id has a letter, so the two never meet)."""

    key: str
    team_id: str
    title: str
    text: str
    in_desk_file: bool

    @classmethod
    def of(cls, reply: SavedReply) -> SavedReplyView:
        return cls(str(reply.id), reply.team_id, reply.title, reply.text, in_desk_file=False)


class SavedReplies(Area):
    def add(self, actor_id: str, team_id: str, title: str, text: str) -> SavedReplyView:
        """`/ticket-admin replies add <team> <title> | <text>`."""
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.SAVED_REPLIES)
            team = self._known_team(actor, team_id)
            authorize_team(actor, Action.SAVED_REPLIES, team.id)
            return self._store(uow, actor_id, team, title, text)

    def save_from_ticket(
        self, actor_id: str, ticket_id: int, title: str, text: str
    ) -> SavedReplyView:
        """ "Save as reply" after a support reply: for the ticket's team."""
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.SAVED_REPLIES)
            ticket = self._ticket(uow, ticket_id)
            authorize(actor, Action.SAVED_REPLIES, ticket)
            team = self.env.structure.team(ticket.team_id)
            if team is None:
                # A team the desk file no longer has: nothing to offer its replies in.
                raise self._unknown_team(actor, ticket.team_id)
            return self._store(uow, actor_id, team, title, text)

    def listing(self, actor_id: str, team_id: str | None = None) -> list[SavedReplyView]:
        """`/ticket-admin replies list [team]`: the team's replies, or those of every
        team whose replies the actor may manage."""
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.SAVED_REPLIES)
            if team_id is not None:
                team = self._known_team(actor, team_id)
                authorize_team(actor, Action.SAVED_REPLIES, team.id)
                teams = [team]
            else:
                teams = [
                    team
                    for team in self.env.structure.teams
                    if actor.knows_team(team.id)
                    and actor.may_in_team(Action.SAVED_REPLIES, team.id)
                ]
            return [reply for team in teams for reply in self._of_team(uow, team)]

    def remove(self, actor_id: str, key: str) -> SavedReplyView:
        """`/ticket-admin replies remove <id>`: one saved in chat. One the actor may not
        see is not found, as one that does not exist."""
        key = key.strip()
        with self.env.units() as uow:
            actor = self._actor(uow, actor_id)
            authorize(actor, Action.SAVED_REPLIES)
            if not key.isdecimal() or len(key) > 18:
                in_file = self._desk_reply(key)
                if in_file is not None and self._may_see(actor, in_file.team_id):
                    raise InvalidInput("error.saved_reply_in_desk_file", value=key)
                raise NotFound("error.saved_reply_not_found", value=key[:40])
            stored = uow.replies.get(int(key))
            if stored is None or not self._may_see(actor, stored.team_id):
                raise NotFound("error.saved_reply_not_found", value=key[:40])
            authorize_team(actor, Action.SAVED_REPLIES, stored.team_id)
            removed = SavedReplyView.of(stored)
            uow.replies.remove(stored)
            uow.commit()
            return removed

    def for_ticket(
        self, actor_id: str, ticket_id: int
    ) -> tuple[views.TicketSummary, list[SavedReplyView]]:
        """The ticket (for its placeholders) and its team's replies, for the reply form
        of someone who may reply on it."""
        ticket = self._allowed_ticket(actor_id, ticket_id, Action.SUPPORT_REPLY)
        team = self.env.structure.team(ticket.team_id)
        if team is None:
            return ticket, []
        with self.env.units() as uow:
            return ticket, self._of_team(uow, team)

    def reply_text(self, actor_id: str, ticket_id: int, entry_id: int) -> str:
        """The text of a support reply on the ticket, to save it (a form shows it)."""
        self._allowed_ticket(actor_id, ticket_id, Action.SAVED_REPLIES)
        with self.env.reads() as reads:
            detail = reads.ticket_detail(ticket_id, include_internal=False)
        for entry in detail.conversation:
            if entry.id == entry_id and not entry.withdrawn:
                return entry.text
        raise NotFound(ticket_id=ticket_id)

    # -- helpers -------------------------------------------------------------------

    def _store(
        self, uow: AbstractUnitOfWork, actor_id: str, team: Team, title: str, text: str
    ) -> SavedReplyView:
        title, text = _checked_title(title), _checked_text(text)
        existing = self._of_team(uow, team)
        if any(reply.title.casefold() == title.casefold() for reply in existing):
            raise InvalidInput("error.saved_reply_title_taken", field="title", title=title)
        if len(existing) >= REPLIES_PER_TEAM_MAX:
            raise InvalidInput("error.saved_replies_full", limit=REPLIES_PER_TEAM_MAX)
        reply = SavedReply(
            team_id=team.id, title=title, text=text, created_by=actor_id, created_at=self._now()
        )
        uow.replies.add(reply)
        uow.flush()
        stored = SavedReplyView.of(reply)
        uow.commit()
        return stored

    def _of_team(self, uow: AbstractUnitOfWork, team: Team) -> list[SavedReplyView]:
        """The desk file's replies first, in its order, then those saved in chat."""
        in_file = [
            SavedReplyView(reply.id, team.id, reply.title, reply.text, in_desk_file=True)
            for reply in team.saved_replies
        ]
        return in_file + [SavedReplyView.of(reply) for reply in uow.replies.of_teams([team.id])]

    def _desk_reply(self, key: str) -> SavedReplyView | None:
        for team in self.env.structure.teams:
            for reply in team.saved_replies:
                if reply.id == key:
                    return SavedReplyView(reply.id, team.id, reply.title, reply.text, True)
        return None

    def _may_see(self, actor: Actor, team_id: str) -> bool:
        return actor.knows_team(team_id) and actor.may_in_team(Action.SAVED_REPLIES, team_id)

    def _known_team(self, actor: Actor, team_id: str) -> Team:
        """The team named, if the actor may know of it; else as a team that does not exist."""
        wanted = team_id.strip().lower()
        team = self.env.structure.team(wanted)
        if team is None or not actor.knows_team(team.id):
            raise self._unknown_team(actor, wanted)
        return team

    def _unknown_team(self, actor: Actor, team_id: str) -> InvalidInput:
        return InvalidInput(
            "error.unknown_team",
            field="team",
            value=team_id[:40],
            allowed=", ".join(self.env.teams_known_to(actor)),
        )


def _checked_title(title: str) -> str:
    return checked_length(
        " ".join(title.split()),
        field="title",
        limit=REPLY_TITLE_MAX,
        too_long="error.saved_reply_title_too_long",
        empty="error.saved_reply_title_missing",
    )


def _checked_text(text: str) -> str:
    return checked_length(
        text.strip(),
        field="text",
        limit=REPLY_TEXT_MAX,
        too_long="error.saved_reply_text_too_long",
        empty="error.saved_reply_text_missing",
    )
