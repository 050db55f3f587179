"""Scale-out: two real Streamlit servers on different ports share one PostgreSQL database.

A tick made in a real browser on the first server is stored, and the second server,
started independently on another port, shows it. Skipped only without
PATHFINDER_TEST_POSTGRES_URL (and CI turns any skip into a failure).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.engine import URL

from harness.server import running_server
from pathfinder import store
from pathfinder.content import load_content
from tests.chromium import launch_or_skip
from tests.conftest import postgres_schema_url
from tests.hosted.conftest import ROOT


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def streamlit_server(database_url: URL, log: Path) -> Iterator[int]:
    """Run `streamlit run dashboard.py` on a free port against `database_url`; yield the port."""
    url = database_url.render_as_string(hide_password=False)
    with running_server(ROOT / "dashboard.py", database_url=url, log_path=log) as server:
        yield server.port


@contextmanager
def chromium() -> Iterator[Browser]:
    """Launch Chromium headless (skipped, or failed under CI, when none is found)."""
    with sync_playwright() as playwright:
        browser = launch_or_skip(playwright)
        try:
            yield browser
        finally:
            browser.close()


def in_fresh_thread(work: Callable[[], None]) -> None:
    """Run `work` in a new thread, where no asyncio loop left by another test is running.

    Playwright's sync API refuses to start in a thread with a running loop, which is the
    case in the full suite after some earlier tests.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work).result()


def _plan(page: Page, port: int, step: str) -> None:
    page.goto(f"http://127.0.0.1:{port}/plan")
    page.locator(f".st-key-done-{step}").wait_for(timeout=30_000)


@pytest.mark.postgres
@pytest.mark.browser
def test_a_tick_on_one_server_is_seen_on_the_other(tmp_path: Path) -> None:
    """Two servers on one PostgreSQL: a tick through server A shows as ticked on server B."""
    step = str(load_content().steps["id"].iloc[0])
    with ExitStack() as stack:
        url = stack.enter_context(postgres_schema_url())
        first = stack.enter_context(streamlit_server(url, tmp_path / "first.log"))
        second = stack.enter_context(streamlit_server(url, tmp_path / "second.log"))
        assert first != second
        assert _healthy(first)
        assert _healthy(second)
        engine = store.create_store_engine(url)
        stack.callback(engine.dispose)

        def status() -> str | None:
            progress = store.step_progress(engine, store.local_profile_id(engine))
            found = progress.loc[progress["step_id"] == step, "status"].tolist()
            return str(found[0]) if found else None

        def wait_for(expected: str, what: str) -> None:
            deadline = time.monotonic() + 20
            while status() != expected:
                assert time.monotonic() < deadline, what
                time.sleep(0.2)

        def drive() -> None:
            with chromium() as browser:
                page_a = browser.new_page()
                _plan(page_a, first, step)
                page_a.locator(f".st-key-done-{step} label").click()
                wait_for("done", "the tick on the first server was not stored")

                page_b = browser.new_page()
                _plan(page_b, second, step)
                assert page_b.locator(f".st-key-done-{step} input[type=checkbox]").is_checked()

                # And back: a change through the second server reaches the first.
                page_b.locator(f".st-key-done-{step} label").click()
                wait_for("not-started", "the untick on the second server was not stored")
                _plan(page_a, first, step)
                checkbox = page_a.locator(f".st-key-done-{step} input[type=checkbox]")
                assert not checkbox.is_checked()

        in_fresh_thread(drive)
