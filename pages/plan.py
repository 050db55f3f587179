"""Learning plan: the steps as checklists grouped by track, saved the moment you tick."""

from __future__ import annotations

import streamlit as st

from pathfinder import domain
from pathfinder.ui.plan_view import (
    STATUS_LABELS,
    filter_options,
    focus_track,
    plan_snapshot,
    render_reset_all,
    render_retired,
    render_track,
)
from pathfinder.ui.resources import content, learner
from pathfinder.ui.widgets import cite, records

st.title("Learning plan")
c = content()
me = learner()
st.caption(
    "Tick a step when it is done; it is saved at once. The track of your next step is "
    "open; open any other to see its steps, and a step for the why, the resources and "
    "your own notes."
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

tracks, skills = filter_options(c)
with st.expander("Filter steps", icon=":material/filter_list:"):
    chosen_tracks = st.multiselect(
        "Tracks", tracks, format_func=lambda t: tracks[t], key="plan-filter-tracks"
    )
    chosen_statuses = st.multiselect(
        "Status", domain.STATUSES, format_func=lambda s: STATUS_LABELS[s], key="plan-filter-status"
    )
    chosen_skill = st.selectbox(
        "Builds the skill",
        [None, *skills],
        format_func=lambda s: skills.get(s, "Any skill"),
        key="plan-filter-skill",
    )

snapshot = plan_snapshot(me)
focus = focus_track(snapshot)
for track_id in chosen_tracks or list(tracks):
    render_track(
        me,
        track_id,
        snapshot,
        statuses=chosen_statuses,
        skill_id=chosen_skill,
        open_at_start=track_id == focus,
    )
render_retired(snapshot, show_notes=me is not None and not me.read_only)
snapshot.fresh = False  # later fragment reruns read the store again

render_reset_all(me)
