"""Progress: burn-up towards the target date, activity calendar, hours and ratings over time."""

from __future__ import annotations

import streamlit as st

from pathfinder import charts
from pathfinder.domain.activity import calendar_frame
from pathfinder.domain.dates import today
from pathfinder.domain.pace import burnup
from pathfinder.domain.plan import hours_by_track, plan_table
from pathfinder.domain.skills import rating_trend
from pathfinder.ui import data
from pathfinder.ui.resources import content
from pathfinder.ui.visitor import visitor
from pathfinder.ui.widgets import chart

st.title("Progress")
c = content()
me = visitor()
day = today()

# Lazy tabs: only the open tab's chart is computed and drawn on a rerun, and the open
# tab is kept in the address bar so a view can be bookmarked or shared.
burn_tab, calendar_tab, hours_tab, ratings_tab = st.tabs(
    ["Burn-up", "Activity", "Hours per track", "Skill ratings"],
    key="view",
    on_change="rerun",
    bind="query-params",
)
if burn_tab.open:
    with burn_tab:
        plan = plan_table(c.steps, c.tracks, data.progress(me))
        burn = burnup(plan, data.target(me), day)
        chart(charts.burnup_chart(burn), key="progress-burnup")
if hours_tab.open:
    with hours_tab:
        plan = plan_table(c.steps, c.tracks, data.progress(me))
        chart(charts.hours_by_track_bars(hours_by_track(plan)), key="progress-hours")
if calendar_tab.open:
    with calendar_tab:
        grid = calendar_frame(data.activity_per_day(me), day)
        chart(charts.activity_calendar(grid), key="progress-calendar")
if ratings_tab.open:
    with ratings_tab:
        trend = rating_trend(data.rating_history(me, "skill"), c.skills)
        chart(charts.skills_over_time(trend), key="progress-ratings")
