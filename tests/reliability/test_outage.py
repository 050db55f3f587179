"""Database trouble while the app runs: content stays, one banner, typed text kept, recovery."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url
from streamlit.testing.v1 import AppTest

from pathfinder import store
from pathfinder.content import load_content
from tests.conftest import POSTGRES_URL_ENV
from tests.reliability.proxy import TcpProxy

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"
_STEPS = load_content().steps
STEP = str(_STEPS["id"].iloc[0])
OTHER_STEP = str(_STEPS["id"].iloc[1])
# The track of the next step opens with the page; with the store away that is the first.
FIRST_TRACK_BOXES = {
    f"done-{s}" for s in _STEPS.loc[_STEPS["track_id"] == _STEPS["track_id"].iloc[0], "id"]
}
NOTE = f"note-{STEP}"


def open_plan() -> AppTest:
    """Start a fresh app session on the plan page with the first step's details open."""
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.run()
    at.switch_page("pages/plan.py")
    at.run()
    at.session_state[f"details-{STEP}"] = True
    return at.run()


def banners(at: AppTest) -> list[str]:
    """Return the 'cannot read or save right now' warnings on the page."""
    return [str(w.value) for w in at.warning if "Progress can't be" in str(w.value)]


def assert_content_shown(at: AppTest) -> None:
    """Check the plan page still shows its title, steps and the step's details."""
    assert_content_shown_closed(at)
    assert any(m.value.startswith("**Why:**") for m in at.markdown)


def assert_content_shown_closed(at: AppTest) -> None:
    """Check the plan page shows its title and steps (details closed)."""
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Learning plan"
    assert {box.key for box in at.checkbox} >= FIRST_TRACK_BOXES


def stored(url: URL | str, step: str) -> tuple[str, str] | None:
    """Return (status, note) of a step, read straight from the database."""
    engine = store.create_store_engine(url)
    try:
        progress = store.step_progress(engine, store.local_profile_id(engine))
    finally:
        engine.dispose()
    rows = progress.set_index("step_id")
    return None if step not in rows.index else (rows.loc[step, "status"], rows.loc[step, "note"])


def live_through_outage(at: AppTest, cut: object, restore: object, direct: URL | str) -> None:
    """Drive a session through an outage and back; direct reads the database behind the app."""
    assert callable(cut)
    assert callable(restore)
    assert_content_shown(at)
    assert banners(at) == []
    cut()
    at.run()
    assert_content_shown(at)
    assert len(banners(at)) == 1, banners(at)
    # A tick and a typed note during the outage: refused clearly, the text stays typed.
    at.checkbox(key=f"done-{OTHER_STEP}").check().run()
    assert_content_shown(at)
    assert any("can't be saved" in b for b in banners(at)), banners(at)
    assert len(banners(at)) == 1, banners(at)
    at.text_area(key=NOTE).input("typed while the database was away").run()
    assert_content_shown(at)
    assert at.text_area(key=NOTE).value == "typed while the database was away"
    assert any("Not saved yet" in str(c.value) for c in at.caption)
    at.run()  # an unrelated rerun does not throw the typed text away either
    assert at.text_area(key=NOTE).value == "typed while the database was away"
    restore()
    at.run()
    assert_content_shown(at)
    assert banners(at) == []
    assert at.text_area(key=NOTE).value == "typed while the database was away"
    # Saving works again in the same session, without restarting the app.
    at.text_area(key=NOTE).input("typed while the database was away, then saved").run()
    at.checkbox(key=f"done-{OTHER_STEP}").check().run()
    assert_content_shown(at)
    assert banners(at) == []
    assert stored(direct, STEP) == ("not-started", "typed while the database was away, then saved")
    assert stored(direct, OTHER_STEP) == ("done", "")
    assert not any("Not saved yet" in str(c.value) for c in at.caption)


@pytest.fixture
def proxied_postgres(postgres_url: URL) -> Iterator[tuple[TcpProxy, URL]]:
    """Yield a proxy in front of the shared PostgreSQL server and a private schema's URL via it."""
    base = make_url(os.environ[POSTGRES_URL_ENV])
    proxy = TcpProxy(base.host or "127.0.0.1", base.port or 5432)
    engine = store.create_store_engine(postgres_url)
    store.migrate(engine)
    engine.dispose()
    try:
        yield proxy, postgres_url.set(host="127.0.0.1", port=proxy.port)
    finally:
        proxy.close()


@pytest.mark.postgres
def test_postgres_outage_shows_a_banner_keeps_typed_text_and_recovers(
    proxied_postgres: tuple[TcpProxy, URL], postgres_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL goes away mid-session: pages work, one banner, input kept, saving resumes."""
    proxy, through_proxy = proxied_postgres
    monkeypatch.setenv("PATHFINDER_DATABASE_URL", through_proxy.render_as_string(False))
    at = open_plan()
    live_through_outage(at, proxy.cut, proxy.restore, postgres_url)
    print("\nPostgreSQL outage through a cut proxy: banner shown, note kept, saved after restore")


@pytest.mark.postgres
def test_a_failed_save_during_an_outage_shows_a_single_banner(
    proxied_postgres: tuple[TcpProxy, URL], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tick while the database is away adds no second banner beside the 'cannot load' one."""
    proxy, through_proxy = proxied_postgres
    monkeypatch.setenv("PATHFINDER_DATABASE_URL", through_proxy.render_as_string(False))
    at = open_plan()
    proxy.cut()
    at.checkbox(key=f"done-{OTHER_STEP}").check().run()
    assert not at.exception
    assert len(banners(at)) == 1, banners(at)


@pytest.mark.postgres
def test_app_started_while_postgres_is_down_recovers_without_restart(
    proxied_postgres: tuple[TcpProxy, URL], postgres_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run with the database down shows content and a banner; the next run saves again."""
    proxy, through_proxy = proxied_postgres
    # Another application_name: a URL the engine cache has never seen in this process.
    url = through_proxy.update_query_dict({"application_name": "pathfinder-down-at-start"})
    monkeypatch.setenv("PATHFINDER_DATABASE_URL", url.render_as_string(False))
    proxy.cut()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(banners(at)) == 1, banners(at)
    proxy.restore()
    at.run()
    at.switch_page("pages/plan.py")
    at.run()
    assert_content_shown_closed(at)
    assert banners(at) == []
    at.checkbox(key=f"done-{STEP}").check().run()
    assert not at.exception
    assert stored(postgres_url, STEP) == ("done", "")


@pytest.fixture
def sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a migrated SQLite file; the app's engines on it give up on a lock after 0.3 s."""
    path = tmp_path / "pathfinder.db"
    engine = store.create_store_engine(f"sqlite:///{path}")
    store.migrate(engine)
    store.local_profile_id(engine)
    engine.dispose()
    # The default 5 s busy timeout is right for people and too slow for a test.
    fast = functools.partial(store.create_store_engine, busy_timeout_ms=300)
    monkeypatch.setattr(store, "create_store_engine", fast)
    return path


def test_locked_sqlite_file_shows_a_banner_keeps_typed_text_and_recovers(
    sqlite_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holding the write lock: pages work, one banner, input kept, then saves."""
    monkeypatch.setenv("PATHFINDER_DATABASE_URL", f"sqlite:///{sqlite_file}")
    at = open_plan()
    holder = sqlite3.connect(sqlite_file, isolation_level=None)

    try:
        holder.execute("BEGIN IMMEDIATE")
        at.run()
        assert_content_shown(at)
        assert banners(at) == []  # WAL: reading while another program writes is fine
        at.checkbox(key=f"done-{OTHER_STEP}").check().run()
        assert_content_shown(at)
        assert len(banners(at)) == 1
        assert "is busy" in banners(at)[0]
        at.text_area(key=NOTE).input("typed while locked").run()
        assert at.text_area(key=NOTE).value == "typed while locked"
        assert any("Not saved yet" in str(c.value) for c in at.caption)
        holder.rollback()
        at.text_area(key=NOTE).input("typed while locked, saved later").run()
        at.checkbox(key=f"done-{OTHER_STEP}").check().run()
        assert_content_shown(at)
        assert banners(at) == []
    finally:
        holder.close()
    url = f"sqlite:///{sqlite_file}"
    assert stored(url, STEP) == ("not-started", "typed while locked, saved later")
    assert stored(url, OTHER_STEP) == ("done", "")


def test_read_only_sqlite_file_shows_content_and_says_why_nothing_saves(
    sqlite_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only database: the plan shows, a tick says 'read-only', typed text stays."""
    monkeypatch.setenv("PATHFINDER_DATABASE_URL", f"sqlite:///file:{sqlite_file}?mode=ro&uri=true")
    at = open_plan()
    assert_content_shown(at)
    at.checkbox(key=f"done-{OTHER_STEP}").check().run()
    assert_content_shown(at)
    assert len(banners(at)) == 1
    assert "is read-only" in banners(at)[0]
    at.text_area(key=NOTE).input("typed on a read-only copy").run()
    assert_content_shown(at)
    assert at.text_area(key=NOTE).value == "typed on a read-only copy"
    assert stored(f"sqlite:///{sqlite_file}", STEP) is None
