"""Who this run is for, resolved once per run: whose progress, and may they change it.

dashboard.py calls `resolve_visitor` once, before the page; pages call `visitor()` and get
the same object. The path from a request to "which profile, may it write":

1. `identity.current_identity` works out who is asking (local learner, signed-in user,
   proxy user, share-link viewer or nobody) from what Streamlit verified;
2. `access.gate_for` turns anyone who may see no data away with a gate page;
3. `identity.profile_id_for` finds (or at a first sign-in creates) their profile;
4. a share-link viewer gets the owner's profile through a read-only engine, so the store
   itself refuses every write; everyone else's changes from the last run are saved now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine

from pathfinder import store
from pathfinder.ui.access import gate_for
from pathfinder.ui.deployment import Configuration, configuration
from pathfinder.ui.feedback import show_pending, store_problem
from pathfinder.ui.identity import Identity, current_identity, profile_id_for, trusted_header
from pathfinder.ui.resources import Database, app_engine, database
from pathfinder.ui.routes import ROUTES, streamlit_pages
from pathfinder.ui.state import save_changes

# Set by dashboard.py around the page's run. A ContextVar, not a module global: every
# session runs its scripts in a thread of its own.
_ROUTED = "_pathfinder_routed"
_CURRENT: ContextVar[Visitor | None] = ContextVar("pathfinder_visitor", default=None)


@dataclass
class Visitor:
    """The visitor of a run: who they are and, when the store answers, whose progress they see.

    `engine` and `profile_id` raise the `StoreUnavailable` that kept this run from the
    store, so a read or a write in such a run fails the way one does when the database
    goes away mid-run, and gets the same message.
    """

    identity: Identity
    where: Database  # where this deployment keeps progress
    _data: tuple[Engine, int] | store.StoreUnavailable | None = None  # None: behind a gate
    warned: bool = False  # whether this run already showed the "store unavailable" banner

    @property
    def viewer(self) -> bool:
        """Return whether this is a share-link viewer (a mentor), who only ever looks."""
        return self.identity.read_only

    @property
    def has_data(self) -> bool:
        """Return whether there is progress to show (the store answered and knows them)."""
        return isinstance(self._data, tuple)

    @property
    def can_edit(self) -> bool:
        """Return whether this visitor may change anything in this run."""
        return self.has_data and not self.viewer

    @property
    def engine(self) -> Engine:
        """Return the engine for this visitor's progress (read-only for a viewer)."""
        return self._owned()[0]

    @property
    def profile_id(self) -> int:
        """Return the profile whose progress this visitor sees."""
        return self._owned()[1]

    def _owned(self) -> tuple[Engine, int]:
        if isinstance(self._data, tuple):
            return self._data
        raise self._data or store.StoreUnavailable("Nobody is signed in, so nothing is shown.")


def resolve_visitor(config: Configuration) -> tuple[Visitor, Callable[[], None] | None]:
    """Work out this run's visitor, and the gate to show instead of any page (None: no gate).

    Saves what the person changed in the last run before anything is read, and shows the
    messages that saving left ("Note saved", "not saved") or why the store cannot be used.
    `config` is the deployment's configuration, read once for the run.
    """
    where = database(config)
    try:
        engine: Engine | None = app_engine(where)
    except store.StoreUnavailable as error:
        engine, problem = None, error
    who = current_identity(engine)
    gate = gate_for(who, behind_proxy=trusted_header() is not None)
    if gate is not None:
        return Visitor(who, where), gate
    if engine is None:
        return _store_away(who, where, problem), None
    try:
        profile_id = profile_id_for(engine, who)
    except store.StoreUnavailable as error:
        return _store_away(who, where, error), None
    if profile_id is None:  # pragma: no cover - every identity that sees data has a profile
        return Visitor(who, where), gate_for(Identity("unavailable"), behind_proxy=False)
    if who.read_only:
        viewing = (store.read_only(engine), profile_id)
        return Visitor(who, where, viewing, warned=show_pending()), None
    me = Visitor(who, where, (engine, profile_id))
    save_changes(me)
    me.warned = show_pending()
    return me, None


def _store_away(who: Identity, where: Database, problem: store.StoreUnavailable) -> Visitor:
    """Return the visitor of a run the store cannot serve, saying so once on the page.

    The messages the last interaction left come first; when one of them already says the
    store is away, the banner is not shown twice.
    """
    if not show_pending():
        store_problem(problem)
    return Visitor(who, where, problem, warned=True)


@contextmanager
def serving(who: Visitor) -> Iterator[None]:
    """Make `who` the visitor that `visitor()` returns while the page runs."""
    token = _CURRENT.set(who)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def visitor() -> Visitor:
    """Return this run's visitor, as dashboard.py resolved it before running the page.

    A page script can run without dashboard.py: Streamlit treats an app with a `pages/`
    folder as an old-style multipage app until some session calls `st.navigation`, and
    runs a page file on its own (AppTest does so on every run; a server never does, see
    `server.route_every_page_through_the_router`). On a session's first run the page calls
    `st.navigation`, Streamlit's documented way to make the app ignore `pages/`, and runs
    again through the router at the same address. A later run may carry a button press
    that a rerun would drop, so there the page resolves its visitor itself.
    """
    current = _CURRENT.get()
    if current is not None:
        return current
    if _ROUTED not in st.session_state:
        st.session_state[_ROUTED] = True
        st.navigation(streamlit_pages(ROUTES), position="hidden")
        st.rerun()
    current, gate = resolve_visitor(configuration())
    if gate is not None:
        gate()
        st.stop()
    return current
