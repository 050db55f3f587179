"""Settings: your target, exports and imports of your progress, and a full reset."""

from __future__ import annotations

import streamlit as st

from pathfinder.domain.dates import today
from pathfinder.domain.pace import pace_forecast
from pathfinder.domain.plan import plan_table
from pathfinder.entities import MAX_HOURS_PER_WEEK
from pathfinder.exports import plan_csv
from pathfinder.ui import actions, data
from pathfinder.ui.resources import content
from pathfinder.ui.settings_view import (
    RESET_WORD,
    case_studies_builder,
    export_json,
    import_progress,
    report_builder,
    reset_everything,
)
from pathfinder.ui.sharing_view import render_share_links
from pathfinder.ui.state import saving, typed_default
from pathfinder.ui.visitor import visitor

st.title("Settings")
c = content()
me = visitor()
if me.viewer:
    # Not in a viewer's menu either; this guards the page itself.
    st.info("Settings belong to the owner of this progress.", icon=":material/lock:")
    st.stop()
read_only = not me.can_edit

st.subheader("Your target")
target = data.target(me)
st.date_input(
    "Finish the plan by",
    value=typed_default("target-date", target.target_date),
    key="target-date",
    disabled=read_only,
    **saving(me, "target-date", actions.save_target),
    format="YYYY-MM-DD",
)
st.number_input(
    "Hours you can spend each week",
    value=typed_default("target-hours", target.hours_per_week),
    key="target-hours",
    **saving(me, "target-hours", actions.save_target),
    # The store's own limits: any target it holds (an imported one too) fits the field.
    min_value=0.0,
    max_value=MAX_HOURS_PER_WEEK,
    step=0.5,
    disabled=read_only,
)
plan = plan_table(c.steps, c.tracks, data.progress(me))
st.caption(pace_forecast(plan, target, today()).sentence)

st.subheader("Export")
st.write("Keep a copy of your progress, or move it to another computer or deployment.")
left, right = st.columns(2)
left.download_button(
    "Progress (JSON)",
    export_json(me) if me.has_data else b"",
    file_name="pathfinder-progress.json",
    mime="application/json",
    icon=":material/download:",
    disabled=not me.has_data,
    on_click="ignore",
)
right.download_button(
    "Plan (CSV)",
    lambda: plan_csv(plan),  # built only when clicked
    file_name="pathfinder-plan.csv",
    mime="text/csv",
    icon=":material/table:",
    on_click="ignore",
)

if me.has_data:
    st.subheader("Share without hosting")
    st.write(
        "A one-file progress report with its charts, which opens offline in any browser, and "
        "your case studies as Markdown."
    )
    left, right = st.columns(2)
    left.download_button(
        "Progress report (HTML)",
        report_builder(me, c),
        file_name="pathfinder-progress-report.html",
        mime="text/html",
        icon=":material/summarize:",
        on_click="ignore",
    )
    right.download_button(
        "Case studies (Markdown)",
        case_studies_builder(me, c),
        file_name="pathfinder-case-studies.md",
        mime="text/markdown",
        icon=":material/article:",
        on_click="ignore",
    )

    render_share_links(me)

    st.subheader("Import")
    st.write(
        "Restore a progress file exported from Pathfinder. It replaces your current progress; "
        "a file with any problem is refused as a whole and nothing changes."
    )
    upload = st.file_uploader("Progress file (JSON)", type=["json"], key="import-file")
    if upload is not None and st.button("Import this file", key="import-go", type="primary"):
        import_progress(me, c, upload.getvalue())

    st.subheader("Reset")
    with st.expander("Reset everything", icon=":material/warning:"):
        st.write(
            "Clears your plan progress, ratings, target and case studies. The activity history "
            "keeps a record of the reset. Export first if you may want it back."
        )
        typed = st.text_input(f"Type {RESET_WORD} to confirm", key="settings-reset-confirm")
        if st.button(
            "Reset everything",
            type="primary",
            disabled=typed != RESET_WORD,
            key="settings-reset-all",
        ):
            reset_everything(me)
