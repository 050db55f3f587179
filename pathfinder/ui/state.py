"""Keep widgets in step with the store, and know which widget values the person chose.

Every widget that saves is drawn with the stored value, and that value is remembered as
what the page was shown (`shown`). A callback writes only when its widget now holds
something else: Streamlit can call a callback the person never triggered, for instance
replaying every widget of a fragment with the values the page showed when the person
leaves the page while a rerun is pending. A successful write becomes the new shown value
at once, so a second quick change (a double click) is compared with the first one's
result even when the rerun between them was cut short.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

import streamlit as st

T = TypeVar("T")

_DIRTY = "_pathfinder_dirty"
_SHOWN = "_pathfinder_shown"
UNKNOWN: Final = object()  # no value was shown for this widget in this session


def shown(key: str) -> Any:
    """Return the value widget `key` was last shown (or set to by a save), else UNKNOWN."""
    return st.session_state.get(_SHOWN, {}).get(key, UNKNOWN)


def set_shown(key: str, value: Any) -> None:
    """Remember `value` as what widget `key` shows: drawn from the store, or just saved."""
    st.session_state.setdefault(_SHOWN, {})[key] = value


def chosen(key: str) -> Any:
    """Return the value the person put in widget `key`, or UNKNOWN when they changed nothing.

    UNKNOWN also when the widget was never shown in this session: a callback for it cannot
    come from anything the person did here.
    """
    before = shown(key)
    value = st.session_state.get(key, UNKNOWN)
    if before is UNKNOWN or value is UNKNOWN or value == before:
        return UNKNOWN
    return value


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
