"""Savers: each reads one widget's value and makes one store write, if the person changed it.

`pathfinder.ui.state.save_changes` calls them at the start of a run for the widgets whose
value differs from what the page showed; they check that again themselves, so calling one
for an unchanged widget writes nothing. Buttons (bulk actions, "keep my text") are still
callbacks: a click is an event, not a value to compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import streamlit as st

from pathfinder import store
from pathfinder.ui.feedback import attempt, clear_conflict, conflict
from pathfinder.ui.state import (
    UNKNOWN,
    chosen,
    mark_saved,
    mark_unsaved,
    set_shown,
    shown,
    values,
)
from pathfinder.ui.visitor import Visitor


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


def note_version_key(step_id: str) -> str:
    """Return the key under which the version of a step's shown note is remembered."""
    return f"note-version-{step_id}"


def toggle_done(learner: Visitor, step_id: str) -> None:
    """Save a tick as done and an untick as not started, if the person changed the box."""
    key = done_key(step_id)
    ticked = chosen(key)
    if ticked is UNKNOWN:
        return
    status = "done" if ticked else "not-started"
    if attempt(lambda: store.set_status(learner.engine, learner.profile_id, step_id, status)):
        set_shown(key, bool(ticked))


def change_status(learner: Visitor, step_id: str) -> None:
    """Save the status picked in a step's status control, if the person picked another."""
    key = status_key(step_id)
    picked = chosen(key)
    if picked is UNKNOWN or picked is None:
        return  # clicking the selected status again deselects it: no change
    if attempt(lambda: store.set_status(learner.engine, learner.profile_id, step_id, str(picked))):
        set_shown(key, picked)


def mark_steps(learner: Visitor, step_ids: Sequence[str], status: str, saved: str) -> None:
    """Give every step in `step_ids` the same status in one transaction."""
    attempt(
        lambda: store.set_statuses(learner.engine, learner.profile_id, list(step_ids), status),
        saved=saved,
    )


def save_note(learner: Visitor, step_id: str) -> None:
    """Save a step's note if the person changed it, unless it changed elsewhere meanwhile."""
    key = note_key(step_id)
    text = chosen(key)
    if text is UNKNOWN or conflict(key) is not None:
        return  # unchanged, or waiting for the learner to settle a clash with another tab
    _save_note_text(learner, step_id, str(text))


def overwrite_note(learner: Visitor, step_id: str, current_version: int) -> None:
    """Keep the learner's text over the one saved elsewhere."""
    text = st.session_state.get(note_key(step_id))
    if isinstance(text, str):
        set_shown(note_version_key(step_id), current_version)
        _save_note_text(learner, step_id, text)


def _save_note_text(learner: Visitor, step_id: str, text: str) -> None:
    key = note_key(step_id)
    version = int(shown(note_version_key(step_id)) or 0)
    saved: list[int] = []
    ok = attempt(
        lambda: saved.append(
            store.save_note(
                learner.engine, learner.profile_id, step_id, text, expected_version=version
            )
        ),
        saved="Note saved",
        conflict_key=key,
    )
    if ok:
        set_shown(key, text)
        set_shown(note_version_key(step_id), saved[0])
        mark_saved(key)
    else:
        mark_unsaved(key)


def take_other_note(step_id: str) -> None:
    """Drop the learner's text and follow the note saved elsewhere."""
    key = note_key(step_id)
    clear_conflict(key)
    mark_saved(key)


def _with_scheme(link: str) -> str:
    # People paste "www.example.com"; anything with a scheme (javascript:, ftp:) is left for
    # the store to refuse with a message.
    return link if ":" in link.split("/", 1)[0] else f"https://{link}"


def links_from_text(text: str) -> list[str]:
    """Return the links typed one per line, with https:// added where no scheme was given."""
    return [_with_scheme(line.strip()) for line in text.splitlines() if line.strip()]


def save_links(learner: Visitor, step_id: str) -> None:
    """Save a step's personal links, one per line, if the person changed them.

    Refused (both lists shown) when another tab saved other links since this page showed
    them, until the learner keeps theirs or takes the saved ones.
    """
    key = links_key(step_id)
    text = chosen(key)
    if text is UNKNOWN or conflict(key) is not None:
        return
    if links_from_text(str(text)) == links_from_text(str(shown(key))):
        mark_saved(key)  # only blank lines and spaces changed
        return
    _save_links_text(learner, step_id, str(text), links_from_text(str(shown(key))))


def overwrite_links(learner: Visitor, step_id: str) -> None:
    """Keep the learner's links over the ones saved elsewhere."""
    text = st.session_state.get(links_key(step_id))
    if isinstance(text, str):
        _save_links_text(learner, step_id, text, None)


def take_other_links(step_id: str) -> None:
    """Drop the learner's links and follow the ones saved elsewhere."""
    key = links_key(step_id)
    clear_conflict(key)
    mark_saved(key)


def _save_links_text(learner: Visitor, step_id: str, text: str, expected: list[str] | None) -> None:
    key = links_key(step_id)
    links = links_from_text(text)
    ok = attempt(
        lambda: store.set_links(
            learner.engine, learner.profile_id, step_id, links, expected=expected
        ),
        saved="Links saved",
        conflict_key=key,
    )
    if ok:
        set_shown(key, text)
        mark_saved(key)
    else:
        mark_unsaved(key)


def rate(learner: Visitor, kind: str, subject_id: str) -> None:
    """Save a new self-rating (1-5) for a skill or a lifecycle phase, if the person picked one."""
    key = rating_key(kind, subject_id)
    level = chosen(key)
    if level is UNKNOWN or level is None:
        return  # deselecting is not a rating
    if attempt(
        lambda: store.rate(learner.engine, learner.profile_id, kind, subject_id, int(level))
    ):
        set_shown(key, level)


TARGET_KEYS = ("target-date", "target-hours")


def save_target(learner: Visitor) -> None:
    """Save the learner's target date and weekly hours, if the person changed either."""
    if all(chosen(key) is UNKNOWN for key in TARGET_KEYS):
        for key in TARGET_KEYS:
            mark_saved(key)
        return
    now = values()
    target_date: dt.date | None = now.get("target-date")
    hours: float | None = now.get("target-hours")
    ok = attempt(
        lambda: store.set_target(learner.engine, learner.profile_id, target_date, hours),
        saved="Target saved",
    )
    saved: dict[str, Any] = {"target-date": target_date, "target-hours": hours}
    for key in TARGET_KEYS:
        if ok:
            set_shown(key, saved[key])
            mark_saved(key)
        else:
            mark_unsaved(key)
