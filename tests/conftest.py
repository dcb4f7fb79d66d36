from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot import times
from bot.settings import Settings
from flashticket_core.bootstrap import Core, bootstrap
from flashticket_core.domain.enums import Role
from flashticket_core.i18n import Language
from flashticket_core.service_layer.desk import HelpDesk
from tests.databases import PostgresServer, SqliteTemplate, require_postgres
from tests.fakes.slack_api import FakeSlack

ADMIN = "UADMIN0001"
SUPPORT = "USUPPORT01"
ALICE = "UALICE0001"
BOB = "UBOB000001"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def desk_times_by_default() -> None:
    """The help desk's zone and language for the bot's times are one setting per process
    (set where an app is built): each test starts from the defaults, whatever app an
    earlier test in this process built."""
    times.use_desk(ZoneInfo("UTC"), Language.EN)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer(_postgres_admin_url())
    server.start()
    yield server
    server.stop()


def _postgres_admin_url() -> str:
    from tests.databases import POSTGRES_URL

    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: SqliteTemplate,
) -> str:
    """A migrated, empty database: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_template.fresh_database(tmp_path)
    server: PostgresServer = request.getfixturevalue("postgres_server")
    require_postgres(server)
    return server.fresh_database()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC))


@pytest.fixture
def core(database_url: str, clock: Clock) -> Iterator[Core]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        flashticket_admins=ADMIN,
    )
    core = bootstrap(settings, clock=clock)
    yield core
    core.close()


@pytest.fixture
def engine(core: Core) -> Engine:
    return core.engine


@pytest.fixture
def desk(core: Core) -> HelpDesk:
    core.desk.roles.grant(ADMIN, SUPPORT, Role.SUPPORT)
    return core.desk


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    require_postgres(server)
    yield from server.scratch_database()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def sqlite_database_url(tmp_path: Path, sqlite_template: SqliteTemplate) -> str:
    return sqlite_template.fresh_database(tmp_path)


@pytest.fixture
def postgres_database_url(postgres_server: PostgresServer) -> str:
    require_postgres(postgres_server)
    return postgres_server.fresh_database()


LAYERS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` runs the layers one by one, so a test outside them would never run there."""
    tests = Path(__file__).parent
    outside = sorted(
        {
            str(item.path.relative_to(tests.parent))
            for item in items
            if item.path.is_relative_to(tests)
            and item.path.relative_to(tests).parts[0] not in LAYERS
        }
    )
    if outside:
        raise pytest.UsageError(
            "every test lives in tests/unit, tests/integration or tests/e2e, the layers "
            f"`make test` runs; move {', '.join(outside)}"
        )
