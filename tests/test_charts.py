"""Behaviour of pathfinder.charts: the traces and numbers each figure shows, and its alt text."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.io as pio
import pytest

from pathfinder import charts
from pathfinder.domain.activity import WEEKDAYS, calendar_frame
from pathfinder.domain.pace import burnup
from pathfinder.domain.plan import hours_by_track, plan_table, track_progress
from pathfinder.domain.skills import phase_confidence, rating_trend, skill_gaps

TODAY = date(2026, 3, 11)  # a Wednesday


@dataclass(frozen=True)
class Target:
    """Stand-in for pathfinder.store.Target."""

    target_date: date | None
    hours_per_week: float | None


def make_plan(statuses: dict[str, str] | None = None) -> pd.DataFrame:
    """Build a two-track, three-step plan; ``statuses`` maps step id to status."""
    tracks = pd.DataFrame(
        {"id": ["data", "craft"], "order": [1, 2], "name": ["Data", "Craft"], "summary": "x"}
    )
    steps = pd.DataFrame(
        {
            "id": ["sql", "metrics", "story"],
            "track_id": ["data", "data", "craft"],
            "order": [1, 2, 1],
            "title": ["Learn SQL", "Define metrics", "Tell the story"],
            "hours": [10.0, 3.0, 7.0],
        }
    )
    statuses = statuses or {}
    progress = pd.DataFrame(
        {
            "step_id": list(statuses),
            "status": list(statuses.values()),
            "started_at": pd.Timestamp("2026-03-01T10:00Z"),
            "completed_at": pd.Timestamp("2026-03-02T10:00Z"),
            "note": "",
            "note_version": 1,
            "links": [[] for _ in statuses],
            "updated_at": pd.Timestamp("2026-03-02T10:00Z"),
        }
    )
    return plan_table(steps, tracks, progress)


PHASES = pd.DataFrame(
    {
        "id": ["build", "discover", "measure"],
        "order": [2, 1, 3],
        "name": ["Build", "Discover", "Measure <impact>"],
        "designer_takes_part": [False, True, True],
    }
)

SKILLS = pd.DataFrame(
    {
        "id": ["sql", "story", "stats"],
        "name": ["SQL", "Storytelling", "Statistics"],
        "category": ["data", "communication", "data"],
        "importance": ["required", "helpful", "optional"],
    }
)


def ratings(levels: dict[str, int], when: str = "2026-03-01") -> pd.DataFrame:
    """Build a ratings frame from {subject_id: level} rated at one time."""
    return pd.DataFrame(
        {
            "subject_id": list(levels),
            "level": pd.Series(list(levels.values()), dtype="int64"),
            "rated_at": pd.Series([pd.Timestamp(when, tz="UTC")] * len(levels)),
        }
    )


def gaps(levels: dict[str, int]) -> pd.DataFrame:
    """Return skill_gaps for SKILLS rated as given."""
    step_skills = pd.DataFrame({"step_id": ["sql"], "skill_id": ["sql"]})
    return skill_gaps(SKILLS, ratings(levels), step_skills, make_plan())


def activity(days: dict[str, int]) -> pd.DataFrame:
    """Build an activity_per_day frame from {'YYYY-MM-DD': events}."""
    return pd.DataFrame(
        {"day": pd.to_datetime(list(days), utc=True), "events": pd.Series(list(days.values()))}
    )


CAREER = pd.DataFrame(
    {
        "id": ["support", "designer", "pm"],
        "order": [1, 2, 3],
        "role": ["Support", "Product designer", "Product manager <data>"],
        "organisation": ["Hosting Co", "Zendesk", "Meroxa"],
        "summary": ["Answered tickets", "Designed features", "Runs data products"],
    }
)


def trace(chart: charts.Chart, name: str) -> Any:
    """Return the trace called ``name``."""
    matches = [t for t in chart.figure.data if t.name == name]
    assert len(matches) == 1, [t.name for t in chart.figure.data]
    return matches[0]


def annotation_texts(chart: charts.Chart) -> list[str]:
    """Return the texts of the figure's annotations."""
    return [a.text for a in chart.figure.layout.annotations]


# Every builder with a typical input and an empty one.
BUILDERS: dict[str, tuple[Callable[[], charts.Chart], Callable[[], charts.Chart]]] = {
    "track_progress_bars": (
        lambda: charts.track_progress_bars(track_progress(make_plan({"sql": "done"}))),
        lambda: charts.track_progress_bars(track_progress(make_plan().iloc[0:0])),
    ),
    "hours_by_track_bars": (
        lambda: charts.hours_by_track_bars(hours_by_track(make_plan({"sql": "done"}))),
        lambda: charts.hours_by_track_bars(hours_by_track(make_plan().iloc[0:0])),
    ),
    "burnup_chart": (
        lambda: charts.burnup_chart(
            burnup(make_plan({"sql": "done"}), Target(date(2026, 4, 30), 5.0), TODAY)
        ),
        lambda: charts.burnup_chart(burnup(make_plan().iloc[0:0], None, TODAY)),
    ),
    "lifecycle_flow": (
        lambda: charts.lifecycle_flow(PHASES),
        lambda: charts.lifecycle_flow(PHASES.iloc[0:0]),
    ),
    "phase_confidence_heatmap": (
        lambda: charts.phase_confidence_heatmap(phase_confidence(PHASES, ratings({"discover": 4}))),
        lambda: charts.phase_confidence_heatmap(phase_confidence(PHASES.iloc[0:0], ratings({}))),
    ),
    "skills_radar": (
        lambda: charts.skills_radar(gaps({"sql": 2})),
        lambda: charts.skills_radar(gaps({}).iloc[0:0]),
    ),
    "skills_radar_by_skill": (
        lambda: charts.skills_radar(gaps({"sql": 2}), by="skill"),
        lambda: charts.skills_radar(gaps({}).iloc[0:0], by="skill"),
    ),
    "skills_over_time": (
        lambda: charts.skills_over_time(rating_trend(ratings({"sql": 2}), SKILLS)),
        lambda: charts.skills_over_time(rating_trend(ratings({}), SKILLS)),
    ),
    "activity_calendar": (
        lambda: charts.activity_calendar(
            calendar_frame(activity({"2026-03-09": 3}), TODAY, weeks=4)
        ),
        lambda: charts.activity_calendar(calendar_frame(activity({}), TODAY)),
    ),
    "career_timeline": (
        lambda: charts.career_timeline(CAREER),
        lambda: charts.career_timeline(CAREER.iloc[0:0]),
    ),
}


# Every builder, typical and empty, as pytest params.
EVERY_CHART = [
    pytest.param(build, id=f"{name}-{kind}")
    for name, builds in BUILDERS.items()
    for kind, build in zip(("typical", "empty"), builds, strict=True)
]


def font_colours(node: Any, path: str = "") -> Iterator[str]:
    """Yield the paths of every font colour set anywhere in a figure dict."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if "font" in key and isinstance(value, dict) and value.get("color") is not None:
                yield here
            yield from font_colours(value, here)
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from font_colours(value, f"{path}[{i}]")


# --- house style, for every chart ----------------------------------------------------------


@pytest.mark.parametrize("build", EVERY_CHART)
def test_every_chart_has_a_title_alt_text_and_a_table(build: Callable[[], charts.Chart]) -> None:
    """Each figure, even an empty one, has a title, a text alternative and a numbers table."""
    chart = build()
    assert chart.figure.layout.title.text
    assert chart.alt_text.strip()
    assert isinstance(chart.table, pd.DataFrame)


@pytest.mark.parametrize("build", EVERY_CHART)
def test_charts_read_on_light_and_dark_themes(build: Callable[[], charts.Chart]) -> None:
    """Backgrounds are transparent and no text colour is fixed, so the app theme decides."""
    figure = build().figure
    assert figure.layout.paper_bgcolor == charts.TRANSPARENT
    assert figure.layout.plot_bgcolor == charts.TRANSPARENT
    own = figure.to_plotly_json()
    own["layout"].pop("template", None)
    assert list(font_colours(own)) == []


@pytest.mark.parametrize("build", EVERY_CHART)
def test_legends_are_horizontal_and_below_the_plot(build: Callable[[], charts.Chart]) -> None:
    """A horizontal legend under the plot wraps on a phone instead of squeezing the chart."""
    legend = build().figure.layout.legend
    assert legend.orientation == "h"
    assert legend.y < 0


@pytest.mark.parametrize("build", EVERY_CHART)
def test_trace_colours_come_from_the_palette(build: Callable[[], charts.Chart]) -> None:
    """Lines, markers and bars use Okabe-Ito colours (or neutral greys and their tints)."""
    allowed = {*charts.OKABE_ITO, charts.GRID, charts.FAINT, charts.UNRATED}
    for item in build().figure.data:
        for colour in (
            getattr(getattr(item, "line", None), "color", None),
            getattr(getattr(item, "marker", None), "color", None),
        ):
            if isinstance(colour, str):
                assert colour in allowed, (item.name, colour)


def test_building_charts_leaves_the_global_plotly_template_alone() -> None:
    """No builder changes plotly.io.templates.default, which every session shares."""
    before = pio.templates.default
    for typical, empty in BUILDERS.values():
        typical()
        empty()
    assert pio.templates.default == before


def test_charts_module_uses_graph_objects_only() -> None:
    """The module never imports plotly.express, which costs tens of milliseconds a figure."""
    tree = ast.parse(inspect.getsource(charts))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.startswith("plotly.express")}
    assert "plotly.graph_objects" in imported


@pytest.mark.parametrize("name", list(BUILDERS))
def test_empty_inputs_give_a_figure_with_a_helpful_note(name: str) -> None:
    """With nothing to plot the figure explains why instead of raising or showing blank axes."""
    chart = BUILDERS[name][1]()
    assert len(chart.figure.data) == 0 or name == "activity_calendar"
    notes = annotation_texts(chart)
    assert len(notes) == 1
    assert notes[0].startswith("No ")
    assert notes[0] in chart.alt_text or "no activity yet" in chart.alt_text


def test_okabe_ito_palette_is_eight_distinct_colours() -> None:
    """The palette constant holds the eight Okabe-Ito colours once each."""
    assert len(set(charts.OKABE_ITO)) == 8
    assert "#E69F00" in charts.OKABE_ITO
    assert "#0072B2" in charts.OKABE_ITO


# --- plan charts ---------------------------------------------------------------------------


def test_track_bars_show_percent_done_and_left_per_track() -> None:
    """Each track gets a 'Done' bar at its percent and a 'Still to do' bar for the rest."""
    chart = charts.track_progress_bars(track_progress(make_plan({"sql": "done"})))
    done = trace(chart, "Done")
    assert list(done.x) == [77.0, 0.0]  # 10 of 13 hours in Data, 0 of 7 in Craft
    assert list(trace(chart, "Still to do").x) == [23.0, 100.0]
    assert done.y[0].startswith("Data (1/2)")
    assert chart.alt_text == (
        "Progress by track: Data 77% (1 of 2 steps); Craft 0% (0 of 1 steps)."
    )
    assert chart.table["percent"].tolist() == [77.0, 0.0]


def test_hours_bars_group_done_and_planned_hours() -> None:
    """Hours done and planned sit side by side per track, with the hours printed."""
    chart = charts.hours_by_track_bars(hours_by_track(make_plan({"story": "done"})))
    assert chart.figure.layout.barmode == "group"
    assert list(trace(chart, "Planned").x) == [13.0, 7.0]
    assert list(trace(chart, "Done").x) == [0.0, 7.0]
    assert list(trace(chart, "Done").text) == ["0 h", "7 h"]
    assert trace(chart, "Planned").marker.pattern.shape == "/"  # not told apart by colour only
    assert "Data 0 of 13; Craft 7 of 7" in chart.alt_text


def test_burnup_shows_done_forecast_target_and_total() -> None:
    """The burn-up has the done line, the forecast to the total, the target date and total."""
    burn = burnup(make_plan({"sql": "done"}), Target(date(2026, 4, 30), 5.0), TODAY)
    chart = charts.burnup_chart(burn)
    done = trace(chart, "Done")
    assert list(done.y) == [0.0, 10.0, 10.0]
    forecast = trace(chart, "Forecast at your pace")
    assert list(forecast.y) == [10.0, 20.0]
    assert forecast.line.dash == "dash"
    target = trace(chart, "Target date (30 April 2026)")
    assert [pd.Timestamp(x).date() for x in target.x] == [date(2026, 4, 30)] * 2
    assert list(trace(chart, "Plan total (20 hours)").y) == [20.0, 20.0]
    assert chart.alt_text.startswith("Hours done over time: 10 of 20 planned hours done.")
    assert "At 5 hours a week you finish on 25 March 2026" in chart.alt_text
    assert set(chart.table["series"]) == {"done", "forecast"}


def test_burnup_without_pace_or_target_has_only_done_and_total() -> None:
    """Without weekly hours there is no forecast line and no target marker."""
    chart = charts.burnup_chart(burnup(make_plan(), None, TODAY))
    assert [t.name for t in chart.figure.data] == ["Done", "Plan total (20 hours)"]
    assert annotation_texts(chart) == ["Nothing done yet:<br>the line rises as you finish steps."]


def test_burnup_with_every_step_skipped_says_so() -> None:
    """A plan with no hours left to plan shows a note instead of an empty chart."""
    plan = make_plan({"sql": "skipped", "metrics": "skipped", "story": "skipped"})
    chart = charts.burnup_chart(burnup(plan, Target(None, 5.0), TODAY))
    assert annotation_texts(chart) == ["No planned hours to chart: no steps, or all skipped."]


# --- lifecycle charts ----------------------------------------------------------------------


def test_lifecycle_flow_orders_phases_and_marks_designer_phases_by_shape() -> None:
    """Phases run left to right in order; designer phases differ by marker, with a legend."""
    chart = charts.lifecycle_flow(PHASES)
    designer = trace(chart, "Designer takes part")
    others = trace(chart, "Led by others")
    assert list(designer.x) == [1, 3]
    assert list(others.x) == [2]
    assert designer.marker.symbol != others.marker.symbol
    assert designer.marker.symbol == "triangle-right"
    assert others.marker.symbol == "triangle-right-open"
    assert chart.figure.layout.showlegend
    assert designer.text[1] == "3. Measure<br>&lt;impact&gt;"  # escaped for Plotly
    assert chart.alt_text == (
        "The data product lifecycle has 3 phases in order: 1 Discover → 2 Build → "
        "3 Measure <impact>. A designer takes part in 2: Discover, Measure <impact>."
    )


def test_phase_confidence_heatmap_shows_levels_and_unrated_phases() -> None:
    """Rated phases show their 1-5 level and its meaning; unrated ones say 'not rated'."""
    confidence = phase_confidence(PHASES, ratings({"discover": 4}))
    chart = charts.phase_confidence_heatmap(confidence)
    heatmap = chart.figure.data[0]
    assert heatmap.type == "heatmap"
    assert [row[0] for row in heatmap.z] == [4.0, 0.0, 0.0]
    assert [row[0] for row in heatmap.text] == ["4 · Can do it on my own", "not rated", "not rated"]
    assert chart.alt_text == (
        "Confidence per phase on a 1-5 scale, 1 of 3 rated: "
        "Discover 4; Build not rated; Measure <impact> not rated."
    )


# --- skill charts --------------------------------------------------------------------------


def test_radar_by_category_compares_mean_rating_with_mean_target_in_closed_polygons() -> None:
    """Two closed series, 'You now' and 'Target', per category; unrated skills count as 1."""
    chart = charts.skills_radar(gaps({"sql": 2, "stats": 3}))
    now = trace(chart, "You now")
    target = trace(chart, "Target")
    assert list(now.theta) == ["Data", "Communication", "Data"]
    assert list(now.r) == [2.5, 1.0, 2.5]  # data: (2 + 3) / 2; storytelling unrated -> 1
    assert list(target.r) == [3.0, 3.0, 3.0]  # data: (4 + 2) / 2; communication: helpful 3
    assert target.line.dash == "dash"
    assert chart.table["below_target"].tolist() == [1, 1]
    assert "Data 2.5 against 3 (1 of 2 skills below target)" in chart.alt_text
    assert "You have rated 2 of 3 skills." in chart.alt_text


def test_radar_by_skill_plots_each_skill_in_content_order() -> None:
    """By skill, each axis is one skill in content order, unrated at 0, polygons closed."""
    chart = charts.skills_radar(gaps({"sql": 2}), by="skill")
    now = trace(chart, "You now")
    assert list(now.theta) == ["SQL", "Storytelling", "Statistics", "SQL"]
    assert list(now.r) == [2.0, 0.0, 0.0, 2.0]
    assert list(trace(chart, "Target").r) == [4.0, 3.0, 2.0, 4.0]
    assert chart.alt_text.startswith("You meet the target in 0 of 3 skills. Biggest gaps:")
    assert "SQL (now 2, target 4)" in chart.alt_text
    assert "Storytelling (now not rated, target 3)" in chart.alt_text


def test_skills_over_time_draws_a_line_per_category() -> None:
    """Each skill category gets one line of its mean rating, in time order."""
    history = pd.concat(
        [ratings({"sql": 1, "story": 2}, "2026-01-01"), ratings({"stats": 3}, "2026-02-01")]
    )
    chart = charts.skills_over_time(rating_trend(history, SKILLS))
    assert [t.name for t in chart.figure.data] == ["Data", "Communication"]
    assert list(trace(chart, "Data").y) == [1.0, 2.0]
    assert list(trace(chart, "Communication").y) == [2.0, 2.0]
    symbols = {t.marker.symbol for t in chart.figure.data}
    assert len(symbols) == 2  # lines differ by marker, not only colour
    assert chart.alt_text == (
        "Mean self-rating per skill category over time: Data from 1.0 to 2.0; "
        "Communication from 2.0 to 2.0."
    )


# --- activity and career -------------------------------------------------------------------


def test_activity_calendar_is_a_weekday_by_week_heatmap_with_totals_in_the_alt_text() -> None:
    """The calendar shades each day by activity and the alt text gives the totals."""
    grid = calendar_frame(activity({"2026-03-03": 4, "2026-03-09": 1}), TODAY, weeks=2)
    chart = charts.activity_calendar(grid)
    heatmap = chart.figure.data[0]
    assert heatmap.type == "heatmap"
    assert list(heatmap.y) == list(WEEKDAYS)
    z = pd.DataFrame(heatmap.z, index=list(WEEKDAYS))
    assert z.loc["Tue", 0] == 4  # the busiest day gets the darkest shade
    assert z.loc["Mon", 1] == 1
    assert z.loc["Wed", 1] == 0
    assert pd.isna(z.loc["Thu", 1])  # the future stays blank
    assert heatmap.text[1][0] == "Tue 03 Mar 2026: 4 events"
    assert chart.alt_text == (
        "Your activity: 5 events on 2 active days in the last 2 weeks; "
        "busiest day 3 March 2026 with 4 events."
    )
    assert chart.table["events"].tolist() == [4, 1]


def test_activity_calendar_with_no_events_says_so() -> None:
    """A new learner sees the empty grid with 'No activity yet'."""
    chart = charts.activity_calendar(calendar_frame(activity({}), TODAY))
    assert annotation_texts(chart) == ["No activity yet."]
    assert chart.alt_text == "Your activity: no activity yet in the last 52 weeks."


def test_career_timeline_lists_roles_in_order_with_labels() -> None:
    """Roles appear top to bottom in order, labelled role and organisation, HTML escaped."""
    chart = charts.career_timeline(CAREER.iloc[::-1])
    points = chart.figure.data[0]
    assert list(points.y) == [0, 1, 2]
    assert chart.figure.layout.yaxis.autorange == "reversed"
    assert points.text[0] == "<b>Support</b><br>Hosting Co"
    assert points.text[2] == "<b>Product manager &lt;data&gt;</b><br>Meroxa"
    assert chart.alt_text == (
        "The guest's career in 3 steps: Support (Hosting Co) → Product designer (Zendesk) → "
        "Product manager <data> (Meroxa)."
    )
