"""Time a status toggle and a chart read on SQLite and PostgreSQL as the activity log grows.

Run: uv run python -m benchmarks.store [--toggles 300] [--reads 40]
Prints a Markdown table and writes benchmarks/results/store.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from pathfinder.store import (
    STATUSES,
    activity_per_day,
    activity_per_week,
    create_store_engine,
    latest_ratings,
    local_profile_id,
    migrate,
    rate,
    rebuild_activity_counts,
    set_status,
    set_statuses,
    step_progress,
)
from pathfinder.store.schema import activity_log

RESULTS = Path(__file__).resolve().parent / "results" / "store.json"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOG_SIZES = (1_000, 10_000, 100_000)
ITEMS = [f"track-{t}-step-{s}" for t in range(8) for s in range(15)]  # 120 plan items
SKILLS = [f"skill-{n}" for n in range(30)]
TOGGLE_TARGET_MS = 5.0
SCALING_TARGET = 3.0


def percentile(samples: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summarise(seconds: list[float]) -> dict[str, float]:
    """Return median and p95 in milliseconds."""
    return {
        "median_ms": statistics.median(seconds) * 1000,
        "p95_ms": percentile(seconds, 0.95) * 1000,
        "runs": len(seconds),
    }


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Run action runs times and return each duration in seconds."""
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        durations.append(time.perf_counter() - started)
    return durations


def read_charts(engine: Engine, profile_id: int) -> None:
    """Do what the progress page reads for its charts."""
    step_progress(engine, profile_id)
    activity_per_day(engine, profile_id)
    activity_per_week(engine, profile_id)
    latest_ratings(engine, profile_id, "skill")


def add_synthetic_activity(engine: Engine, profile_id: int, rows: int, rng: random.Random) -> None:
    """Bulk-insert log rows spread over the past year, then recount the per-day counters."""
    now = datetime.now(UTC)
    batch = [
        {
            "profile_id": profile_id,
            "at": now - timedelta(seconds=rng.uniform(0, 365 * 24 * 3600)),
            "kind": "status",
            "subject_id": rng.choice(ITEMS),
            "detail": {"status": rng.choice(STATUSES)},
        }
        for _ in range(rows)
    ]
    with engine.begin() as conn:
        conn.execute(activity_log.insert(), batch)  # one executemany / multi-row INSERT
    rebuild_activity_counts(engine, profile_id)
    settle(engine)


def settle(engine: Engine) -> None:
    """Do now the upkeep a bulk load triggers, so it does not run during the timings."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            # Autovacuum would otherwise analyze the new rows while we measure.
            conn.exec_driver_sql("VACUUM ANALYZE activity_log, activity_daily")
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("ANALYZE")


def measure(engine: Engine, toggles: int, reads: int) -> dict[str, Any]:
    """Run every measurement on one migrated, empty database."""
    rng = random.Random(20250303)
    profile_id = local_profile_id(engine)
    set_statuses(engine, profile_id, ITEMS[:60], "done")
    for skill in SKILLS:
        rate(engine, profile_id, "skill", skill, rng.randint(1, 5))

    for _ in range(20):  # warm the pool and the statement caches
        set_status(engine, profile_id, rng.choice(ITEMS), rng.choice(STATUSES))
    toggle = timed(
        lambda: set_status(engine, profile_id, rng.choice(ITEMS), rng.choice(STATUSES)), toggles
    )
    results: dict[str, Any] = {"toggle": summarise(toggle), "read": {}}

    logged = _count_log(engine, profile_id)  # the setup and toggles above
    for size in LOG_SIZES:
        add_synthetic_activity(engine, profile_id, size - logged, rng)
        logged = size
        read_charts(engine, profile_id)  # warm-up
        results["read"][str(size)] = summarise(
            timed(lambda: read_charts(engine, profile_id), reads)
        )
    return results


def _count_log(engine: Engine, profile_id: int) -> int:
    stmt = sa.select(sa.func.count()).where(activity_log.c.profile_id == profile_id)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


@contextmanager
def sqlite_database() -> Iterator[Engine]:
    """Yield an engine on a fresh SQLite file in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="pathfinder-bench-") as directory:
        engine = create_store_engine(f"sqlite:///{directory}/pathfinder.db")
        try:
            migrate(engine)
            yield engine
        finally:
            engine.dispose()


def postgres_base_url() -> URL:
    """Return the PostgreSQL server to benchmark against."""
    for variable in ("PATHFINDER_BENCH_POSTGRES_URL", "PATHFINDER_TEST_POSTGRES_URL"):
        value = os.environ.get(variable, "").strip()
        if value:
            return make_url(value)
    return make_url(DEFAULT_POSTGRES)


@contextmanager
def postgres_database(base: URL) -> Iterator[Engine]:
    """Yield an engine on a new temporary schema, dropped afterwards."""
    schema = f"bench_{secrets.token_hex(6)}"
    admin = create_store_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = create_store_engine(
        base.set(drivername="postgresql+psycopg").update_query_dict(
            {"options": f"-csearch_path={schema}"}
        )
    )
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def cell(result: dict[str, Any] | None, *keys: str) -> tuple[str, str]:
    """Return (median, p95) cells for a nested result, or a dash when not measured."""
    if result is None:
        return "-", "-"
    for key in keys:
        result = result[key]
    assert result is not None
    return f"{result['median_ms']:.2f} ms", f"{result['p95_ms']:.2f} ms"


def ratio(result: dict[str, Any] | None) -> str:
    """Return how much slower the 100k-row read is than the 10k-row read."""
    if result is None:
        return "-"
    big, small = result["read"]["100000"]["median_ms"], result["read"]["10000"]["median_ms"]
    return f"{big / small:.2f}x"


def markdown(results: dict[str, dict[str, Any] | None]) -> str:
    """Render the results side by side as a Markdown table."""
    sqlite, postgres = results["sqlite"], results["postgresql"]
    lines = [
        "| measurement | SQLite median | SQLite p95 | PostgreSQL median | PostgreSQL p95 |",
        "|---|---:|---:|---:|---:|",
        "| status toggle (one write transaction) | {} | {} | {} | {} |".format(
            *cell(sqlite, "toggle"), *cell(postgres, "toggle")
        ),
    ]
    for size in LOG_SIZES:
        lines.append(
            f"| chart read, {size:,} activity rows | "
            + " | ".join([*cell(sqlite, "read", str(size)), *cell(postgres, "read", str(size))])
            + " |"
        )
    lines.append(f"| read 100k ÷ read 10k (median) | {ratio(sqlite)} | | {ratio(postgres)} | |")
    return "\n".join(lines)


def verdicts(results: dict[str, dict[str, Any] | None]) -> list[str]:
    """Return one line per target saying whether it was met."""
    lines = []
    sqlite = results["sqlite"]
    if sqlite is not None:
        toggle = sqlite["toggle"]["median_ms"]
        met = "met" if toggle < TOGGLE_TARGET_MS else "MISSED"
        lines.append(
            f"- SQLite toggle median {toggle:.2f} ms (target < {TOGGLE_TARGET_MS} ms): {met}"
        )
    for name, result in results.items():
        if result is None:
            continue
        big, small = result["read"]["100000"]["median_ms"], result["read"]["10000"]["median_ms"]
        met = "met" if big <= SCALING_TARGET * small else "MISSED"
        lines.append(
            f"- {name}: 100k-row read is {big / small:.2f}x the 10k-row read "
            f"(target <= {SCALING_TARGET}x): {met}"
        )
    return lines


def main() -> None:
    """Run the benchmark on both databases and report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--toggles", type=int, default=300, help="status toggles to time")
    parser.add_argument("--reads", type=int, default=40, help="chart reads to time per size")
    args = parser.parse_args()

    results: dict[str, dict[str, Any] | None] = {}
    notes: list[str] = []
    with sqlite_database() as engine:
        results["sqlite"] = measure(engine, args.toggles, args.reads)
    base = postgres_base_url()
    try:
        with postgres_database(base) as engine:
            results["postgresql"] = measure(engine, args.toggles, args.reads)
    except sa.exc.OperationalError as exc:
        results["postgresql"] = None
        where = base.render_as_string(hide_password=True)
        notes.append(f"PostgreSQL column skipped: {where} is not reachable ({exc.orig}).")

    print(markdown(results))
    print()
    for line in [*verdicts(results), *notes]:
        print(line)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(),
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "toggles": args.toggles,
                "reads": args.reads,
                "results": results,
                "notes": notes,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"\nResults written to {RESULTS}")


if __name__ == "__main__":
    main()
