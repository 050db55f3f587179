"""Process-wide resources (content, database engine) cached once at the UI edge."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine, make_url

from pathfinder import charts, hosting, store
from pathfinder.charts import Chart
from pathfinder.content import Content, ContentError, load_content_cached
from pathfinder.ui.access import gate_for
from pathfinder.ui.deployment import configuration, refusal
from pathfinder.ui.feedback import show_pending, store_problem
from pathfinder.ui.identity import Identity, current_identity, profile_id_for, trusted_header
from pathfinder.ui.state import save_changes

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
def _store_engine(url: str, name_location: bool) -> Engine:
    # One engine per database and process, kept while the database is away too: its
    # ProblemLog then logs an outage once, not once per rerun.
    return store.create_store_engine(url, name_location=name_location)


@st.cache_resource(show_spinner=False)
def _engine_for(url: str, name_location: bool) -> Engine:
    # Migrations run once per process and database URL; an exception is not cached, so a
    # database that was down is tried again on the next rerun.
    engine = _store_engine(url, name_location)
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


@dataclass(frozen=True)
class _Database:
    url: str  # password included: the engine cache key, never shown
    named: bool  # whether messages may say where it is: a SQLite file on the learner's computer


def _database() -> _Database:
    """Return where progress goes; a deployment that must serve no one stops the run with why."""
    config = configuration()
    facts, _, url = config
    render = refusal(config)
    if render is not None or url is None:
        if render is not None:
            render()
        st.stop()
        raise AssertionError("unreachable")  # pragma: no cover - st.stop() raises
    named = url.get_backend_name() == "sqlite" and not facts.serves_others
    return _Database(url.render_as_string(hide_password=False), named)


def database_url() -> str:
    """Return the database URL from the environment, secrets or the embedded default."""
    return _database().url


def _app_engine() -> Engine:
    """Return the migrated engine; raise StoreUnavailable while the database is away."""
    database = _database()
    try:
        return _engine_for(database.url, database.named)
    except store.StoreConfigError as error:
        # Written by a newer version of the app: nothing here may read or write it.
        problem = hosting.schema_problem("newer", "")
        st.error(str(error) if database.named else problem.message, icon=":material/update:")
        st.stop()
        raise


def _engine_or_none() -> Engine | None:
    try:
        return _app_engine()
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
        engine = _app_engine()
    except store.StoreUnavailable as error:
        engine, problem = None, error
    who = current_identity(engine)
    gate = gate_for(who, behind_proxy=trusted_header() is not None)
    if gate is not None:
        gate()
        st.stop()
    if engine is None:
        if not show_pending():
            store_problem(problem)
        return None
    try:
        profile_id = profile_id_for(engine, who)
    except store.StoreUnavailable as error:
        if not show_pending():
            store_problem(error)
        return None
    if profile_id is None:  # pragma: no cover - every identity that sees data has a profile
        return None
    if who.read_only:
        return Learner(
            store.read_only(engine),
            profile_id,
            read_only=True,
            identity=who,
            warned=show_pending(),
        )
    me = Learner(engine=engine, profile_id=profile_id, identity=who)
    # What the person changed since the last run is saved before anything is drawn. The
    # messages of this and the last interaction ("Note saved", "not saved") come next,
    # before any read: a save that failed because the store is away already says so, and
    # the reads need not say it again.
    save_changes(me)
    me.warned = show_pending()
    return me


def describe_store() -> str:
    """Return a short sentence saying where progress is kept, naming only a local file."""
    database = _database()
    parsed = make_url(database.url)
    if parsed.get_backend_name() != "sqlite":
        return "Progress is saved to the shared database."
    if not database.named:  # a hosted server's files are none of a visitor's business
        return "Progress is saved on this server."
    return f"Progress is saved on this computer, in {store.describe_location(parsed)}."
