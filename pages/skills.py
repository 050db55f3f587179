"""Skills: rate yourself against what the role needs, and see which steps close the gaps."""

from __future__ import annotations

import streamlit as st

from pathfinder import charts
from pathfinder.domain.plan import plan_table
from pathfinder.domain.skills import (
    RATING_SCALE,
    TARGET_RATING,
    biggest_gaps,
    rating_trend,
    skill_gaps,
)
from pathfinder.ui import actions, data
from pathfinder.ui.resources import content
from pathfinder.ui.state import saving, sync_widget
from pathfinder.ui.visitor import visitor
from pathfinder.ui.widgets import chart, cite, records

IMPORTANCE_LABELS = {"required": "Required", "helpful": "Helpful", "optional": "Optional"}

st.title("Skills")
c = content()
me = visitor()
read_only = not me.can_edit
ratings = data.latest_ratings(me, "skill")

gaps_tab, rate_tab, history_tab = st.tabs(
    ["Your gaps", "Rate yourself", "Over time"],
    key="view",
    on_change="rerun",
    bind="query-params",
)
if gaps_tab.open:
    with gaps_tab:
        plan = plan_table(c.steps, c.tracks, data.progress(me))
        gaps = skill_gaps(c.skills, ratings, c.step_skills, plan)
        biggest = biggest_gaps(gaps, 5)
        if biggest.empty:
            st.success("Every skill is at the level the role needs. Well done!")
        for gap in records(biggest):
            steps = ", ".join(gap["closing_steps"]) or "no open plan step builds it; practise it"
            st.markdown(
                f"- **{gap['skill']}** ({IMPORTANCE_LABELS[gap['importance']]}): "
                f"gap of {gap['gap']} · close it with: {steps}"
            )
        chart(charts.skills_radar(gaps), key="skills-radar")

if rate_tab.open:
    with rate_tab:
        st.caption(
            " · ".join(f"{level} = {meaning.lower()}" for level, meaning in RATING_SCALE.items())
        )
        current = dict(zip(ratings["subject_id"], ratings["level"], strict=True))
        for category, skills in c.skills.groupby("category", sort=False):
            st.markdown(f"#### {str(category).capitalize()}")
            for skill in records(skills):
                target = TARGET_RATING[skill["importance"]]
                importance = IMPORTANCE_LABELS[skill["importance"]]
                about = st.expander(
                    f"{skill['name']} · {importance} (aim for {target})",
                    key=f"about-skill-{skill['id']}",
                    on_change="rerun",
                )
                if about.open:  # lazy: the text is only built for the skills a learner opens
                    with about:
                        st.write(skill["summary"])
                        st.markdown(f"**How to build it:** {skill['how_to_build']}")
                        cite(c.episode, skill["sources"])
                key = actions.rating_key("skill", skill["id"])
                level = current.get(skill["id"])
                shown = None if level is None else int(level)
                sync_widget(key, shown)
                st.segmented_control(
                    f"Your level in {skill['name']}",
                    [1, 2, 3, 4, 5],
                    key=key,
                    disabled=read_only,
                    **saving(me, key, actions.rate, "skill", skill["id"]),
                )

if history_tab.open:
    with history_tab:
        trend = rating_trend(data.rating_history(me, "skill"), c.skills)
        chart(charts.skills_over_time(trend), key="skills-history")
