"""Two proxy users in two Chromium contexts on one server never see each other's progress.

The server trusts the header `X-Forwarded-User` (`server.trustedUserHeaders`), as it does
behind an authenticating reverse proxy; each browser context sends its own value, which
Streamlit reads from the websocket handshake into `st.user`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from harness.server import StreamlitServer
from pathfinder import store
from pathfinder.store.schema import profiles
from tests.e2e.conftest import ARTIFACTS, DASHBOARD
from tests.e2e.driver import (
    after_run,
    checkbox,
    engine_on,
    note_box,
    open_details,
    open_path,
    reload,
    tick,
    watch_runs,
)
from tests.e2e.test_dashboard import TICK_STEP

HEADER = "X-Forwarded-User"
ISSUER = f"header:{HEADER.lower()}"
# Streamlit's CLI reads every config option from STREAMLIT_<SECTION>_<OPTION>; a dict
# option given that way is one JSON object, parsed at start-up (streamlit/config.py).
TRUSTED_HEADERS_ENV = {"STREAMLIT_SERVER_TRUSTED_USER_HEADERS": json.dumps({HEADER: "user"})}
ADA, GRACE = "ada@example.org", "grace@example.org"
ADA_STEP = TICK_STEP  # the first step of the plan
GRACE_STEP = ("map-the-lifecycle", "Map the product lifecycle onto a project you know")
ADA_NOTE = "Ada's own note: the foundations course, week one."
GATE_TEXT = "this request did not come with a signed-in user"


@pytest.fixture
def proxy_server(tmp_path: Path) -> Iterator[StreamlitServer]:
    """Run the dashboard on a fresh database, trusting the proxy's user header."""
    server = StreamlitServer(
        DASHBOARD,
        database_url=f"sqlite:///{tmp_path / 'proxy.db'}",
        log_path=tmp_path / "streamlit.log",
        extra_env=TRUSTED_HEADERS_ENV,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pages(browser: Browser) -> Iterator[dict[str, Page]]:
    """Open one page per visitor, each in its own context with its own proxy header."""
    visitors: dict[str, dict[str, str]] = {
        "ada": {HEADER: ADA},
        "grace": {HEADER: GRACE},
        "anonymous": {},
    }
    opened: dict[str, Page] = {}
    for name, headers in visitors.items():
        context = browser.new_context(
            extra_http_headers=headers, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(30_000)
        opened[name] = watch_runs(context.new_page())
    yield opened
    for page in opened.values():
        page.context.close()


@contextmanager
def screenshots_on_failure(test: str, pages: Mapping[str, Page]) -> Iterator[None]:
    """Keep a screenshot of every visitor's page in test-artifacts/ when the block fails."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        for name, page in pages.items():
            if not page.is_closed():
                page.screenshot(path=ARTIFACTS / f"{test}-{name}.png", full_page=True)
        raise


def ticked(page: Page) -> list[str]:
    """Return the labels of every ticked plan step on the page."""
    boxes = page.locator('[data-testid="stCheckbox"]', has=page.locator("input:checked"))
    return [box.inner_text().strip() for box in boxes.all()]


def stored(server: StreamlitServer) -> dict[str, dict[str, tuple[str, str]]]:
    """Return every profile of the header issuer: subject -> item id -> (status, note)."""
    with engine_on(server) as engine:
        with store.reading(engine) as conn:
            rows = conn.execute(sa.select(profiles.c.id, profiles.c.issuer, profiles.c.subject))
            owners = [(int(row.id), str(row.issuer), str(row.subject)) for row in rows]
        assert {issuer for _, issuer, _ in owners} <= {ISSUER}, f"unexpected issuers: {owners}"
        return {
            subject: {
                str(row["step_id"]): (str(row["status"]), str(row["note"]))
                for row in store.step_progress(engine, profile_id).to_dict("records")
            }
            for profile_id, _, subject in owners
        }


def test_two_proxy_users_never_see_each_others_progress(
    proxy_server: StreamlitServer, pages: dict[str, Page], request: pytest.FixtureRequest
) -> None:
    """Ada's tick and note stay Ada's, Grace's tick stays Grace's; no header sees nothing."""
    ada, grace, anonymous = pages["ada"], pages["grace"], pages["anonymous"]
    with screenshots_on_failure(request.node.name, pages):
        open_path(ada, proxy_server, "/plan")
        expect(ada.get_by_text(GATE_TEXT)).to_have_count(0)
        expect(checkbox(ada, ADA_STEP[1])).not_to_be_checked()
        tick(ada, ADA_STEP[1])
        note = note_box(open_details(ada, ADA_STEP[0]))
        note.fill(ADA_NOTE)
        with after_run(ada):
            note.press("Control+Enter")
        expect(checkbox(ada, ADA_STEP[1])).to_be_checked()
        assert stored(proxy_server) == {ADA: {ADA_STEP[0]: ("done", ADA_NOTE)}}

        open_path(grace, proxy_server, "/plan")
        expect(checkbox(grace, ADA_STEP[1])).not_to_be_checked()
        assert ticked(grace) == []
        expect(note_box(open_details(grace, ADA_STEP[0]))).to_have_value("")
        expect(grace.get_by_text(ADA_NOTE)).to_have_count(0)
        tick(grace, GRACE_STEP[1])
        expect(checkbox(grace, GRACE_STEP[1])).to_be_checked()

        reload(ada)
        expect(checkbox(ada, ADA_STEP[1])).to_be_checked()
        expect(checkbox(ada, GRACE_STEP[1])).not_to_be_checked()
        assert ticked(ada) == [ADA_STEP[1]]
        expect(note_box(open_details(ada, ADA_STEP[0]))).to_have_value(ADA_NOTE)

        reload(grace)
        expect(checkbox(grace, GRACE_STEP[1])).to_be_checked()
        expect(checkbox(grace, ADA_STEP[1])).not_to_be_checked()
        assert ticked(grace) == [GRACE_STEP[1]]

        for path in ("/plan", "/"):
            open_path(anonymous, proxy_server, path)
            expect(anonymous.get_by_text(GATE_TEXT)).to_be_visible()
            expect(anonymous.locator('[data-testid="stCheckbox"]')).to_have_count(0)
            expect(anonymous.get_by_text(ADA_NOTE)).to_have_count(0)

        assert stored(proxy_server) == {
            ADA: {ADA_STEP[0]: ("done", ADA_NOTE)},
            GRACE: {GRACE_STEP[0]: ("done", "")},
        }
