"""Expected failures: each carries a catalog key, so its message is safe to show a person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from flashticket_core.i18n import Language, translate

Current = TypeVar("Current")


class TicketError(Exception):
    """An expected failure whose message may be shown to the person who caused it."""

    key: str = ""

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.message(Language.EN))

    def message(
        self,
        language: Language | str = Language.EN,
        *,
        quote: Callable[[str], str] | None = None,
        person: Callable[[str], str] | None = None,
    ) -> str:
        """The message in `language`, in plain text unless the adapter says otherwise.

        `quote` is applied to every text a person gave (a value they typed), so an adapter
        can make it inert in its own markup; `person` shows a `PersonRef` parameter from its
        user ID (a mention in Slack), which is otherwise shown as the ID itself.
        """
        params = {
            name: _rendered(value, language, quote=quote, person=person)
            for name, value in self.params.items()
        }
        return translate(self.key, language, **params)


def _rendered(
    value: Any,
    language: Language | str,
    *,
    quote: Callable[[str], str] | None,
    person: Callable[[str], str] | None,
) -> Any:
    if isinstance(value, Translatable):
        return translate(value.key, language)
    if isinstance(value, PersonRef):
        return person(value.user_id) if person is not None else value.user_id
    if quote is not None and isinstance(value, str):
        return quote(value)
    return value


class Translatable:
    """A parameter that is itself a catalog entry (a status label, an action name)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"Translatable({self.key!r})"


class PersonRef:
    """A parameter that names a person by their user ID, for the adapter to show its own
    way: the core's messages carry no adapter's markup."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"PersonRef({self.user_id!r})"


class NotFound(TicketError):
    key = "error.ticket_not_found"


class NotAllowed(TicketError):
    key = "error.not_allowed"

    def __init__(self, action: str, key: str | None = None, **params: Any) -> None:
        if key is None:
            super().__init__(action=Translatable(f"action.{action}"))
        else:
            super().__init__(key, **params)
        self.action = action


class InvalidTransition(TicketError):
    key = "error.invalid_transition"


class InvalidInput(TicketError):
    """Bad input. `field` names the form field it belongs to, if any."""

    def __init__(self, key: str, field: str | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.field = field


class InvalidFields(InvalidInput):
    """Several fields of one form are wrong at once: each error names its field (a
    request type's field id), so a form can show every one under its input."""

    def __init__(self, errors: list[InvalidInput]) -> None:
        first = errors[0]
        super().__init__(first.key, first.field, **first.params)
        self.errors = tuple(errors)


class Conflict(TicketError, Generic[Current]):
    """The ticket changed since the actor saw it; nothing was written.

    `current` is the ticket as it is now, so the person can be shown it. Its type is the
    raiser's read model (the service layer's `TicketSummary`), which this module need
    not know.
    """

    key = "error.conflict"

    def __init__(self, current: Current, key: str | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.current = current


class HeldBySomeoneElse(TicketError, Generic[Current]):
    """Someone else holds the ticket the actor asked to take: they are asked first
    whether to take it over from `holder`; nothing was written."""

    key = "error.held_by_someone_else"

    def __init__(self, current: Current, *, ticket_id: int, holder: str) -> None:
        super().__init__(ticket_id=ticket_id, holder=PersonRef(holder))
        self.current = current
        self.ticket_id = ticket_id
        self.holder = holder


class AlreadyDecided(TicketError):
    """Another approver decided on the ticket first (the first decision counts): the
    actor is told who, and how; nothing was written."""

    key = "error.approval_decided"

    def __init__(self, *, ticket_id: int, decided_by: str, approved: bool) -> None:
        decision = Translatable("approval.approved" if approved else "approval.rejected")
        super().__init__(ticket_id=ticket_id, person=PersonRef(decided_by), decision=decision)
        self.ticket_id = ticket_id
        self.decided_by = decided_by
        self.approved = approved


class IntakeLimited(NotAllowed):
    """The person opened as many tickets from other people's messages as the per-person
    rate allows for now (a chat adapter that would tell them at every try asks
    `Intake.first_notice_of_limit` first)."""

    def __init__(self, *, limit: int, minutes: int) -> None:
        super().__init__(
            "open_for_authors_unlimited", "error.intake_limit", limit=limit, minutes=minutes
        )
