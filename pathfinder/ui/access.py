"""What anonymous visitors, share-link viewers and signed-in users see around the pages."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pathfinder.ui.identity import INVALID_SHARE_MESSAGE, Identity
from pathfinder.ui.server import DENIED, FAILED, SIGN_IN_PARAM, SIGNED_OUT
from pathfinder.ui.widgets import plain_markdown

_SIGN_IN_NOTICE = "_pathfinder_sign_in_notice"
APP_TITLE = "Data PM Pathfinder"
SIGNED_OUT_MESSAGE = "You are signed out. Log in again to carry on where you left off."
DENIED_MESSAGE = (
    "Sign-in was cancelled at the sign-in page, so you are not signed in. Nothing was "
    "changed; log in again whenever you like."
)
FAILED_MESSAGE = (
    "Sign-in did not work, so you are not signed in. Try logging in again; if it keeps "
    "failing, tell whoever runs this app."
)
REFUSED_MESSAGE = (
    "You are signed in at your identity provider, but with an identity this app cannot use: "
    "its issuer or subject is empty or too long to store as it is. Nothing is shown and "
    "nothing was saved. Log out and sign in with another account, or tell whoever runs "
    "this app."
)
PROXY_REQUIRED_MESSAGE = (
    "This deployment signs people in through its reverse proxy, and this request did not "
    "come with a signed-in user. Open the app through your organisation's sign-in."
)
REFUSED_PROXY_MESSAGE = (
    "This deployment signs people in through its reverse proxy, and the user name it sent "
    "cannot be used here: it is empty or too long to store as it is. Nothing is shown and "
    "nothing was saved; tell whoever runs this app."
)
REMOTE_MESSAGE = (
    "This is someone's personal learning plan, served from their computer. To see their "
    "progress, ask the owner for a share link."
)
UNAVAILABLE_MESSAGE = (
    "Progress can't be loaded right now: the database is not reachable. Nothing was "
    "changed; try again in a moment."
)


def _sign_in_notice() -> None:
    """Say how the last sign-in or log-out ended (the server's `?signin=` marker).

    The marker moves from the address into the session, so a reload or a shared address
    does not repeat it; only the known values are shown, as fixed text.
    """
    if SIGN_IN_PARAM in st.query_params:
        st.session_state[_SIGN_IN_NOTICE] = st.query_params.get(SIGN_IN_PARAM)
        del st.query_params[SIGN_IN_PARAM]
    notice = st.session_state.get(_SIGN_IN_NOTICE)
    if notice == SIGNED_OUT:
        st.success(SIGNED_OUT_MESSAGE, icon=":material/logout:")
    elif notice == DENIED:
        st.warning(DENIED_MESSAGE, icon=":material/block:")
    elif notice == FAILED:
        st.error(FAILED_MESSAGE, icon=":material/error:")


def render_landing() -> None:
    """Show anonymous visitors what Pathfinder is and a log-in button; never any progress."""
    st.title(APP_TITLE)
    _sign_in_notice()
    st.write(
        "A learning plan for product designers moving into data product management, built "
        "on one expert interview. Log in to keep your own plan, notes, ratings and case "
        "studies, and to share a read-only view with a mentor."
    )
    st.button("Log in", key="login", type="primary", icon=":material/login:", on_click=st.login)


def render_refused_sign_in() -> None:
    """Say that the signed-in identity cannot key a profile; offer log-out, show no data."""
    _notice_page(st.error, REFUSED_MESSAGE, ":material/person_off:")
    st.button("Log out", key="refused-logout", icon=":material/logout:", on_click=st.logout)


def render_refused_proxy() -> None:
    """Say that the proxy's user name cannot key a profile; show no data."""
    _notice_page(st.error, REFUSED_PROXY_MESSAGE, ":material/person_off:")


def render_proxy_required() -> None:
    """Explain that the reverse proxy in front of this deployment did not identify anyone."""
    _notice_page(st.warning, PROXY_REQUIRED_MESSAGE, ":material/lock:")


def render_invalid_share() -> None:
    """Show the one message every unusable share link gets, and no data."""
    _notice_page(st.error, INVALID_SHARE_MESSAGE, ":material/link_off:")


def render_remote_visitor() -> None:
    """Tell a visitor from another computer (local mode) that they need a share link."""
    _notice_page(st.info, REMOTE_MESSAGE, ":material/lock:")


def render_unavailable() -> None:
    """Say that the store cannot be reached, so no identity or data can be checked."""
    _notice_page(st.warning, UNAVAILABLE_MESSAGE, ":material/cloud_off:")


def _notice_page(show: Callable[..., object], message: str, icon: str) -> None:
    """Draw the app's title and one notice (st.error, st.warning...): a page with no data."""
    st.title(APP_TITLE)
    show(message, icon=icon)


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
        st.markdown(_signed_in_as(who))
        st.button("Log out", key="logout", icon=":material/logout:", on_click=st.logout)
    elif who.kind == "header":
        st.markdown(_signed_in_as(who, by=" by your organisation's sign-in"))


def _signed_in_as(who: Identity, by: str = "") -> str:
    """Return the sidebar's "Signed in as <name>" sentence as Markdown, the name escaped."""
    name = f" as {plain_markdown(who.signed_in_as)}" if who.signed_in_as else ""
    return f"Signed in{name}{by}."


def gate_for(who: Identity, *, behind_proxy: bool) -> Callable[[], None] | None:
    """Return the page shown instead of the app to someone who may see no data, else None."""
    if who.kind == "anonymous":
        return render_proxy_required if behind_proxy else render_landing
    if who.kind == "remote":
        return render_remote_visitor
    if who.kind == "refused":
        return render_refused_proxy if behind_proxy else render_refused_sign_in
    if who.kind == "invalid-share":
        return render_invalid_share
    if who.kind == "unavailable":
        return render_unavailable
    return None
