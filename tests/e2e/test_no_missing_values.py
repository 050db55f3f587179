"""No empty value ever shows as "nan" or "None": not on a page, in a link, or in an export.

Resources without an address used to render as `[name](nan)`, a link to "Page not found".
This walks every page as a person would, opening every track, step, tab and expander,
and reads every text and link; then it downloads every export and reads those too.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from harness.server import StreamlitServer
from pathfinder import store
from tests.e2e.driver import (
    DETAILS,
    after_run,
    engine_on,
    maybe_after_run,
    open_expander_again_if_unanswered,
    open_path,
    step_box,
)

MISSING = re.compile(r"\b(nan|NaN|None|NaT|<NA>|null|undefined)\b")
PAGES = ["/", "/plan", "/lifecycle", "/skills", "/case-studies", "/progress", "/interview"]


def missing_values_in(text: str) -> list[str]:
    """Return the lines of `text` that show a missing value as a word."""
    return [line for line in text.splitlines() if MISSING.search(line)]


# Expanders that show only curated content, one per skill or phase: the first of each kind
# is opened (the content itself is checked for missing values by tests/test_content.py).
CONTENT_ONLY = ("st-key-about-skill-", "st-key-phase-")


def open_expanders(page: Page) -> None:
    """Open every shut expander on the page once, in page order (new ones included)."""
    summaries = page.locator("main details > summary")
    seen_kinds: set[str] = set()
    index = 0
    while index < summaries.count():
        summary = summaries.nth(index)
        index += 1
        classes = summary.evaluate("e => e.closest('[class*=\"st-key-\"]')?.className || ''")
        kind = next((k for k in CONTENT_ONLY if k in classes), None)
        if kind in seen_kinds:
            continue
        if kind is not None:
            seen_kinds.add(kind)
        if summary.locator("xpath=..").get_attribute("open") is None:
            open_expander_again_if_unanswered(page, summary)


def open_everything(page: Page) -> None:
    """Open every expander, then every tab and the expanders it brings, as a reader does."""
    open_expanders(page)
    tabs = page.locator("main [role='tab']")
    for index in range(tabs.count()):
        with maybe_after_run(page):
            tabs.nth(index).click()
        open_expanders(page)


def page_problems(page: Page) -> list[str]:
    """Return every visible text line and link target that shows a missing value."""
    problems = missing_values_in(page.locator("[data-testid='stAppViewContainer']").inner_text())
    for link in page.locator("a[href]").all():
        href = link.get_attribute("href") or ""
        if MISSING.search(href) or href.rstrip("/").endswith(("/nan", "/None")):
            problems.append(f"link {link.inner_text()!r} -> {href}")
    return problems


def seed(server: StreamlitServer) -> None:
    """Give the learner the mix of filled and empty values a real profile has."""
    with engine_on(server) as engine:
        owner = store.local_profile_id(engine)
        store.set_status(engine, owner, "take-pm-foundations-course", "done")
        store.set_status(engine, owner, "learn-sql", "in-progress")
        store.set_status(engine, owner, "map-the-lifecycle", "skipped")
        store.save_note(
            engine, owner, "learn-sql", "Joins, then window functions.", expected_version=0
        )
        store.rate(engine, owner, "skill", "sql", 2)
        store.create_case_study(engine, owner, "Half-written study", {"problem": "Slow search"})


def test_no_page_shows_nan_or_none_anywhere(page: Page, start_server, tmp_path: Path) -> None:
    """Every page, with every track, step, tab and expander open, has no nan/None text or link."""
    server = start_server(tmp_path / "missing.db")
    seed(server)
    problems: dict[str, list[str]] = {}
    for path in PAGES:
        open_path(page, server, path)
        open_everything(page)  # on the plan: every track, then every step's details
        found = page_problems(page)
        if found:
            problems[path] = found
    assert problems == {}
    # The resources without an address are plain text, not links.
    open_path(page, server, "/plan")
    with after_run(page):
        step_box(page, "learn-sql").get_by_text(DETAILS, exact=True).click()
    expect(page.locator("a[href$='nan']")).to_have_count(0)


def test_no_export_shows_nan_or_none(page: Page, start_server, tmp_path: Path) -> None:
    """The JSON, CSV, HTML report and Markdown downloads contain no nan/None values."""
    server = start_server(tmp_path / "exports.db")
    seed(server)
    open_path(page, server, "/settings")
    found: dict[str, list[str]] = {}
    for label in ("Plan (CSV)", "Progress report (HTML)", "Case studies (Markdown)"):
        with page.expect_download() as download:
            page.get_by_role("button", name=label).click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        if label.startswith("Progress report"):
            text = re.sub(r"<script\b.*?</script>", "", text, flags=re.DOTALL)  # plotly.js
        lines = missing_values_in(text)
        if lines:
            found[label] = lines[:5]
    with page.expect_download() as download:
        page.get_by_role("button", name="Progress (JSON)").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert not re.search(r"\b(NaN|nan|None)\b", exported)  # JSON's null is its own missing value
    open_path(page, server, "/case-studies")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as Markdown").click()
    lines = missing_values_in(Path(download.value.path()).read_text(encoding="utf-8"))
    if lines:
        found["case study Markdown"] = lines
    assert found == {}
