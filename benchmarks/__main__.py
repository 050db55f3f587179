"""Run every benchmark, print one Markdown report and keep it in docs/benchmarks.md.

Run: uv run python -m benchmarks [--quick] [--only store,pages,content,browser,memory]

Each benchmark runs as its own process (so one's imports, caches and threads do not
colour the next), bounded by a timeout; each writes its JSON to benchmarks/results/.
The report puts the machine's description above the tables. --quick uses fewer runs and
sizes, to check the suite works rather than to publish numbers.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import browser, memory, pages, store
from harness.chromium import chromium_version

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
REPORT = ROOT / "docs" / "benchmarks.md"


def _arguments(quick: bool) -> dict[str, list[str]]:
    if quick:
        return {
            "store": ["--toggles", "50", "--reads", "5"],
            "pages": ["--runs", "3", "--sizes", "1000,100000"],
            "content": ["--runs", "3"],
            "browser": ["--runs", "3", "--cold-runs", "1"],
            "memory": ["--sessions", "1,5"],
        }
    return {"store": [], "pages": [], "content": [], "browser": [], "memory": []}


TIMEOUT_S = {"store": 900, "pages": 1800, "content": 300, "browser": 900, "memory": 900}


def machine() -> dict[str, Any]:
    """Describe this machine and the versions that matter for the numbers."""
    cpu_model = "unknown"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "streamlit": importlib.metadata.version("streamlit"),
        "chromium": chromium_version(),
        "load average at start (1, 5, 15 min)": load_average(),
    }


def load_average() -> str:
    """Return the 1, 5 and 15-minute load averages, to show how busy the machine was."""
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def run_benchmark(name: str, arguments: list[str]) -> tuple[bool, str, float]:
    """Run `python -m benchmarks.<name>`; return (succeeded, its output, seconds)."""
    print(f"\n== {name} {' '.join(arguments)}", flush=True)
    started = time.monotonic()
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", f"benchmarks.{name}", *arguments],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S[name],
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT_S[name]} s", time.monotonic() - started
    output = done.stdout + (f"\n{done.stderr}" if done.returncode else "")
    print(output, flush=True)
    return done.returncode == 0, output.strip(), time.monotonic() - started


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((RESULTS_DIR / f"{name}.json").read_text("utf-8"))
    return loaded


def _store_section() -> str:
    results = _load("store")["results"]
    return "\n".join([store.markdown(results), "", *store.verdicts(results)])


def _pages_section() -> str:
    results = _load("pages")["results"]
    return pages.markdown(results, [int(size) for size in results])


def _browser_section() -> str:
    return browser.markdown(_load("browser")["results"])


def _memory_section() -> str:
    return memory.markdown(_load("memory")["results"])


SECTIONS: dict[str, tuple[str, Callable[[], str] | None]] = {
    "pages": ("Page reruns (AppTest) against an empty script", _pages_section),
    "browser": ("In Chromium: warm and cold render against an empty app", _browser_section),
    "memory": ("Server memory per open session", _memory_section),
    "store": ("Progress store: toggle latency and chart reads", _store_section),
    "content": ("Content loading", None),
}


def report(about: dict[str, Any], outcomes: dict[str, tuple[bool, str, float]], quick: bool) -> str:
    """Return the whole report as Markdown."""
    lines = [
        "# Benchmarks",
        "",
        "Made by `uv run python -m benchmarks`"
        + (" --quick (few runs: a smoke check, not numbers to quote)" if quick else "")
        + f" on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Every ratio compares two things "
        "measured side by side in the same run, alternating, so it holds on a busy machine; "
        "absolute times do not travel between machines.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in about.items()),
    ]
    for name, (title, section) in SECTIONS.items():
        if name not in outcomes:
            continue
        succeeded, output, seconds = outcomes[name]
        lines += ["", f"## {title}", "", f"`python -m benchmarks.{name}`, {seconds:.0f} s.", ""]
        if not succeeded:
            lines += ["Failed:", "", "```", output[-3000:], "```"]
        elif section is None:
            lines.append(output)
        else:
            lines.append(section())
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the chosen benchmarks one after another and write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few runs: check, do not publish")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated names")
    args = parser.parse_args()
    arguments = _arguments(args.quick)
    chosen = [name for name in SECTIONS if name in args.only.split(",")]
    about = machine()
    outcomes = {name: run_benchmark(name, arguments[name]) for name in chosen}
    about["load average at end (1, 5, 15 min)"] = load_average()
    text = report(about, outcomes, args.quick)
    print("\n" + text)
    REPORT.write_text(text, encoding="utf-8")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "all.json").write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(),
                "machine": about,
                "succeeded": {name: outcome[0] for name, outcome in outcomes.items()},
                "seconds": {name: outcome[2] for name, outcome in outcomes.items()},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"Report written to {REPORT}")
    if not all(outcome[0] for outcome in outcomes.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
