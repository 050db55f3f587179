"""Plan-step progress: status, note and links, each change logged in the same transaction.

The table keeps its first names (`item_progress`, `item_id`): renaming a table under
servers that share the database would break the ones not yet upgraded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pathfinder.entities import DONE, NOT_STARTED, StepProgress
from pathfinder.store.activity import log_event, log_events
from pathfinder.store.common import (
    TIMESTAMP,
    checked,
    insert_for,
    per_dialect,
    read_frame,
    utc_now,
    write_for_profile,
)
from pathfinder.store.errors import ChangedElsewhere
from pathfinder.store.schema import case_studies, ratings, targets
from pathfinder.store.schema import item_progress as progress_table

STEP_PROGRESS_COLUMNS = {
    "step_id": "str",
    "status": "str",
    "started_at": TIMESTAMP,
    "completed_at": TIMESTAMP,
    "note": "str",
    "note_version": "int64",
    "links": "object",
    "updated_at": TIMESTAMP,
}

_t = progress_table
# The frame's step_id is the table's item_id; every other column keeps its name.
_STEP_PROGRESS_SELECT = [
    _t.c.item_id if name == "step_id" else _t.c[name] for name in STEP_PROGRESS_COLUMNS
]


def _status_upsert(insert: Any) -> Any:
    new = insert(_t)
    excluded = new.excluded
    # The rules live in SQL so a status change is one atomic statement per step: two
    # sessions changing the same step cannot interleave a read and a write.
    return new.on_conflict_do_update(
        index_elements=[_t.c.profile_id, _t.c.item_id],
        set_={
            "status": excluded.status,
            # Kept across in-progress/done/skipped; cleared when the step is un-started.
            "started_at": sa.case(
                (excluded.status == NOT_STARTED, sa.null()),
                else_=sa.func.coalesce(_t.c.started_at, excluded.started_at),
            ),
            # Marking done twice keeps the first completion time (idempotent).
            "completed_at": sa.case(
                (excluded.status != DONE, sa.null()),
                (_t.c.status == DONE, _t.c.completed_at),
                else_=excluded.completed_at,
            ),
            "updated_at": excluded.updated_at,
        },
        # Setting the status a step already has changes nothing, so nothing is written
        # or logged: a repeated or replayed click is not a new event.
        where=_t.c.status.is_distinct_from(excluded.status),
    ).returning(_t.c.item_id)


def _ensure_row(insert: Any) -> Any:
    return insert(_t).on_conflict_do_nothing(index_elements=[_t.c.profile_id, _t.c.item_id])


_STATUS_UPSERT = per_dialect(_status_upsert)
_ENSURE_ROW = per_dialect(_ensure_row)


def _write_statuses(
    conn: Connection, profile_id: int, step_ids: list[str], status: str, at: datetime
) -> list[str]:
    """Give the steps `status`; return the ids that changed (only those are written).

    A step with no row yet is not started, so "not started" only updates existing rows:
    resetting a track nobody touched writes nothing.
    """
    if status == NOT_STARTED:
        return sorted(
            conn.execute(
                _t.update()
                .where(
                    (_t.c.profile_id == profile_id)
                    & _t.c.item_id.in_(step_ids)
                    & (_t.c.status != NOT_STARTED)
                )
                .values(status=NOT_STARTED, started_at=None, completed_at=None, updated_at=at)
                .returning(_t.c.item_id)
            )
            .scalars()
            .all()
        )
    return sorted(
        conn.execute(
            _STATUS_UPSERT[conn.dialect.name],
            [_status_row(profile_id, step_id, status, at) for step_id in step_ids],
        )
        .scalars()
        .all()
    )


def _status_row(profile_id: int, step_id: str, status: str, at: datetime) -> dict[str, object]:
    return {
        "profile_id": profile_id,
        "item_id": step_id,
        "status": status,
        "started_at": None if status == NOT_STARTED else at,
        "completed_at": at if status == DONE else None,
        "updated_at": at,
    }


def set_status(
    engine: Engine, profile_id: int, step_id: str, status: str, *, now: datetime | None = None
) -> bool:
    """Set one step's status and log it, in one short transaction; return whether it changed."""
    checked(StepProgress, step_id=step_id, status=status)
    at = utc_now(now)

    def work(conn: Connection) -> bool:
        changed = _write_statuses(conn, profile_id, [step_id], status, at)
        if changed:
            log_event(conn, profile_id, at, "status", step_id, {"status": status})
        return bool(changed)

    return write_for_profile(engine, profile_id, work)


def set_statuses(
    engine: Engine,
    profile_id: int,
    step_ids: Iterable[str],
    status: str,
    *,
    now: datetime | None = None,
) -> int:
    """Set many steps to one status (a whole track done or reset) in one transaction.

    Returns how many steps changed; only those are written and logged.
    """
    # Sorted: PostgreSQL row locks are then always taken in the same order.
    ids = sorted({checked(StepProgress, step_id=i, status=status).step_id for i in step_ids})
    at = utc_now(now)
    if not ids:
        return 0

    def work(conn: Connection) -> int:
        changed = _write_statuses(conn, profile_id, ids, status, at)
        log_events(conn, profile_id, at, "status", [(i, {"status": status}) for i in changed])
        return len(changed)

    return write_for_profile(engine, profile_id, work)


def save_note(
    engine: Engine,
    profile_id: int,
    step_id: str,
    text: str,
    *,
    expected_version: int,
    now: datetime | None = None,
) -> int:
    """Save a note if nobody saved one since expected_version; return the new version.

    Raises ChangedElsewhere (carrying both texts) when another tab saved first.
    A never-saved note has version 0.
    """
    checked(StepProgress, step_id=step_id, note=text)
    at = utc_now(now)
    key = (_t.c.profile_id == profile_id) & (_t.c.item_id == step_id)

    def work(conn: Connection) -> int:
        conn.execute(
            _ENSURE_ROW[conn.dialect.name],
            {"profile_id": profile_id, "item_id": step_id, "updated_at": at},
        )
        # Compare-and-set: the version check and the write are one statement. The same
        # text again is not a change: nothing is written, the version stays.
        new_version = conn.execute(
            _t.update()
            .where(key & (_t.c.note_version == expected_version) & _t.c.note.is_distinct_from(text))
            .values(note=text, note_version=_t.c.note_version + 1, updated_at=at)
            .returning(_t.c.note_version)
        ).scalar_one_or_none()
        if new_version is None:
            current = conn.execute(sa.select(_t.c.note, _t.c.note_version).where(key)).one()
            if (current.note or "") == text:
                return int(current.note_version)  # unchanged, or both tabs typed the same
            raise ChangedElsewhere(
                "note",
                current_text=current.note,
                your_text=text,
                current_version=int(current.note_version),
            )
        log_event(conn, profile_id, at, "note", step_id, {"version": new_version})
        return int(new_version)

    return write_for_profile(engine, profile_id, work)


def set_links(
    engine: Engine,
    profile_id: int,
    step_id: str,
    links: list[str],
    *,
    expected: list[str] | None = None,
    now: datetime | None = None,
) -> bool:
    """Replace a step's list of links (http or https URLs); return whether it changed.

    With `expected` (the links the page showed), raises ChangedElsewhere, carrying both
    lists, when another tab saved other links since: the last tab to save must not win
    silently.
    """
    new_links = list(checked(StepProgress, step_id=step_id, links=links).links)
    at = utc_now(now)
    key = (_t.c.profile_id == profile_id) & (_t.c.item_id == step_id)

    def work(conn: Connection) -> bool:
        stored = list(conn.execute(sa.select(_t.c.links).where(key)).scalar_one_or_none() or [])
        if stored == new_links:
            return False  # the same links again: nothing to write or log
        if expected is not None and stored != list(expected):
            raise ChangedElsewhere(
                "list of links",
                current_text="\n".join(stored),
                your_text="\n".join(new_links),
                current_version=0,
                current=stored,
                yours=new_links,
            )
        insert = insert_for(conn, _t).values(
            profile_id=profile_id, item_id=step_id, links=new_links, updated_at=at
        )
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[_t.c.profile_id, _t.c.item_id],
                set_={"links": insert.excluded.links, "updated_at": insert.excluded.updated_at},
            )
        )
        log_event(conn, profile_id, at, "links", step_id, {"count": len(new_links)})
        return True

    return write_for_profile(engine, profile_id, work)


def step_progress(engine: Engine, profile_id: int) -> pd.DataFrame:
    """Return every step this profile has touched, including retired ones."""
    stmt = (
        sa.select(*_STEP_PROGRESS_SELECT)
        .where(_t.c.profile_id == profile_id)
        .order_by(_t.c.item_id)
    )
    return read_frame(engine, stmt, STEP_PROGRESS_COLUMNS)


def reset_plan(engine: Engine, profile_id: int, *, now: datetime | None = None) -> int:
    """Put every step back to not-started (notes and links stay); return how many changed."""
    at = utc_now(now)

    def work(conn: Connection) -> int:
        changed = conn.execute(
            _t.update()
            .where((_t.c.profile_id == profile_id) & (_t.c.status != NOT_STARTED))
            .values(status=NOT_STARTED, started_at=None, completed_at=None, updated_at=at)
        ).rowcount
        log_event(conn, profile_id, at, "reset-plan", None, {"items": changed})
        return int(changed)

    return write_for_profile(engine, profile_id, work)


def reset_all(engine: Engine, profile_id: int, *, now: datetime | None = None) -> None:
    """Delete progress, notes, ratings, target and case studies; the activity log stays."""
    at = utc_now(now)

    def work(conn: Connection) -> None:
        counts = {
            table.name: conn.execute(
                table.delete().where(table.c.profile_id == profile_id)
            ).rowcount
            for table in (progress_table, ratings, targets, case_studies)
        }
        log_event(conn, profile_id, at, "reset-all", None, counts)

    write_for_profile(engine, profile_id, work)
