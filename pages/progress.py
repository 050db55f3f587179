"""Progress: burn-up towards the target date, activity calendar, hours and ratings over time."""

from __future__ import annotations

import streamlit as st

from pathfinder import charts, domain
from pathfinder.ui import data
from pathfinder.ui.resources import content, learner
from pathfinder.ui.widgets import chart

st.title("Progress")
c = content()
me = learner()
today = domain.today()
plan = domain.plan_table(c.steps, c.tracks, data.progress(me))

chart(charts.burnup_chart(domain.burnup(plan, data.target(me), today)), key="progress-burnup")
chart(
    charts.activity_calendar(domain.calendar_frame(data.activity_per_day(me), today)),
    key="progress-calendar",
)
chart(charts.hours_by_track_bars(domain.hours_by_track(plan)), key="progress-hours")
chart(
    charts.skills_over_time(domain.rating_timeline(data.rating_history(me, "skill"), c.skills)),
    key="progress-ratings",
)
