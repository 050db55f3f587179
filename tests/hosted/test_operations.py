"""Operating real servers: readiness, what the log says, what visitors see when things break.

Each test starts `streamlit run dashboard.py` as a deployment would (environment, config
file, database URL), then asks what a load balancer, an operator reading the log and a
visitor in Chromium would notice. The database is made unreachable with a URL to a closed
port, never by stopping the shared PostgreSQL server.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from harness.server import StreamlitServer
from pathfinder import hosting, store
from pathfinder.store.schema import profiles
from tests.conftest import postgres_schema_url
from tests.e2e.driver import after_run, checkbox, reload, tick, watch_runs
from tests.e2e.test_dashboard import RESTART_STEP, TICK_STEP
from tests.e2e.test_two_users import screenshots_on_failure, ticked
from tests.hosted.conftest import ROOT
from tests.hosted.test_scale_out import chromium, in_fresh_thread

T = TypeVar("T")
HEADER = "X-Forwarded-User"
ISSUER = f"header:{HEADER.lower()}"
TRUSTED_HEADERS = {"STREAMLIT_SERVER_TRUSTED_USER_HEADERS": json.dumps({HEADER: "user"})}
READY = "/_pathfinder/ready"
ADA, GRACE = "ada@example.org", "grace@example.org"
CHECKBOXES = '[data-testid="stCheckbox"]'
PROXY_SECTION = "### Behind an authenticating reverse proxy"
GATE_TEXT = "this request did not come with a signed-in user"


def closed_port() -> int:
    """Return a loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(server: StreamlitServer, path: str) -> tuple[int, str]:
    """GET a path of the server; return the status and the body, whatever the status."""
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def readiness(server: StreamlitServer) -> tuple[int, dict[str, Any]]:
    """Ask the readiness route as a load balancer does."""
    status, body = http_get(server, READY)
    return status, json.loads(body) if body.startswith("{") else {"body": body}


def wait_until_ready(server: StreamlitServer, timeout: float = 90) -> dict[str, Any]:
    """Poll readiness every half second until 200; fail with the last answer and the log."""
    deadline = time.monotonic() + timeout
    status, body = readiness(server)
    while status != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        status, body = readiness(server)
    assert status == 200, f"{body}\n{server.log_tail()}"
    return body


def log_text(server: StreamlitServer, waiting_for: str = "", timeout: float = 30) -> str:
    """Return the server's log, once it contains `waiting_for` (or after `timeout`)."""
    assert server.log_path is not None
    deadline = time.monotonic() + timeout
    while True:
        text = server.log_path.read_text(encoding="utf-8", errors="replace")
        if waiting_for in text or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


@contextmanager
def serving(
    tmp_path: Path,
    *,
    env: Mapping[str, str],
    database_url: str | None = None,
    checkout: Path = ROOT,
) -> Iterator[StreamlitServer]:
    """Run the dashboard from `checkout` with `env`; HOME is a fresh folder (no stray config)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    server = StreamlitServer(
        checkout / "dashboard.py",
        database_url=database_url,
        log_path=tmp_path / "server.log",
        extra_env={"HOME": str(home), "PATHFINDER_DATABASE_URL": "", **env},
        cwd=checkout,
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def in_browser(work: Callable[[Browser], T]) -> T:
    """Run `work` with a fresh Chromium (in a thread of its own: see in_fresh_thread)."""
    results: list[T] = []

    def run() -> None:
        with chromium() as browser:
            results.append(work(browser))

    in_fresh_thread(run)
    return results[0]


def visitor_page(browser: Browser, server: StreamlitServer, path: str, user: str | None) -> Page:
    """Open `path` as a visitor (the proxy's user header if `user`), once the run is over."""
    headers = {HEADER: user} if user else {}
    context = browser.new_context(
        extra_http_headers=headers, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)
    page = watch_runs(context.new_page())
    with after_run(page):
        page.goto(server.url + path)
    return page


def what_a_visitor_sees(
    server: StreamlitServer, path: str, user: str | None, shows: str, *, refused: bool = True
) -> str:
    """Return a page's text once it `shows` a text; if `refused`, fail on any plan step."""

    def look(browser: Browser) -> str:
        page = visitor_page(browser, server, path, user)
        with screenshots_on_failure(f"operations{path.replace('/', '-')}", {"visitor": page}):
            expect(page.get_by_text(shows, exact=False).first).to_be_visible()
            if refused:
                expect(page.locator(CHECKBOXES)).to_have_count(0)
            return page.locator('[data-testid="stApp"]').inner_text()

    return in_browser(look)


def profile_subjects(database_url: str) -> dict[str, str]:
    """Return subject -> issuer of every profile in the server's database."""
    engine = store.create_store_engine(database_url)
    try:
        with store.reading(engine) as conn:
            if not sa.inspect(conn).has_table("profiles"):
                return {}
            rows = conn.execute(sa.select(profiles.c.subject, profiles.c.issuer)).all()
    finally:
        engine.dispose()
    return {str(row.subject): str(row.issuer) for row in rows}


@pytest.mark.browser
def test_durable_storage_without_postgresql_is_refused_and_logged(tmp_path: Path) -> None:
    """Durable storage required, no PostgreSQL URL: the log says why, not ready, no page data."""
    env = {"PATHFINDER_REQUIRE_DURABLE": "1", **TRUSTED_HEADERS}
    with serving(tmp_path, env=env) as server:
        assert http_get(server, "/_stcore/health") == (200, "ok")  # liveness stays Streamlit's
        status, body = readiness(server)
        assert (status, body["reason"]) == (503, "durable-storage-required"), body
        log = log_text(server, "Not ready (durable-storage-required)")
        assert "Not ready (durable-storage-required)" in log
        assert "Set PATHFINDER_DATABASE_URL" in log
        for path in ("/", "/plan"):
            seen = what_a_visitor_sees(server, path, ADA, "keeps no files between restarts")
            assert hosting.NOT_DURABLE_MESSAGE in seen
            assert "Learning plan" not in seen


@pytest.mark.browser
def test_an_unreachable_database_is_logged_once_and_never_shown(tmp_path: Path) -> None:
    """A database on a closed port: readiness says so by code, the log names it, pages never do."""
    port = closed_port()
    url = f"postgresql+psycopg://pathfinder:s3cret-pw@127.0.0.1:{port}/internal_progress_db"
    env = {"PATHFINDER_REQUIRE_DURABLE": "1", **TRUSTED_HEADERS}
    with serving(tmp_path, env=env, database_url=url) as server:
        status, body = readiness(server)
        assert (status, body["reason"]) == (503, "database-unreachable"), body
        for secret in ("127.0.0.1", "internal_progress_db", "s3cret-pw"):
            assert secret not in json.dumps(body)
        # The plan's content stays, with one banner (tests/reliability/test_outage.py).
        banner = "Progress can't be loaded right now: the database is not reachable."
        seen = [what_a_visitor_sees(server, "/plan", ADA, banner, refused=False) for _ in "ab"]
        for text in seen:
            assert banner in text
            for secret in (f"127.0.0.1:{port}", "internal_progress_db", "s3cret-pw"):
                assert secret not in text
        where = f"The database at 127.0.0.1:{port}/internal_progress_db is not reachable"
        log = log_text(server, f"pathfinder.store: {where}")
        assert f"Not ready (database-unreachable): {where}" in log
        assert log.count(f"pathfinder.store: {where}") == 1, log  # not once per page view
        assert "Connection refused" in log
        assert "s3cret-pw" not in log


@pytest.mark.postgres
def test_a_new_postgresql_server_migrates_at_start_and_turns_ready(tmp_path: Path) -> None:
    """A fresh database: the server migrates it with no visitor yet, then readiness says 200."""
    with postgres_schema_url() as url:
        raw = url.render_as_string(hide_password=False)
        env = {"PATHFINDER_REQUIRE_DURABLE": "1", **TRUSTED_HEADERS}
        with serving(tmp_path, env=env, database_url=raw) as server:
            assert wait_until_ready(server) == {"ready": True}
            engine = store.create_store_engine(url)
            try:
                assert store.schema_state(engine) == "current"
            finally:
                engine.dispose()
            log = log_text(server, "Ready: ")
            assert f"progress goes to PostgreSQL at {store.describe_location(url)}." in log
            assert f"Migrated the database schema to revision {store.HEAD_REVISION}." in log
            assert f"Ready: {READY} answers 200." in log


# -- the README's own steps for a deployment behind an authenticating proxy -----------------


def readme_section(heading: str) -> str:
    """Return one section of the README, from its heading to the next heading."""
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index(heading)
    following = re.search(r"\n#{2,3} ", readme[start + len(heading) :])
    return readme[start : start + len(heading) + following.start() if following else None]


def readme_proxy_line() -> str:
    """Return the one TOML line the README's proxy section says to uncomment."""
    section = readme_section(PROXY_SECTION)
    assert "uncomment" in section, "the README no longer says to uncomment the line"
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, blocks
    lines = [line for line in blocks[0].splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def checkout_with_hosted_config(tmp_path: Path) -> Path:
    """Return a copy of the app with the README's first step done: the hosted config copied."""
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "copy the hosted file over it" in readme
    checkout = tmp_path / "checkout"
    (checkout / ".streamlit").mkdir(parents=True)
    shutil.copy(ROOT / "dashboard.py", checkout / "dashboard.py")
    shutil.copytree(ROOT / "pages", checkout / "pages")
    for name in ("config.toml", "config.hosted.toml"):
        shutil.copy(ROOT / ".streamlit" / name, checkout / ".streamlit" / name)
    # "copy .streamlit/config.hosted.toml over .streamlit/config.toml"
    shutil.copy(
        checkout / ".streamlit" / "config.hosted.toml", checkout / ".streamlit" / "config.toml"
    )
    return checkout


@pytest.mark.postgres
@pytest.mark.browser
def test_the_readmes_proxy_steps_give_each_person_their_own_profile(tmp_path: Path) -> None:
    """Copy the hosted config, uncomment the README's line: each proxy user has their own plan."""
    checkout = checkout_with_hosted_config(tmp_path)
    config = checkout / ".streamlit" / "config.toml"
    line = readme_proxy_line()
    text = config.read_text("utf-8")
    assert text.count(f"# {line}\n") == 1, "the hosted config has no such commented line"
    config.write_text(text.replace(f"# {line}\n", f"{line}\n"), encoding="utf-8")
    with postgres_schema_url() as url:
        raw = url.render_as_string(hide_password=False)
        # PATHFINDER_REQUIRE_DURABLE, as the README's secrets (or the container image) set it.
        env = {"PATHFINDER_REQUIRE_DURABLE": "1"}
        with serving(tmp_path, env=env, database_url=raw, checkout=checkout) as server:
            wait_until_ready(server)

            def two_people(browser: Browser) -> None:
                ada = visitor_page(browser, server, "/plan", ADA)
                grace = visitor_page(browser, server, "/plan", GRACE)
                nobody = visitor_page(browser, server, "/plan", None)
                pages = {"ada": ada, "grace": grace, "nobody": nobody}
                with screenshots_on_failure("readme-proxy-steps", pages):
                    tick(ada, TICK_STEP[1])
                    expect(checkbox(ada, TICK_STEP[1])).to_be_checked()
                    reload(grace)
                    assert ticked(grace) == []
                    tick(grace, RESTART_STEP[1])
                    reload(ada)
                    assert ticked(ada) == [TICK_STEP[1]]
                    expect(nobody.get_by_text(GATE_TEXT)).to_be_visible()
                    expect(nobody.locator(CHECKBOXES)).to_have_count(0)

            in_browser(two_people)
            assert profile_subjects(raw) == {ADA: ISSUER, GRACE: ISSUER}


@pytest.mark.postgres
@pytest.mark.browser
def test_a_second_server_table_is_refused_loudly(tmp_path: Path) -> None:
    """The old way (a second [server] table): the log names the file, not ready, no one's data."""
    checkout = checkout_with_hosted_config(tmp_path)
    config = checkout / ".streamlit" / "config.toml"
    with config.open("a", encoding="utf-8") as file:
        file.write('\n[server]\ntrustedUserHeaders = { "X-Forwarded-User" = "user" }\n')
    with postgres_schema_url() as url:
        raw = url.render_as_string(hide_password=False)
        env = {"PATHFINDER_REQUIRE_DURABLE": "1"}
        with serving(tmp_path, env=env, database_url=raw, checkout=checkout) as server:
            status, body = readiness(server)
            assert (status, body["reason"]) == (503, "config-file-invalid"), body
            assert "no-sign-in" in body["reasons"], body
            log = log_text(server, "Not ready (no-sign-in)")
            assert f"{config} is not valid TOML (Cannot declare ('server',) twice" in log
            assert "Not ready (no-sign-in): Refusing to serve in local mode" in log
            for user in (ADA, GRACE):
                seen = what_a_visitor_sees(server, "/plan", user, "no one signs in")
                assert "config file .streamlit/config.toml of this server is not valid TOML" in seen
                assert "no one signs in" in seen
                assert str(tmp_path) not in seen
            # Stopped before anyone was identified: not even a profile was made.
            assert profile_subjects(raw) == {}
