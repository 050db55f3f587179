"""Who this session is: the local learner, a signed-in user, a proxy user or a share-link viewer.

Worked out afresh on every run from what Streamlit verified (`st.user`, filled from the
signed identity cookie or the trusted proxy headers) and from the share token, which is
checked against the store each time so revoking a link takes effect at once. Nothing a
visitor can type (the address, widget values, an import file) names a profile.

A verified issuer and subject are used exactly as they came: one the store cannot hold as
it is (not text, blank, too long) makes the identity "refused", never a trimmed or cut
key that could be someone else's. Trimming is for display names only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st
from sqlalchemy.engine import Engine

from pathfinder import store
from pathfinder.entities import MAX_DISPLAY_NAME_LENGTH
from pathfinder.local_access import owner_view_allowed

INVALID_SHARE_MESSAGE = "This share link is not valid. Ask the owner for a new one."
SHARE_PARAM = "share"
_SHARE_TOKEN = "_pathfinder_share_token"  # noqa: S105 - a session-state key, not a secret
_PROFILE = "_pathfinder_profile"

Kind = Literal[
    "local",
    "oidc",
    "header",
    "share",
    "anonymous",
    "refused",
    "remote",
    "invalid-share",
    "unavailable",
]


@dataclass(frozen=True)
class Identity:
    """The verified identity of this run, and for a share-link viewer what the link opens."""

    kind: Kind
    issuer: str | None = None
    subject: str | None = None
    display_name: str | None = None  # stored with the profile, shown to share-link viewers
    grant: store.ShareGrant | None = None
    # How the sidebar names a signed-in person to themselves; never stored or shared.
    signed_in_as: str | None = None

    @property
    def read_only(self) -> bool:
        """Return whether this identity may only look (a share-link viewer)."""
        return self.kind == "share"


def auth_configured() -> bool:
    """Return whether OpenID Connect sign-in (`[auth]` in secrets) is configured."""
    # st.user has an is_logged_in key exactly when [auth] is configured; reading it with
    # .get() never raises, unlike st.user.is_logged_in without an [auth] section.
    return st.user.get("is_logged_in") is not None


def trusted_header() -> tuple[str, str] | None:
    """Return (header, st.user key) of the first `server.trustedUserHeaders` entry, if any."""
    mapping = st.get_option("server.trustedUserHeaders")
    if isinstance(mapping, dict) and mapping:
        header, key = next(iter(mapping.items()))
        return str(header), str(key)
    return None


def _share_token() -> tuple[str | None, bool]:
    """Return the share token this session opened, and whether it arrived on this run.

    The token stays in the address: a reload, a bookmark or the back button opens the same
    read-only view again (a view that forgot its token on reload would turn into whatever
    the address alone gives). Streamlit drops the query string when the viewer moves to
    another page, so it is put back from the session on every run. A session that opened a
    share link stays a share view until it ends: no step inside it leads to the owner's view.
    The token never reaches other sites (the app's Referrer-Policy) and is never logged.
    """
    kept = st.session_state.get(_SHARE_TOKEN)
    kept = kept if isinstance(kept, str) else None
    in_address = st.query_params.get(SHARE_PARAM) if SHARE_PARAM in st.query_params else None
    if in_address is not None and in_address != kept:
        st.session_state[_SHARE_TOKEN] = in_address
        return in_address, True
    if kept is not None and in_address is None:
        st.query_params[SHARE_PARAM] = kept
    return kept, False


def _profile_key(issuer: object, subject: object) -> tuple[str, str] | None:
    """Return (issuer, subject) exactly as verified, or None when the store cannot hold them.

    Never trimmed or cut: "alice " is not "alice", and two long subjects that share their
    first 255 characters are two people, so what cannot be stored as it is is refused.
    """
    if not isinstance(issuer, str) or not isinstance(subject, str):
        return None
    return None if store.profile_key_problem(issuer, subject) else (issuer, subject)


def _display_name(*keys: str) -> str | None:
    """Return the first of these claims with text, as a name to show (trimmed, cut to fit).

    Never used as a key.
    """
    for key in keys:
        value = st.user.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:MAX_DISPLAY_NAME_LENGTH]
    return None


def _client_address() -> str | None:
    """Return the client's address as Streamlit saw it (None: a client on this computer).

    A real session gives a string or None; AppTest's in-process stand-in client gives an
    object that is neither, and runs on this computer.
    """
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def current_identity(engine: Engine | None) -> Identity:
    """Return this run's identity; a share token in the session wins over everything else.

    `engine` is None when the store cannot be reached: a share token cannot be checked
    then, so it gives "unavailable" (never the owner's data unchecked).
    """
    try:
        token, arrived = _share_token()
        if token is not None:
            if engine is None:
                return Identity("unavailable")
            grant = store.resolve_share_token(engine, token)
            if grant is None:
                return Identity("invalid-share")
            if arrived:
                store.record_share_use(engine, grant.link_id)
            return Identity("share", display_name=grant.owner_name, grant=grant)
    except store.StoreUnavailable:
        return Identity("unavailable")
    header = trusted_header()
    if header is not None:
        name, key = header
        value = st.user.get(key)
        if value is None or value == "":  # the proxy did not identify anyone: show nothing
            return Identity("anonymous")
        proxy_key = _profile_key(f"header:{name.lower()}", value)
        if proxy_key is None:
            return Identity("refused")
        issuer, subject = proxy_key
        name_shown = _display_name(key)
        return Identity(
            "header",
            issuer=issuer,
            subject=subject,
            display_name=name_shown,
            signed_in_as=name_shown,
        )
    if auth_configured():
        if st.user.get("is_logged_in") is not True:
            return Identity("anonymous")
        # Keyed by issuer + subject, never by email: an address can be reassigned.
        oidc_key = _profile_key(st.user.get("iss"), st.user.get("sub"))
        if oidc_key is None:
            return Identity("refused")
        issuer, subject = oidc_key
        return Identity(
            "oidc",
            issuer=issuer,
            subject=subject,
            # Only the name is stored (a share link shows it to a mentor); the sidebar
            # may fall back to what the person signed in with, shown to them alone.
            display_name=_display_name("name"),
            signed_in_as=_display_name("name", "preferred_username", "email"),
        )
    if not owner_view_allowed(_client_address(), st.context.headers):
        return Identity("remote")  # local mode, but not this computer: a share link is needed
    return Identity("local", issuer=store.LOCAL_ISSUER, subject=store.LOCAL_SUBJECT)


def profile_id_for(engine: Engine, identity: Identity) -> int | None:
    """Return the profile this identity works on, creating it at the first sign-in."""
    if identity.kind == "share" and identity.grant is not None:
        return identity.grant.profile_id
    if identity.issuer is None or identity.subject is None:
        return None
    key = (identity.issuer, identity.subject, identity.display_name)
    cached = st.session_state.get(_PROFILE)
    # The cache is keyed by the verified identity, so it can never hand out another profile.
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == key:
        return int(cached[1])
    profile_id = store.ensure_profile(
        engine, identity.issuer, identity.subject, identity.display_name
    )
    st.session_state[_PROFILE] = (key, profile_id)
    return profile_id
