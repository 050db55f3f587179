"""Skills and lifecycle phases: self-ratings, targets, gaps and their trend.

Rating scale (skills and lifecycle phases, self-rated 1-5)::

    1 new to it · 2 know the basics · 3 can do it with help · 4 can do it on my own ·
    5 could teach it

``TARGET_RATING`` is this project's choice of the rating to reach before applying for a data
product manager role (the interview gives no scale): ``required`` skills are the ones the
role is built on, so the target is doing them unaided (4); ``helpful`` skills need working
knowledge (3); ``optional`` ones only enough to follow the conversation (2). Nobody needs a
5 to get hired. An unrated skill reads as 0 ("not rated") but its gap is counted from 1.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from pathfinder.domain.plan import OPEN_STATUSES
from pathfinder.entities import IMPORTANCES

TARGET_RATING: Final = MappingProxyType(dict(zip(IMPORTANCES, (4, 3, 2), strict=True)))
"""Self-rating (1-5) to reach per skill importance; read-only so no session can change it."""


RATING_SCALE: Final = MappingProxyType(
    {
        1: "New to it",
        2: "Know the basics",
        3: "Can do it with help",
        4: "Can do it on my own",
        5: "Could teach it",
    }
)
"""What each self-rating means; ``TARGET_RATING`` is chosen against these words."""


def _latest_levels(latest_ratings: pd.DataFrame) -> pd.Series:
    """Return the most recent rating level per subject id."""
    ordered = latest_ratings.sort_values("rated_at", kind="stable")
    latest = ordered.drop_duplicates("subject_id", keep="last")
    return pd.Series(latest["level"].to_numpy(), index=latest["subject_id"].to_numpy())


def skill_gaps(
    skills: pd.DataFrame,
    latest_ratings: pd.DataFrame,
    step_skills: pd.DataFrame,
    plan: pd.DataFrame,
    n: int | None = None,
) -> pd.DataFrame:
    """Return each skill's rating, target and gap, biggest gap first, with steps that close it.

    ``current`` is 0 for an unrated skill (``rated`` False); the gap then counts it as 1,
    the lowest rating, so an unrated required skill shows the same gap as one rated 1.
    Ties go required, helpful, optional, then content order. ``closing_step_ids`` /
    ``closing_steps`` (titles) list the in-progress and not-started steps that build the
    skill, in plan order, with their ``closing_hours``. With ``n`` only the ``n`` biggest
    gaps are returned and skills already at target are left out.
    """
    unknown = sorted(set(skills["importance"]) - set(IMPORTANCES))
    if unknown:
        raise ValueError(f"Unknown skill importance {unknown}; expected one of {IMPORTANCES}.")
    # Dicts and numpy rather than a merge, a groupby and a multi-key sort: the page benchmark
    # (docs/readability-and-speed.md) showed that version pushing the skills page past its target.
    latest = _latest_levels(latest_ratings).to_dict()
    ids = skills["id"].tolist()
    importances = skills["importance"].tolist()
    rated = np.array([skill_id in latest for skill_id in ids], dtype=bool)
    current = np.array([int(latest.get(skill_id, 0)) for skill_id in ids], dtype="int64")
    target = np.array([TARGET_RATING[i] for i in importances], dtype="int64")
    gap = np.clip(target - np.maximum(current, 1), 0, None)

    open_rows = plan.loc[plan["status"].isin(OPEN_STATUSES)]
    open_steps = {
        step_id: (position, title, float(hours))
        for step_id, position, title, hours in zip(
            open_rows["id"],
            open_rows["position"],
            open_rows["title"],
            open_rows["hours"],
            strict=True,
        )
    }
    closing: dict[str, list[str]] = {skill_id: [] for skill_id in ids}
    for step_id, skill_id in zip(step_skills["step_id"], step_skills["skill_id"], strict=True):
        if step_id in open_steps and skill_id in closing:
            closing[skill_id].append(step_id)
    closing_ids = [sorted(closing[i], key=lambda step: open_steps[step][0]) for i in ids]

    rank = {importance: i for i, importance in enumerate(IMPORTANCES)}
    order = np.lexsort((np.arange(len(ids)), np.array([rank[i] for i in importances]), -gap))
    frame = pd.DataFrame(
        {
            "skill_id": np.asarray(ids, dtype=object),
            "skill": skills["name"].to_numpy(),
            "category": skills["category"].to_numpy(),
            "importance": np.asarray(importances, dtype=object),
            "skill_order": np.arange(len(ids)),
            "rated": rated,
            "current": current,
            "target": target,
            "gap": gap,
            "closing_step_ids": closing_ids,
            "closing_steps": [[open_steps[step][1] for step in steps] for steps in closing_ids],
            "closing_hours": [sum(open_steps[step][2] for step in steps) for steps in closing_ids],
        }
    )
    frame = frame.take(order).reset_index(drop=True)
    return frame if n is None else biggest_gaps(frame, n)


def biggest_gaps(gaps: pd.DataFrame, n: int) -> pd.DataFrame:
    """Return the ``n`` biggest gaps of a ``skill_gaps`` table, leaving out skills at target."""
    return gaps.loc[gaps["gap"] > 0].head(max(n, 0)).reset_index(drop=True)


def phase_confidence(phases: pd.DataFrame, latest_phase_ratings: pd.DataFrame) -> pd.DataFrame:
    """Return each lifecycle phase in order with the learner's confidence (1-5, or <NA>).

    Columns: phase_id, order, name, level, designer_takes_part.
    """
    frame = (
        phases[["id", "order", "name", "designer_takes_part"]]
        .rename(columns={"id": "phase_id"})
        .sort_values("order", kind="stable")
        .reset_index(drop=True)
    )
    levels = frame["phase_id"].map(_latest_levels(latest_phase_ratings))
    frame.insert(3, "level", levels.astype("Int64"))
    frame["designer_takes_part"] = frame["designer_takes_part"].astype(bool)
    return frame


def rating_trend(rating_history: pd.DataFrame, skills: pd.DataFrame) -> pd.DataFrame:
    """Return, after each rating, the mean latest rating per skill category (rated skills only).

    Columns: rated_at (UTC), category, average, rated_skills. Categories are in content
    order; a category appears from its first rating on. Ratings of skills no longer in
    the content are left out.
    """
    columns = ["rated_at", "category", "average", "rated_skills"]
    category_of = pd.Series(skills["category"].to_numpy(), index=skills["id"].to_numpy())
    history = rating_history.loc[rating_history["subject_id"].isin(category_of.index)]
    if history.empty:
        return pd.DataFrame(columns=columns)
    stamps = pd.to_datetime(history["rated_at"], utc=True)
    # One row per moment, one column per skill: the latest rating so far, carried forward.
    wide = (
        pd.DataFrame({"at": stamps, "skill": history["subject_id"], "level": history["level"]})
        .pivot_table(index="at", columns="skill", values="level", aggfunc="last")
        .sort_index()
        .ffill()
    )
    groups = category_of.reindex(wide.columns).to_numpy()
    average = wide.T.groupby(groups, sort=False).mean().T
    counted = wide.notna().T.groupby(groups, sort=False).sum().T
    order = [c for c in pd.unique(skills["category"]) if c in average.columns]
    trend = pd.DataFrame(
        {
            "rated_at": np.repeat(average.index.to_numpy(), len(order)),
            "category": np.tile(np.array(order, dtype=object), len(average)),
            "average": average[order].to_numpy().ravel(),
            "rated_skills": counted[order].to_numpy().ravel().astype("int64"),
        }
    )
    return trend.loc[trend["rated_skills"] > 0].reset_index(drop=True)


def skills_by_category(gaps: pd.DataFrame) -> pd.DataFrame:
    """Summarise a ``skill_gaps`` table per category, in the order categories first appear.

    Columns: category, skills, rated (how many have a rating), current and target (means
    to one decimal, an unrated skill counting as 1 as it does for gaps) and below_target.
    """
    summary = (
        gaps.assign(
            current=gaps["current"].clip(lower=1).astype(float),
            target=gaps["target"].astype(float),
            rated=gaps["rated"].astype("int64"),
            below_target=(gaps["gap"] > 0).astype("int64"),
        )
        .groupby("category", sort=False)
        .agg(
            skills=("skill_id", "size"),
            rated=("rated", "sum"),
            current=("current", "mean"),
            target=("target", "mean"),
            below_target=("below_target", "sum"),
        )
        .round({"current": 1, "target": 1})
        .reset_index()
    )
    return summary[["category", "skills", "rated", "current", "target", "below_target"]]
