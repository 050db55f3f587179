"""Messages for the learner: saved, not saved, changed elsewhere — shown once, never lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pathfinder import store
from pathfinder.ui.state import values

_PENDING = "_pathfinder_pending_messages"
_CONFLICTS = "_pathfinder_conflicts"


def _queue(kind: str, text: str) -> None:
    pending = st.session_state.setdefault(_PENDING, [])
    if (kind, text) not in pending:  # a retry that failed the same way says nothing new
        pending.append((kind, text))


def store_problem(error: Exception) -> None:
    """Show that progress cannot be read or saved right now, without losing the page."""
    st.warning(str(error), icon=":material/cloud_off:")


def attempt(action: Callable[[], Any], *, saved: str | None = None, conflict_key: str = "") -> bool:
    """Run a store write and return whether it was saved; failures become queued messages.

    Callbacks run before the page script, so anything they drew would land above the
    page (and inside a fragment's callback Streamlit does not support drawing at all);
    queued messages, the "saved" toast included, are drawn by `show_pending()` (from
    `resolve_visitor` before any read, and from a plan track's fragment).
    A conflict is also kept under `conflict_key` so the page can show both texts.
    """
    try:
        action()
    except store.ChangedElsewhere as error:
        _queue("conflict", str(error))
        if conflict_key:
            st.session_state.setdefault(_CONFLICTS, {})[conflict_key] = error
        return False
    except store.StoreUnavailable as error:
        _queue("unavailable", str(error))
        return False
    except store.InvalidInput as error:
        _queue("invalid", str(error))
        return False
    except store.ReadOnlyIdentity as error:
        _queue("invalid", str(error))
        return False
    except store.CaseStudyNotFound:
        _queue(
            "invalid",
            "This case study was deleted (in another tab or on another device), so nothing "
            "was saved to it. Copy your text somewhere before you leave this page.",
        )
        return False
    if conflict_key:
        st.session_state.get(_CONFLICTS, {}).pop(conflict_key, None)
    if saved:
        _queue("saved", saved)
    return True


def conflict(key: str) -> store.ChangedElsewhere | None:
    """Return the unresolved 'changed elsewhere' conflict recorded for `key`, if any."""
    found = values().get(_CONFLICTS, {}).get(key)  # read where a saver cannot be stopped
    return found if isinstance(found, store.ChangedElsewhere) else None


def clear_conflict(key: str) -> None:
    """Forget the conflict recorded for `key` once the learner has resolved it."""
    st.session_state.get(_CONFLICTS, {}).pop(key, None)


def show_pending() -> bool:
    """Draw the messages queued by callbacks since the last rerun.

    Returns whether one of them said the store is unavailable, so the run's failing reads
    need not add a second banner saying the same.
    """
    told_unavailable = False
    for kind, text in st.session_state.pop(_PENDING, []):
        if kind == "saved":
            st.toast(text, icon=":material/check:")
        elif kind == "unavailable":
            st.warning(text, icon=":material/cloud_off:")
            told_unavailable = True
        else:
            st.error(text, icon=":material/sync_problem:")
    return told_unavailable
