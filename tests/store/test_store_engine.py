"""Where the database is, and how SQLite connections are set up for safe concurrent use."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pathfinder.store import (
    StoreConfigError,
    create_store_engine,
    migrate,
    reading,
    resolve_database_url,
    writing,
)
from pathfinder.store import config as store_config


def write_secrets(path: Path, text: str) -> Path:
    """Write a secrets.toml file and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_environment_variable_wins_over_secrets(tmp_path: Path) -> None:
    """PATHFINDER_DATABASE_URL is used even when secrets.toml names another database."""
    secrets = write_secrets(
        tmp_path / "secrets.toml", '[connections.pathfinder]\nurl = "sqlite:////tmp/other.db"\n'
    )
    url = resolve_database_url(
        env={"PATHFINDER_DATABASE_URL": "postgresql://app@db.internal/progress"},
        secrets_paths=[secrets],
    )
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database) == ("db.internal", "progress")


def test_project_secrets_come_before_the_home_file(tmp_path: Path) -> None:
    """The first secrets.toml with [connections.pathfinder] is used; missing files are fine."""
    project = write_secrets(
        tmp_path / "project" / "secrets.toml",
        '[connections.pathfinder]\nurl = "postgresql+psycopg://u:pw@project-db/app"\n',
    )
    home = write_secrets(
        tmp_path / "home" / "secrets.toml",
        '[connections.pathfinder]\nurl = "postgresql+psycopg://u@home-db/app"\n',
    )
    missing = tmp_path / "nowhere" / "secrets.toml"
    url = resolve_database_url(env={}, secrets_paths=[missing, project, home])
    assert url.host == "project-db"
    assert url.password == "pw"
    assert resolve_database_url(env={}, secrets_paths=[missing, home]).host == "home-db"


def test_secrets_in_split_form_are_understood(tmp_path: Path) -> None:
    """The dialect/host/database form that st.connection accepts works too."""
    secrets = write_secrets(
        tmp_path / "secrets.toml",
        '[connections.pathfinder]\ndialect = "postgresql"\nhost = "db"\nport = 5433\n'
        'database = "app"\nusername = "pf"\npassword = "pw"\n',
    )
    url = resolve_database_url(env={}, secrets_paths=[secrets])
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.username) == ("db", 5433, "app", "pf")


def test_broken_secrets_file_names_the_file(tmp_path: Path) -> None:
    """A secrets.toml that is not TOML stops start-up with an error naming that file."""
    broken = write_secrets(tmp_path / "secrets.toml", '[connections.pathfinder\nurl = "x"\n')
    with pytest.raises(StoreConfigError, match="is not valid TOML") as caught:
        resolve_database_url(env={}, secrets_paths=[broken])
    assert str(broken) in str(caught.value)


def test_section_without_url_is_explained(tmp_path: Path) -> None:
    """A [connections.pathfinder] table without a url says what is missing."""
    secrets = write_secrets(tmp_path / "secrets.toml", "[connections.pathfinder]\nttl = 0\n")
    with pytest.raises(StoreConfigError, match="has no 'url'"):
        resolve_database_url(env={}, secrets_paths=[secrets])


def test_default_is_a_sqlite_file_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no settings, progress lives in pathfinder.db in a directory created on start."""
    data_dir = tmp_path / "data" / "pathfinder"
    monkeypatch.setattr(store_config.platformdirs, "user_data_dir", lambda _app: str(data_dir))
    url = resolve_database_url(env={}, secrets_paths=[tmp_path / "absent.toml"])
    assert url.get_backend_name() == "sqlite"
    assert url.database == str(data_dir / "pathfinder.db")
    assert data_dir.is_dir()


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true"]
)
def test_in_memory_sqlite_is_refused(url: str) -> None:
    """An in-memory database would be a different, empty database per connection."""
    with pytest.raises(StoreConfigError, match="In-memory SQLite"):
        create_store_engine(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "Unsupported database 'mysql'"),
        ("postgresql+psycopg2://u@h/db", "psycopg driver"),
        ("not a url", "not a valid database URL"),
    ],
)
def test_unusable_urls_are_refused_clearly(url: str, message: str) -> None:
    """Only SQLite files and PostgreSQL through psycopg 3 are supported."""
    with pytest.raises(StoreConfigError, match=message):
        create_store_engine(url)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """Yield a migrated engine on a SQLite file."""
    engine = create_store_engine(f"sqlite:///{tmp_path / 'pathfinder.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def test_sqlite_connections_are_set_up_for_safety(sqlite_engine: Engine) -> None:
    """WAL, synchronous=FULL, foreign keys and a busy timeout on every connection."""
    with sqlite_engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
        legacy = conn.connection.dbapi_connection.isolation_level  # type: ignore[union-attr]
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }
    assert legacy is None  # Python's implicit BEGIN is off; SQLAlchemy's listener begins


def test_write_transactions_take_the_write_lock_at_begin(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """writing() starts with BEGIN IMMEDIATE: another writer is locked out from the start."""
    other = sqlite3.connect(tmp_path / "pathfinder.db", timeout=0, isolation_level=None)
    try:
        with writing(sqlite_engine), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once committed
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_read_transactions_do_not_block_writers(sqlite_engine: Engine, tmp_path: Path) -> None:
    """reading() uses a plain BEGIN: another session can still write meanwhile (WAL)."""
    other = sqlite3.connect(tmp_path / "pathfinder.db", timeout=0, isolation_level=None)
    try:
        with reading(sqlite_engine) as conn:
            conn.execute(sa.text("SELECT COUNT(*) FROM profiles")).scalar()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_foreign_keys_are_enforced(sqlite_engine: Engine) -> None:
    """Progress for a profile that does not exist is refused, as on PostgreSQL."""
    with pytest.raises(sa.exc.IntegrityError), writing(sqlite_engine) as conn:
        conn.execute(
            sa.text(
                "INSERT INTO item_progress (profile_id, item_id, updated_at) "
                "VALUES (999, 'x', '2025-01-01 00:00:00')"
            )
        )
