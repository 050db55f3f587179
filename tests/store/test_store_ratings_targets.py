"""Self-ratings (history, latest wins) and the learning target."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from pathfinder.store import (
    Target,
    get_target,
    latest_ratings,
    rate,
    rating_history,
    set_target,
    writing,
)
from pathfinder.store.schema import ratings

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_ratings_are_history_and_the_latest_wins(engine: Engine, profile_id: int) -> None:
    """Every rating is kept; latest_ratings gives one row per subject, the newest."""
    rate(engine, profile_id, "skill", "sql", 2, now=T0)
    rate(engine, profile_id, "skill", "sql", 4, now=T0 + timedelta(days=7))
    rate(engine, profile_id, "skill", "python", 3, now=T0 + timedelta(days=1))
    rate(engine, profile_id, "phase", "discovery", 5, now=T0)
    history = rating_history(engine, profile_id, "skill")
    assert history["level"].tolist() == [2, 3, 4]
    latest = latest_ratings(engine, profile_id, "skill")
    assert latest[["subject_id", "level"]].to_dict("records") == [
        {"subject_id": "python", "level": 3},
        {"subject_id": "sql", "level": 4},
    ]
    assert latest.loc[latest["subject_id"] == "sql", "rated_at"].iloc[0] == pd.Timestamp(
        T0 + timedelta(days=7)
    )
    assert latest_ratings(engine, profile_id, "phase")["subject_id"].tolist() == ["discovery"]


def test_two_ratings_in_the_same_instant_keep_the_later_one(
    engine: Engine, profile_id: int
) -> None:
    """Ties on rated_at are broken by insertion order."""
    rate(engine, profile_id, "skill", "sql", 2, now=T0)
    rate(engine, profile_id, "skill", "sql", 5, now=T0)
    assert latest_ratings(engine, profile_id, "skill")["level"].tolist() == [5]


def test_rating_frames_have_fixed_columns_when_empty(engine: Engine, profile_id: int) -> None:
    """Pages can rely on the columns even before the first rating."""
    empty = latest_ratings(engine, profile_id, "skill")
    assert list(empty.columns) == ["subject_id", "level", "rated_at"]
    assert str(empty["rated_at"].dtype) == "datetime64[us, UTC]"
    assert str(empty["level"].dtype) == "int64"


@pytest.mark.parametrize("level", [0, 6, 2.5, True, "3"])
def test_levels_outside_one_to_five_are_refused(
    engine: Engine, profile_id: int, level: object
) -> None:
    """Only whole levels 1-5 are accepted."""
    with pytest.raises(ValueError, match="1 to 5"):
        rate(engine, profile_id, "skill", "sql", level)  # type: ignore[arg-type]
    assert rating_history(engine, profile_id, "skill").empty


def test_the_database_itself_refuses_a_bad_level(engine: Engine, profile_id: int) -> None:
    """The CHECK constraint guards levels even against code that skips validation."""
    with pytest.raises(IntegrityError), writing(engine) as conn:
        conn.execute(
            ratings.insert().values(
                profile_id=profile_id, kind="skill", subject_id="sql", level=9, rated_at=T0
            )
        )
    assert rating_history(engine, profile_id, "skill").empty


def test_unknown_rating_kind_is_refused(engine: Engine, profile_id: int) -> None:
    """Kinds are skill or phase."""
    with pytest.raises(ValueError, match="'tool' is not one of skill, phase"):
        rate(engine, profile_id, "tool", "sql", 3)


def test_target_round_trips_and_can_be_cleared(engine: Engine, profile_id: int) -> None:
    """A target is absent, then set, then partly cleared."""
    assert get_target(engine, profile_id) == Target(None, None)
    set_target(engine, profile_id, date(2025, 12, 31), 6.5)
    assert get_target(engine, profile_id) == Target(date(2025, 12, 31), 6.5)
    set_target(engine, profile_id, None, 6.5)
    assert get_target(engine, profile_id) == Target(None, 6.5)


@pytest.mark.parametrize(
    ("target_date", "hours", "error"),
    [
        (None, 0, ValueError),
        (None, 200, ValueError),
        (None, float("nan"), ValueError),
        (datetime(2025, 1, 1, tzinfo=UTC), 5, TypeError),
        ("2025-01-01", 5, TypeError),
    ],
)
def test_nonsense_targets_are_refused(
    engine: Engine, profile_id: int, target_date: object, hours: float, error: type[Exception]
) -> None:
    """Hours must be in (0, 168] and the date a plain date."""
    with pytest.raises(error):
        set_target(engine, profile_id, target_date, hours)  # type: ignore[arg-type]
    assert get_target(engine, profile_id) == Target()


def test_target_is_logged(engine: Engine, profile_id: int) -> None:
    """Setting a target leaves an activity row with the values."""
    set_target(engine, profile_id, date(2025, 12, 31), 4)
    with engine.connect() as conn:
        query = sa.text("SELECT detail FROM activity_log WHERE kind = 'target'")
        detail = conn.execute(query).scalar()
    assert detail is not None
    assert '"2025-12-31"' in detail
