"""Unreachable, locked or read-only databases: a clear StoreUnavailable, nothing half-written."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from pathfinder.entities import ImportDocument
from pathfinder.entities import Rating as ImportedRating
from pathfinder.entities import StepProgress as ImportedItem
from pathfinder.store import (
    StoreUnavailable,
    activity_log,
    create_store_engine,
    import_profile,
    latest_ratings,
    migrate,
    rate,
    save_note,
    set_status,
    set_statuses,
    step_progress,
    writing,
)
from pathfinder.store.common import lock_profile
from pathfinder.store.engine import run_write
from pathfinder.store.schema import profiles

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_unreachable_postgres_says_so_without_the_password() -> None:
    """A server that refuses connections gives StoreUnavailable naming host, not password."""
    engine = create_store_engine("postgresql+psycopg://pf:s3cret-pw@127.0.0.1:1/progress")
    try:
        with pytest.raises(StoreUnavailable) as saving:
            set_status(engine, 1, "sql-basics", "done")
        with pytest.raises(StoreUnavailable) as loading:
            step_progress(engine, 1)
    finally:
        engine.dispose()
    assert str(saving.value) == (
        "Progress can't be saved right now: the database at 127.0.0.1:1/progress is not "
        "reachable. Your changes were not saved; try again in a moment."
    )
    assert "can't be loaded" in str(loading.value)
    for error in (saving.value, loading.value):
        assert "s3cret-pw" not in str(error)
        assert "s3cret-pw" not in repr(error)


def test_unreachable_sqlite_file_says_so(tmp_path: object) -> None:
    """A database file whose folder is gone gives StoreUnavailable naming the path."""
    missing = f"{tmp_path}/gone/pathfinder.db"
    engine = create_store_engine(f"sqlite:///{missing}")
    try:
        with pytest.raises(StoreUnavailable, match="is not reachable") as caught:
            set_status(engine, 1, "sql-basics", "done")
    finally:
        engine.dispose()
    assert missing in str(caught.value)


def read_only_engine(store_url: URL, pg_options: Callable[..., URL]) -> Engine:
    """Open the same database through a read-only connection (tests run as root: no chmod)."""
    if store_url.get_backend_name() == "sqlite":
        return create_store_engine(f"sqlite:///file:{store_url.database}?mode=ro&uri=true")
    return create_store_engine(pg_options(store_url, "-cdefault_transaction_read_only=on"))


def test_read_only_database_refuses_writes_cleanly(
    engine: Engine, profile_id: int, store_url: URL, pg_options: Callable[..., URL]
) -> None:
    """Writes to a read-only database raise StoreUnavailable; reads still work; nothing changes."""
    set_status(engine, profile_id, "kept", "done", now=T0)
    log_before = activity_log(engine, profile_id)
    read_only = read_only_engine(store_url, pg_options)
    try:
        with pytest.raises(StoreUnavailable, match="is read-only") as caught:
            set_status(read_only, profile_id, "new", "done")
        with pytest.raises(StoreUnavailable, match="is read-only"):
            set_statuses(read_only, profile_id, ["a", "b"], "done")
        with pytest.raises(StoreUnavailable, match="is read-only"):
            save_note(read_only, profile_id, "kept", "text", expected_version=0)
        assert step_progress(read_only, profile_id)["step_id"].tolist() == ["kept"]
    finally:
        read_only.dispose()
    assert "Your changes were not saved" in str(caught.value)
    assert step_progress(engine, profile_id)["step_id"].tolist() == ["kept"]
    assert activity_log(engine, profile_id).equals(log_before)


def test_read_only_file_not_yet_in_wal_mode_can_still_be_read(tmp_path: object) -> None:
    """A read-only copy in rollback-journal mode opens for reading; writes say read-only."""
    path = f"{tmp_path}/pathfinder.db"
    writable = create_store_engine(f"sqlite:///{path}")
    migrate(writable)
    with writable.begin() as conn:
        profile_id = conn.execute(
            profiles.insert()
            .values(issuer="local", subject="default", created_at=T0)
            .returning(profiles.c.id)
        ).scalar_one()
    set_status(writable, profile_id, "kept", "done", now=T0)
    writable.dispose()
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA journal_mode = DELETE")
    read_only = create_store_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert step_progress(read_only, profile_id)["step_id"].tolist() == ["kept"]
        with pytest.raises(StoreUnavailable, match="is read-only"):
            set_status(read_only, profile_id, "new", "done")
    finally:
        read_only.dispose()


class Blocker:
    """Another session holding the write lock (SQLite) or the profile's row lock (PostgreSQL)."""

    def __init__(self, engine: Engine, store_url: URL, profile_id: int) -> None:
        self.sqlite: sqlite3.Connection | None = None
        self.conn: Connection | None = None
        if store_url.get_backend_name() == "sqlite":
            self.sqlite = sqlite3.connect(str(store_url.database), isolation_level=None)
            self.sqlite.execute("BEGIN IMMEDIATE")
        else:
            self.conn = engine.connect()
            self.conn.begin()
            self.conn.execute(
                sa.select(profiles.c.id).where(profiles.c.id == profile_id).with_for_update()
            )

    def release(self) -> None:
        """Roll back and close the blocking session."""
        if self.sqlite is not None:
            self.sqlite.rollback()
            self.sqlite.close()
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()


def test_lock_held_past_the_timeout_gives_store_unavailable(
    engine: Engine, profile_id: int, store_url: URL, pg_options: Callable[..., URL]
) -> None:
    """Another session holding the lock too long: a prompt, clear error, and no retry loop."""
    if store_url.get_backend_name() == "sqlite":
        impatient = create_store_engine(store_url, busy_timeout_ms=200)
        timeout_setting, waits_at_most = "PRAGMA busy_timeout", 200
    else:
        impatient = create_store_engine(pg_options(store_url, "-clock_timeout=200"))
        timeout_setting, waits_at_most = "SHOW lock_timeout", "200ms"
    with impatient.connect() as conn:  # the database itself gives up after this long
        assert conn.exec_driver_sql(timeout_setting).scalar() == waits_at_most
    pauses: list[float] = []
    blocker = Blocker(engine, store_url, profile_id)
    try:
        with pytest.raises(StoreUnavailable, match="is busy") as caught:
            set_status(impatient, profile_id, "sql-basics", "done")
        with pytest.raises(StoreUnavailable, match="is busy"):
            run_write(impatient, lambda conn: lock_profile(conn, profile_id), sleep=pauses.append)
    finally:
        blocker.release()
    assert pauses == []  # reported after the one wait, never slept on and retried
    assert "Your changes were not saved; try again in a moment." in str(caught.value)
    assert step_progress(engine, profile_id).empty
    assert activity_log(engine, profile_id).empty
    # Once the lock is gone the same engine saves normally.
    set_status(impatient, profile_id, "sql-basics", "done")
    assert step_progress(engine, profile_id)["status"].tolist() == ["done"]
    impatient.dispose()


def test_writers_queued_in_this_process_also_time_out(
    tmp_path: object,
) -> None:
    """A session stuck inside a write keeps others waiting only up to the busy timeout."""
    engine = create_store_engine(f"sqlite:///{tmp_path}/pathfinder.db", busy_timeout_ms=200)
    migrate(engine)
    with engine.begin() as conn:
        profile_id = conn.execute(
            profiles.insert()
            .values(issuer="local", subject="default", created_at=T0)
            .returning(profiles.c.id)
        ).scalar_one()
    holding, done = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with writing(engine):
            holding.set()
            done.wait(5)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    try:
        holding.wait(5)
        with pytest.raises(StoreUnavailable, match="is busy"):
            set_status(engine, profile_id, "sql-basics", "done")
    finally:
        done.set()
        thread.join()
    set_status(engine, profile_id, "sql-basics", "done")
    assert step_progress(engine, profile_id)["status"].tolist() == ["done"]
    engine.dispose()


def test_a_write_that_fails_half_way_leaves_nothing_behind(engine: Engine, profile_id: int) -> None:
    """An import whose last row breaks a constraint rolls back the deletes before it."""
    set_status(engine, profile_id, "kept", "done", now=T0)
    rate(engine, profile_id, "skill", "sql", 3, now=T0)
    log_before = activity_log(engine, profile_id)
    broken = ImportDocument(
        version=1,
        exported_at=None,
        steps=(ImportedItem(step_id="other", status="done", completed_at=T0),),
        # model_construct skips validation, as code that bypassed the models would.
        ratings=(
            ImportedRating.model_construct(kind="skill", subject_id="sql", level=9, rated_at=T0),
        ),
    )
    with pytest.raises(IntegrityError):
        import_profile(engine, profile_id, broken)
    assert step_progress(engine, profile_id)["step_id"].tolist() == ["kept"]
    assert latest_ratings(engine, profile_id, "skill")["level"].tolist() == [3]
    assert activity_log(engine, profile_id).equals(log_before)


def pg_error(error_class: type[psycopg.Error]) -> OperationalError:
    """Wrap a psycopg error the way SQLAlchemy raises it."""
    return OperationalError("UPDATE ...", {}, error_class("simulated"))


def test_serialization_failures_are_retried_then_succeed(engine: Engine, profile_id: int) -> None:
    """SQLSTATE 40001/40P01 are retried with growing, jittered pauses until the write lands."""
    failures = [psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected]
    pauses: list[float] = []
    calls = 0

    def work(conn: Connection) -> str:
        nonlocal calls
        calls += 1
        if failures:
            raise pg_error(failures.pop(0))
        return "saved"

    assert run_write(engine, work, sleep=pauses.append) == "saved"
    assert calls == 3
    assert len(pauses) == 2
    # Each pause is 5 ms x 2^attempt, jittered by x0.5..x1.5: the bands grow, but overlap,
    # so two single draws need not be in order.
    assert 0.005 <= pauses[0] <= 0.015
    assert 0.010 <= pauses[1] <= 0.030


def test_retries_are_bounded(engine: Engine, profile_id: int) -> None:
    """A write that keeps colliding stops after five tries with StoreUnavailable."""
    calls = 0

    def work(conn: Connection) -> None:
        nonlocal calls
        calls += 1
        raise pg_error(psycopg.errors.SerializationFailure)

    with pytest.raises(StoreUnavailable, match="5 tries"):
        run_write(engine, work, sleep=lambda _seconds: None)
    assert calls == 5


def test_sqlite_lock_errors_are_not_retried(engine: Engine) -> None:
    """busy_timeout already waited: a locked SQLite database is reported after one try."""
    calls = 0
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = 5  # type: ignore[attr-defined]
    locked.sqlite_errorname = "SQLITE_BUSY"  # type: ignore[attr-defined]

    def work(conn: Connection) -> None:
        nonlocal calls
        calls += 1
        raise OperationalError("BEGIN IMMEDIATE", {}, locked)

    with pytest.raises(StoreUnavailable):
        run_write(engine, work, sleep=lambda _seconds: None)
    assert calls == 1


def test_real_serialization_failure_on_postgres_is_retried(
    postgres_url: URL, pg_options: Callable[..., URL]
) -> None:
    """Under SERIALIZABLE, a concurrent update makes the first try fail; the retry saves."""
    engine = create_store_engine(
        pg_options(postgres_url, "-cdefault_transaction_isolation=serializable")
    )
    try:
        migrate(engine)
        with engine.begin() as conn:
            profile_id = conn.execute(
                profiles.insert()
                .values(issuer="local", subject="default", created_at=T0)
                .returning(profiles.c.id)
            ).scalar_one()
        attempts = 0

        def work(conn: Connection) -> int:
            nonlocal attempts
            attempts += 1
            conn.execute(sa.select(profiles.c.id))  # this try's snapshot starts here
            if attempts == 1:
                with engine.begin() as other:  # another session changes the row meanwhile
                    other.execute(profiles.update().values(display_name="changed"))
            conn.execute(
                sa.select(profiles.c.id).where(profiles.c.id == profile_id).with_for_update()
            )
            return attempts

        assert run_write(engine, work) == 2
    finally:
        engine.dispose()


def test_describe_location_never_shows_a_password() -> None:
    """The location in messages is host:port/database or the file path."""
    from pathfinder.store import describe_location

    url = make_url("postgresql+psycopg://user:pw@db.example.com:5433/app")
    assert describe_location(url) == "db.example.com:5433/app"
    assert describe_location(make_url("sqlite:////data/pathfinder.db")) == "/data/pathfinder.db"
