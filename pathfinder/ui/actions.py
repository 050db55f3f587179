"""Widget callbacks: each reads its widget's value and makes one store write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from pathfinder import store
from pathfinder.ui.feedback import attempt, clear_conflict
from pathfinder.ui.resources import Learner
from pathfinder.ui.state import mark_saved, mark_unsaved


def done_key(step_id: str) -> str:
    """Return the widget key of a step's 'done' checkbox."""
    return f"done-{step_id}"


def status_key(step_id: str) -> str:
    """Return the widget key of a step's status control."""
    return f"status-{step_id}"


def note_key(step_id: str) -> str:
    """Return the widget key of a step's note."""
    return f"note-{step_id}"


def links_key(step_id: str) -> str:
    """Return the widget key of a step's personal links."""
    return f"links-{step_id}"


def rating_key(kind: str, subject_id: str) -> str:
    """Return the widget key of a skill or phase self-rating."""
    return f"rate-{kind}-{subject_id}"


def toggle_done(learner: Learner, step_id: str) -> None:
    """Save a ticked checkbox as done and an unticked one as not started."""
    status = "done" if st.session_state[done_key(step_id)] else "not-started"
    attempt(lambda: store.set_status(learner.engine, learner.profile_id, step_id, status))


def change_status(learner: Learner, step_id: str, current: str) -> None:
    """Save the status picked in a step's status control."""
    status = st.session_state[status_key(step_id)] or current  # clicking again deselects
    if status != current:
        attempt(lambda: store.set_status(learner.engine, learner.profile_id, step_id, status))


def mark_steps(learner: Learner, step_ids: Sequence[str], status: str, saved: str) -> None:
    """Give every step in `step_ids` the same status in one transaction."""
    attempt(
        lambda: store.set_statuses(learner.engine, learner.profile_id, list(step_ids), status),
        saved=saved,
    )


def save_note(learner: Learner, step_id: str, expected_version: int) -> None:
    """Save a step's note unless it changed elsewhere since this copy was loaded."""
    key = note_key(step_id)
    text = st.session_state[key]
    ok = attempt(
        lambda: store.save_note(
            learner.engine, learner.profile_id, step_id, text, expected_version=expected_version
        ),
        saved="Note saved",
        conflict_key=key,
    )
    (mark_saved if ok else mark_unsaved)(key)


def overwrite_note(learner: Learner, step_id: str, current_version: int) -> None:
    """Keep the learner's text over the one saved elsewhere."""
    save_note(learner, step_id, current_version)


def take_other_note(step_id: str) -> None:
    """Drop the learner's text and follow the note saved elsewhere."""
    key = note_key(step_id)
    clear_conflict(key)
    mark_saved(key)


def _with_scheme(link: str) -> str:
    # People paste "www.example.com"; anything with a scheme (javascript:, ftp:) is left for
    # the store to refuse with a message.
    return link if ":" in link.split("/", 1)[0] else f"https://{link}"


def save_links(learner: Learner, step_id: str) -> None:
    """Save a step's personal links, one per line."""
    key = links_key(step_id)
    links = [
        _with_scheme(line.strip()) for line in st.session_state[key].splitlines() if line.strip()
    ]
    ok = attempt(
        lambda: store.set_links(learner.engine, learner.profile_id, step_id, links),
        saved="Links saved",
    )
    (mark_saved if ok else mark_unsaved)(key)


def rate(learner: Learner, kind: str, subject_id: str) -> None:
    """Save a new self-rating (1-5) for a skill or a lifecycle phase."""
    level = st.session_state[rating_key(kind, subject_id)]
    if level is None:
        return
    attempt(lambda: store.rate(learner.engine, learner.profile_id, kind, subject_id, int(level)))


def save_target(learner: Learner) -> None:
    """Save the learner's target date and weekly hours."""
    target_date: dt.date | None = st.session_state["target-date"]
    hours: float | None = st.session_state["target-hours"]
    ok = attempt(
        lambda: store.set_target(learner.engine, learner.profile_id, target_date, hours),
        saved="Target saved",
    )
    for key in ("target-date", "target-hours"):
        (mark_saved if ok else mark_unsaved)(key)
