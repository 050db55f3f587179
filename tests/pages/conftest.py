"""AppTest fixtures: every test gets its own SQLite file and a fresh app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from pathfinder import store

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard.py"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at a fresh SQLite file for this test."""
    url = f"sqlite:///{tmp_path / 'pathfinder.db'}"
    monkeypatch.setenv("PATHFINDER_DATABASE_URL", url)
    return url


@pytest.fixture
def app_engine(database_url: str) -> Iterator[Engine]:
    """Yield an engine on the app's database, migrated, for seeding and asserting."""
    engine = store.create_store_engine(database_url)
    store.migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def profile_id(app_engine: Engine) -> int:
    """Return the local learner's profile id in the app's database."""
    return store.local_profile_id(app_engine)


@pytest.fixture
def open_page(database_url: str) -> Callable[[str], AppTest]:
    """Return a function that opens a page of a freshly started app (a new session)."""

    def open_(page: str) -> AppTest:
        at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
        at.run()
        if page != "pages/overview.py":
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_
