"""The frame around every page: sidebar credits, whose progress this is, queued messages."""

from __future__ import annotations

import streamlit as st

from pathfinder.ui.access import sidebar_identity
from pathfinder.ui.identity import Identity
from pathfinder.ui.resources import content, describe_store


def page_frame(who: Identity | None = None) -> None:
    """Draw the sidebar (messages left by the last interaction are drawn by `learner()`)."""
    episode = content().episode
    with st.sidebar:
        st.caption(
            f"Built on the DataTalks.Club interview **{episode.title}** with {episode.guest}, "
            f"{episode.guest_role} ([watch]({episode.video_url}))."
        )
        if who is not None:
            sidebar_identity(who)
        if who is None or who.kind in {"local", "oidc", "header"}:
            st.caption(describe_store())
