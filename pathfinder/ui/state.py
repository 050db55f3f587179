"""Keep widgets in step with the store while never overwriting what a learner is typing."""

from __future__ import annotations

from typing import Any

import streamlit as st

_DIRTY = "_pathfinder_dirty"


def sync_widget(key: str, stored: Any) -> None:
    """Show the stored value in widget `key`, unless the learner has unsaved input there.

    Called before the widget is drawn on every run: the store is the truth, so a change
    saved from another tab shows up here on the next rerun. The value is only set when it
    differs: setting a widget's value makes the browser replace what the widget shows,
    which would also wipe text the person is typing and has not committed yet.
    """
    if key in st.session_state.get(_DIRTY, set()):
        return
    if key in st.session_state and st.session_state[key] == stored:
        return
    st.session_state[key] = stored


def mark_unsaved(key: str) -> None:
    """Remember that widget `key` holds input the store does not have yet."""
    st.session_state.setdefault(_DIRTY, set()).add(key)


def mark_saved(key: str) -> None:
    """Let widget `key` follow the store again."""
    st.session_state.get(_DIRTY, set()).discard(key)


def is_unsaved(key: str) -> bool:
    """Return whether widget `key` holds input that has not been saved."""
    return key in st.session_state.get(_DIRTY, set())
