"""Measure the server's memory (RSS) with 1, 10 and 50 open browser sessions.

Run: uv run python -m benchmarks.memory [--sessions 1,10,50] [--path /plan]

Each session is a real Chromium page (one browser, one context) left open on the page,
on a realistic learner's database (as benchmarks.browser). RSS is VmRSS from
/proc/<pid>/status summed over the server process and any children. Two sessions are
opened and closed first, so process-wide caches (content, engine, figures) are already
built and the numbers show what each extra session costs.
Writes benchmarks/results/memory.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, sync_playwright

from benchmarks.browser import seeded_database
from benchmarks.output import write_results
from harness.chromium import chromium_version, launch_chromium, wait_for_run
from harness.server import ROOT, running_server

RESULTS = ROOT / "benchmarks" / "results" / "memory.json"
PER_SESSION_TARGET_MB = 2.0
SETTLE_S = 2.0  # let the server finish the runs' cleanup before reading RSS


def process_tree(pid: int) -> list[int]:
    """Return pid and all its descendants (from /proc/<pid>/task/*/children)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += process_tree(int(child))
    return found


def rss_mb(pid: int) -> float:
    """Return the resident memory of pid and its descendants in MiB (VmRSS)."""
    total_kb = 0
    for member in process_tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def open_connections(port: int) -> int:
    """Return how many established TCP connections the server holds on port (its sessions)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":  # 01 = ESTABLISHED
                count += 1
    return count


def open_session(context: BrowserContext, url: str) -> Page:
    """Open one page (one Streamlit session) and wait until its first run is over."""
    page = context.new_page()
    page.goto(url)
    wait_for_run(page, timeout_ms=120_000)
    return page


def measure(counts: list[int], path: str, activity: int) -> dict[str, Any]:
    """Open sessions up to each count in turn and read the server's RSS at each."""
    readings: dict[str, float] = {}
    connections: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="pathfinder-memory-") as directory:
        url = seeded_database(Path(directory), activity)
        with running_server(ROOT / "dashboard.py", url) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                context = browser.new_context()
                for _ in range(2):  # warm-up: process-wide caches are not a session's cost
                    open_session(context, server.url + path).close()
                time.sleep(SETTLE_S)
                assert server.process is not None
                readings["0"] = rss_mb(server.process.pid)
                pages: list[Page] = []
                for count in counts:
                    while len(pages) < count:
                        pages.append(open_session(context, server.url + path))
                    time.sleep(SETTLE_S)
                    readings[str(count)] = rss_mb(server.process.pid)
                    connections[str(count)] = open_connections(server.port)
                context.close()
            finally:
                browser.close()
    first, last = counts[0], counts[-1]
    per_session = (readings[str(last)] - readings[str(first)]) / (last - first)
    return {
        "path": path,
        "activity_rows": activity,
        "rss_mb": readings,
        "server_connections": connections,
        "per_extra_session_mb": per_session,
        "sessions": "Chromium pages (one browser, one context), each left open",
    }


def markdown(results: dict[str, Any]) -> str:
    """Return the readings as a Markdown table with the per-session verdict."""
    readings = results["rss_mb"]
    connections = results.get("server_connections", {})
    lines = [
        f"| open sessions on {results['path']} | server RSS | established connections |",
        "|---:|---:|---:|",
        *(
            f"| {count if count != '0' else '0 (after warm-up)'} | {mb:.1f} MiB "
            f"| {connections.get(count, '-')} |"
            for count, mb in readings.items()
        ),
    ]
    per = results["per_extra_session_mb"]
    verdict = "met" if per < PER_SESSION_TARGET_MB else "MISSED"
    lines += [
        "",
        f"Each extra session: {per:.2f} MiB (target under {PER_SESSION_TARGET_MB:.0f} MB): "
        f"{verdict}.",
    ]
    return "\n".join(lines)


def main() -> None:
    """Measure, print the table and write benchmarks/results/memory.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", default="1,10,50", help="open-session counts, rising")
    parser.add_argument("--path", default="/plan", help="page each session opens")
    parser.add_argument("--activity", type=int, default=10_000, help="activity-log rows")
    args = parser.parse_args()
    counts = sorted(int(n) for n in args.sessions.split(","))
    results = measure(counts, args.path, args.activity)
    print(markdown(results))
    write_results(RESULTS, {"chromium": chromium_version(), "results": results})


if __name__ == "__main__":
    main()
