"""dashboard tallies, duration histograms, queue rank, full-text search, people

The database keeps its own summaries in step with `tickets` and `ticket_entries`
through triggers, so no code path (the bot, a bulk import, a manual fix) can leave
them behind:

- `ticket_tallies`: live tickets per UTC day of opening, status and priority, and
  `ticket_month_tallies` the same per UTC month.
- `ticket_durations`: live tickets per measure (first reply, resolution), UTC day of
  that event and duration bucket (the seconds kept to two significant digits).
- `ticket_search`: one full-text document per live ticket (SQLite FTS5, PostgreSQL
  tsvector + GIN), with public text and internal notes apart, and its title alone
  (SQLite: `ticket_search_titles`; PostgreSQL: a `title` tsvector).
- `tickets.queue_rank`: a generated column ordering the open queue, indexed.

Revision ID: c3f9a1d27b64
Revises: aed235a7a74a
Create Date: 2026-11-29 21:55:00.000000
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f9a1d27b64"
down_revision: str | None = "aed235a7a74a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_STATUSES = "('new', 'in_progress', 'waiting')"
QUEUE_RANK = (
    f"CASE WHEN deleted_at IS NULL AND status IN {OPEN_STATUSES} THEN "
    "(CASE WHEN assignee_id IS NULL THEN 0 ELSE 6 END)"
    " + (CASE WHEN status = 'new' THEN 0 ELSE 3 END)"
    " + (CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END) END"
)
QUEUE_WHERE = "queue_rank IS NOT NULL"
LIVE_WHERE = "deleted_at IS NULL"
MEASURES = {"first_reply": "first_response_at", "resolution": "resolved_at"}


# -- dialect spelling ---------------------------------------------------------------


def _day(dialect: str, value: str) -> str:
    return f"date({value})" if dialect == "sqlite" else f"CAST({value} AS date)"


def _month(dialect: str, value: str) -> str:
    """The first day of the (UTC) month of a timestamp."""
    if dialect == "sqlite":
        return f"date({value}, 'start of month')"
    return f"CAST(date_trunc('month', {value}) AS date)"


def _seconds(dialect: str, start: str, end: str) -> str:
    if dialect == "sqlite":
        return f"CAST(max(0, round((julianday({end}) - julianday({start})) * 86400)) AS INTEGER)"
    return f"CAST(GREATEST(0, round(EXTRACT(EPOCH FROM ({end} - {start})))) AS bigint)"


def _significant(seconds: str, digits: int) -> str:
    """Seconds kept to `digits` significant digits (exact below 10**digits)."""
    arms = [f"WHEN {seconds} < {10**digits} THEN {seconds}"]
    for length in range(digits + 1, 11):
        unit = 10 ** (length - digits)
        arms.append(f"WHEN {seconds} < {10**length} THEN ({seconds} / {unit}) * {unit}")
    unit = 10 ** (10 - digits)
    return f"CASE {' '.join(arms)} ELSE ({seconds} / {unit}) * {unit} END"


# -- counters kept by triggers --------------------------------------------------------


class Counter:
    """A table counting the live tickets per key, kept by triggers named after `name`.

    `keys(dialect, row)` and `condition(row)` are SQL over a row alias (OLD, NEW or the
    table itself for the backfill).
    """

    def __init__(
        self,
        table: str,
        name: str,
        columns: list[str],
        keys: Callable[[str, str], list[str]],
        condition: Callable[[str], str],
        watched: list[str],
        sums: Callable[[str, str], dict[str, str]] = lambda _dialect, _row: {},
    ) -> None:
        self.table = table
        self.name = name
        self.columns = columns
        self.keys = keys
        self.condition = condition
        self.watched = watched
        self.sums = sums

    def upsert(self, dialect: str, row: str, sign: int, when: str | None = None) -> str:
        """Add (sign 1) or take away (sign -1) one ticket, and its sums, at its key."""
        sums = self.sums(dialect, row)
        columns = ", ".join([*self.columns, "tickets", *sums])
        values = [*self.keys(dialect, row), str(sign)]
        values += [f"{sign} * ({value})" for value in sums.values()]
        target = ", ".join(self.columns)
        added = ", ".join(
            f"{column} = {self.table}.{column} + excluded.{column}" for column in ["tickets", *sums]
        )
        # SQLite needs a WHERE after the SELECT of an upsert; PostgreSQL takes VALUES.
        source = (
            f"SELECT {', '.join(values)} WHERE {when}" if when else f"VALUES ({', '.join(values)})"
        )
        return f"INSERT INTO {self.table} ({columns}) {source} ON CONFLICT ({target}) DO UPDATE SET {added}"

    def sqlite_triggers(self) -> list[str]:
        new, old = self.condition("NEW"), self.condition("OLD")
        changed = " OR ".join(
            f"OLD.{column} IS NOT NEW.{column}" for column in self.watched if column != "deleted_at"
        )
        changed += " OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)"
        watched = ", ".join(self.watched)
        return [
            f"CREATE TRIGGER {self.name}_on_insert AFTER INSERT ON tickets WHEN {new} "
            f"BEGIN {self.upsert('sqlite', 'NEW', 1, 'true')}; END",
            f"CREATE TRIGGER {self.name}_on_update AFTER UPDATE OF {watched} ON tickets "
            f"WHEN {changed} BEGIN "
            f"{self.upsert('sqlite', 'OLD', -1, old)}; "
            f"{self.upsert('sqlite', 'NEW', 1, new)}; END",
            f"CREATE TRIGGER {self.name}_on_delete AFTER DELETE ON tickets WHEN {old} "
            f"BEGIN {self.upsert('sqlite', 'OLD', -1, 'true')}; END",
        ]

    def postgresql_function(self) -> list[str]:
        old_keys = ", ".join(self.keys("postgresql", "OLD"))
        new_keys = ", ".join(self.keys("postgresql", "NEW"))
        minus_old = self.upsert("postgresql", "OLD", -1)
        plus_new = self.upsert("postgresql", "NEW", 1)
        # Two transactions moving tickets between the same keys in opposite directions
        # lock the counter rows in one order (the smaller key first), so they never
        # deadlock; a key that does not change is not touched at all.
        body = f"""
DECLARE
  old_in boolean := false;
  new_in boolean := false;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_in := {self.condition("OLD")}; END IF;
  IF TG_OP <> 'DELETE' THEN new_in := {self.condition("NEW")}; END IF;
  IF old_in AND new_in AND ROW({old_keys}) = ROW({new_keys}) THEN RETURN NULL; END IF;
  IF old_in AND (NOT new_in OR ROW({old_keys}) < ROW({new_keys})) THEN
    {minus_old};
    IF new_in THEN {plus_new}; END IF;
  ELSIF new_in THEN
    {plus_new};
    IF old_in THEN {minus_old}; END IF;
  END IF;
  RETURN NULL;
END"""
        return [
            f"CREATE FUNCTION {self.name}_follow() RETURNS trigger LANGUAGE plpgsql AS $${body}$$",
            f"CREATE TRIGGER {self.name}_follow AFTER INSERT OR DELETE OR UPDATE OF "
            f"{', '.join(self.watched)} ON tickets FOR EACH ROW "
            f"EXECUTE FUNCTION {self.name}_follow()",
        ]

    def backfill(self, dialect: str) -> str:
        keys = self.keys(dialect, "tickets")
        sums = self.sums(dialect, "tickets")
        positions = ", ".join(str(n) for n in range(1, len(keys) + 1))
        columns = ", ".join([*self.columns, "tickets", *sums])
        totals = "".join(f", sum({value})" for value in sums.values())
        return (
            f"INSERT INTO {self.table} ({columns}) "
            f"SELECT {', '.join(keys)}, count(*){totals} FROM tickets "
            f"WHERE {self.condition('tickets')} GROUP BY {positions}"
        )

    def drop(self, dialect: str) -> list[str]:
        if dialect == "sqlite":
            return [
                f"DROP TRIGGER IF EXISTS {self.name}_on_{event}"
                for event in ("insert", "update", "delete")
            ]
        return [
            f"DROP TRIGGER IF EXISTS {self.name}_follow ON tickets",
            f"DROP FUNCTION IF EXISTS {self.name}_follow()",
        ]


def _tally_keys(dialect: str, row: str) -> list[str]:
    return [_day(dialect, f"{row}.created_at"), f"{row}.status", f"{row}.priority"]


def _duration_counters(measure: str, column: str) -> list[Counter]:
    def seconds(dialect: str, row: str) -> str:
        return _seconds(dialect, f"{row}.created_at", f"{row}.{column}")

    def coarse_keys(dialect: str, row: str) -> list[str]:
        coarse = _significant(seconds(dialect, row), 1)
        return [f"'{measure}'", _day(dialect, f"{row}.{column}"), coarse]

    def fine_keys(dialect: str, row: str) -> list[str]:
        coarse = _significant(seconds(dialect, row), 1)
        fine = _significant(seconds(dialect, row), 2)
        return [f"'{measure}'", coarse, _day(dialect, f"{row}.{column}"), fine]

    def condition(row: str) -> str:
        return f"({row}.deleted_at IS NULL AND {row}.{column} IS NOT NULL)"

    watched = [column, "created_at", "deleted_at"]
    return [
        Counter(
            "ticket_durations",
            f"ticket_durations_{measure}",
            ["measure", "day", "bucket"],
            coarse_keys,
            condition,
            watched,
        ),
        Counter(
            "ticket_duration_details",
            f"ticket_duration_details_{measure}",
            ["measure", "bucket", "day", "fine"],
            fine_keys,
            condition,
            watched,
            sums=lambda dialect, row: {"seconds": seconds(dialect, row)},
        ),
    ]


TALLIES = Counter(
    "ticket_tallies",
    "ticket_tallies",
    ["day", "status", "priority"],
    _tally_keys,
    lambda row: f"({row}.deleted_at IS NULL)",
    ["status", "priority", "created_at", "deleted_at"],
)
MONTH_TALLIES = Counter(
    "ticket_month_tallies",
    "ticket_month_tallies",
    ["month", "status", "priority"],
    lambda dialect, row: [_month(dialect, f"{row}.created_at"), f"{row}.status", f"{row}.priority"],
    lambda row: f"({row}.deleted_at IS NULL)",
    ["status", "priority", "created_at", "deleted_at"],
)
DURATIONS = [
    counter
    for measure, column in MEASURES.items()
    for counter in _duration_counters(measure, column)
]
COUNTERS = [TALLIES, MONTH_TALLIES, *DURATIONS]


# -- full-text search ----------------------------------------------------------------


def _entries(dialect: str, ticket: str, internal: bool) -> str:
    kind = "=" if internal else "<>"
    joined = "group_concat(e.text, char(10))" if dialect == "sqlite" else "string_agg(e.text, ' ')"
    return (
        f"(SELECT {joined} FROM ticket_entries e "
        f"WHERE e.ticket_id = {ticket} AND e.kind {kind} 'internal_note')"
    )


SQLITE_SEARCH_DOCUMENT = (
    "SELECT t.id, t.title, "
    f"t.description || coalesce(char(10) || {_entries('sqlite', 't.id', False)}, ''), "
    f"coalesce({_entries('sqlite', 't.id', True)}, ''), t.reporter_id "
    "FROM tickets t WHERE t.deleted_at IS NULL"
)
POSTGRESQL_SEARCH_DOCUMENT = (
    "SELECT t.id, t.reporter_id, to_tsvector('simple', t.title), "
    "setweight(to_tsvector('simple', t.title), 'A') "
    "|| setweight(to_tsvector('simple', t.description || ' ' || "
    f"coalesce({_entries('postgresql', 't.id', False)}, '')), 'B') "
    f"|| setweight(to_tsvector('simple', coalesce({_entries('postgresql', 't.id', True)}, '')), "
    "'D') FROM tickets t WHERE t.deleted_at IS NULL"
)
# unicode61 folds case and diacritics ("Drücker" finds "drucker"); no stemming, which
# suits two languages.
TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"


def _sqlite_search() -> list[str]:
    def refresh(ticket: str) -> str:
        return (
            f"DELETE FROM ticket_search WHERE rowid = {ticket}; "
            "INSERT INTO ticket_search (rowid, title, body, notes, owner) "
            f"{SQLITE_SEARCH_DOCUMENT} AND t.id = {ticket};"
        )

    def refresh_title(ticket: str) -> str:
        return (
            f"DELETE FROM ticket_search_titles WHERE rowid = {ticket}; "
            "INSERT INTO ticket_search_titles (rowid, title, owner) "
            f"SELECT id, title, reporter_id FROM tickets WHERE id = {ticket} "
            "AND deleted_at IS NULL;"
        )

    return [
        f"CREATE VIRTUAL TABLE ticket_search USING fts5(title, body, notes, owner, {TOKENIZER})",
        # Titles alone as well: "every word in the title" then intersects title words
        # only, instead of checking every ticket that has the words anywhere.
        f"CREATE VIRTUAL TABLE ticket_search_titles USING fts5(title, owner, {TOKENIZER})",
        # A new ticket has no conversation yet: its documents are its own columns.
        "CREATE TRIGGER ticket_search_on_insert AFTER INSERT ON tickets "
        "WHEN NEW.deleted_at IS NULL BEGIN "
        "INSERT INTO ticket_search (rowid, title, body, notes, owner) "
        "VALUES (NEW.id, NEW.title, NEW.description, '', NEW.reporter_id); "
        "INSERT INTO ticket_search_titles (rowid, title, owner) "
        "VALUES (NEW.id, NEW.title, NEW.reporter_id); END",
        "CREATE TRIGGER ticket_search_on_update AFTER UPDATE OF "
        "title, description, reporter_id, deleted_at ON tickets "
        f"BEGIN {refresh('NEW.id')} {refresh_title('NEW.id')} END",
        "CREATE TRIGGER ticket_search_on_delete AFTER DELETE ON tickets "
        "BEGIN DELETE FROM ticket_search WHERE rowid = OLD.id; "
        "DELETE FROM ticket_search_titles WHERE rowid = OLD.id; END",
        "CREATE TRIGGER ticket_search_on_entry_insert AFTER INSERT ON ticket_entries "
        f"BEGIN {refresh('NEW.ticket_id')} END",
        "CREATE TRIGGER ticket_search_on_entry_update AFTER UPDATE ON ticket_entries "
        f"BEGIN {refresh('OLD.ticket_id')} {refresh('NEW.ticket_id')} END",
        "CREATE TRIGGER ticket_search_on_entry_delete AFTER DELETE ON ticket_entries "
        f"BEGIN {refresh('OLD.ticket_id')} END",
        f"INSERT INTO ticket_search (rowid, title, body, notes, owner) {SQLITE_SEARCH_DOCUMENT}",
        "INSERT INTO ticket_search_titles (rowid, title, owner) "
        "SELECT id, title, reporter_id FROM tickets WHERE deleted_at IS NULL",
    ]


def _postgresql_search() -> list[str]:
    return [
        "CREATE TABLE ticket_search ("
        "ticket_id integer PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE, "
        "owner varchar(32) NOT NULL, title tsvector NOT NULL, document tsvector NOT NULL)",
        "CREATE INDEX ix_ticket_search_title ON ticket_search USING gin (title)",
        "CREATE INDEX ix_ticket_search_document ON ticket_search USING gin (document)",
        "CREATE INDEX ix_ticket_search_owner ON ticket_search (owner, ticket_id)",
        "CREATE FUNCTION ticket_search_refresh(ticket integer) RETURNS void "
        "LANGUAGE sql AS $$ "
        "DELETE FROM ticket_search WHERE ticket_id = ticket "
        "AND NOT EXISTS (SELECT 1 FROM tickets WHERE id = ticket AND deleted_at IS NULL); "
        "INSERT INTO ticket_search (ticket_id, owner, title, document) "
        f"{POSTGRESQL_SEARCH_DOCUMENT} AND t.id = ticket ON CONFLICT (ticket_id) DO UPDATE "
        "SET owner = excluded.owner, title = excluded.title, document = excluded.document; $$",
        "CREATE FUNCTION ticket_search_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_TABLE_NAME = 'tickets' THEN PERFORM ticket_search_refresh(NEW.id); "
        "ELSE "
        "IF TG_OP <> 'INSERT' THEN PERFORM ticket_search_refresh(OLD.ticket_id); END IF; "
        "IF TG_OP <> 'DELETE' THEN PERFORM ticket_search_refresh(NEW.ticket_id); END IF; "
        "END IF; RETURN NULL; END $$",
        "CREATE TRIGGER ticket_search_follow AFTER INSERT OR UPDATE OF "
        "title, description, reporter_id, deleted_at ON tickets "
        "FOR EACH ROW EXECUTE FUNCTION ticket_search_follow()",
        "CREATE TRIGGER ticket_search_follow AFTER INSERT OR UPDATE OR DELETE ON ticket_entries "
        "FOR EACH ROW EXECUTE FUNCTION ticket_search_follow()",
        "INSERT INTO ticket_search (ticket_id, owner, title, document) "
        f"{POSTGRESQL_SEARCH_DOCUMENT}",
    ]


def _drop_search(dialect: str) -> list[str]:
    if dialect == "sqlite":
        triggers = ["on_insert", "on_update", "on_delete"]
        triggers += ["on_entry_insert", "on_entry_update", "on_entry_delete"]
        return [f"DROP TRIGGER IF EXISTS ticket_search_{name}" for name in triggers] + [
            "DROP TABLE IF EXISTS ticket_search_titles",
            "DROP TABLE IF EXISTS ticket_search",
        ]
    return [
        "DROP TRIGGER IF EXISTS ticket_search_follow ON ticket_entries",
        "DROP TRIGGER IF EXISTS ticket_search_follow ON tickets",
        "DROP FUNCTION IF EXISTS ticket_search_follow()",
        "DROP FUNCTION IF EXISTS ticket_search_refresh(integer)",
        "DROP TABLE IF EXISTS ticket_search",
    ]


# -- the migration ------------------------------------------------------------------------


def _partial_index(name: str, table: str, columns: list[str], where: str) -> None:
    text = sa.text(where)
    op.create_index(name, table, columns, sqlite_where=text, postgresql_where=text)


def _tally_table(name: str, period: str) -> None:
    """Live tickets per `period` (a date), status and priority."""
    op.create_table(
        name,
        sa.Column(period, sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(period, "status", "priority", name=op.f(f"pk_{name}")),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # SQLite keeps the rows of both in key order: a range is one sequential read.
    _tally_table("ticket_tallies", "day")
    # The open counts read only the tallies that are not zero: recent days, few rows.
    _partial_index(
        "ix_ticket_tallies_nonzero",
        "ticket_tallies",
        ["status", "priority", "tickets"],
        "tickets <> 0",
    )
    _tally_table("ticket_month_tallies", "month")
    op.create_table(
        "ticket_durations",
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("measure", "day", "bucket", name=op.f("pk_ticket_durations")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ticket_duration_details",
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("fine", sa.BigInteger(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "measure", "bucket", "day", "fine", name=op.f("pk_ticket_duration_details")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "people",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_people")),
    )
    if dialect == "sqlite":
        # SQLite adds only virtual generated columns in place (a stored one would need
        # the table rebuilt); an index on it stores the values all the same.
        op.execute(
            "ALTER TABLE tickets ADD COLUMN queue_rank INTEGER "
            f"GENERATED ALWAYS AS ({QUEUE_RANK}) VIRTUAL"
        )
    else:
        op.add_column(
            "tickets",
            sa.Column("queue_rank", sa.Integer(), sa.Computed(QUEUE_RANK, persisted=True)),
        )
    _partial_index("ix_tickets_queue", "tickets", ["queue_rank", "created_at", "id"], QUEUE_WHERE)
    _partial_index(
        "ix_tickets_assignee_queue",
        "tickets",
        ["assignee_id", "queue_rank", "created_at", "id"],
        QUEUE_WHERE,
    )
    # The statistics no longer count tickets: their indexes go (each costs every write).
    op.drop_index("ix_tickets_live_status_priority", table_name="tickets")
    op.drop_index("ix_tickets_live_resolved_at", table_name="tickets")
    _partial_index(
        "ix_tickets_live_created_at_status",
        "tickets",
        ["created_at", "status", "deleted_at"],
        LIVE_WHERE,
    )
    for counter in COUNTERS:
        statements = (
            counter.sqlite_triggers() if dialect == "sqlite" else counter.postgresql_function()
        )
        for statement in statements:
            op.execute(statement)
    for counter in COUNTERS:
        op.execute(counter.backfill(dialect))
    for statement in _sqlite_search() if dialect == "sqlite" else _postgresql_search():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _drop_search(dialect):
        op.execute(statement)
    for counter in COUNTERS:
        for statement in counter.drop(dialect):
            op.execute(statement)
    op.drop_index("ix_tickets_live_created_at_status", table_name="tickets")
    _partial_index(
        "ix_tickets_live_resolved_at",
        "tickets",
        ["resolved_at", "created_at", "deleted_at"],
        LIVE_WHERE,
    )
    _partial_index(
        "ix_tickets_live_status_priority",
        "tickets",
        ["status", "priority", "deleted_at"],
        LIVE_WHERE,
    )
    op.drop_index("ix_tickets_assignee_queue", table_name="tickets")
    op.drop_index("ix_tickets_queue", table_name="tickets")
    if dialect == "sqlite":
        op.execute("ALTER TABLE tickets DROP COLUMN queue_rank")
    else:
        op.drop_column("tickets", "queue_rank")
    op.drop_table("people")
    op.drop_table("ticket_duration_details")
    op.drop_table("ticket_durations")
    op.drop_table("ticket_month_tallies")
    op.drop_index("ix_ticket_tallies_nonzero", table_name="ticket_tallies")
    op.drop_table("ticket_tallies")
