"""Data PM Pathfinder: the router and the frame every page shares.

`streamlit run dashboard.py` uses this file twice: it imports it once as a module to serve
`app` (Streamlit plus the parts in pathfinder.ui.server), and then runs it as `__main__`
on every script run, where it routes to the page asked for.
"""

from __future__ import annotations

import streamlit as st

# Every page's url_path, as registered below. The server needs them before any script
# runs (a sign-in may return someone only to one of these), and the sign-in gate answers
# on each of them; tests/hosted checks this list against the st.Page calls.
PAGE_PATHS = (
    "",
    "plan",
    "lifecycle",
    "skills",
    "case-studies",
    "progress",
    "interview",
    "settings",
)

if __name__ != "__main__":
    from pathfinder.ui import server

    app = st.App(
        __file__,
        routes=server.routes(),
        middleware=server.middleware(PAGE_PATHS),
        lifespan=server.lifespan,
    )
else:
    from collections.abc import Callable

    from pathfinder.ui.access import gate_for
    from pathfinder.ui.deployment import refusal
    from pathfinder.ui.frame import page_frame
    from pathfinder.ui.identity import trusted_header
    from pathfinder.ui.resources import identity

    st.set_page_config(
        page_title="Data PM Pathfinder",
        page_icon=":material/explore:",
        layout="centered",
        initial_sidebar_state="auto",
    )

    OVERVIEW = st.Page(
        "pages/overview.py", title="Overview", icon=":material/home:", url_path="", default=True
    )
    PLAN = st.Page(
        "pages/plan.py", title="Learning plan", icon=":material/checklist:", url_path="plan"
    )
    LIFECYCLE = st.Page(
        "pages/lifecycle.py", title="Lifecycle", icon=":material/cycle:", url_path="lifecycle"
    )
    SKILLS = st.Page("pages/skills.py", title="Skills", icon=":material/radar:", url_path="skills")
    CASE_STUDIES = st.Page(
        "pages/case_studies.py",
        title="Case studies",
        icon=":material/article:",
        url_path="case-studies",
    )
    PROGRESS = st.Page(
        "pages/progress.py", title="Progress", icon=":material/trending_up:", url_path="progress"
    )
    INTERVIEW = st.Page(
        "pages/interview.py",
        title="The interview",
        icon=":material/podcasts:",
        url_path="interview",
    )
    SETTINGS = st.Page(
        "pages/settings.py", title="Settings", icon=":material/settings:", url_path="settings"
    )
    PAGES = [OVERVIEW, PLAN, LIFECYCLE, SKILLS, CASE_STUDIES, PROGRESS, INTERVIEW, SETTINGS]
    # A share link opens what the owner shows a mentor; nothing there can change anything.
    VIEWER_PAGES = [OVERVIEW, PLAN, SKILLS, CASE_STUDIES, PROGRESS]

    def on_every_address(draw: Callable[[], None], title: str) -> None:
        """Serve `draw` as the only page, under every page's address (no "page not found")."""
        st.navigation(
            [st.Page(draw, title=title, url_path=path, default=not path) for path in PAGE_PATHS],
            position="hidden",
        )

    refused = refusal()
    if refused is not None:
        # A deployment that must serve no one (say, marked hosted but without sign-in) shows
        # the operator's message on every address, and runs nothing that reads progress.
        on_every_address(refused, "Not available")
        refused()
        st.stop()
    who = identity()
    gate = gate_for(who, behind_proxy=trusted_header() is not None)
    if gate is not None:
        # Anonymous visitors, unusable share links and visitors from the network in local
        # mode get the gate under every page's address, so a deep link shows it and stays
        # in the address bar for the sign-in to return to; no page script (and so no
        # progress) runs.
        on_every_address(gate, "Welcome")
        page_frame(who)
        gate()
    else:
        page = st.navigation(VIEWER_PAGES if who.read_only else PAGES)
        page_frame(who)
        page.run()
