"""Share links and local mode in a real browser: a read-only view stays read-only, whatever.

A mentor opens a link, reloads it, bookmarks it, moves around and presses back: every one
of those stays a read-only view of the owner's progress. In local mode the owner's view is
served to this computer only; someone on the network without a link is asked for one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.server import StreamlitServer
from pathfinder import store
from pathfinder.local_access import network_address
from pathfinder.ui.access import REMOTE_MESSAGE
from pathfinder.ui.identity import INVALID_SHARE_MESSAGE
from tests.e2e.conftest import DASHBOARD
from tests.e2e.driver import (
    DETAILS,
    after_run,
    checkbox,
    engine_on,
    go_to,
    open_track,
    reload,
    sidebar_link,
    step_box,
    watch_runs,
)

SHARED_STEP = ("learn-sql", "Learn SQL well enough to get and check data")
SHARED_TRACK = "data-foundations"  # not the owner's next step's track: the viewer opens it
# Inputs a viewer may still use: they change what is shown, never what is stored.
VIEWER_ALLOWED = '[data-testid="stMultiSelect"], [data-testid="stSelectbox"]'
OWNER_ONLY_PAGES = ("Settings", "Lifecycle", "The interview")
READ_ONLY_NOTICE = "Read-only view of"


@pytest.fixture
def owner_link(tmp_path: Path) -> tuple[int, str]:
    """Give the owner a done step and a share link, before any server opens the database."""
    engine = store.create_store_engine(f"sqlite:///{tmp_path / 'lan.db'}")
    try:
        store.migrate(engine)
        owner = store.local_profile_id(engine)
        store.set_status(engine, owner, SHARED_STEP[0], "done")
        return store.create_share_link(engine, owner, "mentor")
    finally:
        engine.dispose()


@pytest.fixture
def lan_server(tmp_path: Path, owner_link: tuple[int, str]) -> Iterator[StreamlitServer]:
    """Run the dashboard listening on every interface, as a local user sharing on a LAN does."""
    server = StreamlitServer(
        DASHBOARD,
        database_url=f"sqlite:///{tmp_path / 'lan.db'}",
        log_path=tmp_path / "streamlit.log",
        address="0.0.0.0",
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lan_url(lan_server: StreamlitServer) -> str:
    """Return the server's address as another computer on the network reaches it."""
    address = network_address()
    assert address is not None, "this machine has no network address to test from"
    return f"http://{address}:{lan_server.port}"


def assert_read_only_view(page: Page, token: str) -> None:
    """Check what a viewer sees: the notice, no owner-only pages, the token still in the URL."""
    expect(page.get_by_text(READ_ONLY_NOTICE)).to_be_visible()
    for title in OWNER_ONLY_PAGES:
        expect(sidebar_link(page, title)).to_have_count(0)
    expect(page.locator("[data-testid='stSidebarUserContent'] button")).to_have_count(
        0
    )  # no way out
    assert f"share={token}" in page.url, page.url
    editable = page.locator("main input:not([disabled]), main textarea:not([disabled])")
    allowed = page.locator(f"main {VIEWER_ALLOWED}").locator("input")
    assert editable.count() == allowed.count(), "a viewer has an enabled input that writes"


def test_a_share_view_stays_read_only_through_reload_moves_back_and_bookmark(
    page: Page, lan_server: StreamlitServer, owner_link: tuple[int, str]
) -> None:
    """Reload, another page, reload again, back, and the bookmarked address: all read-only."""
    _link_id, token = owner_link
    with after_run(page):
        page.goto(f"{lan_server.url}/plan?share={token}")
    assert_read_only_view(page, token)
    reload(page)  # F5 used to give the owner's full app, Settings and Reset included
    assert_read_only_view(page, token)
    go_to(page, "Skills")
    assert_read_only_view(page, token)
    bookmark = page.url
    reload(page)
    assert_read_only_view(page, token)
    with after_run(page):
        page.go_back()
    assert_read_only_view(page, token)
    expect(page.locator("h1").first).to_have_text("Learning plan")
    with after_run(page):
        page.goto(bookmark)
    assert_read_only_view(page, token)
    expect(page.locator("h1").first).to_have_text("Skills")


def test_a_share_view_shows_progress_and_every_input_is_disabled(
    page: Page, lan_server: StreamlitServer, owner_link: tuple[int, str]
) -> None:
    """The owner's tick shows through the link; checkboxes and status controls are disabled."""
    _link_id, token = owner_link
    with after_run(page):
        page.goto(f"{lan_server.url}/plan?share={token}")
    expect(checkbox(page, SHARED_STEP[1])).to_have_count(0)  # its track starts closed
    open_track(page, SHARED_TRACK)  # looking around is allowed; nothing is written
    expect(checkbox(page, SHARED_STEP[1])).to_be_checked()
    with after_run(page):
        step_box(page, SHARED_STEP[0]).get_by_text(DETAILS, exact=True).click()
    statuses = page.locator("main").get_by_role("radio")
    expect(statuses).to_have_count(len(store.STATUSES))
    for status in statuses.all():
        expect(status).to_be_disabled()
    assert page.get_by_role("checkbox").count() >= 9  # two tracks' checklists, disabled
    for box in page.get_by_role("checkbox").all():
        expect(box).to_be_disabled()
    assert_read_only_view(page, token)


def test_a_revoked_link_shows_the_plain_message_even_after_a_reload(
    page: Page, lan_server: StreamlitServer, owner_link: tuple[int, str]
) -> None:
    """Revoking shuts the link at once; a reload shows the same message and nothing else."""
    link_id, token = owner_link
    with after_run(page):
        page.goto(f"{lan_server.url}/plan?share={token}")
    with engine_on(lan_server) as engine:
        assert store.revoke_share_link(engine, store.local_profile_id(engine), link_id)
    reload(page)
    expect(page.get_by_text(INVALID_SHARE_MESSAGE)).to_be_visible()
    expect(checkbox(page, SHARED_STEP[1])).to_have_count(0)
    expect(page.locator("main button")).to_have_count(0)  # nothing leads anywhere else


def test_a_visitor_from_the_network_is_asked_for_a_link(
    browser: Browser, lan_server: StreamlitServer, lan_url: str, owner_link: tuple[int, str]
) -> None:
    """In local mode, another computer gets no owner's view on any address; a link works."""
    _link_id, token = owner_link
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    visitor = watch_runs(context.new_page())
    try:
        for path in ("/", "/plan", "/settings"):
            with after_run(visitor):
                visitor.goto(lan_url + path)
            expect(visitor.get_by_text(REMOTE_MESSAGE)).to_be_visible()
            expect(visitor.locator('[data-testid="stCheckbox"]')).to_have_count(0)
            expect(visitor.get_by_text("Reset")).to_have_count(0)
        with after_run(visitor):
            visitor.goto(f"{lan_url}/plan?share={token}")
        assert_read_only_view(visitor, token)
    finally:
        context.close()


def test_the_owner_on_this_computer_gets_the_full_app_and_a_link_for_the_network(
    page: Page, lan_server: StreamlitServer, lan_url: str
) -> None:
    """On loopback the owner has Settings; a new link is shown for localhost and the network."""
    with after_run(page):
        page.goto(f"{lan_server.url}/settings")
    expect(page.locator("h1").first).to_have_text("Settings")
    page.get_by_label("Label (who is it for?)").fill("mentor")
    with after_run(page):
        page.get_by_role("button", name="Create link").click()
    codes = page.locator('[data-testid="stCode"]')
    expect(codes).to_have_count(2)
    assert f"{lan_url}/?share=" in codes.nth(1).inner_text()


def test_pages_are_served_with_a_referrer_policy_that_keeps_tokens_home(
    page: Page, lan_server: StreamlitServer, owner_link: tuple[int, str]
) -> None:
    """The page that carries a token tells the browser never to send its address elsewhere."""
    _link_id, token = owner_link
    response = page.goto(f"{lan_server.url}/plan?share={token}")
    assert response is not None
    assert response.headers["referrer-policy"] == "same-origin"
