"""The frame around every page: sidebar credits, whose progress this is, queued messages."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import streamlit as st

from pathfinder.ui.access import sidebar_identity
from pathfinder.ui.resources import content, describe_store
from pathfinder.ui.visitor import Visitor

# How often the probe below runs: rarely, since it only has to exist on the page.
RECONNECT_PROBE_INTERVAL = dt.timedelta(minutes=10)


@st.fragment(run_every=RECONNECT_PROBE_INTERVAL)
def _rerun_after_reconnect() -> None:
    """Make the browser run the page again when its connection comes back (draws nothing).

    When a server restarts, or a load balancer moves the person to another server, the
    browser reconnects to a new session that never ran the page it shows. Streamlit's
    browser runs the page again on reconnect only in a few cases, one of which is a timed
    fragment on the page; without that run the new session does not know the page's
    fragments, and it silently drops the person's next tick (a fragment rerun) while the
    checkbox shows it ticked. With it, the page is redrawn from the store first.
    tests/e2e/test_reconnect.py restarts a real server under an untouched page.
    """


# Our own scripts, no user text in them: see each file's header.
PAGE_SCRIPTS = tuple(
    Path(__file__).with_name("assets") / name for name in ("keep_typing.js", "one_press.js")
)


@cache
def _page_scripts_html() -> str:
    return "".join(f"<script>{path.read_text(encoding='utf-8')}</script>" for path in PAGE_SCRIPTS)


def page_frame(who: Visitor) -> None:
    """Draw the sidebar (the last interaction's messages are drawn by `resolve_visitor`)."""
    _rerun_after_reconnect()
    with st.sidebar:
        # Keeps what is being typed through page moves, reloads and closing the tab, and
        # makes a double click on a button one press.
        st.html(_page_scripts_html(), unsafe_allow_javascript=True)
    episode = content().episode
    with st.sidebar:
        st.caption(
            f"Built on the DataTalks.Club interview **{episode.title}** with {episode.guest}, "
            f"{episode.guest_role} ([watch]({episode.video_url}))."
        )
        sidebar_identity(who.identity)
        if who.identity.kind in {"local", "oidc", "header"}:
            st.caption(describe_store(who.where))
