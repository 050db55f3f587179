"""Export, import and reset for the settings page."""

from __future__ import annotations

import json

import streamlit as st

from pathfinder import store, transfer
from pathfinder.content import Content
from pathfinder.ui.feedback import attempt
from pathfinder.ui.resources import Learner

RESET_WORD = "RESET"


def export_json(learner: Learner) -> bytes:
    """Return the learner's progress as the versioned JSON export."""
    try:
        document = store.export_profile(learner.engine, learner.profile_id)
    except store.StoreUnavailable as error:
        st.warning(str(error), icon=":material/cloud_off:")
        return b""
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def import_progress(learner: Learner, c: Content, raw: bytes) -> None:
    """Validate an uploaded export and, only if all of it is valid, replace the progress."""
    try:
        document = transfer.parse_import(
            raw,
            known_item_ids=set(c.steps["id"]),
            known_skill_ids=set(c.skills["id"]),
            known_phase_ids=set(c.phases["id"]),
        )
    except transfer.ImportRejected as error:
        st.error(f"This file was not imported and nothing changed: {error}")
        return
    if attempt(lambda: store.import_profile(learner.engine, learner.profile_id, document)):
        st.success("Imported. Your progress now matches the file.")


def reset_everything(learner: Learner) -> None:
    """Clear all of the learner's progress (the activity log keeps the record)."""
    if attempt(
        lambda: store.reset_all(learner.engine, learner.profile_id), saved="Everything was reset"
    ):
        st.rerun()
