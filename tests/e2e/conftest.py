"""Browser fixtures: the real `streamlit run dashboard.py` on a temporary database, and Chromium.

Every test here is marked `browser` (tests/conftest.py). A failed test leaves a screenshot
of each open page in test-artifacts/<test>.png. Without a Chromium the tests are skipped
with the command that installs one, and fail under CI=true.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from harness.server import StreamlitServer
from tests.chromium import launch_or_skip
from tests.e2e.driver import watch_runs

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard.py"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep a screenshot of the test's page when the test fails (before the page closes)."""
    report: pytest.TestReport = yield
    if report.failed and report.when in {"setup", "call"}:
        funcargs = getattr(item, "funcargs", {})
        people = funcargs.get("people")
        pages = [funcargs.get("page"), *(people.pages if isinstance(people, People) else [])]
        open_pages = [page for page in pages if isinstance(page, Page) and not page.is_closed()]
        ARTIFACTS.mkdir(exist_ok=True)
        for number, page in enumerate(open_pages):
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name) + (f"-{number}" if number else "")
            try:
                page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
            except Exception as error:
                report.sections.append(("screenshot", f"could not be taken: {error}"))
            else:
                report.sections.append(("screenshot", str(ARTIFACTS / f"{name}.png")))
    return report


# Package scope, not session: while Playwright's sync driver runs, no other test in the
# process can start one (tests/hosted starts its own), so it stops when this folder is done.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Start Playwright's sync driver once for this folder's tests."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Launch Chromium once for this folder (skipped, or failed under CI, when none is found)."""
    chromium = launch_or_skip(playwright)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """Open a page in a fresh browser context (its own cookies and downloads)."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    yield watch_runs(context.new_page())
    context.close()


class People:
    """Opens one page per person, each in a browser context of its own (its own cookies)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.pages: list[Page] = []

    def open(self) -> Page:
        """Open a page for a new person."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        self.pages.append(watch_runs(context.new_page()))
        return self.pages[-1]


@pytest.fixture
def people(browser: Browser) -> Iterator[People]:
    """Hand out pages for several people at once; close their contexts afterwards."""
    opened = People(browser)
    yield opened
    for page in opened.pages:
        page.context.close()


def _start(db: Path, log: Path) -> StreamlitServer:
    server = StreamlitServer(DASHBOARD, database_url=f"sqlite:///{db}", log_path=log)
    server.start()
    return server


@pytest.fixture(scope="package")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """Run one dashboard server for the tests that can share a database (one step each)."""
    directory = tmp_path_factory.mktemp("e2e-shared")
    server = _start(directory / "e2e.db", directory / "streamlit.log")
    yield server
    server.stop()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[[Path], StreamlitServer]]:
    """Return a function starting a dashboard server on a given database file; stop all after."""
    started: list[StreamlitServer] = []

    def start(db: Path) -> StreamlitServer:
        server = _start(db, tmp_path / f"streamlit-{len(started)}.log")
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
