"""Skills: rate yourself against what the role needs, and see which steps close the gaps."""

from __future__ import annotations

import streamlit as st

from pathfinder import charts, domain
from pathfinder.ui import actions, data
from pathfinder.ui.resources import content, learner
from pathfinder.ui.state import sync_widget
from pathfinder.ui.widgets import chart, cite, records

LEVEL_LABELS = {"required": "Required", "helpful": "Helpful", "optional": "Optional"}

st.title("Skills")
c = content()
me = learner()
read_only = me is None or me.read_only
plan = domain.plan_table(c.steps, c.tracks, data.progress(me))
gaps = domain.skill_gaps(c.skills, data.latest_ratings(me, "skill"), c.step_skills, plan)

st.subheader("Biggest gaps")
biggest = domain.skill_gaps(c.skills, data.latest_ratings(me, "skill"), c.step_skills, plan, n=5)
if biggest.empty:
    st.success("Every skill is at the level the role needs. Well done!")
for gap in records(biggest):
    steps = ", ".join(gap["closing_steps"]) or "no open plan step builds it; practise on the job"
    st.markdown(
        f"- **{gap['skill']}** ({LEVEL_LABELS[gap['level']]}): gap of {gap['gap']} · close it "
        f"with: {steps}"
    )

chart(charts.skills_radar(gaps), key="skills-radar")
chart(
    charts.skills_over_time(domain.rating_timeline(data.rating_history(me, "skill"), c.skills)),
    key="skills-history",
)

st.subheader("Rate yourself")
st.caption(
    "1 = new to it · 2 = know the basics · 3 = can do it with help · "
    "4 = can do it on my own · 5 = could teach it"
)
current = dict(zip(gaps["skill_id"], gaps["current"], strict=True))
for category, skills in c.skills.groupby("category", sort=False):
    st.markdown(f"#### {str(category).capitalize()}")
    for skill in records(skills):
        target = domain.LEVEL_TARGET[skill["level"]]
        with st.expander(f"{skill['name']} · {LEVEL_LABELS[skill['level']]} (aim for {target})"):
            st.write(skill["summary"])
            st.markdown(f"**How to build it:** {skill['how_to_build']}")
            cite(c.episode, skill["sources"])
        key = actions.rating_key("skill", skill["id"])
        level = int(current.get(skill["id"], 0))
        sync_widget(key, level or None)
        st.segmented_control(
            f"Your level in {skill['name']}",
            [1, 2, 3, 4, 5],
            key=key,
            disabled=read_only,
            on_change=actions.rate,
            args=(me, "skill", skill["id"]),
        )
