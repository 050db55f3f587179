"""Run the real server and Debian's Chromium; time warm and cold renders against an empty app.

Run: uv run python -m benchmarks.browser [--runs 7] [--activity 10000]

The dashboard is measured on a realistic learner (every plan step touched, three case
studies, 10,000 activity rows); the baseline is a one-line Streamlit app. Both are measured
in the same run, alternating, so the ratios hold on a busy machine. The helpers here
(`StreamlitServer`, `launch_chromium`, `wait_for_run`) are shared with tests/e2e.
Writes benchmarks/results/browser.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from benchmarks.output import write_results
from pathfinder.content.cache import CACHE_DIR_ENV

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "browser.json"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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
START_TIMEOUT_S = 60.0
RUN_TIMEOUT_MS = 30_000


def free_port() -> int:
    """Return a loopback TCP port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class StreamlitServer:
    """One `streamlit run` process on a free loopback port, in its own process group.

    `cwd` is where Streamlit looks for `.streamlit/config.toml` (the repository unless
    given), as for a person who starts it from a checkout.
    """

    script: Path
    database_url: str | None = None
    log_path: Path | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)
    address: str = "127.0.0.1"  # "0.0.0.0" to be reachable from the network as well
    cwd: Path = ROOT
    extra_args: Sequence[str] = ()  # more `streamlit run` options, e.g. --secrets.files
    port: int = 0  # 0: a free port is picked at launch; set it when the config names it
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """Return the server's base URL (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server and return once it answers its health check."""
        self.launch()
        self.wait_healthy()

    def launch(self) -> None:
        """Start the server process without waiting for it to be ready."""
        self.port = self.port or free_port()
        env = {**os.environ, **self.extra_env}
        if self.database_url is not None:
            env["PATHFINDER_DATABASE_URL"] = self.database_url
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.port",
            str(self.port),
            "--server.address",
            self.address,
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
            *self.extra_args,
        ]
        self._log = self.log_path.open("ab") if self.log_path else None
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=self.cwd,
            env=env,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches any children
        )

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        """Poll /_stcore/health until it says ok; fail with the log if the server died."""
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:  # noqa: S310 - loopback http
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(
            f"streamlit did not become healthy in {timeout:.0f} s:\n{self.log_tail()}"
        )

    def restart(self) -> None:
        """Stop the server and start it again on the same port (browsers reconnect to it)."""
        self.stop()
        self.start()

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after 10 seconds."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the server's log, for failure messages."""
        if self.log_path is None or not self.log_path.exists():
            return "(no log kept)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def running_server(
    script: Path, database_url: str | None = None, log_path: Path | None = None
) -> Iterator[StreamlitServer]:
    """Yield a started server; stop it on the way out, whatever happened."""
    server = StreamlitServer(script, database_url=database_url, log_path=log_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's Chromium headless; fail loudly when it is not installed."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install "
            "chromium; .ci/run does it). Playwright cannot download a browser here."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def wait_for_run(page: Page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the page is connected and its script run (or fragment run) is over."""
    app = '[data-testid="stApp"]'
    page.wait_for_selector(f'{app}[data-test-connection-state="CONNECTED"]', timeout=timeout_ms)
    page.wait_for_selector(f'{app}[data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden", timeout=timeout_ms)


# -- the benchmark ------------------------------------------------------------------------


def seeded_database(directory: Path, activity: int) -> str:
    """Create a realistic learner's SQLite database (see benchmarks.pages); return its URL."""
    # Imported here: the e2e tests import this module and need none of the seeding code.
    from benchmarks.pages import seed_learner
    from benchmarks.store import add_synthetic_activity
    from pathfinder import store

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


def chromium_version() -> str:
    """Return the Chromium version string, or 'missing'."""
    if not CHROMIUM.exists():
        return "missing"
    done = subprocess.run(  # noqa: S603 - fixed path, no shell
        [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    return done.stdout.strip() or "unknown"


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
