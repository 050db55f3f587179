"""Widgets of the learning-plan page: one fragment per track so a tick reruns only its track."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from pathfinder import store
from pathfinder.content import Content
from pathfinder.domain.plan import (
    format_hours,
    next_steps,
    plan_table,
    retired_progress,
    track_progress,
)
from pathfinder.entities import (
    DONE,
    MAX_NOTE_LENGTH,
    NOT_STARTED,
    SKIPPED,
    STATUSES,
    safe_link,
)
from pathfinder.ui import actions, data
from pathfinder.ui.feedback import attempt, conflict, show_pending
from pathfinder.ui.resources import content
from pathfinder.ui.state import (
    is_unsaved,
    save_changes,
    saving,
    set_shown,
    sync_widget,
    typed_default,
)
from pathfinder.ui.visitor import Visitor
from pathfinder.ui.widgets import citation_links, plain_markdown, records, without_missing

STATUS_LABELS = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "done": "Done",
    "skipped": "Skipped",
}
# Shown in front of a step's caption; done and not-started already show in its checkbox.
STATUS_BADGES = {
    "in-progress": ":blue-badge[:material/pending: In progress] ",
    "skipped": ":gray-badge[:material/block: Skipped] ",
}
BASIS_LABELS = {
    "guest-did": "what the guest did",
    "guest-recommends": "the guest recommends",
    "host-summary": "the host's summary",
}
RESET_WORD = "RESET"
FOCUS_TRACK = "plan-focus-track"


def filter_options(c: Content) -> tuple[dict[str, str], dict[str, str]]:
    """Return the track and skill choices for the filters, id -> name, in content order."""
    tracks = dict(zip(c.tracks["id"], c.tracks["name"], strict=True))
    skills = dict(zip(c.skills["id"], c.skills["name"], strict=True))
    return tracks, skills


@dataclass
class PlanFilters:
    """What the learner narrowed the plan to; kept in the session while the panel is shut."""

    tracks: list[str]
    statuses: list[str]
    skill: str | None

    @property
    def active(self) -> bool:
        """Return whether any filter narrows the plan."""
        return bool(self.tracks or self.statuses or self.skill)

    @property
    def narrows_steps(self) -> bool:
        """Return whether steps within a track are filtered (not just which tracks show)."""
        return bool(self.statuses or self.skill)

    def shows(self, step: dict[str, Any], building: set[str] | None) -> bool:
        """Return whether a step passes the status filter and builds the chosen skill."""
        if self.statuses and step["status"] not in self.statuses:
            return False
        return building is None or step["id"] in building


NO_FILTERS = PlanFilters(tracks=[], statuses=[], skill=None)


_KEPT_FILTERS = "plan-filters-kept"
_FILTER_WIDGETS = {
    "tracks": "plan-filter-tracks",
    "statuses": "plan-filter-status",
    "skill": "plan-filter-skill",
}


def render_filters(c: Content) -> PlanFilters:
    """Draw the lazy filter panel and return the filters in force (set in it earlier, too).

    The panel's widgets are only built while it is open, and a widget that is not drawn
    loses its value; so the choices are kept in the session and handed back to the
    widgets when the panel opens again.
    """
    kept = st.session_state.get(_KEPT_FILTERS)
    if not isinstance(kept, PlanFilters):
        kept = NO_FILTERS
    tracks, skills = filter_options(c)
    panel = st.expander(
        "Filter steps", icon=":material/filter_list:", key="plan-filters", on_change="rerun"
    )
    if panel.open:
        for field, key in _FILTER_WIDGETS.items():
            if key not in st.session_state:
                st.session_state[key] = getattr(kept, field)
        with panel:
            kept = PlanFilters(
                tracks=st.multiselect(
                    "Tracks", tracks, format_func=lambda t: tracks[t], key=_FILTER_WIDGETS["tracks"]
                ),
                statuses=st.multiselect(
                    "Status",
                    STATUSES,
                    format_func=lambda s: STATUS_LABELS[s],
                    key=_FILTER_WIDGETS["statuses"],
                ),
                skill=st.selectbox(
                    "Builds the skill",
                    [None, *skills],
                    format_func=lambda s: skills.get(s, "Any skill"),
                    key=_FILTER_WIDGETS["skill"],
                ),
            )
    st.session_state[_KEPT_FILTERS] = kept
    if kept.active and not panel.open:
        shown = [tracks[t] for t in kept.tracks] + [STATUS_LABELS[s] for s in kept.statuses]
        if kept.skill:
            shown.append(f"builds {skills[kept.skill]}")
        st.caption(f":material/filter_list: Showing only: {', '.join(shown)}.")
    return kept


@dataclass(frozen=True)
class PlanLayout:
    """What the plan page shows that depends only on the content, built once per process."""

    tracks: dict[str, dict[str, Any]]
    skill_names: dict[str, list[str]]
    skill_steps: dict[str, set[str]]
    resources: dict[str, list[dict[str, Any]]]


@st.cache_resource(show_spinner=False)
def plan_layout() -> PlanLayout:
    """Return the content-only lookups of the plan page (cached: content never changes)."""
    c = content()
    names = c.step_skills.merge(c.skills[["id", "name"]], left_on="skill_id", right_on="id")
    skill_names = {str(step_id): list(group) for step_id, group in names.groupby("step_id")["name"]}
    skill_steps = {
        str(skill_id): set(group)
        for skill_id, group in c.step_skills.groupby("skill_id")["step_id"]
    }
    resources = {str(step_id): records(group) for step_id, group in c.resources.groupby("step_id")}
    tracks = {str(t["id"]): t for t in records(c.tracks)}
    return PlanLayout(tracks, skill_names, skill_steps, resources)


@dataclass
class PlanSnapshot:
    """The learner's plan as read at the start of a full page run.

    Every track fragment is drawn from the same snapshot during a full run; once the run
    is over the page marks it stale, so a fragment rerun (a tick) reads afresh.
    """

    progress: pd.DataFrame
    steps: dict[str, list[dict[str, Any]]]
    tracks: dict[str, dict[str, Any]]
    next_track: str | None  # the track of the step to work on next, if any is left
    fresh: bool = True


def plan_snapshot(learner: Visitor) -> PlanSnapshot:
    """Read the learner's progress once and lay it out per track."""
    c = content()
    progress = data.progress(learner)
    plan = plan_table(c.steps, c.tracks, progress)
    steps: dict[str, list[dict[str, Any]]] = {}
    for step in records(plan):  # one conversion, not one per track
        steps.setdefault(str(step["track_id"]), []).append(step)
    per_track = {str(row["track_id"]): row for row in records(track_progress(plan))}
    upcoming = next_steps(plan, 1)["track_id"].tolist()
    return PlanSnapshot(
        progress=progress,
        steps=steps,
        tracks=per_track,
        next_track=str(upcoming[0]) if upcoming else None,
    )


def focus_track(snapshot: PlanSnapshot) -> str | None:
    """Return the track whose steps are open when the page opens: where the next step is.

    Chosen once per session, so ticking the last step of a track never snaps it shut
    (an expander's open state is tied to its `expanded` default).
    """
    if FOCUS_TRACK not in st.session_state:
        st.session_state[FOCUS_TRACK] = snapshot.next_track
    chosen = st.session_state[FOCUS_TRACK]
    return chosen if isinstance(chosen, str) else None


@st.fragment
def render_track(
    learner: Visitor,
    track_id: str,
    snapshot: PlanSnapshot,
    *,
    filters: PlanFilters = NO_FILTERS,
    open_at_start: bool = False,
) -> None:
    """Draw one track: its progress, bulk actions, and a checklist item per step.

    The steps sit in a lazy expander, open at the start only for the track where the next
    step is; the others show their progress and build their steps once opened. With a
    filter on, every track shows its matching steps at once.
    """
    # A tick inside this fragment reruns only the fragment, not the page: its change is
    # saved here (a full run saved it in resolve_visitor already), and the messages saving left
    # are drawn next to the step that changed.
    if not snapshot.fresh and learner.can_edit:
        save_changes(learner)
    show_pending()
    if not snapshot.fresh:
        snapshot = plan_snapshot(learner)
    layout = plan_layout()
    c = content()
    track = layout.tracks[track_id]
    summary = snapshot.tracks[track_id]
    track_steps = snapshot.steps.get(track_id, [])
    st.subheader(str(track["name"]), anchor=f"track-{track_id}")
    st.progress(
        min(float(summary["percent"]) / 100, 1.0),
        text=f"{int(summary['done_steps'])} of {int(summary['planned_steps'])} steps done · "
        f"{format_hours(float(summary['done_hours']))} of "
        f"{format_hours(float(summary['planned_hours']))}",
    )
    if filters.narrows_steps:
        shown_in = st.container()
    else:
        shown_in = st.expander(
            f"{len(track_steps)} steps",
            expanded=open_at_start,
            icon=":material/checklist:",
            key=f"track-steps-{track_id}",
            on_change="rerun",
        )
        if not shown_in.open:
            return
    with shown_in:
        st.caption(str(track["summary"]))
        _render_track_steps(learner, c, layout, track_id, track_steps, filters)


def _render_track_steps(
    learner: Visitor,
    c: Content,
    layout: PlanLayout,
    track_id: str,
    track_steps: list[dict[str, Any]],
    filters: PlanFilters,
) -> None:
    building = layout.skill_steps.get(filters.skill, set()) if filters.skill else None
    shown = [step for step in track_steps if filters.shows(step, building)]
    if learner.can_edit and shown:
        _render_track_menu(learner, track_id, shown, narrowed=filters.narrows_steps)
    for step in shown:
        _render_step(learner, c, layout, step)
    if not shown:
        st.caption("No steps in this track match the filters.")


def _render_track_menu(
    learner: Visitor, track_id: str, shown: list[dict[str, Any]], *, narrowed: bool
) -> None:
    """Offer the bulk actions for the steps on screen: a filter narrows them, skips stay."""
    # Lazy: the bulk buttons are only built when the menu is opened.
    menu = st.popover(
        "Track actions", icon=":material/done_all:", key=f"track-menu-{track_id}", on_change="rerun"
    )
    if not menu.open:
        return
    if narrowed:
        count = f"{len(shown)} shown step{'' if len(shown) == 1 else 's'}"
        done_label, reset_label = f"Mark the {count} done", f"Reset the {count}"
    else:
        done_label, reset_label = "Mark every step done", "Reset this track"
    to_finish = [step["id"] for step in shown if step["status"] not in (DONE, SKIPPED)]
    to_reset = [step["id"] for step in shown if step["status"] != NOT_STARTED]
    # (label, key, icon, steps, help, new status, message): the menu's two bulk changes.
    bulk = (
        (done_label, "done", "done_all", to_finish, "Steps you skipped stay skipped.", DONE,
         "Marked done"),
        (reset_label, "reset", "restart_alt", to_reset,
         "Back to not started, skipped steps included; notes and links stay.", NOT_STARTED,
         "Reset"),
    )  # fmt: skip
    for label, key, icon, step_ids, explained, status, saved in bulk:
        menu.button(
            label,
            key=f"track-{key}-{track_id}",
            icon=f":material/{icon}:",
            disabled=not step_ids,
            help=explained,
            on_click=actions.mark_steps,
            args=(learner, step_ids, status, saved),
        )


def _render_step(learner: Visitor, c: Content, layout: PlanLayout, step: dict[str, Any]) -> None:
    step_id = step["id"]
    read_only = not learner.can_edit
    with st.container(border=True, key=f"step-{step_id}"):
        done_key = actions.done_key(step_id)
        sync_widget(done_key, step["status"] == "done")
        st.checkbox(
            step["title"],
            key=done_key,
            disabled=read_only,
            **saving(learner, done_key, actions.toggle_done, step_id),
        )
        st.caption(
            f"{STATUS_BADGES.get(step['status'], '')}"
            f"About {format_hours(step['hours'])} · "
            f"builds {', '.join(layout.skill_names.get(step_id, []))} · "
            f"from {BASIS_LABELS[step['basis']]}"
        )
        # Lazy: the details (and their two text boxes) are only built once opened.
        details = st.expander(
            "Status, why, resources and notes", key=f"details-{step_id}", on_change="rerun"
        )
        if not details.open:
            return
        with details:
            _render_status(learner, step, read_only)
            st.markdown(step["description"])
            st.markdown(f"**Why:** {step['why']}")
            st.caption(f"In the interview: {citation_links(c.episode, step['sources'])}")
            resources = layout.resources.get(step_id, [])
            if resources:
                st.markdown("**Resources**")
                for resource in resources:
                    if resource["url"]:
                        st.markdown(
                            f"- [{resource['name']}]({resource['url']}) ({resource['kind']})"
                        )
                    else:
                        st.markdown(f"- {resource['name']} ({resource['kind']})")
            if not read_only:  # notes and links are the learner's own, not part of a share
                _render_note(learner, step, read_only)
                _render_links(learner, step, read_only)


def _render_status(learner: Visitor, step: dict[str, Any], read_only: bool) -> None:
    step_id = step["id"]
    status_key = actions.status_key(step_id)
    sync_widget(status_key, step["status"])
    st.segmented_control(
        "Status",
        STATUSES,
        format_func=lambda s: STATUS_LABELS[s],
        key=status_key,
        disabled=read_only,
        required=True,  # a step always has a status: clicking it again keeps it
        **saving(learner, status_key, actions.change_status, step_id),
    )


def _render_note(learner: Visitor, step: dict[str, Any], read_only: bool) -> None:
    step_id = step["id"]
    key = actions.note_key(step_id)
    stored = step["note"] if isinstance(step["note"], str) else ""
    version = int(step["note_version"]) if pd.notna(step["note_version"]) else 0
    if not is_unsaved(key):
        # The version the person's text builds on; while their text is unsaved (or in
        # conflict with another tab's) it stays the one they started from.
        set_shown(actions.note_version_key(step_id), version)
    st.text_area(
        "Your note",
        max_chars=MAX_NOTE_LENGTH,
        **saving(learner, key, actions.save_note, step_id),
        value=typed_default(key, stored),
        key=key,
        disabled=read_only,
        placeholder="What did you learn? What next?",
        help="Saved as you type, a moment after you pause, and when you leave the box.",
    )
    clash = conflict(key)
    if clash is not None:
        st.warning("This note was changed elsewhere. The version saved there:")
        st.text(clash.current_text)
        keep, take = st.columns(2)
        keep.button(
            "Keep my text",
            key=f"keep-{step_id}",
            on_click=actions.overwrite_note,
            args=(learner, step_id, clash.current_version),
        )
        take.button(
            "Use the saved text",
            key=f"take-{step_id}",
            on_click=actions.take_other_note,
            args=(step_id,),
        )
    elif is_unsaved(key):
        st.caption(":material/cloud_off: Not saved yet: your text is kept here until it can be.")


def _render_links(learner: Visitor, step: dict[str, Any], read_only: bool) -> None:
    step_id = step["id"]
    key = actions.links_key(step_id)
    links = step["links"] if isinstance(step["links"], list) else []
    st.text_area(
        "Your links (one per line)",
        **saving(learner, key, actions.save_links, step_id),
        value=typed_default(key, "\n".join(links)),
        key=key,
        disabled=read_only,
        height=68,
    )
    clash = conflict(key)
    if clash is not None:
        st.warning("These links were changed elsewhere. The links saved there:")
        st.text(clash.current_text or "(none)")
        keep, take = st.columns(2)
        keep.button(
            "Keep my links",
            key=f"keep-links-{step_id}",
            on_click=actions.overwrite_links,
            args=(learner, step_id),
        )
        take.button(
            "Use the saved links",
            key=f"take-links-{step_id}",
            on_click=actions.take_other_links,
            args=(step_id,),
        )
    for link in links:
        url = safe_link(link)
        if url is None:
            st.text(link)  # not http(s): shown, never made clickable
        else:
            st.link_button(plain_markdown(url), url, icon=":material/link:")


def render_retired(snapshot: PlanSnapshot, *, show_notes: bool = True) -> None:
    """List progress on steps that are no longer in the plan, so no history silently vanishes."""
    retired = retired_progress(content().steps, snapshot.progress)
    if retired.empty:
        return
    columns = ["step_id", "status", "completed_at", "note"] if show_notes else ["step_id", "status"]
    with st.expander(f"Retired steps ({len(retired)})", icon=":material/inventory_2:"):
        st.caption(
            "These steps were removed from the plan after you worked on them. Your history is "
            "kept, and they no longer count towards your progress."
        )
        st.dataframe(
            without_missing(retired[columns]),
            hide_index=True,
            column_config={"step_id": "Step id", "completed_at": "Completed"},
        )


def render_reset_all(learner: Visitor) -> None:
    """Offer to reset the whole plan, behind a typed confirmation."""
    if not learner.can_edit:
        return
    # Lazy: the confirmation box and button are only built once the expander is opened.
    panel = st.expander(
        "Reset the whole plan", icon=":material/warning:", key="plan-reset", on_change="rerun"
    )
    if not panel.open:
        return
    with panel:
        st.write(
            "Every step goes back to not started. Your notes, ratings and case studies stay, "
            "and the activity history keeps a record of the reset."
        )
        typed = st.text_input(f"Type {RESET_WORD} to confirm", key="plan-reset-confirm")
        if st.button(
            "Reset every step", type="primary", disabled=typed != RESET_WORD, key="plan-reset-all"
        ) and attempt(
            lambda: store.reset_plan(learner.engine, learner.profile_id),
            saved="The plan was reset",
        ):
            st.rerun()
