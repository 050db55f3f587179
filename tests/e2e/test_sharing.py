"""A read-only share link in a real browser: it shows the owner's progress, changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from benchmarks.browser import StreamlitServer, wait_for_run
from pathfinder import store
from pathfinder.ui.identity import INVALID_SHARE_MESSAGE
from tests.e2e.test_dashboard import DETAILS, checkbox, engine_on, open_track, step_box

SHARED_STEP = ("learn-sql", "Learn SQL well enough to get and check data")
SHARED_TRACK = "data-foundations"  # not the owner's next step's track: the viewer opens it
# Inputs a viewer may still use: they change what is shown, never what is stored.
VIEWER_ALLOWED = '[data-testid="stMultiSelect"], [data-testid="stSelectbox"]'


def test_share_link_opens_read_only_and_a_revoked_one_shows_the_plain_message(
    page: Page, start_server: Callable[[Path], StreamlitServer], tmp_path: Path
) -> None:
    """The owner's tick shows through the link, every input is disabled, revoking shuts it."""
    server = start_server(tmp_path / "shared.db")
    with engine_on(server) as engine:
        owner = store.local_profile_id(engine)
        store.set_status(engine, owner, SHARED_STEP[0], "done")
        link_id, token = store.create_share_link(engine, owner, "mentor")

    page.goto(f"{server.url}/plan?share={token}")
    wait_for_run(page)
    expect(checkbox(page, SHARED_STEP[1])).to_have_count(0)  # its track starts closed
    open_track(page, SHARED_TRACK)  # looking around is allowed; nothing is written
    expect(checkbox(page, SHARED_STEP[1])).to_be_checked()
    expect(page).not_to_have_url(f"*{token}*")  # taken out of the address bar once accepted
    assert token not in page.url
    editable = page.locator("main input:not([disabled]), main textarea:not([disabled])")
    step_box(page, SHARED_STEP[0]).get_by_text(DETAILS, exact=True).click()  # status control
    wait_for_run(page)
    # The status control is a radio group (one radio per status); every radio is disabled.
    statuses = page.locator("main").get_by_role("radio")
    expect(statuses).to_have_count(len(store.STATUSES))
    for status in statuses.all():
        expect(status).to_be_disabled()
    assert page.get_by_role("checkbox").count() >= 9  # two tracks' checklists, disabled
    allowed = page.locator(f"main {VIEWER_ALLOWED}").locator("input")
    assert editable.count() == allowed.count(), "a viewer has an enabled input that writes"
    for box in page.get_by_role("checkbox").all():
        expect(box).to_be_disabled()

    with engine_on(server) as engine:
        assert store.revoke_share_link(engine, owner, link_id)
    page.goto(f"{server.url}/plan?share={token}")
    wait_for_run(page)
    expect(page.get_by_text(INVALID_SHARE_MESSAGE)).to_be_visible()
    expect(checkbox(page, SHARED_STEP[1])).to_have_count(0)
