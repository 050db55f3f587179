"""Schema migrations: from empty, from the previous revision with data, and no DDL on reruns."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from pathfinder.store import (
    StoreConfigError,
    activity_per_day,
    create_case_study,
    current_revision,
    get_target,
    latest_ratings,
    list_case_studies,
    local_profile_id,
    migrate,
    set_status,
    step_progress,
)
from pathfinder.store.schema import activity_log, metadata, profiles, ratings, targets
from pathfinder.store.schema import item_progress as progress_table

T0 = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)
ALL_TABLES = {
    "profiles",
    "item_progress",
    "ratings",
    "targets",
    "activity_log",
    "activity_daily",
    "case_studies",
    "share_links",
}


def test_empty_database_migrates_to_head(bare_engine: Engine) -> None:
    """A brand-new database gets every table and ends at the newest revision."""
    assert current_revision(bare_engine) is None
    migrate(bare_engine)
    assert current_revision(bare_engine) == head_revision()
    tables = set(sa.inspect(bare_engine).get_table_names())
    assert tables >= ALL_TABLES
    assert "ix_activity_log_profile_id_at" in {
        index["name"] for index in sa.inspect(bare_engine).get_indexes("activity_log")
    }


def test_migrating_again_runs_no_ddl(engine: Engine) -> None:
    """At head, migrate() only reads the revision: no DDL and no write lock on a rerun."""
    statements: list[str] = []

    def capture(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        migrate(engine)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    ddl = [s for s in statements if s.lstrip().upper().startswith(("CREATE", "ALTER", "DROP"))]
    assert ddl == []
    assert not any("IMMEDIATE" in s.upper() for s in statements)


def test_previous_revision_with_data_upgrades_in_place(bare_engine: Engine) -> None:
    """A database created at revision 0001 keeps all its data after upgrading to head."""
    migrate(bare_engine, "0001")
    assert current_revision(bare_engine) == "0001"
    with bare_engine.begin() as conn:
        profile_id = conn.execute(
            profiles.insert()
            .values(issuer="local", subject="default", created_at=T0)
            .returning(profiles.c.id)
        ).scalar_one()
        conn.execute(
            progress_table.insert().values(
                profile_id=profile_id,
                item_id="sql-basics",
                status="done",
                started_at=T0,
                completed_at=T0,
                note="kept",
                note_version=1,
                links=["https://example.org"],
                updated_at=T0,
            )
        )
        conn.execute(
            ratings.insert().values(
                profile_id=profile_id, kind="skill", subject_id="sql", level=4, rated_at=T0
            )
        )
        conn.execute(
            targets.insert().values(
                profile_id=profile_id, target_date=date(2025, 9, 1), hours_per_week=5, updated_at=T0
            )
        )
        conn.execute(
            activity_log.insert(),
            [
                {"profile_id": profile_id, "at": T0, "kind": "status", "subject_id": "sql-basics"},
                {"profile_id": profile_id, "at": T0, "kind": "note", "subject_id": "sql-basics"},
            ],
        )

    migrate(bare_engine)

    assert current_revision(bare_engine) == head_revision()
    assert local_profile_id(bare_engine) == profile_id
    progress = step_progress(bare_engine, profile_id)
    assert progress[["step_id", "status", "note"]].to_dict("records") == [
        {"step_id": "sql-basics", "status": "done", "note": "kept"}
    ]
    assert progress["links"].iloc[0] == ["https://example.org"]
    assert latest_ratings(bare_engine, profile_id, "skill")["level"].tolist() == [4]
    assert get_target(bare_engine, profile_id).hours_per_week == 5
    # The new per-day counters were filled from the old log rows.
    assert activity_per_day(bare_engine, profile_id)["events"].tolist() == [2]
    # And the tables the upgrade added work.
    create_case_study(bare_engine, profile_id, "After upgrade", now=T0)
    assert list_case_studies(bare_engine, profile_id)["title"].tolist() == ["After upgrade"]
    set_status(bare_engine, profile_id, "sql-basics", "in-progress", now=T0)
    assert activity_per_day(bare_engine, profile_id)["events"].tolist() == [4]


def test_two_processes_starting_together_migrate_once(bare_engine: Engine) -> None:
    """Concurrent first starts both end at head without tripping over each other's DDL."""
    start = threading.Barrier(2)

    def start_app() -> str | None:
        start.wait()
        migrate(bare_engine)
        return current_revision(bare_engine)

    with ThreadPoolExecutor(2) as pool:
        revisions = list(pool.map(lambda _n: start_app(), range(2)))
    assert revisions == [head_revision(), head_revision()]


def test_models_match_the_migrated_schema(engine: Engine) -> None:
    """The query-side table definitions agree with what the migrations created."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_a_database_from_a_newer_app_is_refused(engine: Engine) -> None:
    """An unknown (newer) revision stops the app with a clear message instead of guessing."""
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreConfigError, match="newer version"):
        migrate(engine)


def head_revision() -> str:
    """Return the newest revision as Alembic reads it from the migration files."""
    from alembic.script import ScriptDirectory

    from pathfinder.store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_head_constant_matches_the_newest_migration() -> None:
    """HEAD_REVISION names the newest migration file, so the fast path never skips one."""
    from pathfinder.store.migrate import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_start_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    """A start on a current database skips Alembic entirely."""
    url = f"sqlite:///{tmp_path / 'fast.db'}"
    code = (
        "import sys\n"
        "from pathfinder import store\n"
        f"engine = store.create_store_engine({url!r})\n"
        "store.migrate(engine)\n"
        "print('alembic' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    second = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert first.stdout.strip() == "True"  # an empty database is upgraded with Alembic
    assert second.stdout.strip() == "False"
