"""A server restarted under an open page: the person's next action is saved, not swallowed.

The browser reconnects to a new server session that never ran the page it shows. Without
a rerun on reconnect, that session drops the next tick (a fragment it does not know) and
the first settings change, while the page shows them as done; downloads point at the old
server's files, and text being typed is wiped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness.chromium import wait_for_run
from harness.server import StreamlitServer
from pathfinder import store
from tests.e2e.conftest import DASHBOARD
from tests.e2e.driver import (
    after_run,
    checkbox,
    engine_on,
    maybe_after_run,
    note_box,
    open_details,
    open_path,
    reload,
    stored_items,
)

STEP = ("take-pm-foundations-course", "Take a product management foundations course")
NOTE_STEP = "map-the-lifecycle"
# A restarted server's first run loads content and opens the database: seconds, not ms.
RECONNECT_RUN_MS = 20_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[StreamlitServer]:
    """Run the dashboard on a fresh database; the test restarts it on the same port."""
    running = StreamlitServer(
        DASHBOARD,
        database_url=f"sqlite:///{tmp_path / 'restart.db'}",
        log_path=tmp_path / "streamlit.log",
    )
    running.start()
    yield running
    running.stop()


def restart_under(page: Page, server: StreamlitServer) -> None:
    """Restart the server while the page stays open, and let the browser reconnect."""
    with maybe_after_run(page, grace_ms=RECONNECT_RUN_MS):
        server.restart()
    wait_for_run(page)


def test_a_tick_after_a_restart_under_an_untouched_page_is_saved(
    page: Page, server: StreamlitServer
) -> None:
    """Open /plan, restart the server, tick: the step is stored done and stays ticked."""
    step_id, title = STEP
    open_path(page, server, "/plan")
    restart_under(page, server)
    with maybe_after_run(page, grace_ms=5_000):
        page.locator('[data-testid="stCheckbox"]', has=checkbox(page, title)).locator(
            "label"
        ).click()
    assert stored_items(server).get(step_id, {}).get("status") == "done", (
        "the tick made after the restart was not saved"
    )
    reload(page)
    expect(checkbox(page, title)).to_be_checked()


def test_a_settings_change_after_a_restart_is_saved(page: Page, server: StreamlitServer) -> None:
    """Open settings, restart the server, change the weekly hours: the new value is stored."""
    open_path(page, server, "/settings")
    restart_under(page, server)
    hours = page.get_by_label("Hours you can spend each week")
    hours.fill("6")
    with maybe_after_run(page, grace_ms=5_000):
        hours.press("Enter")
    with engine_on(server) as engine:
        target = store.get_target(engine, store.local_profile_id(engine))
    assert target.hours_per_week == 6.0, "the first change after the restart was dropped"


def test_a_download_after_a_restart_comes_from_the_new_server(
    page: Page, server: StreamlitServer, tmp_path: Path
) -> None:
    """The export button works after a restart (its file lives on the server now running)."""
    with engine_on(server) as engine:
        store.set_status(engine, store.local_profile_id(engine), STEP[0], "done")
    open_path(page, server, "/settings")
    restart_under(page, server)
    with page.expect_download() as download:
        page.get_by_role("button", name="Progress (JSON)").click()
    saved = tmp_path / "export.json"
    download.value.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["format"] == "pathfinder-progress"
    assert any(item["item_id"] == STEP[0] for item in document["items"])


def test_text_typed_while_the_server_restarts_is_kept_and_saved(
    page: Page, server: StreamlitServer
) -> None:
    """A note being typed when the server restarts stays in its box and is saved on leaving it."""
    open_path(page, server, "/plan")
    note = note_box(open_details(page, NOTE_STEP))
    note.click()
    note.type("Typed before the restart")
    restart_under(page, server)
    note.type(", and after it.")
    expect(note).to_have_value("Typed before the restart, and after it.")
    with after_run(page):
        page.locator("h1").first.click()  # leave the box: the text is committed and saved
    assert stored_items(server)[NOTE_STEP]["note"] == "Typed before the restart, and after it."


def test_the_page_shows_what_changed_elsewhere_while_it_was_disconnected(
    page: Page, server: StreamlitServer
) -> None:
    """A step ticked in another tab during the outage shows ticked once the page reconnects."""
    step_id, title = STEP
    open_path(page, server, "/plan")
    server.stop()
    with engine_on(server) as engine:
        store.set_status(engine, store.local_profile_id(engine), step_id, "done")
    with maybe_after_run(page, grace_ms=RECONNECT_RUN_MS):
        server.start()
    expect(checkbox(page, title)).to_be_checked()
