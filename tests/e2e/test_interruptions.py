"""The interruptions people make, on every page that writes: nothing is lost or rewritten.

People leave a page while typing (a sidebar link, the back button, a reload, closing the
tab), double-click, keep the same plan open in two tabs, and rename a draft before typing
in it. After each, the store must hold exactly what the person chose, nothing more (the
activity log shows every write) and nothing less, and the page must show it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from harness.chromium import wait_for_run
from harness.server import StreamlitServer
from pathfinder import store
from tests.e2e.driver import (
    after_run,
    checkbox,
    engine_on,
    go_to,
    logged,
    maybe_after_run,
    note_box,
    open_details,
    open_path,
    reload,
    sent_reruns,
    set_status,
    step_box,
    stored_items,
    tick,
    wait_until,
    watch_runs,
)

# The four steps of the track that is open when the plan first opens.
FIRST = ("take-pm-foundations-course", "Take a product management foundations course")
SECOND = ("map-the-lifecycle", "Map the product lifecycle onto a project you know")
THIRD = ("write-success-metrics", "Write success metrics for a feature")
FOURTH = ("learn-experimentation", "Learn A/B testing and hypothesis-driven experiments")

StartServer = Callable[[Path], StreamlitServer]


@pytest.fixture
def server(start_server: StartServer, tmp_path: Path) -> StreamlitServer:
    """Run the dashboard on a fresh database of its own."""
    return start_server(tmp_path / "interruptions.db")


def stored_links(server: StreamlitServer, step_id: str) -> list[str]:
    """Return the links the store holds for a step."""
    with engine_on(server) as engine:
        progress = store.step_progress(engine, store.local_profile_id(engine))
    return list(progress.set_index("step_id").loc[step_id, "links"])


def badge(page: Page, step_id: str) -> Locator:
    """Return the status badge on a step's row (in progress or skipped)."""
    return step_box(page, step_id).locator(".stMarkdownBadge")


def type_without_leaving(page: Page, step_id: str, text: str) -> None:
    """Open a step's details and type a note, staying in the box (nothing committed yet)."""
    box = note_box(open_details(page, step_id))
    box.click()
    box.press_sequentially(text)


# -- leaving the plan while typing --------------------------------------------------------


def test_leaving_by_the_sidebar_while_typing_rewrites_no_status_and_saves_the_note(
    page: Page, server: StreamlitServer
) -> None:
    """In progress and skipped steps keep their status; the note typed is saved; no other write.

    The defect: the click on *Progress* replayed every checkbox of the open track as
    unticked, which set the in-progress and skipped steps back to not started.
    """
    open_path(page, server, "/plan")
    open_details(page, FIRST[0])
    set_status(page, FIRST[0], "In progress")
    open_details(page, THIRD[0])
    set_status(page, THIRD[0], "Skipped")
    type_without_leaving(page, SECOND[0], "Typed, then straight to Progress")
    go_to(page, "Progress")
    go_to(page, "Learning plan")

    items = stored_items(server)
    assert items[FIRST[0]]["status"] == "in-progress"
    assert items[THIRD[0]]["status"] == "skipped"
    assert items[SECOND[0]]["note"] == "Typed, then straight to Progress"
    assert logged(server) == [
        ("status", FIRST[0]),
        ("status", THIRD[0]),
        ("note", SECOND[0]),
    ]
    expect(badge(page, FIRST[0])).to_have_text("pending In progress")
    expect(badge(page, THIRD[0])).to_have_text("block Skipped")
    expect(note_box(open_details(page, SECOND[0]))).to_have_value(
        "Typed, then straight to Progress"
    )


def test_the_back_button_while_typing_saves_the_note(page: Page, server: StreamlitServer) -> None:
    """Typing a note and pressing the browser's back button keeps the note."""
    open_path(page, server, "/progress")
    go_to(page, "Learning plan")
    type_without_leaving(page, SECOND[0], "Typed, then back")
    before = len(sent_reruns(page))
    page.go_back()
    expect(page.locator("h1").first).to_have_text("Progress")
    wait_for_run(page)
    assert stored_items(server)[SECOND[0]]["note"] == "Typed, then back"
    assert logged(server) == [("note", SECOND[0])]
    # The text went to the server, and was saved, before the move: a move's run first
    # would have removed the box's fragment, and Streamlit drops text sent to it then.
    sent = sent_reruns(page)[before:]
    carried = next(n for n, r in enumerate(sent) if "Typed, then back" in r.texts)
    moved = next(n for n, r in enumerate(sent) if r.history_move)
    assert carried < moved, sent


def type_and_pause(page: Page, step_id: str, text: str) -> None:
    """Type a note and stop typing for a moment, still in the box: it is saved as it is."""
    box = note_box(open_details(page, step_id))
    box.click()
    with after_run(page):  # the save that the pause starts
        box.press_sequentially(text)


def test_a_note_is_saved_as_you_type(page: Page, server: StreamlitServer) -> None:
    """A pause in typing saves the note; the box keeps the focus and the typing goes on."""
    open_path(page, server, "/plan")
    type_and_pause(page, SECOND[0], "Saved while")
    assert stored_items(server)[SECOND[0]]["note"] == "Saved while"
    box = note_box(step_box(page, SECOND[0]))
    expect(box).to_be_focused()
    with after_run(page):
        page.keyboard.type(" still typing")
    expect(box).to_have_value("Saved while still typing")
    assert stored_items(server)[SECOND[0]]["note"] == "Saved while still typing"


def test_a_reload_right_after_typing_asks_first_and_staying_keeps_the_text(
    page: Page, server: StreamlitServer
) -> None:
    """F5 in the moment after a keystroke: the browser asks; staying keeps and saves the text."""
    open_path(page, server, "/plan")
    type_without_leaving(page, SECOND[0], "Typed, then F5 at once")
    with page.expect_event("dialog") as asked:
        # F5 is the browser's own shortcut, which headless Chromium leaves to the page;
        # this is the same reload, started from the page.
        page.evaluate("setTimeout(() => window.location.reload(), 0)")
    assert asked.value.type == "beforeunload"  # "Reload site? Changes may not be saved."
    asked.value.dismiss()
    box = note_box(step_box(page, SECOND[0]))
    expect(box).to_have_value("Typed, then F5 at once")
    wait_until(
        lambda: stored_items(server).get(SECOND[0], {}).get("note") == "Typed, then F5 at once",
        "the text kept by staying is saved",
    )


def test_a_reload_after_typing_keeps_the_note(page: Page, server: StreamlitServer) -> None:
    """Typing a note, pausing and pressing F5: no question, and the reloaded page shows it."""
    open_path(page, server, "/plan")
    type_and_pause(page, SECOND[0], "Typed, then reloaded")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    reload(page)
    assert asked == []
    expect(note_box(open_details(page, SECOND[0]))).to_have_value("Typed, then reloaded")
    assert logged(server) == [("note", SECOND[0])]


def test_closing_the_tab_after_typing_keeps_the_note(
    browser: Browser, server: StreamlitServer
) -> None:
    """Typing a note, pausing and closing the tab: the note is there next time."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = watch_runs(context.new_page())
    try:
        open_path(page, server, "/plan")
        type_and_pause(page, SECOND[0], "Typed, then the tab was closed")
        page.close(run_before_unload=True)
        again = watch_runs(context.new_page())
        open_path(again, server, "/plan")
        expect(note_box(open_details(again, SECOND[0]))).to_have_value(
            "Typed, then the tab was closed"
        )
    finally:
        context.close()
    assert logged(server) == [("note", SECOND[0])]


def test_leaving_the_settings_while_typing_saves_the_hours(
    page: Page, server: StreamlitServer
) -> None:
    """Typing weekly hours and going straight to another page keeps them."""
    open_path(page, server, "/settings")
    hours = page.get_by_label("Hours you can spend each week")
    hours.click()
    hours.fill("7.5")
    go_to(page, "Overview")
    with engine_on(server) as engine:
        assert store.get_target(engine, store.local_profile_id(engine)).hours_per_week == 7.5
    assert logged(server) == [("target", None)]


# -- double clicks ----------------------------------------------------------------------------


def test_a_double_click_on_a_step_leaves_store_and_page_agreeing(
    page: Page, server: StreamlitServer
) -> None:
    """Two quick clicks tick and untick: the step ends unticked, on the page and in the store."""
    open_path(page, server, "/plan")
    label = page.locator('[data-testid="stCheckbox"]', has=checkbox(page, FIRST[1])).locator(
        "label"
    )
    with maybe_after_run(page, grace_ms=3_000):
        label.dblclick()
    shown = checkbox(page, FIRST[1]).is_checked()
    stored = stored_items(server).get(FIRST[0], {}).get("status", "not-started")
    assert (stored == "done") is shown
    reload(page)
    assert checkbox(page, FIRST[1]).is_checked() is shown


def test_a_double_click_on_a_status_sets_it_once(page: Page, server: StreamlitServer) -> None:
    """Double-clicking *In progress* sets it once; it is not toggled away again."""
    open_path(page, server, "/plan")
    open_details(page, FIRST[0])
    with maybe_after_run(page, grace_ms=3_000):
        step_box(page, FIRST[0]).get_by_role("radio", name="In progress", exact=True).dblclick()
    assert stored_items(server)[FIRST[0]]["status"] == "in-progress"
    assert logged(server) == [("status", FIRST[0])]
    reload(page)
    expect(badge(page, FIRST[0])).to_have_text("pending In progress")


def test_a_double_click_on_new_draft_makes_one_draft(page: Page, server: StreamlitServer) -> None:
    """Double-clicking *New blank draft* creates one draft, not two."""
    open_path(page, server, "/case-studies")
    with maybe_after_run(page, grace_ms=3_000):
        page.get_by_role("button", name="New blank draft").dblclick()
    wait_for_run(page)
    with engine_on(server) as engine:
        drafts = store.list_case_studies(engine, store.local_profile_id(engine))
    assert len(drafts) == 1
    assert logged(server) == [("case-study", str(drafts["id"].iloc[0]))]
    # A later, separate click is a new request: it makes a second draft.
    with after_run(page):
        page.get_by_role("button", name="New blank draft").click()
    with engine_on(server) as engine:
        assert len(store.list_case_studies(engine, store.local_profile_id(engine))) == 2


def test_a_double_click_on_create_link_makes_one_link(page: Page, server: StreamlitServer) -> None:
    """Double-clicking *Create link* creates one share link: the one shown."""
    open_path(page, server, "/settings")
    page.get_by_label("Label (who is it for?)").fill("mentor")
    with maybe_after_run(page, grace_ms=3_000):
        page.get_by_role("button", name="Create link").dblclick()
    wait_for_run(page)
    with engine_on(server) as engine:
        links = store.list_share_links(engine, store.local_profile_id(engine))
    assert list(links["label"]) == ["mentor"]
    expect(page.locator('[data-testid="stCode"]').first).to_contain_text("?share=")


def test_two_quick_ticks_on_different_steps_are_both_saved(
    page: Page, server: StreamlitServer
) -> None:
    """Ticking two steps in quick succession saves both, even when the runs overlap."""
    open_path(page, server, "/plan")
    labels = [
        page.locator('[data-testid="stCheckbox"]', has=checkbox(page, title)).locator("label")
        for title in (FIRST[1], FOURTH[1])
    ]
    with after_run(page):
        labels[0].click()
        labels[1].click()
    expect(checkbox(page, FIRST[1])).to_be_checked()
    expect(checkbox(page, FOURTH[1])).to_be_checked()

    def both_saved() -> bool:
        items = stored_items(server)
        return all(items.get(step, {}).get("status") == "done" for step in (FIRST[0], FOURTH[0]))

    # The second tick may be saved by a run queued behind the first one's.
    wait_until(both_saved, "both ticks saved")


# -- two tabs on one profile --------------------------------------------------------------------


def test_a_tab_left_open_does_not_undo_what_another_tab_did(
    browser: Browser, server: StreamlitServer
) -> None:
    """Tab A ticks a step; tab B, opened before, types a note and leaves: the tick stays."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first, second = watch_runs(context.new_page()), watch_runs(context.new_page())
    try:
        open_path(first, server, "/plan")
        open_path(second, server, "/plan")
        tick(first, FIRST[1])
        type_without_leaving(second, SECOND[0], "From the other tab")
        go_to(second, "Progress")
        items = stored_items(server)
        assert items[FIRST[0]]["status"] == "done"
        assert items[SECOND[0]]["note"] == "From the other tab"
        assert logged(server) == [("status", FIRST[0]), ("note", SECOND[0])]
        go_to(second, "Learning plan")
        expect(checkbox(second, FIRST[1])).to_be_checked()
    finally:
        context.close()


def test_the_same_note_edited_in_two_tabs_keeps_both_texts(
    browser: Browser, server: StreamlitServer
) -> None:
    """The second tab to save a note sees the first tab's text beside its own; nothing is lost."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first, second = watch_runs(context.new_page()), watch_runs(context.new_page())
    try:
        for tab in (first, second):
            open_path(tab, server, "/plan")
            open_details(tab, SECOND[0])
        for tab, text in ((first, "Written in the first tab"), (second, "Written in the second")):
            box = note_box(step_box(tab, SECOND[0]))
            box.fill(text)
            with after_run(tab):
                box.press("Control+Enter")
        assert stored_items(server)[SECOND[0]]["note"] == "Written in the first tab"
        expect(second.get_by_text("The version saved there:")).to_be_visible()
        expect(second.get_by_text("Written in the first tab")).to_be_visible()
        expect(note_box(step_box(second, SECOND[0]))).to_have_value("Written in the second")
        with after_run(second):
            second.get_by_role("button", name="Keep my text").click()
        assert stored_items(server)[SECOND[0]]["note"] == "Written in the second"
    finally:
        context.close()


def test_links_edited_in_two_tabs_keep_both_lists(
    browser: Browser, server: StreamlitServer
) -> None:
    """A tab that showed no links does not silently replace the links another tab saved."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first, second = watch_runs(context.new_page()), watch_runs(context.new_page())
    try:
        for tab in (first, second):
            open_path(tab, server, "/plan")
            open_details(tab, SECOND[0])
        for tab, text in ((first, "example.org/a\nexample.org/b"), (second, "example.org/c")):
            box = step_box(tab, SECOND[0]).get_by_role("textbox", name="Your links (one per line)")
            box.fill(text)
            with after_run(tab):
                box.press("Control+Enter")
        assert stored_links(server, SECOND[0]) == [
            "https://example.org/a",
            "https://example.org/b",
        ]
        expect(second.get_by_text("These links were changed elsewhere")).to_be_visible()
        with after_run(second):
            second.get_by_role("button", name="Keep my links").click()
        assert stored_links(server, SECOND[0]) == ["https://example.org/c"]
    finally:
        context.close()


# -- case studies -------------------------------------------------------------------------------


def test_renaming_a_draft_then_typing_keeps_that_draft_selected(
    page: Page, server: StreamlitServer
) -> None:
    """Rename the second of two drafts, then type in a section: it all goes into that draft.

    The defect: the rename drew a new draft selector that fell back to the first draft, so
    the next section was saved into the wrong one.
    """
    with engine_on(server) as engine:
        owner = store.local_profile_id(engine)
        first = store.create_case_study(engine, owner, "Churn dashboard", {})
        second = store.create_case_study(engine, owner, "Search metrics", {})
    open_path(page, server, "/case-studies")
    with after_run(page):
        page.get_by_label("Draft").click()
        page.get_by_role("option", name="2. Search metrics (Draft)").click()
    title = page.get_by_label("Title")
    title.fill("Search success metrics")
    with after_run(page):
        title.press("Tab")
    section = page.locator("textarea").first
    section.fill("Search results were slow and people gave up.")
    with after_run(page):
        section.press("Control+Enter")
    expect(page.get_by_label("Draft")).to_have_value("2. Search success metrics (Draft)")
    with engine_on(server) as engine:
        owner = store.local_profile_id(engine)
        renamed = store.get_case_study(engine, owner, second)
        untouched = store.get_case_study(engine, owner, first)
    assert renamed.title == "Search success metrics"
    assert "Search results were slow and people gave up." in renamed.sections.values()
    assert (untouched.title, untouched.sections, untouched.version) == ("Churn dashboard", {}, 1)


def test_leaving_a_case_study_while_typing_saves_the_section(
    page: Page, server: StreamlitServer
) -> None:
    """Typing in a section and going to another page by the sidebar keeps the text."""
    with engine_on(server) as engine:
        draft = store.create_case_study(engine, store.local_profile_id(engine), "Churn", {})
    open_path(page, server, "/case-studies")
    section = page.locator("textarea").first
    section.click()
    section.press_sequentially("Customers left after the price change.")
    go_to(page, "Overview")
    with engine_on(server) as engine:
        saved = store.get_case_study(engine, store.local_profile_id(engine), draft)
    assert "Customers left after the price change." in saved.sections.values()


# -- ratings ------------------------------------------------------------------------------------


def test_rating_a_skill_and_leaving_writes_one_rating(page: Page, server: StreamlitServer) -> None:
    """One click on a level is one rating; moving away and back adds none."""
    open_path(page, server, "/skills?view=Rate+yourself")
    control = page.get_by_role("radiogroup").first
    with after_run(page):
        control.get_by_role("radio", name="3", exact=True).click()
    go_to(page, "Progress")
    go_to(page, "Skills")
    assert [kind for kind, _ in logged(server)] == ["rating"]
