"""Engines and transactions: SQLite tuned for safe local use, PostgreSQL when hosted."""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from pathfinder.store.config import normalise_url
from pathfinder.store.errors import ReadOnlyIdentity, StoreConfigError, StoreUnavailable

T = TypeVar("T")

WRITE_OPTION = "pathfinder_write"  # read by the SQLite begin listener
WRITE_LOCK_OPTION = "pathfinder_write_lock"  # engine-wide, SQLite only
WRITE_WAIT_OPTION = "pathfinder_write_wait_s"
READ_ONLY_OPTION = "pathfinder_read_only"  # set by read_only(): every write is refused
NAME_LOCATION_OPTION = "pathfinder_name_location"  # whether messages say where the database is
PROBLEM_LOG_OPTION = "pathfinder_problem_log"  # engine-wide ProblemLog, or None
DEFAULT_BUSY_TIMEOUT_MS = 5000
DEFAULT_CONNECT_TIMEOUT_S = 5
RETRY_ATTEMPTS = 5
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock

# SQLite primary result codes (extended codes carry them in the low byte).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8
_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 13, 14

_LOG = logging.getLogger("pathfinder.store")
# How the log says that a problem started, and that it ended.
_PROBLEM_WORDS = {
    "unreachable": ("is not reachable", "is reachable again"),
    "busy": ("is busy (locked past the timeout)", "is no longer busy"),
    "read-only": ("is read-only: writes fail", "accepts writes again"),
    "full": ("has no space left", "has space again"),
}
_PROBLEM_LEVELS = {"busy": logging.WARNING}  # the others are errors


def check_store_url(url: str | URL) -> URL:
    """Return the normalised URL if the store can use it; raise StoreConfigError if not.

    Cheap (no connection, no engine): the deployment checks call it on every run.
    """
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database in {"", ":memory:"} or parsed.query.get("mode") == "memory":
            # Each pooled connection would get its own empty database: progress would vanish.
            raise StoreConfigError("In-memory SQLite cannot hold progress; give a file path.")
        return parsed
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise StoreConfigError(
                "PostgreSQL URLs must use the psycopg driver (postgresql+psycopg://)."
            )
        return parsed
    raise StoreConfigError(
        f"Unsupported database '{backend}': use a SQLite file or PostgreSQL (postgresql+psycopg://)."
    )


def create_store_engine(
    url: str | URL,
    *,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    connect_timeout_s: int = DEFAULT_CONNECT_TIMEOUT_S,
    name_location: bool = True,
    log_problems: bool = True,
) -> Engine:
    """Create the engine for a SQLite file or a PostgreSQL (psycopg 3) URL.

    `name_location` says whether StoreUnavailable messages (shown to people) say where the
    database is (file path, or host and database name): a hosted app passes False, so
    visitors learn nothing about the server while the log has the details.
    `log_problems` logs availability problems once each, until they end (see ProblemLog);
    it is off for engines whose caller logs what goes wrong itself.
    """
    parsed = check_store_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, busy_timeout_ms)
    else:
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in parsed.query:
            # Fail fast with a clear message rather than hang a page when the server is down.
            connect_args["connect_timeout"] = connect_timeout_s
        # pre_ping: a hosted server restarts; a stale pooled connection must not cost a save.
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    problems = ProblemLog(describe_location(parsed)) if log_problems else None
    engine.update_execution_options(
        **{NAME_LOCATION_OPTION: name_location, PROBLEM_LOG_OPTION: problems}
    )
    return engine


class ProblemLog:
    """The availability problems of one database that are going on, each logged once.

    A problem is logged when it starts; while it lasts, every page rerun that runs into
    it stays quiet. It ends, with a line saying so, at the next transaction it would
    have failed: any transaction for "unreachable", a write for the others (a read-only
    or full database still serves reads).
    """

    def __init__(self, where: str) -> None:
        self._where = where
        self._lock = threading.Lock()
        self._current: set[str] = set()

    def started(self, problem: str, cause: str) -> None:
        """Log that `problem` started, unless it is already going on."""
        with self._lock:
            if problem in self._current:
                return
            self._current.add(problem)
        _LOG.log(
            _PROBLEM_LEVELS.get(problem, logging.ERROR),
            "The database at %s %s (%s). Logged once until it ends.",
            self._where,
            _PROBLEM_WORDS[problem][0],
            cause,
        )

    def succeeded(self, *, write: bool) -> None:
        """Note a transaction that went through; log the problems it shows are over."""
        if not self._current:  # the common case: nothing going on, no lock taken
            return
        with self._lock:
            ended = {p for p in self._current if write or p == "unreachable"}
            self._current -= ended
        for problem in sorted(ended):
            _LOG.info("The database at %s %s.", self._where, _PROBLEM_WORDS[problem][1])


def without_password(text: str, url: URL) -> str:
    """Return `text` on one line, without the URL's password (drivers should never say it)."""
    flat = " ".join(text.split())
    if url.password:
        flat = flat.replace(str(url.password), "***")
    return flat[:500]


def _sqlite_engine(url: URL, busy_timeout_ms: int) -> Engine:
    engine = sa.create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
    # Streamlit serves every session as a thread of one process. Queueing this process's
    # writers on a lock wakes them in turn; left to SQLite's busy handler they poll with
    # sleeps of up to 100 ms, and under load one unlucky writer can starve past the
    # timeout. Other processes are still kept out by BEGIN IMMEDIATE and busy_timeout.
    engine.update_execution_options(
        **{WRITE_LOCK_OPTION: threading.Lock(), WRITE_WAIT_OPTION: busy_timeout_ms / 1000}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from Python's legacy sqlite3 mode: it would
        # begin lazily and never for SELECTs. The "begin" listener emits BEGIN instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # FULL: a confirmed save survives a power cut, not just an app crash.
            cursor.execute("PRAGMA synchronous = FULL")
            # journal_mode persists in the file; only switch when needed, since switching
            # needs a write lock and a read-only file could not take it.
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                try:
                    cursor.execute("PRAGMA journal_mode = WAL")
                except sqlite3.OperationalError as exc:
                    # A read-only file can still be read; its writes fail later with
                    # the read-only message, which is the one a person can act on.
                    if getattr(exc, "sqlite_errorcode", 0) & 0xFF != _SQLITE_READONLY:
                        raise
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so a write never fails half-way on
        # upgrading a read lock (SQLITE_BUSY_SNAPSHOT is not covered by busy_timeout).
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def read_only(engine: Engine) -> Engine:
    """Return a view of `engine` (same pool) through which every store write is refused.

    A share-link viewer gets this engine, so the refusal lives in the store's single
    write path rather than in each page: any write raises ReadOnlyIdentity before a
    connection is taken.
    """
    return engine.execution_options(**{READ_ONLY_OPTION: True})


class _WriteQueueTimeout(Exception):  # noqa: N818 - internal, translated to StoreUnavailable
    """Writers in this process kept the SQLite write lock past the busy timeout."""


@contextmanager
def _transaction(engine: Engine, *, write: bool) -> Iterator[Connection]:
    options = engine.get_execution_options()
    if write and options.get(READ_ONLY_OPTION, False):
        raise ReadOnlyIdentity("This is a read-only shared view: nothing can be changed here.")
    lock = options.get(WRITE_LOCK_OPTION) if write else None
    if lock is not None and not lock.acquire(timeout=options[WRITE_WAIT_OPTION]):
        raise _WriteQueueTimeout
    try:
        with engine.connect() as conn:
            if write:
                conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn
        problems = options.get(PROBLEM_LOG_OPTION)
        if problems is not None:
            problems.succeeded(write=write)
    finally:
        if lock is not None:
            lock.release()


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """Open one short write transaction (BEGIN IMMEDIATE on SQLite), committed on exit."""
    try:
        with _transaction(engine, write=True) as conn:
            yield conn
    except (DBAPIError, PoolTimeoutError, _WriteQueueTimeout) as exc:
        raise _translated(exc, engine, saving=True) from exc


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """Open a read transaction, so several queries see one consistent snapshot."""
    try:
        with _transaction(engine, write=False) as conn:
            yield conn
    except (DBAPIError, PoolTimeoutError) as exc:
        raise _translated(exc, engine, saving=False) from exc


def run_write(
    engine: Engine,
    work: Callable[[Connection], T],
    *,
    attempts: int = RETRY_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run work in a write transaction, retrying PostgreSQL serialization failures and deadlocks.

    work must only touch the database (it may run more than once). SQLite lock
    timeouts are not retried: busy_timeout has already waited.
    """
    for attempt in range(1, attempts + 1):
        try:
            with _transaction(engine, write=True) as conn:
                return work(conn)
        except DBAPIError as exc:
            if sqlstate(exc) in RETRYABLE_SQLSTATES:
                if attempt < attempts:
                    # Jitter so that two sessions that collided do not collide again.
                    sleep(0.005 * 2**attempt * random.uniform(0.5, 1.5))  # noqa: S311 - jitter, not a secret
                    continue
                raise StoreUnavailable(
                    "Progress can't be saved right now: other sessions kept changing the same "
                    f"progress at the same moment ({attempts} tries). Your changes were not "
                    "saved; try again in a moment.",
                    problem="contention",
                ) from exc
            raise _translated(exc, engine, saving=True) from exc
        except (PoolTimeoutError, _WriteQueueTimeout) as exc:
            raise _translated(exc, engine, saving=True) from exc
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises


def run_read(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run work in a read transaction with errors translated for the user."""
    with reading(engine) as conn:
        return work(conn)


def sqlstate(exc: BaseException) -> str | None:
    """Return the PostgreSQL SQLSTATE behind an error, if any."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(orig, "sqlstate", None)
    return code if isinstance(code, str) else None


def describe_location(url: URL) -> str:
    """Name the database for a person: the file path, or host:port/database, never a password."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        return database.removeprefix("file:")
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    return f"{host}{port}/{url.database or ''}"


def _translated(exc: BaseException, engine: Engine, *, saving: bool) -> BaseException:
    """Turn an availability problem into StoreUnavailable; return anything else unchanged.

    The problem is logged (once, see ProblemLog) with where the database is and what the
    driver said; the message names the database only if the engine allows it.
    """
    problem = _classify(exc, engine)
    if problem is None:
        return exc
    options = engine.get_execution_options()
    location = describe_location(engine.url)
    named = options.get(NAME_LOCATION_OPTION, True)
    where = f"the database at {location}" if named else "the database"
    cause = without_password(_cause(exc), engine.url)
    problems = options.get(PROBLEM_LOG_OPTION)
    if problems is not None:
        problems.started(problem, cause)
    detail = f"The database at {location} {_PROBLEM_WORDS[problem][0]} ({cause})."
    verb = "saved" if saving else "loaded"
    outcome = "Your changes were not saved" if saving else "Nothing was changed"
    if problem == "read-only":
        message = (
            f"Progress can't be {verb}: {where} is read-only. {outcome}; "
            "ask whoever runs this app to make it writable."
        )
    elif problem == "busy":
        message = (
            f"Progress can't be {verb} right now: {where} is busy (another "
            f"program or session kept it locked too long). {outcome}; try again in a moment."
        )
    elif problem == "full":
        message = (
            f"Progress can't be {verb}: the disk holding {where} is full. "
            f"{outcome}; free some space and try again."
        )
    else:
        message = (
            f"Progress can't be {verb} right now: {where} is not reachable. "
            f"{outcome}; try again in a moment."
        )
    return StoreUnavailable(message, problem=problem, detail=detail)


def _cause(exc: BaseException) -> str:
    """Say what went wrong underneath, for the log (the driver's own words)."""
    if isinstance(exc, DBAPIError):
        return f"{type(exc.orig).__name__}: {exc.orig}"
    if isinstance(exc, PoolTimeoutError):
        return "no pooled connection became free in time"
    return "this process's writers held the write lock past the busy timeout"


def _classify(exc: BaseException, engine: Engine) -> str | None:
    if isinstance(exc, PoolTimeoutError | _WriteQueueTimeout):
        return "busy"
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    if engine.dialect.name == "sqlite":
        code = getattr(orig, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary in {_SQLITE_BUSY, _SQLITE_LOCKED}:
            return "busy"
        if primary == _SQLITE_READONLY:
            return "read-only"
        if primary == _SQLITE_FULL:
            return "full"
        if primary in {_SQLITE_CANTOPEN, _SQLITE_IOERR}:
            return "unreachable"
        return None
    state = sqlstate(exc)
    if state == "25006":  # read_only_sql_transaction: a standby or read-only role
        return "read-only"
    if state in {"55P03", "57014"}:  # lock_not_available, statement timeout
        return "busy"
    if state is not None and state.startswith("53"):  # insufficient resources
        return "full" if state == "53100" else "unreachable"
    if state is None or state.startswith(("08", "57P")):
        # No SQLSTATE: libpq could not connect at all. 08/57P: connection lost or shut down.
        return (
            "unreachable"
            if isinstance(exc, sa.exc.OperationalError) or exc.connection_invalidated
            else None
        )
    return None
