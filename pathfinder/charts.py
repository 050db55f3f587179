"""Plotly figure builders for the dashboard, each paired with a text alternative.

Every builder takes a frame from ``pathfinder.domain`` and returns a ``Chart``: the figure,
a sentence that says what it shows (for screen readers and as a caption), and a small table
of the numbers behind it. Figures use ``plotly.graph_objects`` only (``plotly.express``
is many times slower to build a figure), never change ``plotly.io.templates``, draw on transparent
backgrounds and set no text colours, so Streamlit's light and dark themes both read well.
Series differ by marker, dash or pattern as well as colour (Okabe-Ito palette).

Each figure is built in one ``go.Figure(data=..., layout=...)`` call from plain dicts:
every later ``update_layout`` / ``update_xaxes`` call re-validates the whole figure.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pathfinder.domain.dates import format_date
from pathfinder.domain.pace import BurnUp
from pathfinder.domain.plan import format_hours
from pathfinder.domain.skills import RATING_SCALE, skills_by_category

OKABE_ITO: Final = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#999999",  # grey: stands in for the palette's black, which vanishes on a dark theme
)
"""The Okabe-Ito colour-blind-safe palette, in its usual order (black replaced by grey)."""

SERIES_COLOURS: Final = tuple(c for c in OKABE_ITO if c != "#F0E442")
"""Palette for lines and markers: the yellow is too faint for a thin line on white."""

ORANGE: Final = OKABE_ITO[0]
SKY_BLUE: Final = OKABE_ITO[1]
BLUE: Final = OKABE_ITO[4]
VERMILLION: Final = OKABE_ITO[5]
GREY: Final = OKABE_ITO[7]

SYMBOLS: Final = ("circle", "diamond", "square", "triangle-up", "x", "star", "cross", "pentagon")
"""Marker symbols cycled with the palette so lines differ by shape as well as colour."""

TRANSPARENT: Final = "rgba(0,0,0,0)"
GRID: Final = "rgba(128,128,128,0.25)"
FAINT: Final = "rgba(128,128,128,0.18)"
"""Neutral greys with transparency: visible on both a white and a dark background."""


def _tint(colour: str, share: float) -> str:
    """Mix a '#rrggbb' colour with white: share 1 keeps the colour, 0 gives white."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - share * (255 - c)):02x}" for c in channels)


CONFIDENCE_COLOURS: Final = tuple(_tint(BLUE, share) for share in (0.2, 0.4, 0.6, 0.8, 1.0))
"""Opaque tints of blue for ratings 1-5. Opaque, not transparent, because Plotly picks
each cell's text colour from the cell colour alone: on a dark page a pale transparent
cell would get dark text that cannot be read."""

UNRATED: Final = "#9a9a9a"
"""Opaque mid grey for an unrated cell: black or white text both read on it."""

ACTIVITY_COLOURS: Final = (
    FAINT,
    "rgba(0,158,115,0.35)",
    "rgba(0,158,115,0.55)",
    "rgba(0,158,115,0.78)",
    "rgba(0,158,115,1.00)",
)
"""Calendar cell colours for no activity and the four activity levels (bluish green)."""


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure with its text alternative and the numbers it plots."""

    figure: go.Figure
    alt_text: str
    table: pd.DataFrame


# --- shared layout -------------------------------------------------------------------------

Props = dict[str, Any]
"""Plotly properties as a plain dict (validated once, when the figure is built)."""

_MARGIN: Final = MappingProxyType({"l": 8, "r": 8, "t": 44, "b": 8})
_LEGEND: Final = MappingProxyType(
    {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.18, "yanchor": "top"}
)
"""A horizontal legend under the plot: it wraps instead of squeezing a phone-width plot."""


def _note(message: str, *, corner: bool = False) -> Props:
    """Return an annotation writing ``message`` mid-plot, or upper left when ``corner``."""
    return {
        "text": message,
        "x": 0.02 if corner else 0.5,
        "y": 0.88 if corner else 0.5,  # below a plan-total line drawn along the top
        "xanchor": "left" if corner else "center",
        "yanchor": "top" if corner else "middle",
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": 14},
        "align": "left" if corner else "center",
    }


def _figure(
    title: str,
    traces: list[Any],
    *,
    height: int = 320,
    show_legend: bool = True,
    xaxis: Props | None = None,
    yaxis: Props | None = None,
    note: str | None = None,
    note_in_corner: bool = False,
    **layout: Any,
) -> go.Figure:
    """Build a figure with the house layout: titled, transparent, compact, legend below."""
    axis: Props = {"gridcolor": GRID, "zerolinecolor": GRID, "automargin": True}
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
            "paper_bgcolor": TRANSPARENT,
            "plot_bgcolor": TRANSPARENT,
            "height": height,
            "margin": dict(_MARGIN),
            "showlegend": show_legend,
            "legend": dict(_LEGEND),
            "hoverlabel": {"namelength": -1},
            "xaxis": {**axis, **(xaxis or {})},
            "yaxis": {**axis, **(yaxis or {})},
            "annotations": [_note(note, corner=note_in_corner)] if note else [],
            **layout,
        },
    )


def _empty_chart(title: str, message: str, table: pd.DataFrame) -> Chart:
    """Return a valid chart with hidden axes and a message instead of data."""
    figure = _figure(
        title,
        [],
        height=200,
        show_legend=False,
        xaxis={"visible": False},
        yaxis={"visible": False},
        note=message,
    )
    return Chart(figure=figure, alt_text=f"{title}: {message}", table=table)


def _label(text: object, width: int = 0) -> str:
    """Escape text for a Plotly label (it reads a little HTML) and wrap it at ``width``."""
    lines = textwrap.wrap(str(text), width, break_long_words=False) if width else [str(text)]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def _number(value: float) -> str:
    """Format a number without a trailing '.0' ('4', '2.5')."""
    return f"{round(float(value), 1):g}"


def _naive_utc(values: pd.Series) -> pd.Series:
    """Return timestamps as naive UTC, which Plotly plots without shifting."""
    return pd.to_datetime(values, utc=True).dt.tz_localize(None)


def _band_colorscale(colours: tuple[str, ...]) -> list[list[Any]]:
    """Return a stepped colorscale: equal bands, one flat colour each (for integer levels)."""
    n = len(colours)
    return [[edge, colour] for i, colour in enumerate(colours) for edge in (i / n, (i + 1) / n)]


# --- plan ----------------------------------------------------------------------------------


def track_progress_bars(tracks: pd.DataFrame) -> Chart:
    """Draw one bar per track showing the percent done, from ``domain.plan.track_progress``."""
    title = "Progress by track"
    table = pd.DataFrame(
        {
            "track": tracks["track"],
            "done_steps": tracks["done_steps"],
            "planned_steps": tracks["planned_steps"],
            "done_hours": tracks["done_hours"],
            "planned_hours": tracks["planned_hours"],
            "percent": tracks["percent"].round(0),
        }
    ).reset_index(drop=True)
    if table.empty:
        return _empty_chart(title, "No tracks in the plan yet.", table)

    labels = [
        f"{_label(name, 24)} ({done}/{total})"
        for name, done, total in zip(
            table["track"], table["done_steps"], table["planned_steps"], strict=True
        )
    ]
    percent = table["percent"].to_numpy(dtype=float)
    traces = [
        go.Bar(
            name="Done",
            y=labels,
            x=percent,
            orientation="h",
            marker={"color": BLUE},
            text=[f"{p:.0f}%" for p in percent],
            textposition="inside",
            insidetextanchor="start",
            hovertemplate="%{y}: %{x:.0f}% done<extra></extra>",
        ),
        go.Bar(
            name="Still to do",
            y=labels,
            x=100.0 - percent,
            orientation="h",
            marker={"color": FAINT, "pattern": {"shape": "/", "fgcolor": GREY}},
            hovertemplate="%{y}: %{x:.0f}% to do<extra></extra>",
        ),
    ]
    figure = _figure(
        title,
        traces,
        height=120 + 44 * len(table),
        xaxis={"range": [0, 100], "ticksuffix": "%", "dtick": 25},
        yaxis={"autorange": "reversed", "gridcolor": TRANSPARENT},
        barmode="stack",
        bargap=0.35,
        # Stacked bars reverse the legend by default; keep "Done" first, as drawn.
        legend={**_LEGEND, "traceorder": "normal"},
        margin={**_MARGIN, "r": 20},  # room for the "100%" tick label
    )
    parts = [
        f"{name} {p:.0f}% ({done} of {total} steps)"
        for name, p, done, total in zip(
            table["track"], percent, table["done_steps"], table["planned_steps"], strict=True
        )
    ]
    return Chart(figure, f"Progress by track: {'; '.join(parts)}.", table)


def hours_by_track_bars(hours: pd.DataFrame) -> Chart:
    """Draw hours done next to hours planned for each track, from ``domain.plan.hours_by_track``."""
    title = "Hours done and planned by track"
    table = hours[["track", "done_hours", "planned_hours"]].reset_index(drop=True)
    if table.empty:
        return _empty_chart(title, "No tracks in the plan yet.", table)

    names = [_label(name, 24) for name in table["track"]]
    longest = float(table[["done_hours", "planned_hours"]].to_numpy(dtype=float).max())
    traces = []
    for column, label, marker in (
        ("planned_hours", "Planned", {"color": SKY_BLUE, "pattern": {"shape": "/"}}),
        ("done_hours", "Done", {"color": BLUE}),
    ):
        values = table[column].to_numpy(dtype=float)
        traces.append(
            go.Bar(
                name=label,
                y=names,
                x=values,
                orientation="h",
                marker=marker,
                text=[f"{_number(v)} h" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{y}}: %{{x}} hours {label.lower()}<extra></extra>",
            )
        )
    figure = _figure(
        title,
        traces,
        height=140 + 64 * len(table),
        # Headroom on the right for the "96 h" labels outside the longest bar.
        xaxis={"title": {"text": "hours"}, "range": [0, 1.18 * max(longest, 1.0)]},
        yaxis={"autorange": "reversed", "gridcolor": TRANSPARENT},
        barmode="group",
        bargap=0.3,
    )
    parts = [
        f"{name} {_number(done)} of {_number(planned)}"
        for name, done, planned in zip(
            table["track"], table["done_hours"], table["planned_hours"], strict=True
        )
    ]
    return Chart(figure, f"Hours done of planned, by track: {'; '.join(parts)}.", table)


def burnup_chart(burn: BurnUp) -> Chart:
    """Draw hours done over time, the forecast to the finish and the target date."""
    title = "Hours done over time"
    actual = burn.actual.assign(series="done")
    forecast = burn.forecast.assign(series="forecast")
    table = pd.concat([actual, forecast], ignore_index=True)[["date", "series", "hours"]]
    if burn.planned_hours <= 0:
        return _empty_chart(title, "No planned hours to chart: no steps, or all skipped.", table)

    traces = [
        go.Scatter(
            name="Done",
            x=burn.actual["date"],
            y=burn.actual["hours"],
            mode="lines+markers",
            line={"color": BLUE, "width": 3, "shape": "hv"},
            marker={"symbol": "circle", "size": 6},
            hovertemplate="%{x|%d %b %Y}: %{y} hours done<extra></extra>",
        )
    ]
    ends = [*burn.actual["date"], *burn.forecast["date"]]
    if not burn.forecast.empty:
        traces.append(
            go.Scatter(
                name="Forecast at your pace",
                x=burn.forecast["date"],
                y=burn.forecast["hours"],
                mode="lines+markers",
                line={"color": ORANGE, "width": 2, "dash": "dash"},
                marker={"symbol": "diamond", "size": 8},
                hovertemplate="%{x|%d %b %Y}: %{y} hours<extra>forecast</extra>",
            )
        )
    if burn.target_date is not None:
        target = pd.Timestamp(burn.target_date)
        ends.append(target)
        traces.append(
            go.Scatter(
                name=f"Target date ({format_date(burn.target_date)})",
                x=[target, target],
                y=[0, burn.planned_hours],
                mode="lines",
                line={"color": VERMILLION, "width": 2, "dash": "dot"},
                hovertemplate=f"Target date {format_date(burn.target_date)}<extra></extra>",
            )
        )
    traces.append(
        go.Scatter(
            name=f"Plan total ({format_hours(burn.planned_hours)})",
            x=[min(ends), max(ends)],
            y=[burn.planned_hours, burn.planned_hours],
            mode="lines",
            line={"color": GREY, "width": 1, "dash": "longdash"},
            hoverinfo="skip",
        )
    )
    figure = _figure(
        title,
        traces,
        height=340,
        yaxis={"title": {"text": "hours"}, "rangemode": "tozero"},
        note="Nothing done yet:<br>the line rises as you finish steps."
        if burn.done_hours <= 0
        else None,
        note_in_corner=True,  # top left stays clear of a line that starts at zero
    )
    alt = (
        f"Hours done over time: {_number(burn.done_hours)} of "
        f"{_number(burn.planned_hours)} planned hours done. {burn.pace.sentence}"
    )
    return Chart(figure, alt, table)


# --- lifecycle -----------------------------------------------------------------------------


def lifecycle_flow(phases: pd.DataFrame) -> Chart:
    """Draw the lifecycle phases left to right, marking the ones a designer takes part in.

    Designer phases are filled chevrons, the others open ones, so the difference shows
    without colour; the legend names both.
    """
    title = "The data product lifecycle"
    ordered = phases.sort_values("order", kind="stable").reset_index(drop=True)
    table = pd.DataFrame(
        {
            "order": ordered["order"],
            "phase": ordered["name"],
            "designer_takes_part": ordered["designer_takes_part"].astype(bool),
        }
    )
    if table.empty:
        return _empty_chart(title, "No lifecycle phases in the content yet.", table)

    x = np.arange(1, len(table) + 1)
    labels = np.array(
        [f"{o}. {_label(n, 11)}" for o, n in zip(table["order"], table["phase"], strict=True)]
    )
    # Alternate labels above and below the line so neighbours do not overlap.
    positions = np.where(x % 2 == 1, "top center", "bottom center")
    designer = table["designer_takes_part"].to_numpy(dtype=bool)
    traces = [
        go.Scatter(
            x=x,
            y=np.zeros(len(x)),
            mode="lines",
            line={"color": GREY, "width": 2},
            hoverinfo="skip",
            showlegend=False,
        )
    ]
    for name, mask, marker in (
        (
            "Designer takes part",
            designer,
            {"symbol": "triangle-right", "color": ORANGE, "line": {"color": ORANGE, "width": 2}},
        ),
        (
            "Led by others",
            ~designer,
            {"symbol": "triangle-right-open", "color": BLUE, "line": {"width": 3}},
        ),
    ):
        traces.append(
            go.Scatter(
                name=name,
                x=x[mask],
                y=np.zeros(int(mask.sum())),
                mode="markers+text",
                marker={**marker, "size": 26},
                text=labels[mask],
                textposition=positions[mask],
                textfont={"size": 11},
                cliponaxis=False,
                hovertemplate="%{text}<extra>" + name + "</extra>",
            )
        )
    figure = _figure(
        title,
        traces,
        height=280,
        xaxis={"visible": False, "range": [0.3, len(x) + 0.7]},
        yaxis={"visible": False, "range": [-1.6, 1.6]},
    )
    steps = " → ".join(f"{o} {n}" for o, n in zip(table["order"], table["phase"], strict=True))
    takes_part = table.loc[table["designer_takes_part"], "phase"].tolist()
    alt = (
        f"The data product lifecycle has {len(table)} phases in order: {steps}. "
        f"A designer takes part in {len(takes_part)}"
        + (f": {', '.join(takes_part)}." if takes_part else ".")
    )
    return Chart(figure, alt, table)


def phase_confidence_heatmap(confidence: pd.DataFrame) -> Chart:
    """Draw the learner's 1-5 confidence per phase (from ``domain.skills.phase_confidence``)."""
    title = "Your confidence in each phase (1-5)"
    levels = confidence["level"].astype("Int64")
    table = pd.DataFrame(
        {
            "phase": confidence["name"],
            "level": levels,
            "designer_takes_part": confidence["designer_takes_part"].astype(bool),
        }
    ).reset_index(drop=True)
    if table.empty:
        return _empty_chart(title, "No lifecycle phases in the content yet.", table)

    rated = levels.notna().to_numpy()
    # Unrated phases sit at 0, drawn grey and labelled, so they read as "not rated".
    z = levels.fillna(0).to_numpy(dtype=float)
    cell_text = [
        f"{int(level)} · {RATING_SCALE[int(level)]}" if is_rated else "not rated"
        for level, is_rated in zip(z, rated, strict=True)
    ]
    trace = go.Heatmap(
        z=z.reshape(-1, 1),
        x=["confidence"],
        y=[_label(name, 28) for name in table["phase"]],
        text=np.array(cell_text).reshape(-1, 1),
        texttemplate="%{text}",
        hovertemplate="%{y}: %{text}<extra></extra>",
        zmin=-0.5,
        zmax=5.5,
        colorscale=_band_colorscale((UNRATED, *CONFIDENCE_COLOURS)),
        showscale=False,
        xgap=2,
        ygap=2,
    )
    figure = _figure(
        title,
        [trace],
        height=90 + 40 * len(table),
        show_legend=False,
        xaxis={"visible": False},
        yaxis={"autorange": "reversed", "gridcolor": TRANSPARENT},
    )
    parts = [
        f"{name} {text.split(' · ')[0]}"
        for name, text in zip(table["phase"], cell_text, strict=True)
    ]
    alt = (
        f"Confidence per phase on a 1-5 scale, {int(rated.sum())} of {len(table)} rated: "
        f"{'; '.join(parts)}."
    )
    return Chart(figure, alt, table)


# --- skills --------------------------------------------------------------------------------


def skills_radar(gaps: pd.DataFrame, by: Literal["category", "skill"] = "category") -> Chart:
    """Draw current against target rating (from ``domain.skills.skill_gaps``) as a radar.

    By category (the default, because two dozen skill names cannot share a phone-width
    radar) each axis is the mean rating and mean target of the category's skills, an
    unrated skill counting as 1 as it does for gaps. By skill, unrated skills sit at 0.
    Axes go round in content order so the shape stays put as ratings change.
    """
    title = "Your skills against the target"
    ordered = gaps.sort_values("skill_order", kind="stable").reset_index(drop=True)
    if by == "category":
        table = skills_by_category(ordered)
        axis_labels = table["category"].astype(str).str.capitalize().tolist()
    else:
        table = ordered[["skill", "importance", "current", "target", "gap"]]
        axis_labels = table["skill"].astype(str).tolist()
    if table.empty:
        return _empty_chart(title, "No skills in the content yet.", table)

    theta = [_label(name, 16) for name in axis_labels]
    wide = {"t": 88, "l": 72, "r": 72}
    closed_theta = [*theta, theta[0]]  # repeat the first point so each polygon closes
    traces = []
    for name, column, style in (
        (
            "Target",
            "target",
            {
                "line": {"color": ORANGE, "width": 2, "dash": "dash"},
                "marker": {"symbol": "diamond", "size": 8},
            },
        ),
        (
            "You now",
            "current",
            {
                "line": {"color": BLUE, "width": 2},
                "marker": {"symbol": "circle", "size": 8},
                "fill": "toself",
                "fillcolor": "rgba(0,114,178,0.25)",
            },
        ),
    ):
        values = table[column].to_numpy(dtype=float)
        traces.append(
            go.Scatterpolar(
                name=name,
                r=[*values, values[0]],
                theta=closed_theta,
                mode="lines+markers",
                hovertemplate="%{theta}: %{r}<extra>" + name + "</extra>",
                **style,
            )
        )
    figure = _figure(
        title,
        traces,
        height=420,
        # Axis labels sit outside the circle; skill names are longer than category names.
        margin={**_MARGIN, **({"t": 72, "l": 40, "r": 40} if by == "category" else wide)},
        polar={
            "bgcolor": TRANSPARENT,
            "radialaxis": {
                "range": [0, 5],
                "tickvals": [1, 2, 3, 4, 5],
                "gridcolor": GRID,
                "linecolor": GRID,
                "angle": 90,
                "tickangle": 90,
            },
            "angularaxis": {"gridcolor": GRID, "linecolor": GRID, "direction": "clockwise"},
        },
    )
    if by == "category":
        parts = [
            f"{label} {_number(current)} against {_number(target)} "
            f"({below} of {count} skills below target)"
            for label, current, target, below, count in zip(
                axis_labels,
                table["current"],
                table["target"],
                table["below_target"],
                table["skills"],
                strict=True,
            )
        ]
        alt = (
            "Mean rating against target by skill category, unrated skills counted as 1: "
            f"{'; '.join(parts)}. You have rated {int(table['rated'].sum())} of "
            f"{int(table['skills'].sum())} skills."
        )
        return Chart(figure, alt, table)

    met = int((table["gap"] <= 0).sum())
    biggest = table.loc[table["gap"] > 0].sort_values("gap", ascending=False, kind="stable")
    described = [
        f"{skill} (now {'not rated' if current == 0 else current}, target {target})"
        for skill, current, target in zip(
            biggest["skill"].head(3),
            biggest["current"].head(3),
            biggest["target"].head(3),
            strict=True,
        )
    ]
    alt = f"You meet the target in {met} of {len(table)} skills."
    if described:
        alt += f" Biggest gaps: {'; '.join(described)}."
    return Chart(figure, alt, table)


def skills_over_time(trend: pd.DataFrame) -> Chart:
    """Draw the mean self-rating of each skill category over time (``domain.skills.rating_trend``).

    One line per category rather than per skill: two dozen lines cannot be told apart,
    and five categories stay readable on a phone.
    """
    title = "Your skill ratings over time"
    grouped = trend.groupby("category", sort=False)
    table = grouped.agg(
        first_average=("average", "first"),
        latest_average=("average", "last"),
        rated_skills=("rated_skills", "last"),
    ).reset_index()
    if trend.empty:
        return _empty_chart(title, "No ratings yet: rate your skills to see them change.", table)

    traces = []
    for i, (category, points) in enumerate(grouped):
        name = str(category).capitalize()
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        traces.append(
            go.Scatter(
                name=name,
                x=_naive_utc(points["rated_at"]),
                y=points["average"].round(2),
                mode="lines+markers",
                line={"color": colour, "shape": "hv", "width": 2},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 7, "color": colour},
                hovertemplate="%{x|%d %b %Y}: %{y}<extra>" + name + "</extra>",
            )
        )
    figure = _figure(
        title,
        traces,
        yaxis={"range": [0.5, 5.5], "tickvals": [1, 2, 3, 4, 5], "title": {"text": "mean rating"}},
    )
    parts = [
        f"{str(category).capitalize()} from {first:.1f} to {latest:.1f}"
        for category, first, latest in zip(
            table["category"], table["first_average"], table["latest_average"], strict=True
        )
    ]
    alt = f"Mean self-rating per skill category over time: {'; '.join(parts)}."
    return Chart(figure, alt, table)


# --- activity ------------------------------------------------------------------------------


def activity_calendar(grid: pd.DataFrame) -> Chart:
    """Draw events per day as a week-by-weekday calendar (from ``domain.activity.calendar_frame``).

    Cells take one of five shades: none, then four equal steps up to the busiest day.
    """
    title = "Your activity"
    values = grid.to_numpy(dtype=float, na_value=np.nan)
    weeks = pd.DatetimeIndex(grid.columns)
    days = weeks.to_numpy()[np.newaxis, :] + np.arange(len(grid.index))[
        :, np.newaxis
    ] * np.timedelta64(1, "D")
    long = pd.DataFrame({"day": days.ravel(), "events": values.ravel()})
    table = long.loc[long["events"] > 0].sort_values("day").reset_index(drop=True)
    table["events"] = table["events"].astype("int64")
    if values.size == 0:
        return _empty_chart(title, "No activity yet.", table)

    busiest = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
    with np.errstate(invalid="ignore"):
        shade = np.where(values > 0, np.ceil(4 * values / max(busiest, 1.0)), 0.0)
    shade[np.isnan(values)] = np.nan  # days after today stay blank
    day_names = pd.DatetimeIndex(days.ravel()).strftime("%a %d %b %Y").to_numpy(dtype=str)
    counts = np.nan_to_num(values).astype(int).astype(str).ravel()
    units = np.where(values.ravel() == 1, " event", " events")
    hover = (
        (pd.Series(day_names) + ": " + pd.Series(counts) + pd.Series(units))
        .to_numpy()
        .reshape(values.shape)
    )
    trace = go.Heatmap(
        z=shade,
        x=weeks,
        y=list(grid.index),
        text=hover,
        hovertemplate="%{text}<extra></extra>",
        zmin=-0.5,
        zmax=4.5,
        colorscale=_band_colorscale(ACTIVITY_COLOURS),
        showscale=False,
        xgap=2,
        ygap=2,
    )
    total = int(table["events"].sum())
    figure = _figure(
        title,
        [trace],
        height=230,
        show_legend=False,
        xaxis={"tickformat": "%b", "dtick": "M1", "showgrid": False, "ticklabelmode": "period"},
        yaxis={"autorange": "reversed", "showgrid": False, "tickvals": ["Mon", "Wed", "Fri"]},
        note="No activity yet." if total == 0 else None,
    )
    if total == 0:
        alt = f"Your activity: no activity yet in the last {len(weeks)} weeks."
    else:
        top = int(table["events"].to_numpy().argmax())  # first of the busiest days
        busiest_day = pd.Timestamp(table["day"].iloc[top]).date()
        alt = (
            f"Your activity: {total} event{'s' if total != 1 else ''} on {len(table)} active "
            f"day{'s' if len(table) != 1 else ''} in the last "
            f"{len(weeks)} weeks; busiest day {format_date(busiest_day)} "
            f"with {int(table['events'].iloc[top])} events."
        )
    return Chart(figure, alt, table)


# --- career --------------------------------------------------------------------------------


def career_timeline(career: pd.DataFrame) -> Chart:
    """Draw the guest's career as ordered markers, top to bottom, labelled role and place."""
    title = "The guest's path into data product management"
    ordered = career.sort_values("order", kind="stable").reset_index(drop=True)
    table = ordered[["order", "role", "organisation"]]
    if table.empty:
        return _empty_chart(title, "No career entries in the content yet.", table)

    trace = go.Scatter(
        x=np.zeros(len(table)),
        y=np.arange(len(table)),
        mode="lines+markers+text",
        line={"color": GREY, "width": 2},
        marker={"symbol": "circle", "size": 14, "color": BLUE, "line": {"width": 0}},
        text=[
            f"<b>{_label(role, 34)}</b><br>{_label(organisation, 40)}"
            for role, organisation in zip(table["role"], table["organisation"], strict=True)
        ],
        textposition="middle right",
        cliponaxis=False,
        customdata=[_label(summary, 48) for summary in ordered["summary"]],
        hovertemplate="%{customdata}<extra></extra>",
    )
    figure = _figure(
        title,
        [trace],
        height=80 + 64 * len(table),
        show_legend=False,
        xaxis={"visible": False, "range": [-0.05, 1]},
        yaxis={"visible": False, "autorange": "reversed"},
    )
    steps = " → ".join(
        f"{role} ({organisation})"
        for role, organisation in zip(table["role"], table["organisation"], strict=True)
    )
    return Chart(figure, f"The guest's career in {len(table)} steps: {steps}.", table)
