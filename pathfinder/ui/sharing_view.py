"""Share links on the settings page: create (token shown once), list and revoke."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from pathfinder import store
from pathfinder.entities import MAX_LABEL_LENGTH
from pathfinder.local_access import listens_beyond_this_computer, network_address
from pathfinder.ui import data
from pathfinder.ui.feedback import attempt
from pathfinder.ui.identity import SHARE_PARAM
from pathfinder.ui.state import drawing_id, first_press
from pathfinder.ui.visitor import Visitor
from pathfinder.ui.widgets import plain_markdown, records

EXPIRY_CHOICES = {"never": None, "1 day": 1, "7 days": 7, "30 days": 30, "90 days": 90}
LABEL_SUGGESTIONS = ("mentor", "recruiter")
_NEW_LINK = "_pathfinder_new_share_link"


def app_base_url(host: str | None = None) -> str:
    """Return the address of the app's home page as the browser sees it (or on `host`)."""
    url = st.context.url or "http://localhost:8501/"
    parts = urlsplit(url)
    base_path = str(st.get_option("server.baseUrlPath") or "").strip("/")
    netloc = (
        parts.netloc if host is None else f"{host}:{parts.port or st.get_option('server.port')}"
    )
    return f"{parts.scheme}://{netloc}/{base_path + '/' if base_path else ''}"


def network_base_url() -> str | None:
    """Return the app's address for others on the network, when the owner uses it locally.

    The owner's own browser says localhost, which means nothing on a mentor's computer.
    """
    if urlsplit(st.context.url or "").hostname not in {"localhost", "127.0.0.1", "::1"}:
        return None
    if not listens_beyond_this_computer(st.get_option("server.address")):
        return None
    address = network_address()
    return None if address is None else app_base_url(address)


def _create(learner: Visitor, drawing: str) -> None:
    if not first_press("share-create", drawing):
        return  # the second press of a double click: one link was asked for
    label = str(st.session_state.get("share-label") or "").strip()
    days = EXPIRY_CHOICES[st.session_state.get("share-expiry") or "never"]
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days) if days else None
    made: list[str] = []
    if attempt(
        lambda: made.append(
            store.create_share_link(learner.engine, learner.profile_id, label, expires_at=expires)[
                1
            ]
        ),
        saved="Share link created",
    ):
        # Kept only until it is drawn once: the token is never stored in readable form.
        st.session_state[_NEW_LINK] = made[0]


def _revoke(learner: Visitor, link_id: int) -> None:
    attempt(
        lambda: store.revoke_share_link(learner.engine, learner.profile_id, link_id),
        saved="Link revoked: it stopped working at once",
    )


def _when(value: Any) -> str:
    if value is None or pd.isna(value):
        return "—"
    return str(pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC"))


def render_share_links(learner: Visitor) -> None:
    """Let the owner create, see and revoke read-only links to their progress."""
    st.subheader("Share links")
    st.write(
        "A share link opens a read-only view of your overview, plan progress, skills, "
        "progress charts and the case studies you mark as shared. Whoever has the link can "
        "look but change nothing. Revoke a link and it stops working at once."
    )
    with st.form("share-new", border=True):
        st.text_input(
            "Label (who is it for?)",
            key="share-label",
            max_chars=MAX_LABEL_LENGTH,
            placeholder=" or ".join(LABEL_SUGGESTIONS),
        )
        st.selectbox("Expires after", list(EXPIRY_CHOICES), key="share-expiry")
        st.form_submit_button(
            "Create link",
            icon=":material/add_link:",
            on_click=_create,
            args=(learner, drawing_id()),
        )
    token = st.session_state.pop(_NEW_LINK, None)
    if isinstance(token, str):
        st.success(
            "Copy this link now: it is shown only once and cannot be recovered.",
            icon=":material/key:",
        )
        st.code(f"{app_base_url()}?{SHARE_PARAM}={token}", language=None)
        network = network_base_url()
        if network is not None:
            st.markdown("For someone on your network (the same Wi-Fi or office):")
            st.code(f"{network}?{SHARE_PARAM}={token}", language=None)
    links = data.share_links(learner)
    if links.empty:
        st.caption("No share links yet.")
        return
    now = pd.Timestamp.now(tz="UTC")
    for link in records(links):
        revoked = not pd.isna(link["revoked_at"])
        expired = not pd.isna(link["expires_at"]) and pd.Timestamp(link["expires_at"]) <= now
        state = "revoked" if revoked else "expired" if expired else "active"
        with st.container(border=True, key=f"share-link-{link['id']}"):
            st.markdown(
                f"**{plain_markdown(link['label'] or 'Unlabelled link')}** · {state}  \n"
                f"Created {_when(link['created_at'])} · expires {_when(link['expires_at'])} · "
                f"last opened {_when(link['last_used_at'])}"
            )
            if state == "active":
                st.button(
                    "Revoke",
                    key=f"share-revoke-{link['id']}",
                    icon=":material/link_off:",
                    on_click=_revoke,
                    args=(learner, int(link["id"])),
                )
