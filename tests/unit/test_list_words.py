"""The words of `/ticket list`, English and German: filters by the labels people see,
paging, and what is wrong with a word the list does not take."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.list_words import (
    ListRequest,
    Unaccepted,
    accepted_values,
    read_list_words,
)
from flashticket_core.domain.enums import Priority, Status
from flashticket_core.i18n import Language
from flashticket_core.service_layer.search_terms import FieldFilter

TEAMS = ("it", "hr", "facilities")


def read(text: str) -> ListRequest | Unaccepted:
    return read_list_words(text.split(), TEAMS)


def test_the_specs_example_reads_every_filter() -> None:
    assert read("team:it status:new priority:high mine unassigned") == ListRequest(
        team="it", status=Status.NEW, priority=Priority.HIGH, mine=True, unassigned=True
    )


def test_nothing_is_the_plain_list_and_paging_goes_with_filters() -> None:
    assert read("") == ListRequest()
    assert read("page 2") == ListRequest(page=2)
    assert read("mine page 3") == ListRequest(mine=True, page=3)
    assert read("status:new page 2") == ListRequest(status=Status.NEW, page=2)
    assert read("seite 4 status:neu") == ListRequest(status=Status.NEW, page=4)
    assert not ListRequest(mine=True, page=2).filtered
    assert ListRequest(unassigned=True).filtered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("team:hr status:neu priorität:hoch meine unzugewiesen", ListRequest(
            team="hr", status=Status.NEW, priority=Priority.HIGH, mine=True, unassigned=True
        )),
        ("prioritaet:niedrig", ListRequest(priority=Priority.LOW)),
        ("prio:mittel", ListRequest(priority=Priority.MEDIUM)),
        ("priority:hoch team:nope", None),
        ("status:geschlossen priority:low", ListRequest(
            status=Status.CLOSED, priority=Priority.LOW
        )),
        ("status:gelöst", ListRequest(status=Status.RESOLVED)),
        ("status:geloest", ListRequest(status=Status.RESOLVED)),
        ("status:wartet", ListRequest(status=Status.WAITING)),
        ("status:In-Bearbeitung", ListRequest(status=Status.IN_PROGRESS)),
        ("status:in_progress", ListRequest(status=Status.IN_PROGRESS)),
        ("STATUS:In-Progress", ListRequest(status=Status.IN_PROGRESS)),
        ("status:waiting-for-reply", ListRequest(status=Status.WAITING)),
        ("status:Wartet-auf-Rückmeldung", ListRequest(status=Status.WAITING)),
        ("Team:IT", ListRequest(team="it")),
        ("MINE Unassigned", ListRequest(mine=True, unassigned=True)),
    ],
)  # fmt: skip
def test_german_and_english_words_and_labels_in_any_case(
    text: str, expected: ListRequest | None
) -> None:
    result = read(text)
    if expected is None:
        assert isinstance(result, Unaccepted)
    else:
        assert result == expected


def test_the_filters_are_written_back_in_the_persons_language() -> None:
    request = ListRequest(team="it", status=Status.IN_PROGRESS, priority=Priority.HIGH,
                          mine=True, unassigned=True, page=3)  # fmt: skip
    assert request.words(Language.EN) == [
        "team:it", "status:in-progress", "priority:high", "mine", "unassigned"
    ]  # fmt: skip
    assert request.words(Language.DE) == [
        "team:it", "status:in-bearbeitung", "priorität:hoch", "meine", "unzugewiesen"
    ]  # fmt: skip
    # Written back, they read as the same request.
    for lang in Language:
        again = read_list_words([*request.words(lang), "page", "3"], TEAMS)
        assert again == request


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("everything", Unaccepted("everything", "word")),
        ("unasigned", Unaccepted("unasigned", "word", suggestion="unassigned")),
        ("mien", Unaccepted("mien", "word", suggestion="mine")),
        ("stauts:new", Unaccepted("stauts:new", "word", suggestion="status:new")),
        ("status:neww", Unaccepted("status:neww", "value", "status", "status:new")),
        ("status:gelost", Unaccepted("status:gelost", "value", "status", "status:gelöst")),
        ("priority:urgent", Unaccepted("priority:urgent", "value", "priority")),
        ("prio:hihg", Unaccepted("prio:hihg", "value", "priority", "prio:high")),
        ("team:hrr", Unaccepted("team:hrr", "value", "team", "team:hr")),
        ("team:sales", Unaccepted("team:sales", "value", "team")),
        ("team:", Unaccepted("team:", "value", "team")),
        ("status:", Unaccepted("status:", "value", "status")),
        ("status:new status:closed", Unaccepted("status:closed", "twice")),
        ("mine meine", Unaccepted("meine", "twice")),
        ("page", Unaccepted("page", "page")),
        ("page 0", Unaccepted("page", "page")),
        ("page two", Unaccepted("page", "page")),
        ("page 1234567", Unaccepted("page", "page")),
        ("page 2 seite 3", Unaccepted("seite", "page")),
    ],
)
def test_a_word_it_does_not_take_says_what_is_wrong(text: str, refused: Unaccepted) -> None:
    assert read(text) == refused


def test_the_first_wrong_word_is_the_one_named() -> None:
    assert read("status:new bogus team:nope") == Unaccepted("bogus", "word")


def test_without_the_teams_any_id_is_taken_for_telling_a_typo_of_list() -> None:
    assert read_list_words(["team:sales"], None) == ListRequest(team="sales")
    assert isinstance(read_list_words(["team:Not*An*Id"], None), Unaccepted)


def test_the_accepted_values_are_the_persons_words() -> None:
    assert accepted_values("status", Language.DE, TEAMS) == [
        "neu", "in-bearbeitung", "wartet", "gelöst", "geschlossen", "freigabe"
    ]  # fmt: skip
    assert read("status:approval") == read("status:freigabe") == read("status:pending_approval")
    assert read("status:approval") == ListRequest(status=Status.PENDING_APPROVAL)
    assert accepted_values("priority", Language.EN, TEAMS) == ["high", "medium", "low"]
    assert accepted_values("team", Language.EN, TEAMS) == list(TEAMS)


JUNK = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            [
                "page",
                "seite",
                "mine",
                "team:",
                "status:",
                "priorität:",
                ":",
                "field:a=",
                'field:b="',
            ]
        ),
        st.builds(
            lambda key, value: f"{key}:{value}",
            st.sampled_from(["team", "status", "priority", "prio", "Status", "x"]),
            st.text(max_size=20),
        ),
    ),
    max_size=8,
)


@given(JUNK, st.one_of(st.none(), st.just(TEAMS)))
def test_junk_never_raises(words: list[str], teams: tuple[str, ...] | None) -> None:
    result = read_list_words(words, teams)
    assert isinstance(result, ListRequest | Unaccepted)
    if isinstance(result, Unaccepted):
        assert result.word in words
    else:
        assert result.page >= 1
        assert teams is None or result.team in (None, *TEAMS)


@pytest.mark.parametrize(
    ("words", "fields"),
    [
        (["field:floor=EG"], (FieldFilter("floor", "EG"),)),
        (["FIELD:Floor=EG"], (FieldFilter("floor", "EG"),)),
        (['field:floor="1.', 'OG"'], (FieldFilter("floor", "1. OG"),)),
        (["field:floor=„1.", "OG“"], (FieldFilter("floor", "1. OG"),)),
        (['field:floor="EG"', "field:floor=EG"], (FieldFilter("floor", "EG"),)),
        (["field:owner=<@U0OWNER01|owner>"], (FieldFilter("owner", "U0OWNER01"),)),
        (["field:tag=A&amp;B"], (FieldFilter("tag", "A&B"),)),
        (
            ["field:a=1", "field:b=2", "field:c=3", "field:d=4"],
            tuple(FieldFilter(k, v) for k, v in zip("abcd", "1234", strict=True)),
        ),
    ],
)
def test_a_field_filter_is_read_as_search_reads_it(
    words: list[str], fields: tuple[FieldFilter, ...]
) -> None:
    found = read_list_words([*words, "mine"], TEAMS)
    assert found == ListRequest(mine=True, fields=fields)
    assert found.filtered


@pytest.mark.parametrize(
    "words",
    [
        ["field:floor"],
        ["field:floor="],
        ['field:floor="1.', "OG"],
        ["field:Flo or=EG"],
        [f"field:f{n}=x" for n in range(5)],
    ],
)
def test_a_field_filter_written_wrongly_is_not_taken(words: list[str]) -> None:
    assert read_list_words(words, TEAMS) == Unaccepted(
        words[-1] if len(words) == 5 else words[0], "field"
    )


def test_a_mistyped_field_key_is_put_right_and_the_filter_written_back() -> None:
    assert read("fild:floor=EG") == Unaccepted("fild:floor=EG", "word", suggestion="field:floor=eg")
    request = ListRequest(mine=True, fields=(FieldFilter("floor", "1. OG"),))
    assert request.words(Language.DE) == ["meine", 'field:floor="1. OG"']
