"""The plan: content steps joined to the learner's progress, and how much of it is done."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from pathfinder.entities import DONE, IN_PROGRESS, NOT_STARTED, SKIPPED, STATUSES

OPEN_STATUSES: Final = (IN_PROGRESS, NOT_STARTED)


PROGRESS_COLUMNS: Final = (
    "step_id",
    "status",
    "started_at",
    "completed_at",
    "note",
    "note_version",
    "links",
    "updated_at",
)
"""Columns of ``pathfinder.store.step_progress``."""


@dataclass(frozen=True)
class PlanProgress:
    """Headline progress of a plan; skipped steps count neither as done nor as to do."""

    done_steps: int
    planned_steps: int
    done_hours: float
    planned_hours: float
    percent: float
    skipped_steps: int
    in_progress_steps: int


def _normalised_progress(progress: pd.DataFrame) -> pd.DataFrame:
    """Return one progress row per step (the latest), with every store column present."""
    frame = progress.reindex(columns=list(PROGRESS_COLUMNS))
    unknown = sorted(set(frame["status"].dropna()) - set(STATUSES))
    if unknown:
        raise ValueError(f"Unknown plan-step status {unknown}; expected one of {STATUSES}.")
    if frame["step_id"].duplicated().any():
        frame = frame.sort_values("updated_at", kind="stable", na_position="first")
        frame = frame.drop_duplicates("step_id", keep="last")
    return frame


def plan_table(steps: pd.DataFrame, tracks: pd.DataFrame, progress: pd.DataFrame) -> pd.DataFrame:
    """Join every content step to its track and the learner's progress, in plan order.

    Adds ``track``, ``track_order``, ``position`` (0-based plan order) and the progress
    columns; steps without progress are ``not-started`` with an empty note and no links.
    Progress for ids that are not steps is left out (see ``retired_progress``).
    """
    # Lookups and one DataFrame construction rather than two merges and column-by-column
    # fills: the page benchmark showed the merge version slowing the overview, plan, skills
    # and settings pages past their target, since each rerun builds this table
    # (docs/readability-and-speed.md).
    order_of = dict(zip(tracks["id"], tracks["order"], strict=True))
    name_of = dict(zip(tracks["id"], tracks["name"], strict=True))
    track_ids = steps["track_id"].tolist()
    track_order = np.array([order_of.get(t, np.nan) for t in track_ids], dtype=float)
    in_order = np.lexsort((steps["order"].to_numpy(), track_order))
    columns: dict[str, Any] = {name: steps[name].to_numpy()[in_order] for name in steps.columns}
    columns["hours"] = np.nan_to_num(steps["hours"].to_numpy(dtype=float)[in_order])
    columns["track"] = np.array([name_of.get(t) for t in track_ids], dtype=object)[in_order]
    columns["track_order"] = track_order[in_order]
    columns["position"] = np.arange(len(in_order))

    own = _normalised_progress(progress)
    row_of = {step: i for i, step in enumerate(own["step_id"].tolist())}
    found = np.array([row_of.get(step_id, -1) for step_id in columns["id"]], dtype=np.intp)
    has = found >= 0

    def pick(column: str, missing: object) -> np.ndarray:
        values = np.full(len(found), missing, dtype=object)
        values[has] = own[column].to_numpy(dtype=object)[found[has]]
        return values

    columns["status"] = pick("status", NOT_STARTED).astype(str)
    columns["note"] = np.where(pd.isna(pick("note", "")), "", pick("note", "")).astype(str)
    columns["note_version"] = pick("note_version", 0).astype("int64")
    columns["links"] = [list(v) if isinstance(v, list | tuple) else [] for v in pick("links", None)]
    for column in ("started_at", "completed_at", "updated_at"):
        stamps = pd.to_datetime(own[column], utc=True).array
        columns[column] = stamps.take(found, allow_fill=True)  # -1 becomes NaT
    plan = pd.DataFrame(columns)
    return plan


def retired_progress(steps: pd.DataFrame, progress: pd.DataFrame) -> pd.DataFrame:
    """Return progress rows whose step is no longer in the content (kept, shown as retired)."""
    retired = progress.loc[~progress["step_id"].isin(steps["id"])]
    return retired.reset_index(drop=True)


def _percent(done: float, total: float) -> float:
    """Return done/total as 0-100, and 0 when there is nothing to do."""
    if total <= 0 or not math.isfinite(total) or not math.isfinite(done):
        return 0.0
    return float(min(max(done / total * 100.0, 0.0), 100.0))


def plan_progress(plan: pd.DataFrame) -> PlanProgress:
    """Summarise a plan table: steps and hours done out of everything not skipped.

    ``percent`` is the share of planned hours done, so a 10-hour step moves the bar more
    than a 1-hour one; when the planned steps carry no hours it falls back to step counts.
    """
    status = plan["status"]
    counted = status != SKIPPED
    done = status == DONE
    done_steps = int(done.sum())
    planned_steps = int(counted.sum())
    done_hours = float(plan.loc[done, "hours"].sum())
    planned_hours = float(plan.loc[counted, "hours"].sum())
    if planned_hours > 0:
        percent = _percent(done_hours, planned_hours)
    else:
        percent = _percent(done_steps, planned_steps)
    return PlanProgress(
        done_steps=done_steps,
        planned_steps=planned_steps,
        done_hours=done_hours,
        planned_hours=planned_hours,
        percent=percent,
        skipped_steps=int((status == SKIPPED).sum()),
        in_progress_steps=int((status == IN_PROGRESS).sum()),
    )


def track_progress(plan: pd.DataFrame) -> pd.DataFrame:
    """Return per-track steps and hours done and planned (skipped left out), in track order.

    Columns: track_id, track, done_steps, planned_steps, done_hours, planned_hours, percent
    (of planned hours, or of steps when the track has no hours).
    """
    # Sums with numpy over factorised track codes rather than a groupby: the page benchmark
    # showed the groupby adding noticeably to the overview and plan pages
    # (docs/readability-and-speed.md).
    rows = plan
    codes, track_ids = pd.factorize(rows["track_id"], sort=False)
    status = rows["status"].to_numpy(dtype=object)
    hours = rows["hours"].to_numpy(dtype=float)
    counted = status != SKIPPED
    done = status == DONE
    n = len(track_ids)
    first = np.unique(codes, return_index=True)[1]

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n)

    done_steps = total(done.astype(float)).astype("int64")
    planned_steps = total(counted.astype(float)).astype("int64")
    done_hours = total(np.where(done, hours, 0.0))
    planned_hours = total(np.where(counted, hours, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        by_hours = np.where(planned_hours > 0, 100.0 * done_hours / planned_hours, np.nan)
        by_steps = np.where(planned_steps > 0, 100.0 * done_steps / planned_steps, np.nan)
    percent = np.clip(np.nan_to_num(np.where(np.isnan(by_hours), by_steps, by_hours)), 0, 100)
    per_track = pd.DataFrame(
        {
            "track_id": np.asarray(track_ids, dtype=object),
            "track": rows["track"].to_numpy()[first],
            "done_steps": done_steps,
            "planned_steps": planned_steps,
            "done_hours": done_hours,
            "planned_hours": planned_hours,
            "percent": percent.astype(float),
            "_order": rows["track_order"].to_numpy(dtype=float)[first],
        }
    )
    per_track = per_track.sort_values("_order", kind="stable").drop(columns="_order")
    per_track = per_track.reset_index(drop=True)
    return per_track


def hours_by_track(plan: pd.DataFrame) -> pd.DataFrame:
    """Return hours done and planned (skipped left out) per track, in track order."""
    return track_progress(plan)[["track_id", "track", "done_hours", "planned_hours"]]


def next_steps(plan: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """Return up to ``n`` steps to work on: in-progress ones first, then not-started."""
    open_steps = plan.loc[plan["status"].isin(OPEN_STATUSES)]
    rank = open_steps["status"].map({status: i for i, status in enumerate(OPEN_STATUSES)})
    ordered = open_steps.assign(_rank=rank).sort_values(["_rank", "position"], kind="stable")
    return ordered.drop(columns="_rank").head(max(n, 0)).reset_index(drop=True)


def format_hours(hours: float) -> str:
    """Format an hour count as '1 hour', '2.5 hours' or '12 hours'."""
    rounded = round(hours, 1)
    return f"{rounded:g} hour" + ("" if rounded == 1 else "s")
