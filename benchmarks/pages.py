"""Time every page's full rerun (AppTest) for a realistic learner against an empty script.

Run: uv run python -m benchmarks.pages [--runs 15] [--sizes 1000,10000,100000]

The learner has touched every plan step (with notes), rated every skill and phase a few
times, set a target, and written three full case studies; the activity log is filled to
each size in turn. Each page is measured next to a one-line Streamlit script in the same
process, so the ratio holds on a busy machine. Writes benchmarks/results/pages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from benchmarks.store import add_synthetic_activity, summarise, timed
from pathfinder import store
from pathfinder.content import load_content

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "pages.json"
PAGES = {
    "overview": "pages/overview.py",
    "plan": "pages/plan.py",
    "lifecycle": "pages/lifecycle.py",
    "skills": "pages/skills.py",
    "case-studies": "pages/case_studies.py",
    "progress": "pages/progress.py",
    "interview": "pages/interview.py",
    "settings": "pages/settings.py",
}
EMPTY_SCRIPT = "import streamlit as st\nst.write('Hello')\n"
RERUN_TARGET = 20.0
GROWTH_TARGET = 3.0


def seed_learner(engine: Engine, rng: random.Random) -> int:
    """Give the local profile a realistic, fully-touched state; return its id."""
    content = load_content()
    profile_id = store.local_profile_id(engine)
    for step_id in content.steps["id"]:
        store.set_status(engine, profile_id, step_id, rng.choice(store.STATUSES))
        store.save_note(engine, profile_id, step_id, f"Notes on {step_id}.", expected_version=0)
    for kind, ids in (("skill", content.skills["id"]), ("phase", content.phases["id"])):
        for subject_id in ids:
            for _ in range(3):
                store.rate(engine, profile_id, kind, subject_id, rng.randint(1, 5))
    store.set_target(engine, profile_id, date.today() + timedelta(days=200), 6.0)
    sections = {sid: f"Section text for {sid}. " * 20 for sid in content.case_study_sections["id"]}
    for n in range(3):
        store.create_case_study(engine, profile_id, f"Case study {n + 1}", sections)
    return profile_id


def open_page(page: str) -> AppTest:
    """Open the dashboard on `page` in a new AppTest session, warmed up."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].value}")
    at.run()  # warm-up: imports, caches and the first render are not what a learner waits for
    return at


def time_side_by_side(page: str, runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Time full reruns of `page` and of the empty script, alternating, on this machine now.

    Alternating run by run keeps both under the same load, so the ratio holds even when
    the machine is busy.
    """
    app = open_page(page)
    empty = AppTest.from_string(EMPTY_SCRIPT)
    empty.run()
    page_times: list[float] = []
    empty_times: list[float] = []
    for _ in range(runs):
        empty_times += timed(empty.run, 1)
        page_times += timed(app.run, 1)
    return summarise(page_times), summarise(empty_times)


def main() -> None:
    """Measure every page at each history size next to the empty script and report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="timed reruns per page")
    parser.add_argument("--sizes", default="1000,10000,100000", help="activity-log sizes")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(20261126)

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="pathfinder-pages-") as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        os.environ["PATHFINDER_DATABASE_URL"] = url
        engine = store.create_store_engine(url)
        store.migrate(engine)
        profile_id = seed_learner(engine, rng)
        logged = len(store.activity_log(engine, profile_id, limit=1_000_000))
        for size in sizes:
            add_synthetic_activity(engine, profile_id, max(size - logged, 0), rng)
            logged = max(size, logged)
            row: dict[str, Any] = {}
            empties = []
            for name, page in PAGES.items():
                timing, empty = time_side_by_side(page, args.runs)
                timing["ratio"] = timing["median_ms"] / empty["median_ms"]
                timing["empty_median_ms"] = empty["median_ms"]
                empties.append(empty["median_ms"])
                row[name] = timing
            row["empty"] = {"median_ms": statistics.median(empties)}
            results[str(size)] = row
        engine.dispose()

    print(markdown(results, sizes))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(),
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "runs": args.runs,
                "results": results,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"\nResults written to {RESULTS}")


def markdown(results: dict[str, Any], sizes: list[int]) -> str:
    """Return the results as a Markdown table with a verdict per target."""
    head = "| page | " + " | ".join(f"{s:,} rows: median (x empty)" for s in sizes)
    lines = [head + " | growth |", "|---|" + "---:|" * (len(sizes) + 1)]
    empty_cells = [f"{results[str(s)]['empty']['median_ms']:.1f} ms (1.0x)" for s in sizes]
    lines.append(
        "| empty script (median of its runs beside each page) | " + " | ".join(empty_cells) + " | |"
    )
    worst_ratio, worst_growth = 0.0, 0.0
    for name in PAGES:
        cells = []
        for s in sizes:
            timing = results[str(s)][name]
            worst_ratio = max(worst_ratio, timing["ratio"])
            cells.append(f"{timing['median_ms']:.1f} ms ({timing['ratio']:.1f}x)")
        growth = (
            results[str(sizes[-1])][name]["median_ms"] / results[str(sizes[0])][name]["median_ms"]
        )
        worst_growth = max(worst_growth, growth)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {growth:.2f}x |")
    verdict_ratio = "met" if worst_ratio <= RERUN_TARGET else "MISSED"
    verdict_growth = "met" if worst_growth <= GROWTH_TARGET else "MISSED"
    lines += [
        "",
        f"Worst page rerun: {worst_ratio:.1f}x the empty script (target {RERUN_TARGET:.0f}x): "
        f"{verdict_ratio}.",
        f"Worst growth from {sizes[0]:,} to {sizes[-1]:,} activity rows: {worst_growth:.2f}x "
        f"(target {GROWTH_TARGET:.0f}x): {verdict_growth}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
