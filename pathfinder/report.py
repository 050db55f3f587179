"""Sharing without hosting: a standalone HTML progress report and case studies as Markdown.

Both are built from the learner's data as plain strings (no Streamlit). Every piece of
learner text is escaped: `html.escape` in the report, and in Markdown no raw HTML and no
link or image syntax, so a pasted `<script>` or `[x](javascript:...)` stays visible text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from pathfinder import charts, exports
from pathfinder.content import Content
from pathfinder.domain.activity import calendar_frame, streak
from pathfinder.domain.dates import format_date
from pathfinder.domain.pace import burnup, pace_forecast
from pathfinder.domain.plan import (
    format_hours,
    hours_by_track,
    plan_progress,
    plan_table,
    track_progress,
)
from pathfinder.domain.skills import rating_trend, skill_gaps
from pathfinder.entities import safe_link

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
_STATUS_LABELS = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "done": "Done",
    "skipped": "Skipped",
}


def _no_links(text: str) -> str:
    # Escaped brackets cannot form [text](url) or ![alt](src); < is already an entity,
    # so <javascript:...> autolinks cannot form either.
    return text.replace("[", r"\[").replace("]", r"\]")


def case_study_markdown(c: Content, title: str, sections: dict[str, str]) -> str:
    """Render one case study as Markdown with the learner's text made inert."""
    inert = {key: _no_links(text) for key, text in sections.items()}
    return exports.case_study_markdown(_no_links(title), c.case_study_sections, inert)


def case_studies_markdown(c: Content, drafts: pd.DataFrame) -> str:
    """Render every case study in `drafts` as one Markdown document, oldest first."""
    if drafts.empty:
        return "# Case studies\n\nNo case studies yet.\n"
    parts = [
        case_study_markdown(c, str(row["title"]), dict(row["sections"] or {}))
        for row in drafts.to_dict("records")
    ]
    return "\n---\n\n".join(parts)


@dataclass(frozen=True)
class ReportData:
    """Everything the progress report shows, as read from the store."""

    progress: pd.DataFrame
    target: Any  # store.Target (kept loose: the report only reads its two fields)
    activity_per_day: pd.DataFrame
    skill_history: pd.DataFrame
    latest_skill_ratings: pd.DataFrame
    owner_name: str | None = None


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _figures(c: Content, data: ReportData, plan: pd.DataFrame, today: date) -> list[charts.Chart]:
    gaps = skill_gaps(c.skills, data.latest_skill_ratings, c.step_skills, plan)
    return [
        charts.track_progress_bars(track_progress(plan)),
        charts.burnup_chart(burnup(plan, data.target, today)),
        charts.hours_by_track_bars(hours_by_track(plan)),
        charts.activity_calendar(calendar_frame(data.activity_per_day, today)),
        charts.skills_radar(gaps),
        charts.skills_over_time(rating_trend(data.skill_history, c.skills)),
    ]


def _steps_section(plan: pd.DataFrame) -> str:
    rows = []
    for step in plan.to_dict("records"):
        if step["status"] == "not-started" and not step["note"] and not step["links"]:
            continue
        links = []
        for link in step["links"]:
            url = safe_link(link)
            # Only http(s) links become anchors; anything else is shown as text.
            links.append(
                f'<a href="{_esc(url)}" rel="noopener noreferrer">{_esc(url)}</a>'
                if url
                else _esc(link)
            )
        note = f'<p class="note">{_esc(step["note"])}</p>' if step["note"] else ""
        link_list = f"<p>{' · '.join(links)}</p>" if links else ""
        rows.append(
            f"<li><strong>{_esc(step['title'])}</strong> · {_esc(step['track'])} · "
            f"{_esc(_STATUS_LABELS.get(step['status'], step['status']))}{note}{link_list}</li>"
        )
    if not rows:
        return "<p>No step started yet.</p>"
    return f"<ul>{''.join(rows)}</ul>"


def progress_report_html(c: Content, data: ReportData, today: date) -> str:
    """Return one self-contained HTML file: headline numbers, charts (plotly.js inlined), steps."""
    plan = plan_table(c.steps, c.tracks, data.progress)
    overall = plan_progress(plan)
    pace = pace_forecast(plan, data.target, today)
    owner = f" of {_esc(data.owner_name)}" if data.owner_name else ""
    figures = []
    for index, chart in enumerate(_figures(c, data, plan, today)):
        # plotly.js (about 4.5 MB) is inlined once, with the first chart, so the file
        # opens offline; the other charts reuse it.
        body = chart.figure.to_html(
            include_plotlyjs=index == 0, full_html=False, config=PLOTLY_CONFIG
        )
        figures.append(f"<figure>{body}<figcaption>{_esc(chart.alt_text)}</figcaption></figure>")
    streak_days = streak(data.activity_per_day, today)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Data PM Pathfinder progress report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
  padding: 0 1rem; color: #1f2328; }}
.metrics {{ display: flex; gap: 2rem; flex-wrap: wrap; }}
.metrics div {{ border: 1px solid #d0d7de; border-radius: .5rem; padding: .75rem 1rem; }}
.metrics strong {{ display: block; font-size: 1.6rem; }}
figcaption, .note {{ color: #57606a; white-space: pre-wrap; }}
li {{ margin-bottom: .5rem; }}
</style>
</head>
<body>
<h1>Progress report{owner}</h1>
<p>Data PM Pathfinder, generated on {_esc(format_date(today))}. The plan follows
{_esc(c.episode.guest)} ({_esc(c.episode.guest_role)}) in the interview
<em>{_esc(c.episode.title)}</em>.</p>
<section class="metrics">
<div>Plan done<strong>{overall.percent:.0f}%</strong></div>
<div>Hours done<strong>{_esc(format_hours(overall.done_hours))}</strong>
of {_esc(format_hours(overall.planned_hours))}</div>
<div>Steps done<strong>{overall.done_steps} of {overall.planned_steps}</strong></div>
<div>Streak<strong>{streak_days} days</strong></div>
</section>
<h2>Pace</h2>
<p>{_esc(pace.sentence)}</p>
<h2>Charts</h2>
{"".join(figures)}
<h2>Steps started or done</h2>
{_steps_section(plan)}
</body>
</html>
"""
