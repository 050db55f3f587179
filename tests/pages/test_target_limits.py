"""The settings page's weekly-hours field holds any target the store and an import accept."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from pathfinder import store


def test_an_imported_target_of_100_hours_survives_a_date_change_on_settings(
    open_page: Callable[[str], AppTest], app_engine: Engine, profile_id: int
) -> None:
    """An imported 100 hours a week shows as 100 and is still 100 after the date changes.

    The field once stopped at 80 while the store and the import allowed 168: the import's
    100 showed as 0.5, and the next date change saved 0.5 over it.
    """
    export = store.export_profile(app_engine, profile_id)
    export["target"] = {"target_date": "2027-06-30", "hours_per_week": 100}
    at = open_page("pages/settings.py")
    raw = json.dumps(export).encode("utf-8")
    at.file_uploader(key="import-file").set_value(("progress.json", raw, "application/json"))
    at.run()
    at.button(key="import-go").click().run()
    assert [s.value for s in at.success] == ["Imported. Your progress now matches the file."]
    assert store.get_target(app_engine, profile_id).hours_per_week == 100.0
    at = open_page("pages/settings.py")  # a fresh visit after the import
    assert at.number_input(key="target-hours").value == 100.0
    at.date_input(key="target-date").set_value(dt.date(2027, 9, 30)).run()
    assert not at.exception
    assert store.get_target(app_engine, profile_id) == store.Target(dt.date(2027, 9, 30), 100.0)
    assert at.number_input(key="target-hours").value == 100.0


def test_an_import_naming_a_section_the_template_lacks_is_refused_on_settings(
    open_page: Callable[[str], AppTest], app_engine: Engine, profile_id: int
) -> None:
    """A case study with a section id the template does not have is refused, naming it."""
    store.create_case_study(app_engine, profile_id, "Mine", {"central-problem": "kept"})
    export = store.export_profile(app_engine, profile_id)
    export["case_studies"][0]["sections"]["not-a-section"] = "smuggled"
    before = store.list_case_studies(app_engine, profile_id).to_dict("records")
    at = open_page("pages/settings.py")
    raw = json.dumps(export).encode("utf-8")
    at.file_uploader(key="import-file").set_value(("progress.json", raw, "application/json"))
    at.run()
    at.button(key="import-go").click().run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("This file was not imported and nothing changed: ")
    assert "'not-a-section' is not a case-study section" in errors[0]
    assert store.list_case_studies(app_engine, profile_id).to_dict("records") == before
