"""Widget callbacks: each reads its widget's value and makes one store write.

Every callback gets the value its widget was drawn with (`shown`) and writes only when the
widget now holds something else. Streamlit can call a callback when the person did not
touch that widget: when they leave a page while a fragment's rerun is pending, it replays
the callbacks of every widget of that fragment with the values the page showed. A replayed
value equals the shown one, so nothing is written; only a value the person chose is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

import streamlit as st

from pathfinder import store
from pathfinder.ui.feedback import attempt, clear_conflict
from pathfinder.ui.resources import Learner
from pathfinder.ui.state import mark_saved, mark_unsaved

_MISSING: Final = object()


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


def _value(key: str) -> Any:
    """Return widget `key`'s value, or _MISSING when the widget is not in this session."""
    return st.session_state.get(key, _MISSING)


def toggle_done(learner: Learner, step_id: str, shown_done: bool) -> None:
    """Save a tick as done and an untick as not started, if the person changed the box."""
    ticked = _value(done_key(step_id))
    if ticked is _MISSING or bool(ticked) == shown_done:
        return
    status = "done" if ticked else "not-started"
    attempt(lambda: store.set_status(learner.engine, learner.profile_id, step_id, status))


def change_status(learner: Learner, step_id: str, current: str) -> None:
    """Save the status picked in a step's status control, if it differs from the one shown."""
    picked = _value(status_key(step_id))
    if picked is _MISSING or picked is None or picked == current:
        return  # clicking the selected status again deselects it: no change
    attempt(lambda: store.set_status(learner.engine, learner.profile_id, step_id, str(picked)))


def mark_steps(learner: Learner, step_ids: Sequence[str], status: str, saved: str) -> None:
    """Give every step in `step_ids` the same status in one transaction."""
    attempt(
        lambda: store.set_statuses(learner.engine, learner.profile_id, list(step_ids), status),
        saved=saved,
    )


def save_note(
    learner: Learner, step_id: str, expected_version: int, shown_text: str | None
) -> None:
    """Save a step's note unless it changed elsewhere since this copy was loaded.

    `shown_text` None saves whatever the box holds (the person chose to keep their text).
    """
    key = note_key(step_id)
    text = _value(key)
    if not isinstance(text, str):
        return
    if text == shown_text:
        mark_saved(key)
        return
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
    save_note(learner, step_id, current_version, None)


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


def save_links(learner: Learner, step_id: str, shown: tuple[str, ...]) -> None:
    """Save a step's personal links, one per line, if they differ from the ones shown."""
    key = links_key(step_id)
    text = _value(key)
    if not isinstance(text, str):
        return
    links = links_from_text(text)
    if tuple(links) == shown:
        mark_saved(key)
        return
    ok = attempt(
        lambda: store.set_links(learner.engine, learner.profile_id, step_id, links),
        saved="Links saved",
    )
    (mark_saved if ok else mark_unsaved)(key)


def rate(learner: Learner, kind: str, subject_id: str, shown: int | None) -> None:
    """Save a new self-rating (1-5) for a skill or a lifecycle phase, if the person picked one."""
    level = _value(rating_key(kind, subject_id))
    if level is _MISSING or level is None or level == shown:
        return  # deselecting, or a replay of the level shown: not a new rating
    attempt(lambda: store.rate(learner.engine, learner.profile_id, kind, subject_id, int(level)))


def save_target(learner: Learner, shown_date: dt.date | None, shown_hours: float | None) -> None:
    """Save the learner's target date and weekly hours, if either differs from the ones shown."""
    target_date, hours = _value("target-date"), _value("target-hours")
    if target_date is _MISSING or hours is _MISSING:
        return
    if (target_date, hours) == (shown_date, shown_hours):
        for key in ("target-date", "target-hours"):
            mark_saved(key)
        return
    ok = attempt(
        lambda: store.set_target(learner.engine, learner.profile_id, target_date, hours),
        saved="Target saved",
    )
    for key in ("target-date", "target-hours"):
        (mark_saved if ok else mark_unsaved)(key)
