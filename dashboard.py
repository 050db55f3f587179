"""Data PM Pathfinder: the router and the frame every page shares."""

from __future__ import annotations

import streamlit as st

from pathfinder.ui.frame import page_frame

st.set_page_config(
    page_title="Data PM Pathfinder",
    page_icon=":material/explore:",
    layout="centered",
    initial_sidebar_state="auto",
)

PAGES = [
    st.Page(
        "pages/overview.py", title="Overview", icon=":material/home:", url_path="", default=True
    ),
    st.Page("pages/plan.py", title="Learning plan", icon=":material/checklist:", url_path="plan"),
    st.Page("pages/lifecycle.py", title="Lifecycle", icon=":material/cycle:", url_path="lifecycle"),
    st.Page("pages/skills.py", title="Skills", icon=":material/radar:", url_path="skills"),
    st.Page(
        "pages/case_studies.py",
        title="Case studies",
        icon=":material/article:",
        url_path="case-studies",
    ),
    st.Page(
        "pages/progress.py", title="Progress", icon=":material/trending_up:", url_path="progress"
    ),
    st.Page(
        "pages/interview.py",
        title="The interview",
        icon=":material/podcasts:",
        url_path="interview",
    ),
    st.Page("pages/settings.py", title="Settings", icon=":material/settings:", url_path="settings"),
]

page = st.navigation(PAGES)
page_frame()
page.run()
