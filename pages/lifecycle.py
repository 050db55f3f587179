"""Lifecycle: the phases of product work, what a designer already knows, and your confidence."""

from __future__ import annotations

import streamlit as st

from pathfinder import charts
from pathfinder.domain.skills import RATING_SCALE, phase_confidence
from pathfinder.ui import actions, data
from pathfinder.ui.resources import content, content_charts
from pathfinder.ui.state import saving, sync_widget
from pathfinder.ui.visitor import visitor
from pathfinder.ui.widgets import bullet_list, chart, cite, records

st.title("The product lifecycle")
c = content()
me = visitor()
if me.viewer:
    # Not in a share-link viewer's menu; this guards the page itself.
    st.info("This page is not part of the shared view.", icon=":material/lock:")
    st.stop()
read_only = not me.can_edit
st.caption(
    "How the guest describes product work, phase by phase. Phases marked as designer phases "
    "are ones a product designer already takes part in: the transferable part."
)
chart(content_charts().lifecycle, key="lifecycle-flow")

st.subheader("Phases")
ratings = data.latest_ratings(me, "phase")
confidence = phase_confidence(c.phases, ratings)
levels = dict(zip(confidence["phase_id"], confidence["level"], strict=True))
for phase in records(c.phases):
    designer = " · designer phase" if phase["designer_takes_part"] else ""
    details = st.expander(
        f"{phase['order']}. {phase['name']}{designer}",
        key=f"phase-{phase['id']}",
        on_change="rerun",
    )
    if not details.open:  # lazy: a closed phase costs one line on a rerun
        continue
    with details:
        st.write(phase["summary"])
        left, middle, right = st.columns(3)
        with left:
            st.markdown("**Activities**")
            bullet_list(phase["activities"])
        with middle:
            st.markdown("**Artifacts**")
            bullet_list(phase["artifacts"])
        with right:
            st.markdown("**Works with**")
            bullet_list(phase["collaborators"])
        st.info(phase["designer_note"], icon=":material/palette:")
        cite(c.episode, phase["sources"])
        key = actions.rating_key("phase", phase["id"])
        level = levels.get(phase["id"])
        shown = None if level is None or str(level) == "<NA>" else int(level)
        sync_widget(key, shown)
        st.segmented_control(
            "How confident are you in this phase? (1 = new to it, 5 = could teach it)",
            [1, 2, 3, 4, 5],
            format_func=lambda n: f"{n} · {RATING_SCALE[n]}",
            key=key,
            disabled=read_only,
            **saving(me, key, actions.rate, "phase", phase["id"]),
        )

st.subheader("Your confidence per phase")
chart(charts.phase_confidence_heatmap(confidence), key="lifecycle-confidence")
