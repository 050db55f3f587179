"""Per-run reads of the learner's data, falling back to empty frames when the store is down.

Nothing here is cached across sessions: progress is per user and must never leak or go
stale, so it is read fresh on every run (each read is one small aggregated query).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from pathfinder import store
from pathfinder.domain.plan import PROGRESS_COLUMNS
from pathfinder.entities import RatingKind
from pathfinder.ui.feedback import store_problem
from pathfinder.ui.visitor import Visitor

T = TypeVar("T")
_CASE_STUDY_FIELDS = ["id", "title", "status", "version", "shared", "updated_at", "sections"]


def read(learner: Visitor, reader: Callable[[Visitor], T], fallback: T) -> T:
    """Return `reader(learner)`, or `fallback` with one banner when the store is unavailable."""
    try:
        return reader(learner)
    except store.StoreUnavailable as error:
        # One banner per run is enough, however many reads fail.
        if not learner.warned:
            learner.warned = True
            store_problem(error)
        return fallback


def progress(learner: Visitor) -> pd.DataFrame:
    """Return the learner's plan-step progress (an empty frame when unknown)."""
    return read(
        learner,
        lambda who: store.step_progress(who.engine, who.profile_id),
        pd.DataFrame(columns=list(PROGRESS_COLUMNS)),
    )


def target(learner: Visitor) -> store.Target:
    """Return the learner's target (empty when unknown)."""
    return read(
        learner, lambda who: store.get_target(who.engine, who.profile_id), store.Target(None, None)
    )


def latest_ratings(learner: Visitor, kind: RatingKind) -> pd.DataFrame:
    """Return the learner's latest self-rating per skill or phase."""
    return read(
        learner,
        lambda who: store.latest_ratings(who.engine, who.profile_id, kind),
        pd.DataFrame(columns=["subject_id", "level", "rated_at"]),
    )


def rating_history(learner: Visitor, kind: RatingKind) -> pd.DataFrame:
    """Return every self-rating the learner gave for skills or phases."""
    return read(
        learner,
        lambda who: store.rating_history(who.engine, who.profile_id, kind),
        pd.DataFrame(columns=["subject_id", "level", "rated_at"]),
    )


def activity_per_day(learner: Visitor) -> pd.DataFrame:
    """Return the number of changes the learner made per day."""
    return read(
        learner,
        lambda who: store.activity_per_day(who.engine, who.profile_id),
        pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"), "events": pd.Series(dtype=int)}),
    )


def case_studies(learner: Visitor) -> pd.DataFrame:
    """Return the learner's case-study drafts."""
    return read(
        learner,
        lambda who: store.list_case_studies(who.engine, who.profile_id),
        pd.DataFrame(columns=_CASE_STUDY_FIELDS),
    )


def shared_case_studies(learner: Visitor) -> pd.DataFrame:
    """Return only the case studies the owner chose to show through share links."""
    return read(
        learner,
        lambda who: store.shared_case_studies(who.engine, who.profile_id),
        pd.DataFrame(columns=_CASE_STUDY_FIELDS),
    )


def visible_case_studies(learner: Visitor) -> pd.DataFrame:
    """Return the owner's drafts, or for a share-link viewer only the shared ones."""
    if learner.viewer:
        return shared_case_studies(learner)
    return case_studies(learner)


def share_links(learner: Visitor) -> pd.DataFrame:
    """Return the learner's share links (never their tokens)."""
    return read(
        learner,
        lambda who: store.list_share_links(who.engine, who.profile_id),
        pd.DataFrame(
            columns=["id", "label", "created_at", "expires_at", "revoked_at", "last_used_at"]
        ),
    )
