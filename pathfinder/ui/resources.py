"""Process-wide resources (content, database engine) cached once at the UI edge."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine, make_url

from pathfinder import charts, hosting, store
from pathfinder.charts import Chart
from pathfinder.content import Content, ContentError, load_content_cached
from pathfinder.ui.deployment import Configuration, refusal


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


@dataclass(frozen=True)
class Database:
    """Where this deployment keeps progress."""

    url: str  # password included: the engine cache key, never shown
    named: bool  # whether messages may say where it is: a SQLite file on the learner's computer


def database(config: Configuration) -> Database:
    """Return where progress goes; a deployment that must serve no one stops the run with why."""
    facts, _, url = config
    render = refusal(config)
    if render is not None or url is None:
        if render is not None:
            render()
        st.stop()
        raise AssertionError("unreachable")  # pragma: no cover - st.stop() raises
    named = url.get_backend_name() == "sqlite" and not facts.serves_others
    return Database(url.render_as_string(hide_password=False), named)


def app_engine(where: Database) -> Engine:
    """Return the migrated engine; raise StoreUnavailable while the database is away."""
    try:
        return _engine_for(where.url, where.named)
    except store.StoreConfigError as error:
        # Written by a newer version of the app: nothing here may read or write it.
        problem = hosting.schema_problem("newer", "")
        st.error(str(error) if where.named else problem.message, icon=":material/update:")
        st.stop()
        raise


def describe_store(where: Database) -> str:
    """Return a short sentence saying where progress is kept, naming only a local file."""
    parsed = make_url(where.url)
    if parsed.get_backend_name() != "sqlite":
        return "Progress is saved to the shared database."
    if not where.named:  # a hosted server's files are none of a visitor's business
        return "Progress is saved on this server."
    return f"Progress is saved on this computer, in {store.describe_location(parsed)}."
