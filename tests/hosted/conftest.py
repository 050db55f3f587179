"""Fixtures for the hosted-mode tests: database dumps and simulated users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from pathfinder import store
from pathfinder.store.schema import metadata


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table, sorted, for before/after comparisons."""
    with engine.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(sa.select(table)).all()), key=repr)
            for name, table in metadata.tables.items()
        }


ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard.py"
ISSUER = "https://idp.example"


def signed_in(subject: str, name: str, email: str = "same@example.com") -> dict[str, Any]:
    """Return an AppTest user as OpenID Connect sign-in fills st.user."""
    return {"is_logged_in": True, "iss": ISSUER, "sub": subject, "name": name, "email": email}


ANONYMOUS: dict[str, Any] = {"is_logged_in": False}


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at a fresh SQLite file for this test."""
    url = f"sqlite:///{tmp_path / 'pathfinder.db'}"
    monkeypatch.setenv("PATHFINDER_DATABASE_URL", url)
    return url


@pytest.fixture
def app_engine(database_url: str) -> Iterator[Engine]:
    """Return an engine on the app's database, migrated, for seeding and asserting."""
    engine = store.create_store_engine(database_url)
    store.migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def open_app(database_url: str) -> Callable[..., AppTest]:
    """Return a function that starts a new session as `user`, optionally with ?share=."""

    def open_(
        user: dict[str, Any] | None = None, *, share: str | None = None, page: str | None = None
    ) -> AppTest:
        at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
        if user is not None:
            at.user = user
        if share is not None:
            at.query_params["share"] = share
        at.run()
        if page is not None:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_


def drawn_protos(at: AppTest) -> list[Any]:
    """Return the message of every element and block the last run drew, toasts included."""
    nodes = [*at.main, *at.sidebar, *at.toast]
    return [node.proto for node in nodes if getattr(node, "proto", None) is not None]


def page_text(at: AppTest) -> str:
    """Return everything the last run drew (every element's message), as one text."""
    return "\n".join(str(proto) for proto in drawn_protos(at))


def enabled_inputs(at: AppTest) -> list[tuple[str, str]]:
    """Return (kind, label) of every widget the last run drew that a person could use."""
    return [
        (type(proto).__name__, str(getattr(proto, "label", "") or getattr(proto, "id", "")))
        for proto in drawn_protos(at)
        if hasattr(proto, "disabled") and not proto.disabled
    ]
