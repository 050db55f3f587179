"""Bounded load: N websocket sessions tick plan steps on a real server; lost writes and latency.

Starts `streamlit run dashboard.py` on 127.0.0.1 (file watcher off, headless, as hosted)
against a temporary SQLite file (or a private PostgreSQL schema with --postgres), then
opens N sessions over Streamlit's own websocket protocol (`/_stcore/stream`, protobuf
BackMsg/ForwardMsg), the way the browser does: a `rerun_script` BackMsg carrying the
changed checkbox's widget state and the fragment it belongs to. Each session is a
different learner, named by the trusted proxy header the server is started with, as
behind an authenticating reverse proxy. Each session ticks a step, waits for the run to
finish, thinks for a moment, and repeats for a fixed time.

Reported per N: sessions held to the end, errors (exceptions on the page, timeouts,
dropped connections), surfaced failures (a "can't be saved" banner), lost writes
(confirmed ticks missing from the store's activity log), phantom writes (saved ticks
the session was told had failed), unanswered ticks (sent, but the session gave up
waiting for the run to end: saved or not, nobody was told), and p50/p95 tick latency
(send to script_finished). Everything is loopback; every loop and wait is bounded, and
the server is stopped at the end.

    uv run python -m benchmarks.load                       # N = 10, 50, 200; 20 s each
    uv run python -m benchmarks.load --sessions 5 --seconds 5
    uv run python -m benchmarks.load --postgres postgresql+psycopg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import websockets
from sqlalchemy.engine import make_url
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from harness.server import ROOT, StreamlitServer
from pathfinder import store

PAGE = "plan"
TICKED_STEPS = 6
USER_HEADER = "X-Forwarded-User"  # each session is its own learner, as behind a proxy
RUN_TIMEOUT_S = 120.0  # a saturated server answers late; a browser would keep waiting
RAMP_S = 0.05  # sessions open one after another, as people arrive, not in one instant
SERVER_START_TIMEOUT_S = 120.0


@dataclass
class SessionResult:
    """What one session did and saw."""

    loaded: bool = False  # the first page load finished
    held: bool = False
    errors: list[str] = field(default_factory=list)
    surfaced: list[str] = field(default_factory=list)
    confirmed: list[tuple[str, str, str]] = field(default_factory=list)  # learner, step, status
    unanswered: list[tuple[str, str, str]] = field(default_factory=list)  # outcome never heard
    latencies_ms: list[float] = field(default_factory=list)


@dataclass
class Report:
    """The figures for one N."""

    sessions: int
    seconds: float
    backend: str
    loaded: int
    held: int
    errors: int
    surfaced: int
    confirmed: int
    saved: int
    lost: int
    phantom: int
    unanswered: int
    ticks_per_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    first_errors: list[str]
    surfaced_kinds: dict[str, int]


class PlanSession:
    """One browser tab on the plan page, spoken to over the websocket."""

    def __init__(self, connection: Any, rng: random.Random, learner: str) -> None:
        self.connection = connection
        self.learner = learner
        self.rng = rng
        self.page_hash = ""
        self.boxes: dict[str, tuple[str, bool, str]] = {}  # step -> (widget id, value, fragment)

    async def run(self, states: list[WidgetState], fragment_id: str = "") -> list[str]:
        """Send one rerun and read until it finishes; return the page's warnings and errors."""
        back = BackMsg()
        client = back.rerun_script
        client.query_string = ""
        client.page_name = PAGE
        client.page_script_hash = self.page_hash
        client.fragment_id = fragment_id
        client.widget_states.widgets.extend(states)
        await self.connection.send(back.SerializeToString())
        problems: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.connection.recv(), RUN_TIMEOUT_S)
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = message.new_session.page_script_hash
            elif kind == "delta":
                problems.extend(self._read_delta(message))
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                return problems

    def _read_delta(self, message: ForwardMsg) -> list[str]:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return []
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "checkbox":
            box = element.checkbox
            marker = "-done-"
            if marker in box.id:
                step = box.id.rsplit(marker, 1)[1]
                known = self.boxes.get(step)
                value = box.value if box.set_value or known is None else known[1]
                if not box.set_value and known is None:
                    value = box.default
                self.boxes[step] = (box.id, value, delta.fragment_id)
        elif kind == "alert" and "can't be" in element.alert.body:
            return [f"banner: {element.alert.body}"]
        elif kind == "exception":
            return [f"exception: {element.exception.type}: {element.exception.message}"]
        return []

    async def tick(self, step: str, result: SessionResult) -> tuple[str, list[str], float]:
        """Flip a step's checkbox as a click would; return the new status, problems, latency."""
        widget_id, value, fragment_id = self.boxes[step]
        state = WidgetState(id=widget_id, bool_value=not value)
        # The box now holds the clicked value, as in a browser; the server sends a value
        # back only when it differs from that one.
        self.boxes[step] = (widget_id, not value, fragment_id)
        status = "done" if not value else "not-started"
        started = time.perf_counter()
        result.unanswered.append((self.learner, step, status))  # until the run's end is heard
        problems = await self.run([state], fragment_id)
        result.unanswered.pop()
        elapsed = (time.perf_counter() - started) * 1000
        return status, problems, elapsed


async def one_session(
    url: str,
    seed: int,
    loaded: asyncio.Queue[int],
    start: asyncio.Event,
    stop_at: list[float],
    think_s: float,
) -> SessionResult:
    """Open a session, wait for the common start, tick until the deadline."""
    result = SessionResult()
    rng = random.Random(seed)
    await asyncio.sleep(seed * RAMP_S)
    try:
        async with websockets.connect(
            url, subprotocols=[websockets.Subprotocol("streamlit")], max_size=None,
            open_timeout=RUN_TIMEOUT_S, ping_interval=None,
            additional_headers={USER_HEADER: learner_name(seed)},
        ) as connection:  # fmt: skip
            session = PlanSession(connection, rng, learner_name(seed))
            try:
                problems = await session.run([])
            finally:
                loaded.put_nowait(seed)
            steps = sorted(session.boxes)[:TICKED_STEPS]
            result.loaded = True
            if problems or not steps:
                result.errors.append(f"first load: {problems or 'no plan checkboxes'}")
                return result
            await start.wait()
            while time.monotonic() < stop_at[0]:
                step = rng.choice(steps)
                status, problems, elapsed = await session.tick(step, result)
                result.latencies_ms.append(elapsed)
                if any(p.startswith("exception") for p in problems):
                    result.errors.extend(problems)
                elif problems:
                    result.surfaced.extend(problems)
                else:
                    result.confirmed.append((session.learner, step, status))
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)
            result.held = True
    except (OSError, TimeoutError, websockets.WebSocketException) as error:
        result.errors.append(f"{type(error).__name__}: {error}")
    return result


def learner_name(seed: int) -> str:
    """Return the proxy user name of session `seed`."""
    return f"learner-{seed}"


def logged_statuses(database_url: str, sessions: int) -> Counter[tuple[str, str, str]]:
    """Return how often each (learner, step, status) change is in the store's activity log."""
    engine = store.create_store_engine(database_url)
    issuer = f"header:{USER_HEADER.lower()}"
    logged: Counter[tuple[str, str, str]] = Counter()
    try:
        for seed in range(sessions):
            name = learner_name(seed)
            profile_id = store.ensure_profile(engine, issuer, name, name)
            log = store.activity_log(engine, profile_id, limit=10_000_000)
            log = log[log["kind"] == "status"]
            for step, detail in zip(log["subject_id"], log["detail"], strict=True):
                logged[(name, str(step), str(detail["status"]))] += 1
    finally:
        engine.dispose()
    return logged


async def drive(port: int, sessions: int, seconds: float, think_s: float) -> list[SessionResult]:
    """Connect every session, then let them all tick for `seconds`."""
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    loaded: asyncio.Queue[int] = asyncio.Queue()
    start = asyncio.Event()
    stop_at = [float("inf")]
    tasks = [
        asyncio.create_task(one_session(url, seed, loaded, start, stop_at, think_s))
        for seed in range(sessions)
    ]
    # Every session first loads the page; the clock starts once all have (or time is up).
    connect_deadline = time.monotonic() + RUN_TIMEOUT_S + sessions * RAMP_S
    for _ in range(sessions):
        left = connect_deadline - time.monotonic()
        if left <= 0:
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(loaded.get(), left)
    stop_at[0] = time.monotonic() + seconds
    start.set()
    done, pending = await asyncio.wait(tasks, timeout=seconds + RUN_TIMEOUT_S * 1.5)
    for task in pending:
        task.cancel()
    results = [task.result() for task in done]
    results += [SessionResult(errors=["did not finish in time"]) for _ in pending]
    return results


@contextlib.contextmanager
def running_server(database_url: str) -> Iterator[int]:
    """Run the dashboard on a free loopback port until the block ends; yield the port."""
    with tempfile.TemporaryDirectory(prefix="pathfinder-load-") as folder:
        server = StreamlitServer(
            ROOT / "dashboard.py",
            database_url=database_url,
            log_path=Path(folder) / "streamlit.log",
            extra_env={"STREAMLIT_SERVER_TRUSTED_USER_HEADERS": json.dumps({USER_HEADER: "user"})},
            extra_args=["--server.runOnSave", "false"],
        )
        try:
            server.launch()
            server.wait_healthy(SERVER_START_TIMEOUT_S)
            yield server.port
        finally:
            server.stop()


@contextlib.contextmanager
def database(postgres_url: str | None) -> Iterator[str]:
    """Yield a migrated, empty database URL: a temporary SQLite file or a private PG schema."""
    if postgres_url is None:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/pathfinder.db"
            _prepare(url)
            yield url
        return
    schema = f"load_{secrets.token_hex(6)}"
    admin = store.create_store_engine(postgres_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        private = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = private.render_as_string(hide_password=False)
        _prepare(rendered)
        yield rendered
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _prepare(url: str) -> None:
    engine = store.create_store_engine(url)
    try:
        store.migrate(engine)
        store.local_profile_id(engine)
    finally:
        engine.dispose()


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which `fraction` of values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(
    sessions: int, seconds: float, *, postgres_url: str | None = None, think_s: float = 1.0
) -> Report:
    """Run one load level against a fresh server and database; return its figures."""
    with database(postgres_url) as url, running_server(url) as port:
        # A thread of its own: the caller (a test, say) may already run an event loop.
        with ThreadPoolExecutor(1) as pool:
            results = pool.submit(
                lambda: asyncio.run(drive(port, sessions, seconds, think_s))
            ).result()
        logged = logged_statuses(url, sessions)
    confirmed = Counter(tick for r in results for tick in r.confirmed)
    unanswered = Counter(tick for r in results for tick in r.unanswered)
    latencies = [ms for r in results for ms in r.latencies_ms]
    errors = [e for r in results for e in r.errors]
    return Report(
        sessions=sessions,
        seconds=seconds,
        backend="postgresql" if postgres_url else "sqlite",
        loaded=sum(r.loaded for r in results),
        held=sum(r.held for r in results),
        errors=len(errors),
        surfaced=sum(len(r.surfaced) for r in results),
        confirmed=sum(confirmed.values()),
        saved=sum(logged.values()),
        lost=sum((confirmed - logged).values()),
        # Saved but reported as failed; a tick whose answer never came may have been saved.
        phantom=sum((logged - confirmed - unanswered).values()),
        unanswered=sum(unanswered.values()),
        ticks_per_s=round(len(latencies) / seconds, 1),
        p50_ms=round(percentile(latencies, 0.50), 1),
        p95_ms=round(percentile(latencies, 0.95), 1),
        max_ms=round(max(latencies, default=float("nan")), 1),
        first_errors=errors[:3],
        surfaced_kinds=dict(Counter(_gist(text) for r in results for text in r.surfaced)),
    )


def _gist(banner: str) -> str:
    for gist in ("is busy", "not reachable", "read-only", "is full", "tries"):
        if gist in banner:
            return gist
    return banner[:60]


def main() -> None:
    """Run the load levels asked for and print one JSON line per level."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, nargs="*", default=[10, 50, 200])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between ticks (s)")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL; a schema is made")
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()
    reports = []
    for n in args.sessions:
        report = measure(n, args.seconds, postgres_url=args.postgres, think_s=args.think)
        reports.append(asdict(report))
        print(json.dumps(reports[-1]), flush=True)
    if args.output is not None:
        args.output.write_text(json.dumps(reports, indent=2) + "\n")


if __name__ == "__main__":
    main()
