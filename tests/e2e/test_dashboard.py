"""The dashboard in a real Chromium against the real server: pages, saving, export and import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from harness.server import StreamlitServer
from pathfinder import store
from tests.e2e.driver import (
    ERRORS,
    after_run,
    checkbox,
    engine_on,
    note_box,
    open_details,
    open_path,
    reload,
    stored_items,
    tick,
)

PAGE_PATHS = [
    "/",
    "/plan",
    "/lifecycle",
    "/skills",
    "/case-studies",
    "/progress",
    "/interview",
    "/settings",
]
# Each test works on its own plan step, so tests sharing one server never collide.
TICK_STEP = ("take-pm-foundations-course", "Take a product management foundations course")
RESTART_STEP = ("map-the-lifecycle", "Map the product lifecycle onto a project you know")
NOTE_STEP = ("write-success-metrics", "Write success metrics for a feature")
EXPORT_STEP = "learn-sql"


def test_every_page_opens_without_an_error(page: Page, shared_server: StreamlitServer) -> None:
    """Every registered page renders in Chromium with no exception and no error alert."""
    for path in PAGE_PATHS:
        open_path(page, shared_server, path)
        expect(page.locator("h1").first, f"{path} has no title").to_be_visible()
        expect(page.locator(ERRORS), f"{path} shows an error").to_have_count(0)


def test_a_deep_link_on_a_fresh_server_goes_through_the_router(
    page: Page, tmp_path: Path, start_server: Callable[[Path], StreamlitServer]
) -> None:
    """The first visitor of a new server opening a deep link gets that page, routed and framed.

    Streamlit runs a `pages/` file on its own (file names as menu entries, no frame) until
    the router has run once in the process; the dashboard sends that run through it.
    """
    for path, title in (("/case-studies", "Case studies"), ("/plan", "Learning plan")):
        server = start_server(tmp_path / f"deep-link-{title}.db")
        open_path(page, server, path)
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav.get_by_text(title, exact=True)).to_be_visible()
        expect(nav.get_by_text("dashboard", exact=True)).to_have_count(0)
        expect(page.locator("h1").first).to_have_text(title)
        expect(page.get_by_text("Built on the DataTalks.Club interview")).to_be_visible()
        expect(page.get_by_text("Page not found")).to_have_count(0)
        assert page.url == server.url + path
        expect(page.locator(ERRORS)).to_have_count(0)


def test_tick_survives_a_reload(page: Page, shared_server: StreamlitServer) -> None:
    """A ticked plan step is saved at once and still ticked after a page reload."""
    step_id, title = TICK_STEP
    open_path(page, shared_server, "/plan")
    expect(checkbox(page, title)).not_to_be_checked()
    tick(page, title)
    expect(checkbox(page, title)).to_be_checked()
    assert stored_items(shared_server)[step_id]["status"] == "done"
    reload(page)
    expect(checkbox(page, title)).to_be_checked()
    expect(page.locator(ERRORS)).to_have_count(0)


def test_tick_survives_a_server_restart(
    page: Page, tmp_path: Path, start_server: Callable[[Path], StreamlitServer]
) -> None:
    """A ticked step is still ticked after the server process restarts on the same database."""
    step_id, title = RESTART_STEP
    db = tmp_path / "e2e.db"
    first = start_server(db)
    open_path(page, first, "/plan")
    tick(page, title)
    expect(checkbox(page, title)).to_be_checked()
    first.stop()
    second = start_server(db)
    open_path(page, second, "/plan")
    expect(checkbox(page, title)).to_be_checked()
    assert stored_items(second)[step_id]["status"] == "done"


def test_saved_note_survives_a_reload(page: Page, shared_server: StreamlitServer) -> None:
    """A note typed in a step's details and saved with Ctrl+Enter is there after a reload."""
    step_id, _ = NOTE_STEP
    text = "Read two metric trees; draft mine for the search feature."
    open_path(page, shared_server, "/plan")
    note = note_box(open_details(page, step_id))
    note.fill(text)
    # The flaky wait this used to have: Ctrl+Enter sends a rerun request, and waiting for
    # an idle page right away could return before the server had even received it.
    with after_run(page):
        note.press("Control+Enter")
    assert stored_items(shared_server)[step_id]["note"] == text
    reload(page)
    expect(note_box(open_details(page, step_id))).to_have_value(text)


def download_export(page: Page, server: StreamlitServer, into: Path) -> Path:
    """Download the progress JSON through the settings page's button; return the file."""
    open_path(page, server, "/settings")
    with page.expect_download() as download:
        page.get_by_role("button", name="Progress (JSON)").click()
    path = into / "export.json"
    download.value.save_as(path)
    return path


def upload_and_import(page: Page, server: StreamlitServer, path: Path) -> None:
    """Choose a file in the settings page's uploader and press 'Import this file'."""
    open_path(page, server, "/settings")
    with after_run(page):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
    with after_run(page):
        page.get_by_role("button", name="Import this file").click()


def test_export_then_import_into_a_fresh_database(
    page: Page,
    tmp_path: Path,
    shared_server: StreamlitServer,
    start_server: Callable[[Path], StreamlitServer],
) -> None:
    """The JSON downloaded from one database, uploaded into an empty one, restores the progress."""
    step_id = EXPORT_STEP
    with engine_on(shared_server) as engine:
        profile = store.local_profile_id(engine)
        store.set_status(engine, profile, step_id, "in-progress")
        store.save_note(engine, profile, step_id, "Exported note.", expected_version=0)
    exported = download_export(page, shared_server, tmp_path)
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["format"] == "pathfinder-progress"
    source = stored_items(shared_server)

    fresh = start_server(tmp_path / "fresh.db")
    assert stored_items(fresh) == {}
    upload_and_import(page, fresh, exported)
    expect(page.get_by_text("Imported. Your progress now matches the file.")).to_be_visible()
    expect(page.locator(ERRORS)).to_have_count(0)
    assert stored_items(fresh) == source
    assert stored_items(fresh)[step_id] == {"status": "in-progress", "note": "Exported note."}


def test_malformed_import_shows_one_error_and_changes_nothing(
    page: Page, tmp_path: Path, shared_server: StreamlitServer
) -> None:
    """A broken JSON file is refused with exactly one error, and the stored progress is intact."""
    before = stored_items(shared_server)
    broken = tmp_path / "broken.json"
    broken.write_text(
        '{"format": "pathfinder-progress", "version": 1, "items": [', encoding="utf-8"
    )
    upload_and_import(page, shared_server, broken)
    errors = page.locator('[data-testid="stAlertContentError"]')
    expect(errors).to_have_count(1)
    expect(errors).to_contain_text("nothing changed")
    assert stored_items(shared_server) == before
