"""The interview: the episode, the guest's path, her day, her questions, and a glossary."""

from __future__ import annotations

import streamlit as st

from pathfinder.domain.dates import format_date
from pathfinder.domain.glossary import search_glossary
from pathfinder.exports import interview_script
from pathfinder.ui.resources import content, content_charts
from pathfinder.ui.visitor import visitor
from pathfinder.ui.widgets import chart, cite, records

me = visitor()
if me.viewer:
    # Not in a share-link viewer's menu; this guards the page itself.
    st.info("This page is not part of the shared view.", icon=":material/lock:")
    st.stop()
c = content()
episode = c.episode
st.title("The interview")
st.markdown(
    f"**{episode.title}** — {episode.show}, season {episode.season}, episode {episode.episode}, "
    f"published {format_date(episode.published)} ({episode.duration}).  \n"
    f"Guest: **{episode.guest}**, {episode.guest_role}. {episode.guest_background}  \n"
    f"Host: {episode.host}."
)
left, right = st.columns(2)
left.link_button("Watch the episode", episode.video_url, icon=":material/play_circle:")
right.link_button("Episode page", episode.episode_page, icon=":material/open_in_new:")

career, day, questions, challenges, glossary = st.tabs(
    ["Career path", "A day in the life", "Interview script", "Challenges", "Glossary"],
    key="view",
    on_change="rerun",  # lazy: only the open tab is built
    bind="query-params",
)

if career.open:
    with career:
        chart(content_charts().career, key="career-timeline")
        for entry in records(c.career):
            st.markdown(f"**{entry['order']}. {entry['role']}** — {entry['organisation']}")
            st.write(entry["summary"])
            cite(episode, entry["sources"])

if day.open:
    with day:
        st.caption("What a working day looks like for the guest as a data product manager.")
        for activity in records(c.day_in_life):
            st.markdown(f"**{activity['title']}**")
            st.write(activity["description"])
            cite(episode, activity["sources"])

if questions.open:
    with questions:
        st.caption(
            "The customer-development questions the guest asks data professionals. Use them as a "
            "script for your own conversations."
        )
        for question in records(c.interview_questions):
            st.markdown(f"**{question['order']}. {question['question']}**")
            st.caption(question["purpose"])
            cite(episode, question["sources"])
        st.download_button(
            "Download the script",
            interview_script(c.interview_questions, episode.title),
            file_name="customer-development-script.md",
            mime="text/markdown",
            icon=":material/download:",
            on_click="ignore",
        )

if challenges.open:
    with challenges:
        for item in records(c.challenges):
            st.markdown(f"**{item['challenge']}**")
            st.write(f"How she handles it: {item['how_she_handles']}")
            cite(episode, item["sources"])

if glossary.open:
    with glossary:
        query = st.text_input("Search the glossary", key="glossary-search", placeholder="e.g. PRD")
        found = search_glossary(c.glossary, query)
        st.caption(f"{len(found)} of {len(c.glossary)} terms")
        for term in records(found):
            st.markdown(f"**{term['term']}** — {term['definition']}")
            cite(episode, term["sources"], prefix="Used at")
