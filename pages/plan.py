"""Learning plan: the steps as checklists grouped by track, saved the moment you tick."""

from __future__ import annotations

import streamlit as st

from pathfinder.ui.plan_view import (
    focus_track,
    plan_snapshot,
    render_filters,
    render_reset_all,
    render_retired,
    render_track,
)
from pathfinder.ui.resources import content
from pathfinder.ui.visitor import visitor
from pathfinder.ui.widgets import cite, records

st.title("Learning plan")
c = content()
me = visitor()
st.caption(
    "Tick a step when it is done; it is saved at once. The track of your next step is "
    "open; open any other to see its steps. Open a step to mark it in progress or skipped, "
    "read why it matters, and keep your notes."
)

lessons = st.expander(
    "What the guest would do differently",
    icon=":material/lightbulb:",
    key="plan-lessons",
    on_change="rerun",
)
if lessons.open:
    with lessons:
        for lesson in records(c.lessons):
            st.markdown(f"**{lesson['order']}.** {lesson['lesson']}")
            cite(c.episode, lesson["sources"])

filters = render_filters(c)
snapshot = plan_snapshot(me)
focus = focus_track(snapshot)
for track_id in filters.tracks or list(c.tracks["id"]):
    render_track(
        me,
        track_id,
        snapshot,
        filters=filters,
        open_at_start=track_id == focus,
    )
render_retired(snapshot, show_notes=me.can_edit)
snapshot.fresh = False  # later fragment reruns read the store again

render_reset_all(me)
