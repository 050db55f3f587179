"""What a learner does on each page is stored, survives a fresh session, and shows up again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from pathfinder import store
from pathfinder.content import load_content

OpenPage = Callable[[str], AppTest]
CONTENT = load_content()
FIRST_STEP = CONTENT.steps.iloc[0]
FIRST_SKILL = CONTENT.skills.iloc[0]


def _status(app_engine: Engine, profile_id: int, step_id: str) -> str | None:
    progress = store.step_progress(app_engine, profile_id)
    rows = progress.loc[progress["step_id"] == step_id, "status"]
    return None if rows.empty else str(rows.iloc[0])


def _open_details(at: AppTest, step_id: str) -> AppTest:
    """Open a step's lazy details expander, as a click on it would."""
    at.session_state[f"details-{step_id}"] = True
    return at.run()


def _open_filters(at: AppTest) -> AppTest:
    """Open the plan's lazy filter panel, as a click on it would."""
    at.session_state["plan-filters"] = True
    return at.run()


def _open_tab(at: AppTest, label: str) -> AppTest:
    """Switch a page's lazy tabs (all keyed "view") to `label`, as a click would."""
    at.session_state["view"] = label
    return at.run()


def _pace_text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.info, *at.success, *at.warning, *at.caption])


def test_ticking_a_step_is_stored_and_shown_in_a_new_session(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Ticking a plan step saves it as done at once; a fresh session shows it ticked."""
    at = open_page("pages/plan.py")
    at.checkbox(key=f"done-{FIRST_STEP['id']}").check().run()
    assert not at.exception
    assert _status(app_engine, profile_id, FIRST_STEP["id"]) == "done"

    fresh = open_page("pages/plan.py")
    assert fresh.checkbox(key=f"done-{FIRST_STEP['id']}").value is True
    _open_details(fresh, FIRST_STEP["id"])
    assert fresh.segmented_control(key=f"status-{FIRST_STEP['id']}").value == "done"


def test_status_control_sets_in_progress_and_unticks(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Choosing 'in progress' is stored, and a done step chosen back to in progress is unticked."""
    step_id = FIRST_STEP["id"]
    store.set_status(app_engine, profile_id, step_id, "done")
    at = open_page("pages/plan.py")
    _open_details(at, step_id)  # the status control sits in the step's details
    at.segmented_control(key=f"status-{step_id}").set_value("in-progress").run()
    assert _status(app_engine, profile_id, step_id) == "in-progress"
    assert at.checkbox(key=f"done-{step_id}").value is False
    # The row says so without opening anything: a badge in front of the step's caption.
    assert any("In progress" in c.value and "About" in c.value for c in at.caption), [
        c.value for c in at.caption
    ]


def test_note_is_saved(open_page: OpenPage, app_engine: Engine, profile_id: int) -> None:
    """A note typed on a step is stored and shown again in a new session."""
    step_id = FIRST_STEP["id"]
    at = _open_details(open_page("pages/plan.py"), step_id)
    at.text_area(key=f"note-{step_id}").input("Signed up; week 1 done <b>not bold</b>").run()
    progress = store.step_progress(app_engine, profile_id).set_index("step_id")
    assert progress.loc[step_id, "note"] == "Signed up; week 1 done <b>not bold</b>"
    fresh = _open_details(open_page("pages/plan.py"), step_id)
    assert fresh.text_area(key=f"note-{step_id}").value == "Signed up; week 1 done <b>not bold</b>"


def test_note_changed_elsewhere_keeps_both_texts(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """A note saved from another tab is not overwritten; both texts stay visible."""
    step_id = FIRST_STEP["id"]
    at = _open_details(open_page("pages/plan.py"), step_id)
    store.save_note(app_engine, profile_id, step_id, "written in the other tab", expected_version=0)
    at.text_area(key=f"note-{step_id}").input("written in this tab").run()
    saved = store.step_progress(app_engine, profile_id).set_index("step_id").loc[step_id, "note"]
    assert saved == "written in the other tab"
    assert at.text_area(key=f"note-{step_id}").value == "written in this tab"
    assert any("changed elsewhere" in str(e.value) for e in at.error)
    assert any(t.value == "written in the other tab" for t in at.text)


def test_links_are_saved_and_bad_ones_refused(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """A pasted web link is saved (https added when missing); a javascript: link is refused."""
    step_id = FIRST_STEP["id"]
    at = _open_details(open_page("pages/plan.py"), step_id)
    at.text_area(key=f"links-{step_id}").input("www.example.com/notes").run()
    stored = store.step_progress(app_engine, profile_id).set_index("step_id").loc[step_id, "links"]
    assert stored == ["https://www.example.com/notes"]
    at.text_area(key=f"links-{step_id}").input("javascript:alert(1)").run()
    stored = store.step_progress(app_engine, profile_id).set_index("step_id").loc[step_id, "links"]
    assert stored == ["https://www.example.com/notes"]
    assert at.text_area(key=f"links-{step_id}").value == "javascript:alert(1)"
    assert any("link" in str(e.value).lower() for e in at.error)
    assert not any(b.proto.url.startswith("javascript") for b in at.get("link_button"))


def test_mark_track_done_and_reset(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """'Mark track done' finishes every step of the track; 'Reset track' undoes it."""
    track_id = FIRST_STEP["track_id"]
    track_steps = CONTENT.steps.loc[CONTENT.steps["track_id"] == track_id, "id"]
    at = open_page("pages/plan.py")
    at.session_state[f"track-menu-{track_id}"] = True  # open the track's menu
    at.run()
    at.button(key=f"track-done-{track_id}").click().run()
    assert {_status(app_engine, profile_id, s) for s in track_steps} == {"done"}
    at.button(key=f"track-reset-{track_id}").click().run()
    assert {_status(app_engine, profile_id, s) for s in track_steps} == {"not-started"}


def test_track_actions_touch_only_the_shown_steps_and_keep_skips(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """With a filter on, "mark done" finishes only the steps shown; a skipped one stays skipped."""
    track_id = FIRST_STEP["track_id"]
    track_steps = CONTENT.steps.loc[CONTENT.steps["track_id"] == track_id, "id"].tolist()
    store.set_status(app_engine, profile_id, track_steps[1], "skipped")
    store.set_status(app_engine, profile_id, track_steps[2], "in-progress")
    at = open_page("pages/plan.py")
    _open_filters(at).multiselect(key="plan-filter-status").select("in-progress").run()
    at.session_state[f"track-menu-{track_id}"] = True
    at.run()
    assert at.button(key=f"track-done-{track_id}").label == "Mark the 1 shown step done"
    at.button(key=f"track-done-{track_id}").click().run()
    statuses = [_status(app_engine, profile_id, s) for s in track_steps]
    assert statuses == [None, "skipped", "done", None]  # None: never touched
    at.multiselect(key="plan-filter-status").unselect("in-progress").run()
    at.session_state[f"track-menu-{track_id}"] = True
    at.run()
    assert at.button(key=f"track-done-{track_id}").label == "Mark every step done"
    at.button(key=f"track-done-{track_id}").click().run()
    statuses = [_status(app_engine, profile_id, s) for s in track_steps]
    assert statuses == ["done", "skipped", "done", "done"]


def test_reset_everything_needs_the_typed_word(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """The plan reset button stays disabled until RESET is typed, then clears every step."""
    store.set_status(app_engine, profile_id, FIRST_STEP["id"], "done")
    at = open_page("pages/plan.py")
    assert "plan-reset-all" not in [b.key for b in at.button]  # built only when opened
    at.session_state["plan-reset"] = True  # open the (lazy) reset panel
    at.run()
    assert at.button(key="plan-reset-all").disabled
    at.text_input(key="plan-reset-confirm").input("reset").run()
    assert at.button(key="plan-reset-all").disabled
    at.text_input(key="plan-reset-confirm").input("RESET").run()
    at.button(key="plan-reset-all").click().run()
    assert _status(app_engine, profile_id, FIRST_STEP["id"]) == "not-started"


def test_filters_narrow_the_checklist(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Filtering by status shows only the steps with that status."""
    store.set_status(app_engine, profile_id, FIRST_STEP["id"], "in-progress")
    at = _open_filters(open_page("pages/plan.py"))
    at.multiselect(key="plan-filter-status").select("in-progress").run()
    shown = [c.key for c in at.checkbox]
    assert shown == [f"done-{FIRST_STEP['id']}"]


def test_filters_stay_on_when_the_panel_is_shut(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Closing the filter panel keeps the filter, says so, and reopening shows the choice."""
    store.set_status(app_engine, profile_id, FIRST_STEP["id"], "skipped")
    at = _open_filters(open_page("pages/plan.py"))
    at.multiselect(key="plan-filter-status").select("skipped").run()
    at.session_state["plan-filters"] = False  # shut the panel: its widgets are not built
    at.run()
    assert [c.key for c in at.checkbox] == [f"done-{FIRST_STEP['id']}"]
    assert any("Showing only: Skipped" in c.value for c in at.caption)
    at = _open_filters(at)
    assert at.multiselect(key="plan-filter-status").value == ["skipped"]
    at.multiselect(key="plan-filter-status").unselect("skipped").run()
    assert len(at.checkbox) > 1  # the whole (open) track again


def _track_boxes(track_id: str) -> list[str]:
    steps = CONTENT.steps.loc[CONTENT.steps["track_id"] == track_id, "id"]
    return [f"done-{step_id}" for step_id in steps]


def test_the_track_of_the_next_step_opens_and_others_open_on_demand(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Only the track holding the next step shows its checkboxes; another opens when asked."""
    first_track, second_track = CONTENT.tracks["id"].iloc[0], CONTENT.tracks["id"].iloc[1]
    for box in _track_boxes(first_track):  # the first track is finished...
        store.set_status(app_engine, profile_id, box.removeprefix("done-"), "done")
    at = open_page("pages/plan.py")
    # ...so the next step, and the open track, is the second one.
    assert [c.key for c in at.checkbox] == _track_boxes(second_track)
    assert len(at.progress) == len(CONTENT.tracks)  # every track still shows its progress
    at.session_state[f"track-steps-{first_track}"] = True  # a click on its expander
    at.run()
    assert [c.key for c in at.checkbox] == _track_boxes(first_track) + _track_boxes(second_track)
    assert all(c.value for c in at.checkbox if c.key in _track_boxes(first_track))
    # Ticking the second track's first step keeps the same tracks open.
    at.checkbox(key=_track_boxes(second_track)[0]).check().run()
    assert [c.key for c in at.checkbox] == _track_boxes(first_track) + _track_boxes(second_track)


def test_a_filter_shows_matches_from_every_track(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """With a filter on, matching steps of closed tracks are shown too."""
    last_step = CONTENT.steps.iloc[-1]
    assert last_step["track_id"] != FIRST_STEP["track_id"]
    store.set_status(app_engine, profile_id, FIRST_STEP["id"], "skipped")
    store.set_status(app_engine, profile_id, last_step["id"], "skipped")
    at = open_page("pages/plan.py")
    assert f"done-{last_step['id']}" not in [c.key for c in at.checkbox]
    _open_filters(at).multiselect(key="plan-filter-status").select("skipped").run()
    assert [c.key for c in at.checkbox] == [f"done-{FIRST_STEP['id']}", f"done-{last_step['id']}"]


def test_pace_forecast_moves_with_hours_per_week(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Halving the weekly hours on settings pushes the finish date on the overview later."""
    target = dt.date.today() + dt.timedelta(days=365)
    at = open_page("pages/settings.py")
    at.date_input(key="target-date").set_value(target).run()
    at.number_input(key="target-hours").set_value(10.0).run()
    assert store.get_target(app_engine, profile_id).hours_per_week == 10.0
    fast = _pace_text(open_page("pages/overview.py"))
    at.number_input(key="target-hours").set_value(5.0).run()
    slow = _pace_text(open_page("pages/overview.py"))
    assert "10 hours a week" in fast
    assert "5 hours a week" in slow
    assert fast != slow


@pytest.mark.parametrize("hours", [100.0, 0.25, 168.0])
def test_any_stored_weekly_hours_fit_the_settings_field(
    open_page: OpenPage, app_engine: Engine, profile_id: int, hours: float
) -> None:
    """Hours the store accepts (an import's 100, say) show on settings and survive a date change.

    The field used to stop at 80: the page failed, or a date change saved 0.5 over 100.
    """
    store.set_target(app_engine, profile_id, dt.date(2027, 6, 30), hours)
    at = open_page("pages/settings.py")
    assert not at.exception
    assert at.number_input(key="target-hours").value == hours
    at.date_input(key="target-date").set_value(dt.date(2027, 9, 30)).run()
    assert store.get_target(app_engine, profile_id) == store.Target(dt.date(2027, 9, 30), hours)


def test_skill_rating_is_stored_and_changes_the_gaps(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Rating a skill stores it, and a skill rated at its target leaves the gap list."""
    skill_id = FIRST_SKILL["id"]
    at = open_page("pages/skills.py")
    gap_lines = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert any(f"**{FIRST_SKILL['name']}**" in line for line in gap_lines)
    _open_tab(at, "Rate yourself")
    at.segmented_control(key=f"rate-skill-{skill_id}").set_value(5).run()
    latest = store.latest_ratings(app_engine, profile_id, "skill").set_index("subject_id")
    assert latest.loc[skill_id, "level"] == 5
    _open_tab(at, "Your gaps")
    gap_lines = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert len(gap_lines) == 5
    assert not any(f"**{FIRST_SKILL['name']}**" in line for line in gap_lines)


def test_phase_confidence_is_stored(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Rating confidence in a lifecycle phase is stored as a phase rating."""
    phase_id = CONTENT.phases.iloc[0]["id"]
    at = open_page("pages/lifecycle.py")
    at.session_state[f"phase-{phase_id}"] = True  # open the phase, as a click would
    at.run()
    at.segmented_control(key=f"rate-phase-{phase_id}").set_value(3).run()
    latest = store.latest_ratings(app_engine, profile_id, "phase").set_index("subject_id")
    assert latest.loc[phase_id, "level"] == 3


def test_case_study_round_trip_and_markdown(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """A draft started from the example is stored, edits save, and the Markdown has each section."""
    at = open_page("pages/case_studies.py")
    at.button(key="cs-example").click().run()
    drafts = store.list_case_studies(app_engine, profile_id)
    assert len(drafts) == 1
    draft_id = int(drafts.iloc[0]["id"])
    first_section = CONTENT.case_study_sections.iloc[0]
    at.text_input(key=f"cs-{draft_id}-title").input("COVID-19 data for caregivers").run()
    at.text_area(key=f"cs-{draft_id}-section-{first_section['id']}").input(
        "Caregivers cannot find local case counts."
    ).run()
    stored = store.get_case_study(app_engine, profile_id, draft_id)
    assert stored.title == "COVID-19 data for caregivers"
    assert stored.sections[first_section["id"]] == "Caregivers cannot find local case counts."

    fresh = open_page("pages/case_studies.py")
    markdown = fresh.get("download_button")[0].proto.label  # the button exists
    assert markdown == "Download as Markdown"
    preview = "\n".join(m.value for m in fresh.markdown)
    for section in CONTENT.case_study_sections.itertuples():
        assert f"## {section.title}" in preview
    assert "Caregivers cannot find local case counts." in preview


def test_export_then_import_restores_the_same_state(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """A JSON export imported after a reset brings back the same progress."""
    store.set_status(app_engine, profile_id, FIRST_STEP["id"], "done")
    store.save_note(app_engine, profile_id, FIRST_STEP["id"], "my note", expected_version=0)
    store.rate(app_engine, profile_id, "skill", FIRST_SKILL["id"], 3)
    exported = store.export_profile(app_engine, profile_id)
    store.reset_all(app_engine, profile_id)
    assert _status(app_engine, profile_id, FIRST_STEP["id"]) in (None, "not-started")

    at = open_page("pages/settings.py")
    raw = json.dumps(exported).encode()
    at.file_uploader(key="import-file").set_value(("progress.json", raw, "application/json")).run()
    at.button(key="import-go").click().run()
    assert any("Imported" in s.value for s in at.success)
    assert _status(app_engine, profile_id, FIRST_STEP["id"]) == "done"
    again = store.export_profile(app_engine, profile_id)
    assert again["items"] == exported["items"]
    assert again["ratings"] == exported["ratings"]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"{not json", "JSON"),
        (json.dumps({"format": "something-else", "version": 1}).encode(), "format"),
        (b"\x00\x01\x02binary", "JSON"),
        (b"\xff\xfe\x00broken", "UTF-8"),
    ],
)
def test_malformed_import_changes_nothing_and_says_why(
    open_page: OpenPage, app_engine: Engine, profile_id: int, payload: bytes, problem: str
) -> None:
    """A bad import file gets one clear error and leaves the stored progress as it was."""
    store.set_status(app_engine, profile_id, FIRST_STEP["id"], "done")
    before = store.export_profile(app_engine, profile_id)
    at = open_page("pages/settings.py")
    at.file_uploader(key="import-file").set_value(("bad.json", payload, "application/json")).run()
    at.button(key="import-go").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert "nothing changed" in errors[0]
    assert problem in errors[0]
    after = store.export_profile(app_engine, profile_id)
    assert after["items"] == before["items"]


def test_glossary_search_filters_terms(open_page: OpenPage) -> None:
    """Searching the glossary shows only the matching terms."""
    at = _open_tab(open_page("pages/interview.py"), "Glossary")
    at.text_input(key="glossary-search").input("PRD").run()
    count = next(c.value for c in at.caption if " terms" in c.value and " of " in c.value)
    shown = int(count.split(" of ")[0])
    assert 1 <= shown < len(CONTENT.glossary)


def test_retired_steps_keep_their_history(
    open_page: OpenPage, app_engine: Engine, profile_id: int
) -> None:
    """Progress on a step that left the content is listed as retired and not counted."""
    store.set_status(app_engine, profile_id, "a-step-removed-from-content", "done")
    at = open_page("pages/plan.py")
    assert any(e.label.startswith("Retired steps (1)") for e in at.expander)
    overview = open_page("pages/overview.py")
    assert overview.metric[0].value == "0%"
