"""Profiles: one per person, keyed by identity-provider issuer and subject (never email)."""

from __future__ import annotations

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from pathfinder.entities import Profile, first_problem
from pathfinder.store.common import checked, insert_for, utc_now
from pathfinder.store.engine import run_read, run_write
from pathfinder.store.errors import InvalidInput
from pathfinder.store.schema import LOCAL_ISSUER, LOCAL_SUBJECT, profiles


def profile_key_problem(issuer: object, subject: object) -> str | None:
    """Return why (issuer, subject) cannot key a profile exactly as given, or None if it can.

    A profile is found by its exact issuer and subject: nothing is trimmed or cut, so a
    value the store cannot hold as it is (not text, blank, too long, a NUL) is refused
    rather than changed into someone else's key.
    """
    try:
        Profile.model_validate({"issuer": issuer, "subject": subject})
    except ValidationError as error:
        return first_problem(error, whole="the identity")
    return None


def ensure_profile(
    engine: Engine, issuer: str, subject: str, display_name: str | None = None
) -> int:
    """Return the id of the profile for (issuer, subject), creating it on first sign-in."""
    problem = profile_key_problem(issuer, subject)
    if problem is not None:
        raise InvalidInput(f"This identity cannot key a profile: {problem}.")
    checked(Profile, issuer=issuer, subject=subject, display_name=display_name)
    key = (profiles.c.issuer == issuer) & (profiles.c.subject == subject)
    found = run_read(
        engine,
        lambda conn: conn.execute(
            sa.select(profiles.c.id, profiles.c.display_name).where(key)
        ).first(),
    )
    # A read first: this runs on every session start and usually finds the profile.
    if found is not None and (display_name is None or found.display_name == display_name):
        return int(found.id)

    def work(conn: Connection) -> int:
        insert = insert_for(conn, profiles).values(
            issuer=issuer, subject=subject, display_name=display_name, created_at=utc_now()
        )
        # ON CONFLICT: two first requests of the same person may race here.
        conn.execute(insert.on_conflict_do_nothing(index_elements=["issuer", "subject"]))
        if display_name is not None:
            conn.execute(profiles.update().where(key).values(display_name=display_name))
        return int(conn.execute(sa.select(profiles.c.id).where(key)).scalar_one())

    return run_write(engine, work)


def local_profile_id(engine: Engine) -> int:
    """Return the id of the single profile used when the app runs without sign-in."""
    return ensure_profile(engine, LOCAL_ISSUER, LOCAL_SUBJECT)
