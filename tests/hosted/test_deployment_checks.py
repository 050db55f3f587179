"""What a deployment may serve: hosted or local, a config Streamlit drops, readiness, the log."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from starlette.requests import Request
from starlette.responses import Response
from streamlit import config as streamlit_config

from pathfinder import hosting, store
from pathfinder.hosting import ConfigFile, Deployment, Problem
from pathfinder.ui import deployment, server

HOME = Path("/home/me/pathfinder")
DUPLICATE_SERVER = (
    '[server]\nheadless = true\n\n[server]\ntrustedUserHeaders = { "X-Forwarded-User" = "user" }\n'
)
SQLITE = make_url("sqlite:////tmp/pathfinder.db")
POSTGRES = make_url("postgresql+psycopg://pf:s3cret-pw@db.internal:5432/progress_db")


@pytest.mark.parametrize(
    ("environ", "app_dir", "hosted"),
    [
        ({}, HOME, False),
        ({"PATHFINDER_HOSTED": "1"}, HOME, True),
        ({"PATHFINDER_REQUIRE_DURABLE": "1"}, HOME, True),  # the container image, the README
        ({}, Path("/mount/src/pathfinder"), True),  # Streamlit Community Cloud
        ({"PATHFINDER_HOSTED": "0", "PATHFINDER_REQUIRE_DURABLE": "1"}, HOME, False),
        # A container with a volume for SQLite still serves other people.
        ({"PATHFINDER_HOSTED": "1", "PATHFINDER_REQUIRE_DURABLE": "0"}, HOME, True),
        ({"PATHFINDER_REQUIRE_DURABLE": "0"}, Path("/mount/src/pathfinder"), False),
    ],
)
def test_a_deployment_is_marked_hosted_by_the_environment(
    environ: dict[str, str], app_dir: Path, hosted: bool
) -> None:
    """PATHFINDER_HOSTED decides; unset, anything that needs durable storage is hosted."""
    assert hosting.marked_hosted(environ, app_dir) is hosted


def _config(tmp_path: Path, text: str) -> ConfigFile:
    path = tmp_path / ".streamlit" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return ConfigFile(path, ".streamlit/config.toml")


def _facts(
    *,
    hosted: bool = True,
    sign_in: bool = False,
    header: str | None = None,
    files: tuple[ConfigFile, ...] = (),
    durable: bool = False,
) -> Deployment:
    return Deployment(
        hosted=hosted,
        durable_required=durable,
        sign_in=sign_in,
        trusted_header=header,
        config_files=files,
    )


def test_a_config_file_streamlit_cannot_parse_is_named_with_its_error(tmp_path: Path) -> None:
    """A duplicate [server] table: the log gets the path and line, visitors only its label."""
    broken = _config(tmp_path, DUPLICATE_SERVER)
    missing = ConfigFile(tmp_path / "nowhere.toml", "~/.streamlit/config.toml")
    problem = hosting.config_file_problem([missing, broken], hosted=True)
    assert problem is not None
    assert problem.reason == "config-file-invalid"
    assert problem.refuses_visitors
    assert str(broken.path) in problem.detail
    assert "Cannot declare ('server',) twice (at line 4" in problem.detail
    assert ".streamlit/config.toml" in problem.message
    assert str(tmp_path) not in problem.message
    local = hosting.config_file_problem([broken], hosted=False)
    assert local is not None
    assert (local.effect, local.level) == ("warn", logging.WARNING)
    valid = _config(tmp_path, '[server]\ntrustedUserHeaders = { "X-Forwarded-User" = "user" }\n')
    assert hosting.config_file_problem([missing, valid], hosted=True) is None


@pytest.mark.parametrize(
    ("facts", "reasons"),
    [
        (_facts(hosted=False), []),
        (_facts(), ["no-sign-in"]),
        (_facts(header="X-Forwarded-User"), []),
        (_facts(sign_in=True), []),
    ],
    ids=["local", "hosted-without-sign-in", "hosted-behind-proxy", "hosted-with-sign-in"],
)
def test_a_hosted_deployment_needs_sign_in_or_trusted_headers(
    facts: Deployment, reasons: list[str]
) -> None:
    """Marked hosted with neither [auth] nor trusted headers: refused (one profile for all)."""
    problems, url = hosting.configuration_problems(facts, lambda: SQLITE)
    assert [p.reason for p in problems] == reasons
    assert all(p.refuses_visitors for p in problems)
    assert url is not None  # a missing sign-in does not stop migrations
    assert url.database == SQLITE.database


def test_the_readme_trap_is_refused_with_the_config_file_as_the_cause(tmp_path: Path) -> None:
    """A hosted config with two [server] tables: refused, and the message says the file is why."""
    facts = _facts(files=(_config(tmp_path, DUPLICATE_SERVER),))
    problems, _ = hosting.configuration_problems(facts, lambda: POSTGRES)
    assert [p.reason for p in problems] == ["config-file-invalid", "no-sign-in"]
    assert "trustedUserHeaders line there has no effect" in problems[1].message


def test_unusable_database_settings_refuse_without_showing_the_url() -> None:
    """An unparsable URL, or SQLite where storage must be durable: refused, and no URL to use."""

    def unusable() -> URL:
        raise store.StoreConfigError("PATHFINDER_DATABASE_URL is not a valid database URL.")

    problems, url = hosting.configuration_problems(_facts(header="X"), unusable)
    assert ([p.reason for p in problems], url) == (["database-url-invalid"], None)
    assert "PATHFINDER_DATABASE_URL" in problems[0].detail
    problems, url = hosting.configuration_problems(_facts(header="X", durable=True), lambda: SQLITE)
    assert ([p.reason for p in problems], url) == (["durable-storage-required"], None)
    assert problems[0].message == hosting.NOT_DURABLE_MESSAGE


def test_a_migrated_database_is_ready(engine: Engine) -> None:
    """A reachable database at the newest migration has no readiness problem (both backends)."""
    assert hosting.database_problem(engine) is None


def test_a_database_before_migrations_is_not_ready(bare_engine: Engine) -> None:
    """An empty database is "migrations-pending", and checking it migrates nothing."""
    problem = hosting.database_problem(bare_engine)
    assert problem is not None
    assert (problem.reason, problem.effect) == ("migrations-pending", "not-ready")
    assert store.schema_state(bare_engine) == "pending"
    with bare_engine.connect() as conn:
        assert not sa.inspect(conn).has_table("alembic_version")


def test_a_database_from_a_newer_version_is_not_ready(engine: Engine) -> None:
    """A revision this code does not know: "schema-newer", the log says to upgrade the app."""
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    problem = hosting.database_problem(engine)
    assert problem is not None
    assert problem.reason == "schema-newer"
    assert "upgrade the app" in problem.detail


def test_a_missing_sqlite_file_is_pending_and_not_created(tmp_path: Path) -> None:
    """Readiness on a SQLite file not made yet says "migrations-pending" and creates no file."""
    path = tmp_path / "later.db"
    engine = store.create_store_engine(f"sqlite:///{path}")
    try:
        problem = hosting.database_problem(engine)
    finally:
        engine.dispose()
    assert problem is not None
    assert problem.reason == "migrations-pending"
    assert not path.exists()


def _closed_port() -> int:
    # A port nothing listens on: bound and closed again (refused, not filtered).
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_database_is_named_in_the_log_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Readiness says "database-unreachable"; host and name only in the detail; never a password."""
    url = f"postgresql+psycopg://pf:s3cret-pw@127.0.0.1:{_closed_port()}/progress_db"
    engine = store.create_store_engine(url, log_problems=False)
    try:
        with caplog.at_level(logging.INFO, logger="pathfinder"):
            problem = hosting.database_problem(engine)
    finally:
        engine.dispose()
    assert problem is not None
    assert problem.reason == "database-unreachable"
    assert "progress_db" in problem.detail
    assert "127.0.0.1" not in problem.message
    assert "progress_db" not in problem.message
    for text in (problem.message, problem.detail, caplog.text):
        assert "s3cret-pw" not in text
    assert caplog.text == ""  # log_problems=False: the caller (the server) logs it


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_hosted_engine_keeps_the_database_out_of_its_messages(
    backend: str, tmp_path: Path
) -> None:
    """With name_location=False a person reads "the database", never its path or host."""
    if backend == "sqlite":
        where = str(tmp_path / "gone" / "pathfinder.db")
        url = f"sqlite:///{where}"
    else:
        where = f"127.0.0.1:{_closed_port()}/progress_db"
        url = f"postgresql+psycopg://pf@{where}"
    engine = store.create_store_engine(url, name_location=False, log_problems=False)
    try:
        with pytest.raises(store.StoreUnavailable) as caught:
            store.step_progress(engine, 1)
    finally:
        engine.dispose()
    message = str(caught.value)
    assert message.startswith("Progress can't be loaded right now: the database is not reachable.")
    for secret in (str(tmp_path), "127.0.0.1", "progress_db"):
        assert secret not in message
    assert caught.value.problem == "unreachable"
    assert where in caught.value.detail  # for the log


def test_an_outage_is_logged_once_and_its_end_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Ten failing reads log one error naming the database; the first success logs its end."""
    folder = tmp_path / "gone"
    engine = store.create_store_engine(f"sqlite:///{folder / 'pathfinder.db'}")
    try:
        with caplog.at_level(logging.INFO, logger="pathfinder.store"):
            for _ in range(10):
                with pytest.raises(store.StoreUnavailable):
                    store.step_progress(engine, 1)
            folder.mkdir()
            store.migrate(engine)
            store.step_progress(engine, 1)
            store.step_progress(engine, 1)
    finally:
        engine.dispose()
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0][0] == "ERROR"
    assert f"The database at {folder / 'pathfinder.db'} is not reachable" in lines[0][1]
    assert lines[1] == ("INFO", f"The database at {folder / 'pathfinder.db'} is reachable again.")


def test_store_logs_never_carry_the_password(caplog: pytest.LogCaptureFixture) -> None:
    """The log line for an unreachable PostgreSQL names host and database, not the password."""
    url = f"postgresql+psycopg://pf:s3cret-pw@127.0.0.1:{_closed_port()}/progress_db"
    engine = store.create_store_engine(url)
    try:
        with (
            caplog.at_level(logging.INFO, logger="pathfinder.store"),
            pytest.raises(store.StoreUnavailable),
        ):
            store.set_status(engine, 1, "a-step", "done")
    finally:
        engine.dispose()
    assert "127.0.0.1" in caplog.text
    assert "progress_db" in caplog.text
    assert "s3cret-pw" not in caplog.text


def _problem(reason: str, effect: hosting.Effect = "not-ready") -> Problem:
    return Problem(reason, f"{reason} (message)", f"{reason} (detail)", effect=effect)


def _poll(checks: server.ServerChecks, times: int = 1) -> list[Response]:
    """Poll the readiness route `times` times in a row, as a load balancer does."""
    scope = {"type": "http", "method": "GET", "path": server.READY_PATH, "headers": []}

    async def polls() -> list[Response]:
        return [await checks.ready(Request(scope)) for _ in range(times)]

    return asyncio.run(polls())


def _body(response: Response) -> object:
    return json.loads(bytes(response.body))


def test_readiness_answers_503_with_codes_and_200_when_clear() -> None:
    """The load balancer reads a reason code (never a host); warnings alone do not block it."""
    answers = [[_problem("database-unreachable"), _problem("config-file-invalid", "warn")], []]
    checks = server.ServerChecks(cache_s=0, check=lambda: answers.pop(0))
    down, up = _poll(checks, 2)
    assert down.status_code == 503
    assert _body(down) == {
        "ready": False,
        "reason": "database-unreachable",
        "reasons": ["database-unreachable"],
    }
    assert down.headers["cache-control"] == "no-store"
    assert (up.status_code, _body(up)) == (200, {"ready": True})


def test_a_hung_check_answers_in_time_and_polls_do_not_pile_up() -> None:
    """A database that hangs: each poll gets 503 "check-timeout" in time; one check runs at once."""
    release = threading.Event()
    started: list[float] = []
    finished: list[float] = []

    def hanging() -> list[Problem]:
        started.append(time.monotonic())
        release.wait(10)
        finished.append(time.monotonic())
        return []

    checks = server.ServerChecks(timeout_s=0.3, cache_s=0, check=hanging)
    scope = {"type": "http", "method": "GET", "path": server.READY_PATH, "headers": []}

    async def polls() -> tuple[list[Response], bool]:
        answers = [await checks.ready(Request(scope)) for _ in range(3)]
        check_still_hung = not finished
        release.set()  # let the worker thread end before the loop closes
        return answers, check_still_hung

    answers, check_still_hung = asyncio.run(polls())
    assert [a.status_code for a in answers] == [503, 503, 503]
    assert [_body(a) for a in answers] == [
        {"ready": False, "reason": "check-timeout", "reasons": ["check-timeout"]}
    ] * 3
    assert check_still_hung  # all three answered while the check hung: nothing waited for it
    assert len(started) == 1  # the later polls waited on the check already running


def test_close_polls_share_one_check() -> None:
    """Polls within the cache window cost one check (one database query), not one each."""
    calls: list[int] = []

    def counted() -> list[Problem]:
        calls.append(1)
        return []

    checks = server.ServerChecks(cache_s=60, check=counted)
    assert [a.status_code for a in _poll(checks, 5)] == [200] * 5
    assert len(calls) == 1


def test_each_problem_is_logged_when_it_starts_and_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Polls that find the same problem stay quiet; its end and readiness are logged once."""
    checks = server.ServerChecks()
    unreachable = _problem("database-unreachable")
    with caplog.at_level(logging.INFO, logger="pathfinder.server"):
        for _ in range(5):
            checks.settle([unreachable])
        checks.settle([])
        checks.settle([])
    assert [r.getMessage() for r in caplog.records] == [
        "Not ready (database-unreachable): database-unreachable (detail)",
        "Resolved: database-unreachable.",
        f"Ready: {server.READY_PATH} answers 200.",
    ]


def test_streamlit_lists_the_working_directorys_config_file() -> None:
    """The config files checked are Streamlit's own list (fails if Streamlit stops naming it)."""
    files = deployment.config_files()
    assert Path(os.getcwd(), ".streamlit", "config.toml") in [f.path for f in files]
    assert {f.label for f in files} <= {".streamlit/config.toml", "~/.streamlit/config.toml"}


def test_the_readiness_route_is_served_beside_streamlits() -> None:
    """The app's routes include GET /_pathfinder/ready (outside Streamlit's reserved paths)."""
    paths = [getattr(route, "path", None) for route in server.routes()]
    assert paths == [server.READY_PATH]
    assert not server.READY_PATH.startswith("/_stcore/")


def test_readiness_also_answers_under_the_base_url_path() -> None:
    """With server.baseUrlPath, /<base>/_pathfinder/ready is readiness, not Streamlit's page."""
    previous = streamlit_config.get_option("server.baseUrlPath")
    streamlit_config.set_option("server.baseUrlPath", "/pf/")
    try:
        paths = [getattr(route, "path", None) for route in server.routes()]
    finally:
        streamlit_config.set_option("server.baseUrlPath", previous)
    assert paths == [server.READY_PATH, f"/pf{server.READY_PATH}"]
