"""Every registered page opens without an error and shows its heading."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from pathfinder.ui.routes import ROUTES
from tests.pages.conftest import DASHBOARD, ROOT

PAGES = {
    "pages/overview.py": "Your path to data product management",
    "pages/plan.py": "Learning plan",
    "pages/lifecycle.py": "The product lifecycle",
    "pages/skills.py": "Skills",
    "pages/case_studies.py": "Case studies",
    "pages/progress.py": "Progress",
    "pages/interview.py": "The interview",
    "pages/settings.py": "Settings",
}


def test_every_page_file_is_registered_and_tested() -> None:
    """Each file in pages/ has a route (dashboard.py routes them all) and a smoke test."""
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    registered = {route.script for route in ROUTES}
    assert files == registered == set(PAGES)
    assert "streamlit_pages(ROUTES)" in DASHBOARD.read_text("utf-8")


@pytest.mark.parametrize(("page", "heading"), PAGES.items())
def test_page_opens_with_its_heading(
    open_page: Callable[[str], AppTest], page: str, heading: str
) -> None:
    """The page runs without an exception or error box and shows its title."""
    at = open_page(page)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == heading


TABS = {
    "pages/progress.py": ["Burn-up", "Activity", "Hours per track", "Skill ratings"],
    "pages/skills.py": ["Your gaps", "Rate yourself", "Over time"],
    "pages/interview.py": [
        "Career path",
        "A day in the life",
        "Interview script",
        "Challenges",
        "Glossary",
    ],
}


@pytest.mark.parametrize(("page", "tab"), [(p, t) for p, tabs in TABS.items() for t in tabs])
def test_every_tab_opens(open_page: Callable[[str], AppTest], page: str, tab: str) -> None:
    """Each lazy tab runs without an error and draws something when opened."""
    at = open_page(page)
    at.session_state["view"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert [t.label for t in at.tabs] == TABS[page]
    opened = next(t for t in at.tabs if t.label == tab)
    assert len(list(opened)) > 0
