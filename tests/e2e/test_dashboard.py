"""The dashboard in a real Chromium against the real server: pages, saving, export and import."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from sqlalchemy.engine import Engine

from benchmarks.browser import StreamlitServer, wait_for_run
from pathfinder import store

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
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
DETAILS = "Status, why, resources and notes"
# Each test works on its own plan step, so tests sharing one server never collide.
TICK_STEP = ("take-pm-foundations-course", "Take a product management foundations course")
RESTART_STEP = ("map-the-lifecycle", "Map the product lifecycle onto a project you know")
NOTE_STEP = ("write-success-metrics", "Write success metrics for a feature")
EXPORT_STEP = "learn-sql"


@contextmanager
def engine_on(server: StreamlitServer) -> Iterator[Engine]:
    """Yield an engine on the server's own database, to check what it stored."""
    assert server.database_url is not None
    engine = store.create_store_engine(server.database_url)
    store.migrate(engine)  # a no-op once the server has opened the database
    try:
        yield engine
    finally:
        engine.dispose()


def stored_items(server: StreamlitServer) -> dict[str, dict[str, object]]:
    """Return the server's saved plan items, item id -> status and note."""
    with engine_on(server) as engine:
        progress = store.item_progress(engine, store.local_profile_id(engine))
    return {
        str(row["item_id"]): {"status": row["status"], "note": row["note"]}
        for row in progress.to_dict("records")
    }


def open_path(page: Page, server: StreamlitServer, path: str) -> None:
    """Navigate to a page of the dashboard and wait until its script run is over."""
    page.goto(server.url + path)
    wait_for_run(page)


def step_box(page: Page, step_id: str) -> Locator:
    """Return the bordered container of one plan step."""
    return page.locator(f".st-key-step-{step_id}")


def checkbox(page: Page, title: str) -> Locator:
    """Return a plan step's done checkbox (the input, for its checked state)."""
    return page.get_by_role("checkbox", name=title, exact=True)


def tick(page: Page, title: str) -> None:
    """Tick a step by clicking its label, as a learner does, and wait for the save."""
    page.locator('[data-testid="stCheckbox"]', has=checkbox(page, title)).locator("label").click()
    wait_for_run(page)


def open_track(page: Page, track_id: str) -> None:
    """Open a track's lazy list of steps (only the next step's track opens by itself)."""
    page.locator(f".st-key-track-steps-{track_id} summary").click()
    wait_for_run(page)


def open_details(page: Page, step_id: str) -> Locator:
    """Open a step's lazy details expander and return the step's container."""
    box = step_box(page, step_id)
    box.get_by_text(DETAILS, exact=True).click()
    wait_for_run(page)
    expect(note_box(box)).to_be_visible()
    return box


def note_box(step: Locator) -> Locator:
    """Return the 'Your note' text area inside a step's container."""
    return step.get_by_role("textbox", name="Your note", exact=True)


def test_every_page_opens_without_an_error(page: Page, shared_server: StreamlitServer) -> None:
    """Every registered page renders in Chromium with no exception and no error alert."""
    for path in PAGE_PATHS:
        open_path(page, shared_server, path)
        expect(page.locator("h1").first, f"{path} has no title").to_be_visible()
        expect(page.locator(ERRORS), f"{path} shows an error").to_have_count(0)


def test_a_deep_link_on_a_fresh_server_goes_through_the_router(
    page: Page, tmp_path: Path, start_server: Callable[[Path], StreamlitServer]
) -> None:
    """The first visitor of a new server opening /plan gets the routed page and its frame.

    Streamlit runs a `pages/` file on its own (file names as menu entries, no frame) until
    the router has run once in the process; the dashboard sends that run through it.
    """
    server = start_server(tmp_path / "deep-link.db")
    open_path(page, server, "/plan")
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_text("Learning plan", exact=True)).to_be_visible()
    expect(nav.get_by_text("dashboard", exact=True)).to_have_count(0)
    expect(page.locator("h1").first).to_have_text("Learning plan")
    expect(page.get_by_text("Built on the DataTalks.Club interview")).to_be_visible()
    assert page.url == server.url + "/plan"
    expect(page.locator(ERRORS)).to_have_count(0)


def test_tick_survives_a_reload(page: Page, shared_server: StreamlitServer) -> None:
    """A ticked plan step is saved at once and still ticked after a page reload."""
    step_id, title = TICK_STEP
    open_path(page, shared_server, "/plan")
    expect(checkbox(page, title)).not_to_be_checked()
    tick(page, title)
    expect(checkbox(page, title)).to_be_checked()
    assert stored_items(shared_server)[step_id]["status"] == "done"
    page.reload()
    wait_for_run(page)
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
    note.press("Control+Enter")
    wait_for_run(page)
    assert stored_items(shared_server)[step_id]["note"] == text
    page.reload()
    wait_for_run(page)
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
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
    wait_for_run(page)
    page.get_by_role("button", name="Import this file").click()
    wait_for_run(page)


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
