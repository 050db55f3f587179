"""Case studies: draft portfolio case studies section by section, preview and export them."""

from __future__ import annotations

import streamlit as st

from pathfinder import report
from pathfinder.exports import slugify
from pathfinder.ui import data
from pathfinder.ui.case_study_view import (
    render_draft_editor,
    render_new_draft_buttons,
    render_publishing,
    render_share_toggle,
    select_draft,
)
from pathfinder.ui.resources import content
from pathfinder.ui.visitor import visitor

st.title("Case studies")
c = content()
me = visitor()
viewer = me.viewer
if viewer:
    st.caption("The case studies the owner chose to share.")
else:
    st.caption(
        "A case study walks through a data product end to end, the way a product manager's "
        "one-pager explains the why. Follow the template section by section."
    )
drafts = data.visible_case_studies(me)

render_new_draft_buttons(me, c)
draft = select_draft(drafts)
if draft is None:
    if viewer:
        st.info("No case studies are shared yet.")
    else:
        st.info("No drafts yet. Start a blank one, or start from the guest's COVID-19 example.")
else:
    if not viewer:
        render_share_toggle(me, draft)
        render_draft_editor(me, c, draft)
        st.divider()
    st.subheader("Preview")
    markdown = report.case_study_markdown(c, draft["title"], draft["sections"] or {})
    st.download_button(
        "Download as Markdown",
        markdown,
        file_name=f"{slugify(draft['title'])}.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
    )
    with st.container(border=True):
        st.markdown(markdown)

if not viewer:
    render_publishing(c)
