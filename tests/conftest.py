"""Shared pytest configuration: markers by folder and fixture; in CI a skipped test is a failure."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, Engine, make_url

from pathfinder.content.cache import CACHE_DIR_ENV
from pathfinder.store import create_store_engine, local_profile_id, migrate
from tests.chromium import in_ci


def pytest_configure(config: pytest.Config) -> None:
    """Keep validated-content cache entries of this run (and its servers) out of ~/.cache."""
    if not os.environ.get(CACHE_DIR_ENV):
        os.environ[CACHE_DIR_ENV] = str(
            Path(tempfile.mkdtemp(prefix="pathfinder-test-cache-")) / "content"
        )


TESTS = Path(__file__).parent
BROWSER_FIXTURES = {"playwright", "browser", "page", "people"}
# Whole files whose tests take tens of seconds or minutes (see `pytest --durations`): each
# starts servers, soaks or walks for a fixed time, so `-m "not slow"` leaves them out.
SLOW_FILES = {
    TESTS / "reliability" / "test_crash_safety.py",
    TESTS / "reliability" / "test_load.py",
    TESTS / "e2e" / "test_random_walk.py",
    TESTS / "hosted" / "test_scale_out.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests `browser`, `app` (runs the app through AppTest), `postgres` and `slow`."""
    for item in items:
        path = Path(item.path)
        fixtures = set(getattr(item, "fixturenames", ()))
        module = getattr(item, "module", None)
        if module is not None and "AppTest" in vars(module):
            item.add_marker(pytest.mark.app)
        if TESTS / "e2e" in path.parents or fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if "postgres_url" in fixtures:
            item.add_marker(pytest.mark.postgres)
        if path in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run in CI when any test was skipped (PostgreSQL and browser tests must run)."""
    if not in_ci():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped:
        reporter.write_line(
            f"CI=true: {len(skipped)} test(s) were skipped; skips fail CI.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# -- progress store: a fresh database per test, on SQLite and on PostgreSQL --------------

POSTGRES_URL_ENV = "PATHFINDER_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[URL]:
    """Yield the URL of an empty database: a SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield make_url(f"sqlite+pysqlite:///{tmp_path / 'pathfinder.db'}")
        return
    with postgres_schema_url() as url:
        yield url


@contextmanager
def postgres_schema_url() -> Iterator[URL]:
    """Yield a URL whose connections live in a new, private schema; drop it afterwards."""
    base = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not base:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    # A schema per test: tests (and concurrent CI runs) never see each other's rows.
    schema = f"t_{secrets.token_hex(8)}"
    admin = create_store_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield with_pg_options(make_url(base), f"-csearch_path={schema}")
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[URL]:
    """Yield a private PostgreSQL schema's URL, for the few PostgreSQL-only behaviours."""
    with postgres_schema_url() as url:
        yield url


def with_pg_options(url: URL, *options: str) -> URL:
    """Return url with libpq `options` added (search_path, timeouts) for new connections."""
    url = url.set(drivername="postgresql+psycopg")
    existing = url.query.get("options", "")
    joined = " ".join([existing, *options] if existing else options)
    return url.update_query_dict({"options": joined})


@pytest.fixture
def bare_engine(store_url: URL) -> Iterator[Engine]:
    """Yield an engine on the empty test database (no migrations applied)."""
    engine = create_store_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(bare_engine: Engine) -> Engine:
    """Return a store engine on the parametrized test database, migrated to the newest revision."""
    migrate(bare_engine)
    return bare_engine


@pytest.fixture
def profile_id(engine: Engine) -> int:
    """Return the local default profile's id."""
    return local_profile_id(engine)


@pytest.fixture
def pg_options() -> Callable[..., URL]:
    """Return with_pg_options, for tests that need extra server settings on a URL."""
    return with_pg_options
