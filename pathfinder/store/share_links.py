"""Read-only share links: random tokens shown once, stored only as SHA-256 hashes.

A token carries 256 random bits (`secrets.token_urlsafe(32)`). The database keeps its
hash, so a copy of the database (a backup, a dump) cannot be turned into a working link.
Revoked, expired, altered and unknown tokens all resolve to None: callers show one plain
message for all of them and no data.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pathfinder.entities import ShareLink
from pathfinder.store.case_studies import CASE_STUDY_COLUMNS
from pathfinder.store.common import (
    TIMESTAMP,
    checked,
    columns_of,
    read_frame,
    utc_now,
    write_for_profile,
)
from pathfinder.store.engine import run_read, run_write
from pathfinder.store.errors import CaseStudyNotFound, InvalidInput
from pathfinder.store.schema import case_studies, profiles, share_links

TOKEN_BYTES = 32  # 256 bits: twice the 128 that makes a token impossible to guess
# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything else is not ours.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")

SHARE_LINK_COLUMNS = {
    "id": "int64",
    "label": "str",
    "created_at": TIMESTAMP,
    "expires_at": TIMESTAMP,
    "revoked_at": TIMESTAMP,
    "last_used_at": TIMESTAMP,
}

_sl = share_links


@dataclass(frozen=True)
class ShareGrant:
    """What a valid share token opens: one owner's profile, read-only."""

    link_id: int
    profile_id: int
    label: str
    owner_name: str | None


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of a token: the only form in which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_share_link(
    engine: Engine,
    profile_id: int,
    label: str = "",
    *,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[int, str]:
    """Create a read-only link to the profile; return its id and the token (shown once)."""
    link = checked(ShareLink, label=label, expires_at=expires_at)
    at = utc_now(now)
    if expires_at is not None and utc_now(expires_at) <= at:
        raise InvalidInput("expiry must be in the future")
    token = secrets.token_urlsafe(TOKEN_BYTES)

    def work(conn: Connection) -> int:
        new_id = conn.execute(
            _sl.insert()
            .values(
                profile_id=profile_id,
                label=link.label.strip(),
                token_hash=hash_token(token),
                created_at=at,
                expires_at=expires_at,
            )
            .returning(_sl.c.id)
        ).scalar_one()
        return int(new_id)

    return write_for_profile(engine, profile_id, work), token


def list_share_links(engine: Engine, profile_id: int) -> pd.DataFrame:
    """Return the profile's share links, newest first (never a token or its hash)."""
    stmt = (
        sa.select(*columns_of(_sl, SHARE_LINK_COLUMNS))
        .where(_sl.c.profile_id == profile_id)
        .order_by(_sl.c.id.desc())
    )
    return read_frame(engine, stmt, SHARE_LINK_COLUMNS)


def revoke_share_link(
    engine: Engine, profile_id: int, link_id: int, *, now: datetime | None = None
) -> bool:
    """Revoke one of the profile's links at once; return False if it was not active."""
    at = utc_now(now)

    def work(conn: Connection) -> bool:
        changed = conn.execute(
            _sl.update()
            .where(
                (_sl.c.id == link_id)
                & (_sl.c.profile_id == profile_id)
                & _sl.c.revoked_at.is_(None)
            )
            .values(revoked_at=at)
        ).rowcount
        return bool(changed)

    return write_for_profile(engine, profile_id, work)


def resolve_share_token(
    engine: Engine, token: object, *, now: datetime | None = None
) -> ShareGrant | None:
    """Return what a token opens, or None when it is unknown, altered, revoked or expired."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    digest = hash_token(token)
    at = utc_now(now)
    stmt = (
        sa.select(
            _sl.c.id,
            _sl.c.profile_id,
            _sl.c.label,
            _sl.c.token_hash,
            _sl.c.expires_at,
            _sl.c.revoked_at,
            profiles.c.display_name,
        )
        .join(profiles, profiles.c.id == _sl.c.profile_id)
        .where(_sl.c.token_hash == digest)
    )
    row: Any = run_read(engine, lambda conn: conn.execute(stmt).first())
    # The lookup is by hash; the constant-time comparison guards against any index or
    # collation quirk returning a near match.
    if row is None or not hmac.compare_digest(str(row.token_hash), digest):
        return None
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= at):
        return None
    return ShareGrant(
        link_id=int(row.id),
        profile_id=int(row.profile_id),
        label=str(row.label),
        owner_name=row.display_name,
    )


def record_share_use(engine: Engine, link_id: int, *, now: datetime | None = None) -> None:
    """Remember when a link was last opened (shown to its owner)."""
    at = utc_now(now)
    run_write(
        engine,
        lambda conn: conn.execute(_sl.update().where(_sl.c.id == link_id).values(last_used_at=at)),
    )


def set_case_study_shared(
    engine: Engine, profile_id: int, case_study_id: int, shared: bool
) -> None:
    """Choose whether one of the profile's case studies is shown through its share links."""
    if not isinstance(shared, bool):
        raise TypeError("shared must be a bool")

    def work(conn: Connection) -> None:
        changed = conn.execute(
            case_studies.update()
            .where((case_studies.c.id == case_study_id) & (case_studies.c.profile_id == profile_id))
            .values(shared=shared)
        ).rowcount
        if not changed:
            raise CaseStudyNotFound(f"case study {case_study_id} does not exist")

    write_for_profile(engine, profile_id, work)


def shared_case_studies(engine: Engine, profile_id: int) -> pd.DataFrame:
    """Return only the case studies the profile's owner chose to share, oldest first."""
    stmt = (
        sa.select(*columns_of(case_studies, CASE_STUDY_COLUMNS))
        .where((case_studies.c.profile_id == profile_id) & case_studies.c.shared.is_(True))
        .order_by(case_studies.c.id)
    )
    return read_frame(engine, stmt, CASE_STUDY_COLUMNS)
