"""Case studies: draft portfolio case studies section by section, preview and export them."""

from __future__ import annotations

import streamlit as st

from pathfinder import domain
from pathfinder.ui import data
from pathfinder.ui.case_study_view import (
    render_draft_editor,
    render_new_draft_buttons,
    render_publishing,
    select_draft,
)
from pathfinder.ui.resources import content, learner

st.title("Case studies")
st.caption(
    "A case study walks through a data product end to end, the way a product manager's "
    "one-pager explains the why. Follow the template section by section."
)
c = content()
me = learner()
drafts = data.case_studies(me)

render_new_draft_buttons(me, c)
draft = select_draft(drafts)
if draft is None:
    st.info("No drafts yet. Start a blank one, or start from the guest's COVID-19 example.")
else:
    render_draft_editor(me, c, draft)
    st.divider()
    st.subheader("Preview")
    markdown = domain.case_study_markdown(draft["title"], c.case_study_sections, draft["sections"])
    st.download_button(
        "Download as Markdown",
        markdown,
        file_name=f"{domain.slugify(draft['title'])}.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
    )
    with st.container(border=True):
        st.markdown(markdown)

render_publishing(c)
