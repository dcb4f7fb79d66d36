"""Every message exists in English and German, with the same placeholders."""

from __future__ import annotations

import pytest

from flashticket_core.domain.enums import Priority, Role, Status
from flashticket_core.errors import Conflict, InvalidTransition, NotAllowed, NotFound, Translatable
from flashticket_core.i18n import CATALOG, Language, placeholders, translate
from flashticket_core.service_layer.views import TicketSummary
from tests.unit.test_domain import NOW


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_key_in_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = CATALOG[key]
    assert set(texts) == set(Language)
    assert all(text.strip() for text in texts.values())
    assert placeholders(texts[Language.EN]) == placeholders(texts[Language.DE])


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_renders_in_both_languages(key: str, language: Language) -> None:
    params = {name: f"<{name}>" for name in placeholders(CATALOG[key][Language.EN])}
    text = translate(key, language, **params)
    assert all(value in text for value in params.values())
    assert "{" not in text.replace("{{", "")


def test_spec_labels_in_german() -> None:
    german = {s: translate(s.label_key, "de") for s in Status}
    assert german == {
        Status.NEW: "Neu",
        Status.IN_PROGRESS: "In Bearbeitung",
        Status.WAITING: "Wartet auf Rückmeldung",
        Status.RESOLVED: "Gelöst",
        Status.CLOSED: "Geschlossen",
    }
    assert translate(Role.USER.label_key, "de") == "Anwender"
    assert translate(Role.ADMIN.label_key, "de") == "Administrator"
    assert translate("entry.support_reply", "de") == "Support-Rückmeldung"
    assert {translate(p.label_key, "en") for p in Priority} == {"High", "Medium", "Low"}


def test_every_action_of_not_allowed_is_in_the_catalog() -> None:
    actions = [key.removeprefix("action.") for key in CATALOG if key.startswith("action.")]
    for action in actions:
        error = NotAllowed(action)
        assert error.message("en").startswith("You are not allowed to")
        assert error.message("de").startswith("Sie dürfen nicht")


def test_errors_render_their_parameters_in_the_language() -> None:
    error = InvalidTransition(
        ticket_id=3, old=Translatable("status.closed"), new=Translatable("status.waiting")
    )
    assert error.message("en") == "Ticket #3 cannot move from “Closed” to “Waiting for reply”."
    assert "„Geschlossen“" in error.message("de")
    assert str(NotFound(ticket_id=9)) == "Ticket #9 does not exist (or was deleted)."
    summary = TicketSummary(
        id=1,
        title="t",
        status=Status.NEW,
        priority=Priority.LOW,
        reporter_id="U1",
        assignee_id=None,
        created_at=NOW,
        updated_at=NOW,
        version=4,
    )
    conflict = Conflict(summary, ticket_id=1, status=Translatable("status.new"), version=4)
    assert "Neu, Version 4" in conflict.message("de")


def test_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        translate("no.such.key")
