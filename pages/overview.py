"""Overview: where the learner stands, what to do next, and whether they are on pace."""

from __future__ import annotations

import streamlit as st

from pathfinder import charts
from pathfinder.domain.activity import streak
from pathfinder.domain.dates import today
from pathfinder.domain.pace import pace_forecast
from pathfinder.domain.plan import (
    format_hours,
    next_steps,
    plan_progress,
    plan_table,
    track_progress,
)
from pathfinder.ui import data
from pathfinder.ui.resources import content
from pathfinder.ui.visitor import visitor
from pathfinder.ui.widgets import chart, citation_links, records

st.title("Your path to data product management")
c = content()
me = visitor()
day = today()
plan = plan_table(c.steps, c.tracks, data.progress(me))
overall = plan_progress(plan)
target = data.target(me)
pace = pace_forecast(plan, target, day)

st.markdown(
    f"Why this plan: it follows what **{c.episode.guest}** ({c.episode.guest_role}) says about "
    f"moving from product design into data product management — learn the product "
    f"management motions and SQL, build data case studies, and talk with people in the "
    f"field ({citation_links(c.episode, ['32:52', '42:18', '43:03'])})."
)

done, hours, days_in_a_row = st.columns(3)
done.metric("Plan done", f"{overall.percent:.0f}%", help="Skipped steps do not count.")
hours.metric(
    "Hours done",
    f"{format_hours(overall.done_hours)}",
    delta=f"of {format_hours(overall.planned_hours)}",
    delta_color="off",
    delta_arrow="off",
)
days_in_a_row.metric(
    "Streak",
    f"{streak(data.activity_per_day(me), day)} days",
    help="Days in a row on which you changed something.",
)

st.subheader("Pace")
if pace.status == "behind":
    st.warning(pace.sentence, icon=":material/schedule:")
elif pace.status in ("no-target", "no-pace"):
    st.info(pace.sentence, icon=":material/flag:")
    if me.can_edit:
        st.page_link("pages/settings.py", label="Set your target", icon=":material/settings:")
else:
    st.success(pace.sentence, icon=":material/check_circle:")

st.subheader("Next steps")
upcoming = next_steps(plan, 3)
if upcoming.empty:
    st.success("Every step is done or skipped. Time to publish your case studies!")
for step in records(upcoming):
    status = "in progress" if step["status"] == "in-progress" else "not started"
    st.markdown(
        f"- **{step['title']}** · {step['track']} · {status} · about {format_hours(step['hours'])}"
    )
st.page_link("pages/plan.py", label="Open the learning plan", icon=":material/checklist:")

st.subheader("Progress per track")
chart(charts.track_progress_bars(track_progress(plan)), key="overview-tracks")
