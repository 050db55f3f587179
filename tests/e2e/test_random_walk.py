"""A seeded random walk of what a learner does, checked against a plain model after each step.

The walker ticks and unticks steps, sets statuses, writes notes and links (leaving each
box by Ctrl+Enter, a click elsewhere, the sidebar, the back button or a reload), rates
skills, changes the weekly hours, creates, renames and fills case-study drafts, moves
between pages and reloads. After every action it checks that the store holds exactly
what the model says the person chose (nothing more: the activity log has one entry per
real change; nothing less: every choice is there) and that the page shows it.

    uv run pytest tests/e2e/test_random_walk.py           # CI: 3 seeds x 100 actions
    PATHFINDER_WALK_SEEDS=7,8,9 PATHFINDER_WALK_STEPS=400 \
        uv run pytest tests/e2e/test_random_walk.py       # longer, on demand

A failing walk names its seed and the actions so far; the same seed replays the same walk.

One outcome is left open on purpose: a number typed and F5 pressed at once. Numbers are
not saved while typed, so the browser asks "Leave site?"; the walker leaves, and the store
may hold the new number or the old one (never anything else, and never without asking).
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from harness.chromium import wait_for_run
from harness.server import StreamlitServer
from pathfinder import store
from tests.e2e.driver import (
    DETAILS,
    after_run,
    checkbox,
    engine_on,
    go_to,
    maybe_after_run,
    note_box,
    open_expander_again_if_unanswered,
    open_path,
    step_box,
)

SEEDS = [int(s) for s in os.environ.get("PATHFINDER_WALK_SEEDS", "1,2,3").split(",") if s]
STEPS = int(os.environ.get("PATHFINDER_WALK_STEPS", "100"))

# The steps of the first track: open when the plan opens, as a new learner finds it.
STEPS_WALKED = {
    "take-pm-foundations-course": "Take a product management foundations course",
    "map-the-lifecycle": "Map the product lifecycle onto a project you know",
    "write-success-metrics": "Write success metrics for a feature",
    "learn-experimentation": "Learn A/B testing and hypothesis-driven experiments",
}
FIRST_TRACK = "pm-foundations"
STATUS_LABELS = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "done": "Done",
    "skipped": "Skipped",
}
SKILLS = ["sql", "data-curiosity", "data-flow-basics"]
SECTIONS = {"central-problem": "The central problem", "research": "The research you did"}
PAGES = {
    "/": "Overview",
    "/plan": "Learning plan",
    "/skills": "Skills",
    "/case-studies": "Case studies",
    "/settings": "Settings",
    "/progress": "Progress",
}
HEADINGS = {  # each page's title, as its first heading says it
    "/": "Your path to data product management",
    "/plan": "Learning plan",
    "/skills": "Skills",
    "/case-studies": "Case studies",
    "/settings": "Settings",
    "/progress": "Progress",
}
HUMAN_S = 0.3  # the shortest time a person takes to read a question and answer it
WORDS = ["joins", "metrics", "funnel", "cohort", "<b>bold?</b>", "[x](javascript:y)", "éé", "a/b"]


@dataclass
class Model:
    """What the person chose: the store must hold exactly this."""

    statuses: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)
    hours: float | None = None
    drafts: dict[int, dict[str, object]] = field(default_factory=dict)  # id -> title, sections
    selected_draft: int | None = None
    changes: int = 0  # real changes made: the activity log must have exactly this many


class Walk:
    """One seeded walk: a browser page, a server, the model and the random choices."""

    def __init__(self, page: Page, server: StreamlitServer, seed: int) -> None:
        self.page, self.server, self.rng = page, server, random.Random(seed)
        self.model = Model()
        self.path = "/"
        self.history: list[str] = []
        self.done: list[str] = []  # what the walk did, for the failure message
        self.clicked_again = 0  # clicks that went unanswered and were made again

    # -- moving around ----------------------------------------------------------------------

    def go(self, path: str) -> None:
        """Move to a page by its sidebar link, as a person does."""
        if self.path != path:
            go_to(self.page, PAGES[path])
            self.history.append(self.path)
            self.path = path

    def reload(self, *, asks: bool = False) -> None:
        """Press F5; with `asks`, the browser asks "Leave site?" first and the person leaves.

        The question comes only for input the page has not sent yet; a reload with
        nothing unsaved must not ask.
        """
        if asks:
            with self.page.expect_event("dialog") as question:
                # F5 itself is left to the page by headless Chromium: the same reload.
                self.page.evaluate("setTimeout(() => window.location.reload(), 0)")
            self.page.wait_for_timeout(HUMAN_S * 1000)  # reading the question
            with after_run(self.page):
                question.value.accept()
        else:
            asked: list[str] = []

            def answer(dialog: Dialog) -> None:
                asked.append(dialog.type)
                dialog.accept()

            self.page.on("dialog", answer)
            with after_run(self.page):
                self.page.reload()
            self.page.remove_listener("dialog", answer)
            assert asked == [], "the browser asked before a reload with nothing unsaved"
        # A new session: the case-study page opens on the first draft again.
        self.model.selected_draft = min(self.model.drafts) if self.model.drafts else None

    def back(self) -> None:
        """Press the browser's back button."""
        self.page.go_back()
        # A move away from text being typed waits until the text is saved; then the
        # page the address names is drawn.
        expect(self.page.locator("html[data-pathfinder-saving]")).to_have_count(0)
        self.path = urlsplit(self.page.url).path or "/"
        expect(self.page.locator("h1").first).to_have_text(HEADINGS[self.path])
        wait_for_run(self.page)
        if self.history and self.history[-1] == self.path:
            self.history.pop()

    def plan_step(self, step_id: str) -> Locator:
        """Go to the plan and return a step's box, its track opened if it is shut."""
        self.go("/plan")
        track = self.page.locator(f".st-key-track-steps-{FIRST_TRACK} details").first
        expect(track).to_be_attached()
        if track.get_attribute("open") is None:  # shut by a reload: open as a person does
            self.open(track.locator("summary").first)
        return step_box(self.page, step_id)

    def open(self, summary: Locator) -> None:
        """Open an expander, clicking again if the first click goes unanswered (counted)."""
        if open_expander_again_if_unanswered(self.page, summary):
            self.clicked_again += 1

    def details(self, step_id: str) -> Locator:
        """Return a step's box with its details open."""
        box = self.plan_step(step_id)
        summary = box.locator("summary").filter(has_text=DETAILS)
        expect(summary).to_be_visible()
        if summary.locator("xpath=..").get_attribute("open") is None:
            self.open(summary)
        expect(note_box(box)).to_be_visible()
        return box

    def leave_box(self, box: Locator, commit_key: str = "Control+Enter") -> str:
        """Leave a text box a way people do; each must save what was typed. Return the way."""
        way = self.rng.choice(["key", "click", "sidebar", "reload", "back"])
        if way == "back" and not self.history:
            way = "click"
        self.done[-1] += f" (left by {commit_key if way == 'key' else way})"
        if way == "key":
            with maybe_after_run(self.page):
                box.press(commit_key)
        elif way == "click":
            with maybe_after_run(self.page):
                self.page.locator("h1").first.click()
        elif way == "sidebar":
            target = self.rng.choice([p for p in PAGES if p != self.path])
            self.go(target)
        elif way == "reload":
            if box.get_attribute("type") == "number":
                # A number is not saved while it is typed: F5 at once makes the browser
                # ask, and a person who leaves anyway may lose it (see `hours`).
                self.reload(asks=True)
            else:
                # People look up from the keyboard before pressing F5: the pause saves the
                # text, and the reload asks nothing.
                with maybe_after_run(self.page, grace_ms=2500):
                    pass
                self.reload()
        else:
            self.back()
        return way

    # -- actions ------------------------------------------------------------------------------

    def tick(self) -> None:
        """Tick or untick a step of the first track."""
        step_id = self.rng.choice(list(STEPS_WALKED))
        box = self.plan_step(step_id)
        was = self.model.statuses.get(step_id, "not-started")
        self.done.append(f"{'untick' if was == 'done' else 'tick'} {step_id}")
        label = box.locator('[data-testid="stCheckbox"] label').first
        try:
            with after_run(self.page, timeout_ms=10_000):
                label.click()
        except AssertionError:
            # Unanswered (see `open`): the box still shows the store's state, so a person
            # clicks again.
            expect(checkbox(self.page, STEPS_WALKED[step_id])).to_be_checked(checked=was == "done")
            self.clicked_again += 1
            with after_run(self.page):
                label.click()
        now = "not-started" if was == "done" else "done"
        self.set_model_status(step_id, now)

    def status(self) -> None:
        """Pick a status in a step's details."""
        step_id = self.rng.choice(list(STEPS_WALKED))
        status = self.rng.choice(list(STATUS_LABELS))
        box = self.details(step_id)
        self.done.append(f"status {step_id} -> {status}")
        radio = box.get_by_role("radio", name=STATUS_LABELS[status], exact=True)
        with maybe_after_run(self.page):
            radio.click()
        self.set_model_status(step_id, status)

    def set_model_status(self, step_id: str, status: str) -> None:
        """Record a status the person chose; a change only if it differs."""
        if status != self.model.statuses.get(step_id, "not-started"):
            self.model.changes += 1
        self.model.statuses[step_id] = status

    def note(self) -> None:
        """Type a note (replacing or adding to it) and leave the box."""
        step_id = self.rng.choice(list(STEPS_WALKED))
        box = note_box(self.details(step_id))
        text = " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 4)))
        self.done.append(f"note {step_id} = {text!r}")
        box.click()
        box.press("Control+a")
        box.press_sequentially(text)
        self.leave_box(box)
        if self.model.notes.get(step_id, "") != text:
            self.model.changes += 1
        self.model.notes[step_id] = text

    def links(self) -> None:
        """Type one link (without https://, as people paste) and leave the box."""
        step_id = self.rng.choice(list(STEPS_WALKED))
        box = self.details(step_id).get_by_role("textbox", name="Your links (one per line)")
        link = f"example.org/{self.rng.choice(['a', 'b', 'c'])}"
        self.done.append(f"links {step_id} = {link}")
        box.click()
        box.press("Control+a")
        box.press_sequentially(link)
        self.leave_box(box)
        if self.model.links.get(step_id, []) != [f"https://{link}"]:
            self.model.changes += 1
        self.model.links[step_id] = [f"https://{link}"]

    def rate(self) -> None:
        """Rate a skill on the Skills page's rating tab."""
        skill, level = self.rng.choice(SKILLS), self.rng.randint(1, 5)
        self.go("/skills")
        tab = self.page.get_by_role("tab", name="Rate yourself")
        if tab.get_attribute("aria-selected") != "true":
            with after_run(self.page):
                tab.click()
        self.done.append(f"rate {skill} {level}")
        radio = self.page.locator(f".st-key-rate-skill-{skill}").get_by_role(
            "radio", name=str(level), exact=True
        )
        with maybe_after_run(self.page):
            radio.click()
        if self.model.ratings.get(skill) != level:
            self.model.changes += 1
        self.model.ratings[skill] = level

    def hours(self) -> None:
        """Type the weekly hours on Settings and leave the field."""
        hours = self.rng.choice([2.0, 5.0, 7.5, 10.0, 100.0])
        self.go("/settings")
        box = self.page.get_by_label("Hours you can spend each week")
        self.done.append(f"hours {hours}")
        box.click()
        box.fill(str(hours))
        if self.leave_box(box, commit_key="Enter") == "reload":
            # The person was asked and chose to leave: the number may or may not have got
            # out before the page went. Either is right; nothing else is.
            with engine_on(self.server) as engine:
                stored = store.get_target(engine, store.local_profile_id(engine)).hours_per_week
            assert stored in {self.model.hours, hours}
            if stored != hours:
                return  # it did not get out: the store holds what it held
        if self.model.hours != hours:
            self.model.changes += 1
        self.model.hours = hours

    def draft(self) -> None:
        """Create a draft, or rename the selected one, or write one of its sections."""
        self.go("/case-studies")
        if not self.model.drafts or self.rng.random() < 0.15:
            self.done.append("new draft")
            with after_run(self.page):
                self.page.get_by_role("button", name="New blank draft").click()
            with engine_on(self.server) as engine:
                listed = store.list_case_studies(engine, store.local_profile_id(engine))
            new_id = int(listed["id"].max())
            self.model.drafts[new_id] = {"title": "Untitled case study", "sections": {}}
            self.model.selected_draft = new_id
            self.model.changes += 1
            return
        if len(self.model.drafts) > 1 and self.rng.random() < 0.3:
            self.switch_draft()
            return
        selected = self.model.drafts[self.model.selected_draft or min(self.model.drafts)]
        if self.rng.random() < 0.4:
            title = f"Study {self.rng.randint(1, 99)}"
            self.done.append(f"rename draft {self.model.selected_draft} -> {title}")
            box = self.page.get_by_role("textbox", name="Title", exact=True)
            box.click()
            box.press("Control+a")
            box.press_sequentially(title)
            self.leave_box(box, commit_key="Enter")
            if selected["title"] != title:
                self.model.changes += 1
            selected["title"] = title
            return
        section = self.rng.choice(list(SECTIONS))
        text = " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 3)))
        self.done.append(f"draft {self.model.selected_draft} {section} = {text!r}")
        box = self.page.get_by_role("textbox", name=SECTIONS[section], exact=True)
        box.click()
        box.press("Control+a")
        box.press_sequentially(text)
        self.leave_box(box)
        sections = dict(selected["sections"])  # type: ignore[call-overload]
        if sections.get(section, "") != text:
            self.model.changes += 1
        sections[section] = text
        selected["sections"] = sections

    def switch_draft(self) -> None:
        """Pick another draft in the selector."""
        ids = sorted(self.model.drafts)
        current = self.model.selected_draft or ids[0]
        other = self.rng.choice([i for i in ids if i != current])
        self.done.append(f"select draft {other}")
        position = ids.index(other) + 1
        with after_run(self.page):
            self.page.get_by_role("combobox", name="Draft").click()
            self.page.get_by_role("option").nth(position - 1).click()
        self.model.selected_draft = other

    def wander(self) -> None:
        """Move to another page, reload, or go back."""
        way = self.rng.choice(["page", "page", "reload", "back"])
        if way == "back" and self.history:
            self.done.append("back")
            self.back()
        elif way == "reload":
            self.done.append(f"reload {self.path}")
            self.reload()
        else:
            target = self.rng.choice([p for p in PAGES if p != self.path])
            self.done.append(f"go {target}")
            self.go(target)

    # -- checks -------------------------------------------------------------------------------

    def check_store(self) -> None:
        """Check the store holds exactly the model: statuses, notes, links, ratings, drafts."""
        with engine_on(self.server) as engine:
            owner = store.local_profile_id(engine)
            progress = store.step_progress(engine, owner).set_index("step_id")
            ratings = store.latest_ratings(engine, owner, "skill")
            target = store.get_target(engine, owner)
            drafts = store.list_case_studies(engine, owner)
            log = store.activity_log(engine, owner, limit=100_000)
        started = {i: s for i, s in progress["status"].items() if s != "not-started"}
        assert started == {i: s for i, s in self.model.statuses.items() if s != "not-started"}
        notes = {i: n for i, n in progress["note"].items() if n}
        assert notes == {i: n for i, n in self.model.notes.items() if n}
        links = {i: list(v) for i, v in progress["links"].items() if list(v)}
        assert links == {i: v for i, v in self.model.links.items() if v}
        assert dict(zip(ratings["subject_id"], ratings["level"], strict=True)) == self.model.ratings
        assert target.hours_per_week == self.model.hours
        stored_drafts = {
            int(row["id"]): {"title": row["title"], "sections": dict(row["sections"])}
            for row in drafts.to_dict("records")
        }
        assert stored_drafts == self.model.drafts
        assert len(log) == self.model.changes, "a write happened for something not changed"

    def check_page(self) -> None:
        """Check the page shows the model (the part of it on the current page)."""
        if self.path == "/plan" and step_box(self.page, next(iter(STEPS_WALKED))).count():
            for step_id, title in STEPS_WALKED.items():
                done = self.model.statuses.get(step_id) == "done"
                (
                    expect(checkbox(self.page, title)).to_be_checked
                    if done
                    else expect(checkbox(self.page, title)).not_to_be_checked
                )()
                box = step_box(self.page, step_id)
                if note_box(box).count():
                    expect(note_box(box)).to_have_value(self.model.notes.get(step_id, ""))
        elif self.path == "/settings" and self.model.hours is not None:
            expect(self.page.get_by_label("Hours you can spend each week")).to_have_value(
                _number(self.model.hours)
            )
        elif self.path == "/case-studies" and self.model.selected_draft is not None:
            selected = self.model.drafts[self.model.selected_draft]
            expect(self.page.get_by_role("textbox", name="Title", exact=True)).to_have_value(
                str(selected["title"])
            )

    def run(self, steps: int) -> None:
        """Do `steps` actions, checking store and page after each."""
        actions: list[tuple[Callable[[], None], int]] = [
            (self.tick, 6),
            (self.status, 3),
            (self.note, 4),
            (self.links, 2),
            (self.rate, 2),
            (self.hours, 1),
            (self.draft, 3),
            (self.wander, 3),
        ]
        choices = [action for action, weight in actions for _ in range(weight)]
        open_path(self.page, self.server, "/")
        for _ in range(steps):
            self.rng.choice(choices)()
            self.check_store()
            self.check_page()


def _number(hours: float) -> str:
    return f"{hours:.2f}"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_random_walk_matches_the_model(
    page: Page, start_server: Callable[[Path], StreamlitServer], tmp_path: Path, seed: int
) -> None:
    """Whatever order people do things in, the store and the page hold exactly their choices."""
    walk = Walk(page, start_server(tmp_path / f"walk-{seed}.db"), seed)
    try:
        walk.run(STEPS)
    except (AssertionError, TimeoutError, Exception) as error:
        steps = "\n".join(f"  {n}. {action}" for n, action in enumerate(walk.done, start=1))
        raise AssertionError(
            f"walk with seed {seed} failed after {len(walk.done)} actions "
            f"(replay: PATHFINDER_WALK_SEEDS={seed} PATHFINDER_WALK_STEPS={len(walk.done)}):\n"
            f"{steps}\n{type(error).__name__}: {error}\n"
            f"server log:\n{walk.server.log_tail()}"
        ) from error
    print(
        f"\nseed {seed}: {len(walk.done)} actions, store and page matched the model each time"
        f" ({walk.clicked_again} unanswered clicks made again)"
    )
