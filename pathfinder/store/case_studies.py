"""Case-study drafts: versioned like notes, and always scoped to their owner's profile."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pathfinder.entities import CaseStudyDraft, Instant
from pathfinder.store.activity import log_event
from pathfinder.store.common import (
    TIMESTAMP,
    checked,
    columns_of,
    read_frame,
    utc_now,
    write_for_profile,
)
from pathfinder.store.engine import run_read
from pathfinder.store.errors import CaseStudyNotFound, ChangedElsewhere
from pathfinder.store.schema import case_studies

CASE_STUDY_COLUMNS = {
    "id": "int64",
    "title": "str",
    "status": "str",
    "version": "int64",
    "shared": "bool",
    "created_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
    "sections": "object",
}

_cs = case_studies
_COLUMNS = columns_of(_cs, CASE_STUDY_COLUMNS)


class CaseStudy(CaseStudyDraft):
    """One case study as stored."""

    id: int
    version: int
    shared: bool
    created_at: Instant
    updated_at: Instant


def _owned(profile_id: int, case_study_id: int) -> sa.ColumnElement[bool]:
    # Every query goes through this: one profile can never reach another's case study.
    return (_cs.c.id == case_study_id) & (_cs.c.profile_id == profile_id)


def _as_text(title: str, sections: Mapping[str, str]) -> str:
    return "\n\n".join([title, *(f"## {key}\n{text}" for key, text in sections.items())])


def create_case_study(
    engine: Engine,
    profile_id: int,
    title: str,
    sections: Mapping[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Create a draft case study and return its id."""
    draft = checked(CaseStudyDraft, title=title, sections={} if sections is None else sections)
    at = utc_now(now)

    def work(conn: Connection) -> int:
        new_id = conn.execute(
            _cs.insert()
            .values(
                profile_id=profile_id,
                title=draft.title,
                sections=draft.sections,
                created_at=at,
                updated_at=at,
            )
            .returning(_cs.c.id)
        ).scalar_one()
        log_event(conn, profile_id, at, "case-study", str(new_id), {"action": "created"})
        return int(new_id)

    return write_for_profile(engine, profile_id, work)


def save_case_study(
    engine: Engine,
    profile_id: int,
    case_study_id: int,
    *,
    title: str,
    sections: Mapping[str, str],
    status: str,
    expected_version: int,
    now: datetime | None = None,
) -> int:
    """Save a case study if unchanged since expected_version; return the new version.

    Raises ChangedElsewhere (with both versions) if another tab saved first, and
    CaseStudyNotFound if it does not exist for this profile.
    """
    draft = checked(CaseStudyDraft, title=title, sections=sections, status=status)
    at = utc_now(now)

    def work(conn: Connection) -> int:
        # The profile lock serialises this profile's writers, so reading the current
        # version and then writing cannot interleave with another save.
        current = conn.execute(
            sa.select(_cs.c.title, _cs.c.sections, _cs.c.status, _cs.c.version).where(
                _owned(profile_id, case_study_id)
            )
        ).first()
        if current is None:
            raise CaseStudyNotFound(f"case study {case_study_id} does not exist")
        theirs = {"title": current.title, "sections": current.sections, "status": current.status}
        yours = {"title": draft.title, "sections": draft.sections, "status": draft.status}
        if theirs == yours:
            # Unchanged, or the same edit made twice: nothing to write, log or merge.
            return int(current.version)
        if current.version != expected_version:
            raise ChangedElsewhere(
                "case study",
                current_text=_as_text(current.title, current.sections),
                your_text=_as_text(draft.title, draft.sections),
                current_version=int(current.version),
                current=theirs,
                yours=yours,
            )
        new_version = conn.execute(
            _cs.update()
            .where(_owned(profile_id, case_study_id))
            .values(
                title=draft.title,
                sections=draft.sections,
                status=draft.status,
                version=_cs.c.version + 1,
                updated_at=at,
            )
            .returning(_cs.c.version)
        ).scalar_one()
        log_event(
            conn,
            profile_id,
            at,
            "case-study",
            str(case_study_id),
            {"action": "saved", "version": new_version, "status": status},
        )
        return int(new_version)

    return write_for_profile(engine, profile_id, work)


def list_case_studies(engine: Engine, profile_id: int) -> pd.DataFrame:
    """Return the profile's case studies, oldest first, sections as dicts."""
    stmt = sa.select(*_COLUMNS).where(_cs.c.profile_id == profile_id).order_by(_cs.c.id)
    return read_frame(engine, stmt, CASE_STUDY_COLUMNS)


def get_case_study(engine: Engine, profile_id: int, case_study_id: int) -> CaseStudy:
    """Return one of the profile's case studies, or raise CaseStudyNotFound."""
    stmt = sa.select(*_COLUMNS).where(_owned(profile_id, case_study_id))
    row: Any = run_read(engine, lambda conn: conn.execute(stmt).first())
    if row is None:
        raise CaseStudyNotFound(f"case study {case_study_id} does not exist")
    return CaseStudy(
        id=int(row.id),
        title=row.title,
        status=row.status,
        version=int(row.version),
        shared=bool(row.shared),
        created_at=row.created_at,
        updated_at=row.updated_at,
        sections=dict(row.sections),
    )


def delete_case_study(
    engine: Engine, profile_id: int, case_study_id: int, *, now: datetime | None = None
) -> bool:
    """Delete one of the profile's case studies; return False if there was none."""
    at = utc_now(now)

    def work(conn: Connection) -> bool:
        deleted = conn.execute(_cs.delete().where(_owned(profile_id, case_study_id))).rowcount
        if deleted:
            log_event(conn, profile_id, at, "case-study", str(case_study_id), {"action": "deleted"})
        return bool(deleted)

    return write_for_profile(engine, profile_id, work)
