"""Run the real server and Chromium; time warm and cold renders against an empty app.

Run: uv run python -m benchmarks.browser [--runs 7] [--activity 10000]

The dashboard is measured on a realistic learner (every plan step touched, three case
studies, 10,000 activity rows); the baseline is a one-line Streamlit app. Both are measured
in the same run, alternating, so the ratios hold on a busy machine. The server and
browser come from the `harness` package, which the tests use too.
Writes benchmarks/results/browser.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, sync_playwright

from benchmarks.output import write_results
from benchmarks.pages import seed_learner
from benchmarks.store import add_synthetic_activity
from harness.chromium import RUN_TIMEOUT_MS, chromium_version, launch_chromium
from harness.server import ROOT, StreamlitServer, running_server
from pathfinder import store
from pathfinder.content.cache import CACHE_DIR_ENV

RESULTS = ROOT / "benchmarks" / "results" / "browser.json"
EMPTY_APP = "import streamlit as st\nst.write('Hello')\n"
EMPTY_TEXT = "Hello"
FIRST_CHECKLIST_ITEM = '[data-testid="stCheckbox"]'
# Runs in the page before any of its scripts: on every animation frame, until it succeeds,
# look for a visible element matching the selector (and text); note when, in ms since the
# navigation started. Playwright's own wait polls with growing pauses (up to 0.5 s), which
# would add its polling delay to the time measured; this notes the frame it was drawn in.
RENDER_PROBE = """
((selector, text) => {
  const drawn = () => Array.from(document.querySelectorAll(selector)).some((el) => {
    if (text !== null && !el.textContent.includes(text)) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility === "visible";
  });
  const look = () => {
    if (drawn()) window.__renderedAt = performance.now();
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})(%s, %s);
"""
WARM_TARGET = 1.5
COLD_TARGET = 2.0


# -- the benchmark ------------------------------------------------------------------------


def seeded_database(directory: Path, activity: int) -> str:
    """Create a realistic learner's SQLite database (see benchmarks.pages); return its URL."""
    url = f"sqlite:///{directory / 'bench.db'}"
    rng = random.Random(20261126)
    engine = store.create_store_engine(url)
    try:
        store.migrate(engine)
        profile_id = seed_learner(engine, rng)
        logged = len(store.activity_log(engine, profile_id, limit=1_000_000))
        add_synthetic_activity(engine, profile_id, max(activity - logged, 0), rng)
    finally:
        engine.dispose()
    return url


def write_empty_app(directory: Path) -> Path:
    """Write the one-line baseline app and return its path."""
    script = directory / "empty_app.py"
    script.write_text(EMPTY_APP, encoding="utf-8")
    return script


@dataclass(frozen=True)
class Target:
    """What to open and which element means 'rendered' for one app."""

    script: Path
    database_url: str | None
    path: str
    selector: str  # CSS
    text: str | None = None  # text the element must contain, if any

    def probe(self) -> str:
        """Return the init script that notes when this target's element is first drawn."""
        return RENDER_PROBE % (json.dumps(self.selector), json.dumps(self.text))


def dashboard_target(database_url: str) -> Target:
    """Return the dashboard's /plan page, rendered once a checklist item is visible."""
    return Target(ROOT / "dashboard.py", database_url, "/plan", FIRST_CHECKLIST_ITEM)


def empty_target(script: Path) -> Target:
    """Return the empty app, rendered once its text is visible."""
    return Target(script, None, "/", '[data-testid="stMarkdownContainer"]', EMPTY_TEXT)


def rendered_at(context: BrowserContext, url: str, target: Target) -> tuple[float, float]:
    """Open url in a new page; return (ms from navigation start, epoch ms) of the first render."""
    page = context.new_page()
    try:
        page.add_init_script(target.probe())
        page.goto(url, wait_until="commit", timeout=RUN_TIMEOUT_MS * 4)
        page.wait_for_function(
            "window.__renderedAt !== undefined", polling=100, timeout=RUN_TIMEOUT_MS * 4
        )
        since_navigation, origin = page.evaluate("[window.__renderedAt, performance.timeOrigin]")
        return float(since_navigation), float(origin) + float(since_navigation)
    finally:
        page.close()


def time_to_render(context: BrowserContext, url: str, target: Target) -> float:
    """Return the seconds from navigating to url until the target's element is drawn."""
    since_navigation, _ = rendered_at(context, url, target)
    return since_navigation / 1000


def measure_warm(browser: Browser, app: Target, empty: Target, runs: int) -> dict[str, Any]:
    """Time navigation to first render on running servers, the two apps alternating.

    Warm means a returning learner: the server has served the page before and the
    browser has the front end's files cached (one context per app, a new page each run,
    so each run is a new Streamlit session).
    """
    app_times: list[float] = []
    empty_times: list[float] = []
    with (
        running_server(app.script, app.database_url) as app_server,
        running_server(empty.script) as empty_server,
    ):
        app_context, empty_context = browser.new_context(), browser.new_context()
        app_url, empty_url = app_server.url + app.path, empty_server.url + empty.path
        for _ in range(2):  # warm-up: imports, caches, the browser's first bundle parse
            time_to_render(app_context, app_url, app)
            time_to_render(empty_context, empty_url, empty)
        for _ in range(runs):
            empty_times.append(time_to_render(empty_context, empty_url, empty))
            app_times.append(time_to_render(app_context, app_url, app))
        app_context.close()
        empty_context.close()
    return compare(app_times, empty_times)


def cold_start(
    browser: Browser, target: Target, env: Mapping[str, str] | None = None
) -> tuple[float, float]:
    """Start a server and return (seconds to healthy, seconds to first render)."""
    server = StreamlitServer(target.script, database_url=target.database_url, extra_env=env or {})
    try:
        started = time.time()  # wall clock: the page reports its render in epoch ms
        server.launch()
        server.wait_healthy()
        healthy = time.time() - started
        context = browser.new_context()
        _, rendered_epoch_ms = rendered_at(context, server.url + target.path, target)
        context.close()
        return healthy, rendered_epoch_ms / 1000 - started
    finally:
        server.stop()


def measure_cold(
    browser: Browser, app: Target, empty: Target, runs: int, *, first_start: bool = False
) -> dict[str, Any]:
    """Time server start to first render for both apps, alternating.

    A restart finds the validated content cached on disk (pathfinder.content.cache); with
    `first_start` every dashboard start gets an empty cache, as on a new machine.
    """
    app_runs: list[tuple[float, float]] = []
    empty_runs: list[tuple[float, float]] = []
    for _ in range(runs):
        empty_runs.append(cold_start(browser, empty))
        with tempfile.TemporaryDirectory(prefix="pathfinder-cache-") as cache:
            env = {CACHE_DIR_ENV: cache} if first_start else None
            app_runs.append(cold_start(browser, app, env))
    result = compare([r for _, r in app_runs], [r for _, r in empty_runs])
    result["app_healthy_median_ms"] = statistics.median(h for h, _ in app_runs) * 1000
    result["empty_healthy_median_ms"] = statistics.median(h for h, _ in empty_runs) * 1000
    return result


def compare(app_times: list[float], empty_times: list[float]) -> dict[str, Any]:
    """Return medians in milliseconds and the app-to-empty ratio."""
    app_ms = statistics.median(app_times) * 1000
    empty_ms = statistics.median(empty_times) * 1000
    return {
        "app_median_ms": app_ms,
        "empty_median_ms": empty_ms,
        "ratio": app_ms / empty_ms,
        "app_ms": [t * 1000 for t in app_times],
        "empty_ms": [t * 1000 for t in empty_times],
    }


def run(runs: int, cold_runs: int, activity: int) -> dict[str, Any]:
    """Seed a learner, then measure warm and cold renders against the empty app."""
    with tempfile.TemporaryDirectory(prefix="pathfinder-browser-") as directory:
        folder = Path(directory)
        app = dashboard_target(seeded_database(folder, activity))
        empty = empty_target(write_empty_app(folder))
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                warm = measure_warm(browser, app, empty, runs)
                cold = measure_cold(browser, app, empty, cold_runs)
                first = measure_cold(browser, app, empty, cold_runs, first_start=True)
            finally:
                browser.close()
    return {
        "activity_rows": activity,
        "runs": runs,
        "cold_runs": cold_runs,
        "warm": warm,
        "cold": cold,
        "cold_first_start": first,
    }


def markdown(results: dict[str, Any]) -> str:
    """Return the browser timings as a Markdown table with a verdict per target."""
    warm, cold, first = results["warm"], results["cold"], results["cold_first_start"]
    lines = [
        "| in Chromium | dashboard median | empty app median | ratio | target | verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, row, target in (
        ("warm: navigation to first checklist item on /plan", warm, WARM_TARGET),
        ("cold: server start to first render", cold, COLD_TARGET),
    ):
        verdict = "met" if row["ratio"] <= target else "MISSED"
        lines.append(
            f"| {name} | {row['app_median_ms']:.0f} ms | {row['empty_median_ms']:.0f} ms | "
            f"{row['ratio']:.2f}x | {target}x | {verdict} |"
        )
    lines.append(
        f"| cold, first start on a new machine (no content cache yet) | "
        f"{first['app_median_ms']:.0f} ms | {first['empty_median_ms']:.0f} ms | "
        f"{first['ratio']:.2f}x | | |"
    )
    lines.append(
        f"| cold: of which server start to health check | {cold['app_healthy_median_ms']:.0f} ms "
        f"| {cold['empty_healthy_median_ms']:.0f} ms | "
        f"{cold['app_healthy_median_ms'] / cold['empty_healthy_median_ms']:.2f}x | | |"
    )
    return "\n".join(lines)


def main() -> None:
    """Measure, print the table and write benchmarks/results/browser.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9, help="warm navigations per app")
    parser.add_argument("--cold-runs", type=int, default=3, help="server starts per app")
    parser.add_argument("--activity", type=int, default=10_000, help="activity-log rows")
    args = parser.parse_args()
    results = run(args.runs, args.cold_runs, args.activity)
    print(markdown(results))
    write_results(RESULTS, {"chromium": chromium_version(), "results": results})


if __name__ == "__main__":
    main()
