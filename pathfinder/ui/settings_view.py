"""Export, import and reset for the settings page."""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from pathfinder import report, store, transfer
from pathfinder.content import Content
from pathfinder.domain.dates import today
from pathfinder.ui.feedback import attempt
from pathfinder.ui.visitor import Visitor

RESET_WORD = "RESET"


def export_json(learner: Visitor) -> bytes:
    """Return the learner's progress as the versioned JSON export."""
    try:
        document = store.export_profile(learner.engine, learner.profile_id)
    except store.StoreUnavailable as error:
        st.warning(str(error), icon=":material/cloud_off:")
        return b""
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def import_progress(learner: Visitor, c: Content, raw: bytes) -> None:
    """Validate an uploaded export and, only if all of it is valid, replace the progress."""
    try:
        document = transfer.parse_import(
            raw,
            known_step_ids=set(c.steps["id"]),
            known_skill_ids=set(c.skills["id"]),
            known_phase_ids=set(c.phases["id"]),
            known_section_ids=set(c.case_study_sections["id"]),
        )
    except transfer.ImportRejected as error:
        st.error(f"This file was not imported and nothing changed: {error}")
        return
    if attempt(lambda: store.import_profile(learner.engine, learner.profile_id, document)):
        st.success("Imported. Your progress now matches the file.")


def reset_everything(learner: Visitor) -> None:
    """Clear all of the learner's progress (the activity log keeps the record)."""
    if attempt(
        lambda: store.reset_all(learner.engine, learner.profile_id), saved="Everything was reset"
    ):
        st.rerun()


def report_builder(learner: Visitor, c: Content) -> Callable[[], str]:
    """Return a function that builds the HTML progress report when the download is clicked."""
    engine, profile_id = learner.engine, learner.profile_id
    owner = learner.identity.display_name

    def build() -> str:
        # Runs only when the button is clicked: the report inlines plotly.js (~4.5 MB),
        # far too much to send with every rerun of the settings page.
        data = report.ReportData(
            progress=store.step_progress(engine, profile_id),
            target=store.get_target(engine, profile_id),
            activity_per_day=store.activity_per_day(engine, profile_id),
            skill_history=store.rating_history(engine, profile_id, "skill"),
            latest_skill_ratings=store.latest_ratings(engine, profile_id, "skill"),
            owner_name=owner,
        )
        return report.progress_report_html(c, data, today())

    return build


def case_studies_builder(learner: Visitor, c: Content) -> Callable[[], str]:
    """Return a function that builds every case study as one Markdown file when clicked."""
    engine, profile_id = learner.engine, learner.profile_id
    return lambda: report.case_studies_markdown(c, store.list_case_studies(engine, profile_id))
