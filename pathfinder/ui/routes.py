"""The app's pages: one list that the router, the server and the sign-in gate all read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import streamlit as st

if TYPE_CHECKING:
    from streamlit.navigation.page import StreamlitPage


APP_ROOT: Final = Path(__file__).resolve().parents[2]
"""The folder of dashboard.py and pages/."""


@dataclass(frozen=True)
class Route:
    """One page: its script in `pages/`, its address and how the menu shows it."""

    script: str  # relative to dashboard.py
    title: str
    icon: str
    url_path: str  # "" is the home page
    shown_to_viewers: bool  # whether a share-link viewer (a mentor) gets this page


ROUTES: Final = (
    Route("pages/overview.py", "Overview", ":material/home:", "", shown_to_viewers=True),
    Route("pages/plan.py", "Learning plan", ":material/checklist:", "plan", shown_to_viewers=True),
    Route(
        "pages/lifecycle.py", "Lifecycle", ":material/cycle:", "lifecycle", shown_to_viewers=False
    ),
    Route("pages/skills.py", "Skills", ":material/radar:", "skills", shown_to_viewers=True),
    Route(
        "pages/case_studies.py",
        "Case studies",
        ":material/article:",
        "case-studies",
        shown_to_viewers=True,
    ),
    Route(
        "pages/progress.py",
        "Progress",
        ":material/trending_up:",
        "progress",
        shown_to_viewers=True,
    ),
    Route(
        "pages/interview.py",
        "The interview",
        ":material/podcasts:",
        "interview",
        shown_to_viewers=False,
    ),
    Route(
        "pages/settings.py",
        "Settings",
        ":material/settings:",
        "settings",
        shown_to_viewers=False,
    ),
)
"""Every page in menu order; a share link opens only those shown to viewers."""

PAGE_PATHS: Final = tuple(route.url_path for route in ROUTES)
"""Every page's address; the server needs them before any script runs (a sign-in may
return someone only to one of these), and the sign-in gate answers on each of them."""


def streamlit_pages(routes: Iterable[Route]) -> list[StreamlitPage]:
    """Return the `st.Page` of each route, the home page ("") as the default.

    Scripts are named by absolute path: a page run on its own (see `visitor.visitor`) is
    then the main script, and a relative path would be looked up beside it.
    """
    return [
        st.Page(
            APP_ROOT / route.script,
            title=route.title,
            icon=route.icon,
            url_path=route.url_path,
            default=not route.url_path,
        )
        for route in routes
    ]
