"""Export a profile as a versioned document and replace a profile from a validated import."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pathfinder.entities import EXPORT_VERSION, FORMAT, ImportDocument
from pathfinder.store.activity import log_event
from pathfinder.store.common import utc_now, write_for_profile
from pathfinder.store.engine import run_read
from pathfinder.store.schema import case_studies, item_progress, ratings, targets


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def export_profile(
    engine: Engine, profile_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """Return the profile's progress as a JSON-ready document with no profile identity in it."""
    at = utc_now(now)

    def work(conn: Connection) -> dict[str, Any]:
        # One read transaction: the parts of the export are from the same moment.
        items = conn.execute(
            sa.select(
                item_progress.c.item_id,
                item_progress.c.status,
                item_progress.c.started_at,
                item_progress.c.completed_at,
                item_progress.c.note,
                item_progress.c.links,
            )
            .where(item_progress.c.profile_id == profile_id)
            .order_by(item_progress.c.item_id)
        ).all()
        rating_rows = conn.execute(
            sa.select(ratings.c.kind, ratings.c.subject_id, ratings.c.level, ratings.c.rated_at)
            .where(ratings.c.profile_id == profile_id)
            .order_by(ratings.c.rated_at, ratings.c.id)
        ).all()
        target = conn.execute(
            sa.select(targets.c.target_date, targets.c.hours_per_week).where(
                targets.c.profile_id == profile_id
            )
        ).first()
        studies = conn.execute(
            sa.select(
                case_studies.c.title,
                case_studies.c.status,
                case_studies.c.sections,
                case_studies.c.created_at,
                case_studies.c.updated_at,
            )
            .where(case_studies.c.profile_id == profile_id)
            .order_by(case_studies.c.created_at, case_studies.c.id)
        ).all()
        return {
            "format": FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": at.isoformat(),
            "items": [
                {
                    "item_id": row.item_id,
                    "status": row.status,
                    "started_at": _iso(row.started_at),
                    "completed_at": _iso(row.completed_at),
                    "note": row.note,
                    "links": list(row.links),
                }
                for row in items
            ],
            "ratings": [
                {
                    "kind": row.kind,
                    "subject_id": row.subject_id,
                    "level": int(row.level),
                    "rated_at": _iso(row.rated_at),
                }
                for row in rating_rows
            ],
            "target": {
                "target_date": _iso(target.target_date) if target else None,
                "hours_per_week": (
                    float(target.hours_per_week)
                    if target and target.hours_per_week is not None
                    else None
                ),
            },
            "case_studies": [
                {
                    "title": row.title,
                    "status": row.status,
                    "sections": dict(row.sections),
                    "created_at": _iso(row.created_at),
                    "updated_at": _iso(row.updated_at),
                }
                for row in studies
            ],
        }

    return run_read(engine, work)


def import_profile(
    engine: Engine, profile_id: int, document: ImportDocument, *, now: datetime | None = None
) -> None:
    """Replace the profile's progress with an imported document, all or nothing."""
    at = utc_now(now)

    def work(conn: Connection) -> None:
        # Keep note versions rising across the import, so a tab opened before it cannot
        # silently overwrite an imported note (it gets ChangedElsewhere instead).
        old_versions = dict(
            conn.execute(
                sa.select(item_progress.c.item_id, item_progress.c.note_version).where(
                    item_progress.c.profile_id == profile_id
                )
            ).all()
        )
        for table in (item_progress, ratings, targets, case_studies):
            conn.execute(table.delete().where(table.c.profile_id == profile_id))
        if document.steps:
            conn.execute(
                item_progress.insert(),
                [
                    {
                        "profile_id": profile_id,
                        "item_id": item.step_id,
                        "status": item.status,
                        "started_at": item.started_at,
                        "completed_at": item.completed_at,
                        "note": item.note,
                        "note_version": old_versions.get(item.step_id, 0) + (1 if item.note else 0),
                        "links": list(item.links),
                        "updated_at": at,
                    }
                    for item in document.steps
                ],
            )
        if document.ratings:
            conn.execute(
                ratings.insert(),
                [
                    {
                        "profile_id": profile_id,
                        "kind": rating.kind,
                        "subject_id": rating.subject_id,
                        "level": rating.level,
                        "rated_at": rating.rated_at,
                    }
                    for rating in document.ratings
                ],
            )
        target = document.target
        if target is not None and (target.target_date or target.hours_per_week):
            conn.execute(
                targets.insert().values(
                    profile_id=profile_id,
                    target_date=target.target_date,
                    hours_per_week=target.hours_per_week,
                    updated_at=at,
                )
            )
        if document.case_studies:
            conn.execute(
                case_studies.insert(),
                [
                    {
                        "profile_id": profile_id,
                        "title": study.title,
                        "status": study.status,
                        "sections": dict(study.sections),
                        "created_at": study.created_at or at,
                        "updated_at": study.updated_at or at,
                    }
                    for study in document.case_studies
                ],
            )
        log_event(
            conn,
            profile_id,
            at,
            "import",
            None,
            {
                "items": len(document.steps),
                "ratings": len(document.ratings),
                "case_studies": len(document.case_studies),
            },
        )

    write_for_profile(engine, profile_id, work)
