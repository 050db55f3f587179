"""Process-wide resources (content, database engine) cached once at the UI edge."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine, make_url

from pathfinder import charts, hosting, store
from pathfinder.charts import Chart
from pathfinder.content import Content, ContentError, load_content_cached
from pathfinder.ui.access import gate_for
from pathfinder.ui.feedback import show_pending, store_problem
from pathfinder.ui.identity import Identity, current_identity, profile_id_for, trusted_header

_ROUTED = "_pathfinder_routed"


def _through_the_router() -> None:
    """Rerun through dashboard.py when Streamlit ran this page file on its own.

    Until some session has run the router's `st.navigation`, Streamlit treats an app with
    a `pages/` folder as an old-style multipage app: a first visitor who opens a deep link
    such as /plan gets that page file run alone, with file names in the sidebar and
    without the frame. Streamlit keeps that choice in one process-wide flag (not public
    API; looked up defensively), which `st.navigation` itself clears. Clearing it here and
    rerunning sends this and every later run through the router, on the same address.
    Only a session's first run is rerun: a later one may carry a click that a rerun
    would drop (AppTest sets the flag again before each of its runs).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without the flag has no such mode
        return
    first_run = _ROUTED not in st.session_state
    st.session_state[_ROUTED] = True
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        if first_run:
            st.rerun()


@st.cache_resource(show_spinner=False)
def _cached_content() -> Content:
    # cache_resource, not cache_data: content is immutable and shared read-only by every
    # session, so handing out the same frames avoids re-pickling ~20 tables on each rerun.
    # Validated once per content version on disk too, so a new process skips validation.
    return load_content_cached()


def content() -> Content:
    """Return the validated content, or stop the page with the editor's error message."""
    try:
        return _cached_content()
    except ContentError as error:
        st.error(
            f"The learning content could not be loaded, so the dashboard cannot start.\n\n{error}"
        )
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers the function ends here


@dataclass(frozen=True)
class ContentCharts:
    """Figures that depend only on the content, so every session can share them."""

    lifecycle: Chart
    career: Chart


@st.cache_resource(show_spinner=False)
def content_charts() -> ContentCharts:
    """Build the content-only figures once per process (no learner data in them)."""
    c = content()
    return ContentCharts(
        lifecycle=charts.lifecycle_flow(c.phases), career=charts.career_timeline(c.career)
    )


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    # Migrations run once per process and database URL; an exception is not cached, so a
    # database that was down is tried again on the next rerun.
    engine = store.create_store_engine(url)
    store.migrate(engine)
    return engine


@dataclass
class Learner:
    """Whose progress this run shows, and through which engine (made afresh each run)."""

    engine: Engine
    profile_id: int
    read_only: bool = False
    warned: bool = False  # whether this run already showed the "store unavailable" banner
    identity: Identity | None = None


def database_url() -> str:
    """Return the database URL from the environment, secrets or the embedded default."""
    try:
        url = store.resolve_database_url()
    except store.StoreConfigError as error:
        st.error(f"The database settings cannot be used. {error}", icon=":material/settings:")
        st.stop()
        raise
    problem = hosting.storage_problem(url, required=hosting.durable_storage_required())
    if problem is not None:
        st.error(problem, icon=":material/database:")
        st.stop()
    # A plain string (password included) is the cache key: the engine is per database.
    return url.render_as_string(hide_password=False)


def _engine_or_none() -> Engine | None:
    try:
        return _engine_for(database_url())
    except store.StoreUnavailable:
        return None


def identity() -> Identity:
    """Return who this session is (checked afresh on every run; see pathfinder.ui.identity)."""
    return current_identity(_engine_or_none())


def learner() -> Learner | None:
    """Return this session's learner, or None (with a banner) when the store is unavailable.

    Anyone who may see no data (an anonymous visitor in hosted mode, an unusable share
    link) gets the gate page here and the run stops, so a page script can never show
    data even when it runs without the router. A share-link viewer gets the owner's
    profile through a read-only engine: the store itself refuses every write.
    """
    _through_the_router()
    try:
        engine = _engine_for(database_url())
    except store.StoreUnavailable as error:
        engine, problem = None, error
    who = current_identity(engine)
    gate = gate_for(who, behind_proxy=trusted_header() is not None)
    if gate is not None:
        gate()
        st.stop()
    # Messages from the last interaction come first, before any read: a save that failed
    # because the store is away already says so, and the reads need not say it again.
    told = show_pending()
    if engine is None:
        if not told:
            store_problem(problem)
        return None
    try:
        profile_id = profile_id_for(engine, who)
    except store.StoreUnavailable as error:
        if not told:
            store_problem(error)
        return None
    if profile_id is None:  # pragma: no cover - every identity that sees data has a profile
        return None
    if who.read_only:
        return Learner(
            store.read_only(engine), profile_id, read_only=True, identity=who, warned=told
        )
    return Learner(engine=engine, profile_id=profile_id, identity=who, warned=told)


def describe_store(url: str) -> str:
    """Return a short sentence saying where progress is kept, without any password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"Progress is saved on this computer, in {store.describe_location(parsed)}."
    return "Progress is saved to the shared database."
