"""Widgets of the case-study builder: drafts, the template sections, and publishing."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from pathfinder import store
from pathfinder.content import Content
from pathfinder.domain.case_study import case_study_completeness
from pathfinder.entities import MAX_SECTION_LENGTH, MAX_TITLE_LENGTH
from pathfinder.ui.feedback import attempt, clear_conflict, conflict
from pathfinder.ui.state import (
    UNKNOWN,
    chosen,
    drawing_id,
    first_press,
    is_unsaved,
    mark_saved,
    mark_unsaved,
    saving,
    set_shown,
    shown,
    sync_widget,
    typed_default,
    values,
)
from pathfinder.ui.visitor import Visitor
from pathfinder.ui.widgets import cite, records

STATUS_LABELS = {"draft": "Draft", "ready": "Ready to publish", "published": "Published"}
SELECTED = "cs-selected"  # the id of the draft being edited (not a widget key)
EXAMPLE_TITLE = "Making COVID-19 data more accessible (the guest's example)"


def _field_key(draft_id: int, field: str) -> str:
    return f"cs-{draft_id}-{field}"


def render_new_draft_buttons(learner: Visitor, c: Content) -> None:
    """Offer a blank draft and one pre-filled with the guest's COVID-19 example."""
    if not learner.can_edit:
        return
    left, right = st.columns(2)
    drawing = drawing_id()
    left.button(
        "New blank draft",
        icon=":material/add:",
        key="cs-new",
        on_click=_create,
        args=(learner, "Untitled case study", {}, drawing),
    )
    example = dict(
        zip(c.case_study_sections["id"], c.case_study_sections["guest_example"], strict=True)
    )
    right.button(
        "Start from the guest's example",
        icon=":material/lightbulb:",
        key="cs-example",
        on_click=_create,
        args=(learner, EXAMPLE_TITLE, example, drawing),
    )


def _create(learner: Visitor, title: str, sections: dict[str, str], drawing: str) -> None:
    if not first_press("case-study-create", drawing):
        return  # the second press of a double click: one draft was asked for
    created: list[int] = []
    if attempt(
        lambda: created.append(
            store.create_case_study(learner.engine, learner.profile_id, title, sections)
        ),
        saved="Draft created",
    ):
        st.session_state[SELECTED] = created[0]


def _pick_draft(widget_key: str) -> None:
    st.session_state[SELECTED] = st.session_state[widget_key]


def select_draft(drafts: pd.DataFrame) -> dict[str, Any] | None:
    """Let the learner pick a draft; return it as a record, or None when there are none.

    The draft being edited is remembered by id (`SELECTED`), not by the selector: a
    selectbox keeps its value as the label it showed, so renaming the selected draft would
    make it fall back to the first one and the next edits would go into the wrong draft.
    The selector's key follows its labels, so a rename draws a new selector that starts
    on the remembered draft.
    """
    if drafts.empty:
        return None
    by_id = {int(r["id"]): r for r in records(drafts)}
    if st.session_state.get(SELECTED) not in by_id:
        st.session_state[SELECTED] = next(iter(by_id))
    selected = int(st.session_state[SELECTED])
    # Numbered, so two drafts with the same title are two choices (a selectbox tells its
    # options apart by their labels).
    labels = {
        i: f"{n}. {d['title']} ({STATUS_LABELS[d['status']]})"
        for n, (i, d) in enumerate(by_id.items(), start=1)
    }
    digest = hashlib.sha256(repr(sorted(labels.items())).encode("utf-8")).hexdigest()[:12]
    widget_key = f"cs-draft-{digest}"
    st.selectbox(
        "Draft",
        list(by_id),
        index=list(by_id).index(selected),
        key=widget_key,
        format_func=labels.__getitem__,
        on_change=_pick_draft,
        args=(widget_key,),
    )
    return by_id[selected]


def _save(learner: Visitor, draft_id: int, c: Content, field: str, *, force: bool = False) -> None:
    """Save the whole draft after the person changed one field, unless it changed elsewhere.

    `force` saves what the editor holds even when the field is unchanged (the learner chose
    to keep their text over another tab's).
    """
    key = _field_key(draft_id, field)
    if not force and (chosen(key) is UNKNOWN or conflict(_field_key(draft_id, "conflict"))):
        # Nothing changed, or it waits for the learner to settle a clash with another tab.
        return
    now = values()  # read before the write with no point where Streamlit may stop
    sections = {
        sid: now.get(_field_key(draft_id, f"section-{sid}"), "")
        for sid in c.case_study_sections["id"]
    }
    title = str(now.get(_field_key(draft_id, "title")) or "Untitled case study")
    status = str(now.get(_field_key(draft_id, "status")))
    filled = {k: str(v) for k, v in sections.items() if v}
    version_key = _field_key(draft_id, "version")
    saved: list[int] = []
    ok = attempt(
        lambda: saved.append(
            store.save_case_study(
                learner.engine,
                learner.profile_id,
                draft_id,
                title=title,
                sections=filled,
                status=status,
                expected_version=int(shown(version_key)),
            )
        ),
        saved="Draft saved",
        conflict_key=_field_key(draft_id, "conflict"),
    )
    if not ok:
        mark_unsaved(key)
        return
    # Every field now holds what was saved: a quick edit of the next field compares with
    # (and builds on) this save, even before the rerun has drawn the editor again.
    set_shown(version_key, saved[0])
    for name in ("title", "status", *(f"section-{sid}" for sid in sections)):
        field_key = _field_key(draft_id, name)
        if field_key in st.session_state:
            set_shown(field_key, st.session_state[field_key])
    mark_saved(key)


def _take_theirs(draft_id: int, keys: list[str]) -> None:
    clear_conflict(_field_key(draft_id, "conflict"))
    for key in keys:
        mark_saved(key)


def render_draft_editor(learner: Visitor, c: Content, draft: dict[str, Any]) -> None:
    """Draw the template sections of one draft; every field saves when you leave it."""
    draft_id = int(draft["id"])
    read_only = not learner.can_edit
    sections: dict[str, str] = draft["sections"] or {}
    completeness = case_study_completeness(c.case_study_sections, sections)
    st.progress(completeness, text=f"{round(completeness * 100)}% of the template filled in")

    keys = [_field_key(draft_id, "title"), _field_key(draft_id, "status")]
    fields = [
        *keys,
        *(_field_key(draft_id, f"section-{sid}") for sid in c.case_study_sections["id"]),
    ]
    if not any(is_unsaved(key) for key in fields):
        # The version the person's edits build on; kept while any of them is unsaved.
        set_shown(_field_key(draft_id, "version"), int(draft["version"]))
    sync_widget(keys[1], draft["status"])
    st.text_input(
        "Title",
        max_chars=MAX_TITLE_LENGTH,
        value=typed_default(keys[0], str(draft["title"])),
        key=keys[0],
        disabled=read_only,
        **saving(learner, keys[0], _save, draft_id, c, "title"),
    )
    st.segmented_control(
        "Status",
        list(STATUS_LABELS),
        format_func=lambda s: STATUS_LABELS[s],
        key=keys[1],
        disabled=read_only,
        required=True,
        **saving(learner, keys[1], _save, draft_id, c, "status"),
    )
    clash = conflict(_field_key(draft_id, "conflict"))
    for section in records(c.case_study_sections):
        key = _field_key(draft_id, f"section-{section['id']}")
        keys.append(key)

        st.markdown(f"#### {section['order']}. {section['title']}")
        st.caption(section["purpose"])
        st.markdown("\n".join(f"- {q}" for q in section["guiding_questions"]))
        st.text_area(
            section["title"],
            max_chars=MAX_SECTION_LENGTH,
            value=typed_default(key, sections.get(section["id"], "")),
            key=key,
            disabled=read_only,
            height=150,
            label_visibility="collapsed",
            **saving(learner, key, _save, draft_id, c, f"section-{section['id']}"),
        )
        with st.popover("The guest's example", icon=":material/lightbulb:"):
            st.write(section["guest_example"])
            cite(c.episode, section["sources"])
        if clash is not None and isinstance(clash.current, dict):
            theirs = (clash.current.get("sections") or {}).get(section["id"], "")
            if theirs != st.session_state.get(key, ""):
                st.warning("Saved elsewhere for this section:")
                st.text(theirs or "(empty)")
    if clash is not None:
        st.error("This draft was changed elsewhere. Keep your text, or take the saved version.")
        keep, take = st.columns(2)
        if keep.button("Keep my text", key=f"cs-keep-{draft_id}"):
            set_shown(_field_key(draft_id, "version"), clash.current_version)
            _save(learner, draft_id, c, "title", force=True)
            st.rerun()
        take.button(
            "Use the saved version",
            key=f"cs-take-{draft_id}",
            on_click=_take_theirs,
            args=(draft_id, keys),
        )
    if not read_only:
        with st.expander("Delete this draft", icon=":material/delete:"):
            if st.button("Delete draft", key=f"cs-delete-{draft_id}", type="primary") and attempt(
                lambda: store.delete_case_study(learner.engine, learner.profile_id, draft_id),
                saved="Draft deleted",
            ):
                st.session_state.pop(SELECTED, None)
                st.rerun()


def render_publishing(c: Content) -> None:
    """Show where the guest says case studies can be published, and the checklist."""
    st.divider()
    st.subheader("Publishing")
    st.markdown("**Formats the guest names**")
    for fmt in records(c.publishing_formats):
        st.markdown(f"- **{fmt['name']}** — {fmt['note']}")
    st.markdown("**Before you publish**")
    for item in records(c.publishing_checklist):
        st.markdown(f"- {item['text']}")
        cite(c.episode, item["sources"])


def _set_shared(learner: Visitor, draft_id: int) -> None:
    key = _field_key(draft_id, "shared")
    picked = chosen(key)
    if picked is UNKNOWN:
        return
    shared = bool(picked)
    if attempt(
        lambda: store.set_case_study_shared(learner.engine, learner.profile_id, draft_id, shared),
        saved="Shown through your share links" if shared else "No longer shown through links",
    ):
        set_shown(key, shared)


def render_share_toggle(learner: Visitor, draft: dict[str, Any]) -> None:
    """Let the owner choose whether this draft is shown through their share links."""
    if not learner.can_edit:
        return
    draft_id = int(draft["id"])
    key = _field_key(draft_id, "shared")
    sync_widget(key, bool(draft["shared"]))
    st.toggle(
        "Show this case study through my share links",
        key=key,
        help="Share links open a read-only view; only case studies switched on here appear.",
        **saving(learner, key, _set_shared, draft_id),
    )
