"""What anonymous visitors, share-link viewers and signed-in users see around the pages."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pathfinder.ui.identity import INVALID_SHARE_MESSAGE, Identity
from pathfinder.ui.widgets import plain_markdown


def render_landing() -> None:
    """Show anonymous visitors what Pathfinder is and a log-in button; never any progress."""
    st.title("Data PM Pathfinder")
    st.write(
        "A learning plan for product designers moving into data product management, built "
        "on one expert interview. Log in to keep your own plan, notes, ratings and case "
        "studies, and to share a read-only view with a mentor."
    )
    st.button("Log in", key="login", type="primary", icon=":material/login:", on_click=st.login)


def render_proxy_required() -> None:
    """Explain that the reverse proxy in front of this deployment did not identify anyone."""
    st.title("Data PM Pathfinder")
    st.warning(
        "This deployment signs people in through its reverse proxy, and this request did not "
        "come with a signed-in user. Open the app through your organisation's sign-in.",
        icon=":material/lock:",
    )


def render_invalid_share() -> None:
    """Show the one message every unusable share link gets, and no data."""
    st.title("Data PM Pathfinder")
    st.error(INVALID_SHARE_MESSAGE, icon=":material/link_off:")


REMOTE_MESSAGE = (
    "This is someone's personal learning plan, served from their computer. To see their "
    "progress, ask the owner for a share link."
)


def render_remote_visitor() -> None:
    """Tell a visitor from another computer (local mode) that they need a share link."""
    st.title("Data PM Pathfinder")
    st.info(REMOTE_MESSAGE, icon=":material/lock:")


def render_unavailable() -> None:
    """Say that the store cannot be reached, so no identity or data can be checked."""
    st.title("Data PM Pathfinder")
    st.warning(
        "Progress can't be loaded right now: the database is not reachable. Nothing was "
        "changed; try again in a moment.",
        icon=":material/cloud_off:",
    )


def sidebar_identity(who: Identity) -> None:
    """Say in the sidebar whose progress this is, with log-out or leave-view where it applies."""
    if who.kind == "share" and who.grant is not None:
        owner = plain_markdown(who.display_name or "a learner")
        label = f" (link: {plain_markdown(who.grant.label)})" if who.grant.label else ""
        st.info(
            f"Read-only view of {owner}'s progress{label}. Nothing can be changed here.",
            icon=":material/visibility:",
        )
    elif who.kind == "oidc":
        st.caption(f"Signed in as {plain_markdown(who.display_name or 'you')}.")
        st.button("Log out", key="logout", icon=":material/logout:", on_click=st.logout)
    elif who.kind == "header":
        st.caption(
            f"Signed in as {plain_markdown(who.display_name or '')} by your organisation's sign-in."
        )


def gate_for(who: Identity, *, behind_proxy: bool) -> Callable[[], None] | None:
    """Return the page shown instead of the app to someone who may see no data, else None."""
    if who.kind == "anonymous":
        return render_proxy_required if behind_proxy else render_landing
    if who.kind == "remote":
        return render_remote_visitor
    if who.kind == "invalid-share":
        return render_invalid_share
    if who.kind == "unavailable":
        return render_unavailable
    return None
