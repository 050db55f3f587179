"""Keep widgets in step with the store, and save exactly what the person changed.

Every widget that saves is drawn with the stored value, remembered as what the page was
shown (`shown`), and is tracked with the function that saves it. At the start of every
run, before anything is drawn, `save_changes` saves each tracked widget whose value now
differs from what it was shown: that difference is what the person did, and nothing else
is. Two things make this safer than Streamlit's widget callbacks:

- Streamlit calls a callback the person never triggered, for instance replaying every
  widget of a fragment with the values the page showed when the person leaves the page
  while a rerun is pending. A replayed value equals the shown one: nothing is saved.
- Streamlit stops a callback at its first read of the session state when another request
  is already waiting (a quick second click, a click on the sidebar), and never calls it
  again: the change was lost. A run stopped that way starts over, and `save_changes`
  finds the change still unsaved.

A successful save becomes the shown value at once, so saving again is a no-op.

Savers read what they need through `values()`, which takes no such pause, and only then
write the store: when the tab is closed or reloaded right after the last keystroke went
out, Streamlit stops the run that carries it, and a read of `st.session_state` before the
write used to be where the text was dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Final, Protocol, TypeVar

import streamlit as st

T = TypeVar("T")

_DIRTY = "_pathfinder_dirty"
_SHOWN = "_pathfinder_shown"
_SAVERS = "_pathfinder_savers"
_PRESSES = "_pathfinder_presses"  # action key -> the drawing whose press was acted on
# A saver gets the learner of the run and its own arguments, reads its widget's value
# and makes one store write.
Saver = Callable[..., None]


class Editor(Protocol):
    """Whoever a run is for (`pathfinder.ui.visitor.Visitor`), as far as saving needs."""

    @property
    def can_edit(self) -> bool:
        """Return whether this visitor may change anything in this run."""


UNKNOWN: Final = object()  # no value was shown for this widget in this session


def values() -> dict[str, Any]:
    """Return the session's values (widgets by key) without a point where Streamlit stops.

    Every `st.session_state` read lets Streamlit stop the run when another request, or
    the tab's closing, is waiting; `to_dict()` does not, so what a saver reads before it
    writes cannot be cut off half way. Mutable values in it are the session's own.
    """
    return st.session_state.to_dict()


def shown(key: str) -> Any:
    """Return the value widget `key` was last shown (or set to by a save), else UNKNOWN."""
    return values().get(_SHOWN, {}).get(key, UNKNOWN)


def set_shown(key: str, value: Any) -> None:
    """Remember `value` as what widget `key` shows: drawn from the store, or just saved."""
    st.session_state.setdefault(_SHOWN, {})[key] = value


def chosen(key: str) -> Any:
    """Return the value the person put in widget `key`, or UNKNOWN when they changed nothing.

    UNKNOWN also when the widget was never shown in this session: a callback for it cannot
    come from anything the person did here.
    """
    now = values()
    before = now.get(_SHOWN, {}).get(key, UNKNOWN)
    value = now.get(key, UNKNOWN)
    if before is UNKNOWN or value is UNKNOWN or value == before:
        return UNKNOWN
    return value


def drawing_id() -> str:
    """Return a new id for one drawing of an action button, to pass to its callback.

    A double click sends two presses of the same button before the page is drawn again;
    both reach the callback with the id of the drawing the person clicked, and
    `first_press` lets only the first one act.
    """
    return uuid.uuid4().hex


def first_press(key: str, drawing: str) -> bool:
    """Return whether this press of action `key` is the first for that drawing of it."""
    handled: dict[str, str] = st.session_state.setdefault(_PRESSES, {})
    if handled.get(key) == drawing:
        return False
    handled[key] = drawing
    return True


def track(key: str, saver: Saver, learner: Any, *args: Any) -> dict[str, Any]:
    """Save widget `key` with `saver(learner, *args)` whenever the person changes it.

    Returns the widget's `on_change` and `args`: Streamlit calls the saver as the widget's
    callback (the only chance when the person leaves the page in the same instant, since
    the page's widgets are gone by the next run), and `save_changes` calls it again at the
    start of the next run when a callback was stopped before it could save.
    """
    st.session_state.setdefault(_SAVERS, {})[key] = (saver, args)
    return {"on_change": saver, "args": (learner, *args)}


def saving(learner: Editor, key: str, saver: Saver, *args: Any) -> dict[str, Any]:
    """Return the keywords that make widget `key` save through `saver`; none for a viewer."""
    if not learner.can_edit:
        return {}
    return track(key, saver, learner, *args)


def save_changes(learner: Any) -> None:
    """Save every tracked widget whose value the person changed; forget widgets now gone.

    Called at the start of every run (before any widget is drawn, since drawing shows the
    store's value again) and of every plan track's fragment run.
    """
    savers: dict[str, tuple[Saver, tuple[Any, ...]]] = st.session_state.get(_SAVERS, {})
    for key, (saver, args) in list(savers.items()):
        if key not in st.session_state:
            savers.pop(key, None)  # no longer drawn: its value is gone with it
        elif chosen(key) is not UNKNOWN:
            saver(learner, *args)


def sync_widget(key: str, stored: Any) -> None:
    """Show the stored value in widget `key`, unless the learner has unsaved input there.

    Called before the widget is drawn on every run: the store is the truth, so a change
    saved from another tab shows up here on the next rerun. The value is only set when it
    differs: setting a widget's value makes the browser replace what the widget shows,
    which would also wipe text the person is typing and has not committed yet.
    """
    set_shown(key, stored)
    if key in st.session_state.get(_DIRTY, set()):
        return
    if key in st.session_state and st.session_state[key] == stored:
        return
    st.session_state[key] = stored


def typed_default(key: str, stored: T) -> T | None:
    """Return the `value=` for a widget a person types into, keeping it in step with the store.

    What a person is typing lives only in the browser until they leave the box, and setting
    a widget's value from the script makes the browser replace it. So the stored value
    reaches a typing widget as its default, which counts only while this session has no
    value for it: a new page, or a new session after a server restart or failover, whose
    browser may still hold the text being typed. Once the session knows the widget, a value
    saved elsewhere comes in through `sync_widget` (and the default returned is None).
    """
    if key in st.session_state:
        sync_widget(key, stored)
        return None
    set_shown(key, stored)
    return stored


def mark_unsaved(key: str) -> None:
    """Remember that widget `key` holds input the store does not have yet."""
    st.session_state.setdefault(_DIRTY, set()).add(key)


def mark_saved(key: str) -> None:
    """Let widget `key` follow the store again."""
    st.session_state.get(_DIRTY, set()).discard(key)


def is_unsaved(key: str) -> bool:
    """Return whether widget `key` holds input that has not been saved."""
    return key in st.session_state.get(_DIRTY, set())
