"""Who the visitor is and where progress goes are worked out once per run, not per page part."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from pathfinder import store
from pathfinder.ui import identity


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/plan.py", "pages/settings.py"])
def test_a_run_reads_the_settings_and_resolves_the_visitor_once(
    open_page: Callable[[str], AppTest], monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """One rerun of a page reads the database settings once and asks who the visitor is once."""
    at = open_page(page)
    calls = {"settings": 0, "identity": 0}
    real_settings, real_identity = store.resolve_database_url, identity.current_identity

    def settings(*args: Any, **kwargs: Any) -> Any:
        calls["settings"] += 1
        return real_settings(*args, **kwargs)

    def who(*args: Any, **kwargs: Any) -> Any:
        calls["identity"] += 1
        return real_identity(*args, **kwargs)

    monkeypatch.setattr(store, "resolve_database_url", settings)
    monkeypatch.setattr("pathfinder.ui.visitor.current_identity", who)
    at.run()
    assert not at.exception
    assert calls == {"settings": 1, "identity": 1}
