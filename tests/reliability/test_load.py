"""The load script's short form: real server, real websocket sessions, no lost writes."""

from __future__ import annotations

from benchmarks.load import Report, measure


def check(report: Report) -> None:
    """Assert a short run held every session, saw no error and lost no confirmed tick."""
    print(f"\n{report}")
    assert report.held == report.sessions
    assert report.errors == 0, report.first_errors
    assert report.confirmed > 0
    assert (report.lost, report.phantom, report.surfaced) == (0, 0, 0)


def test_five_sessions_for_five_seconds_on_sqlite_lose_nothing() -> None:
    """Five websocket sessions tick shared steps for 5 s on SQLite: all confirmed ticks saved."""
    check(measure(5, 5.0, think_s=0.3))
