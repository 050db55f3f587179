"""Load the content files into validated pandas DataFrames."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from pathfinder.content.errors import ContentError
from pathfinder.content.model import CONTENT_DIR, Content, Episode
from pathfinder.content.schemas import SECTIONS, Section, _is_url
from pathfinder.content.timestamps import TIMESTAMP_PATTERN, parse_timestamp
from pathfinder.content.yaml_reader import LINE_KEY, read_yaml, strip_line_numbers

EPISODE_FILE = "episode.yaml"


def load_content(content_dir: Path = CONTENT_DIR) -> Content:
    """Read, validate and normalise every content file.

    Raises:
        ContentError: a file is missing, unreadable or breaks a rule; the message names
            the file, the item id, the field and what is wrong.

    """
    raw_files: dict[str, dict[str, Any]] = {}

    def raw(file: str) -> dict[str, Any]:
        if file not in raw_files:
            raw_files[file] = read_yaml(content_dir / file)
        return raw_files[file]

    episode = _episode(raw(EPISODE_FILE))
    frames: dict[str, pd.DataFrame] = {}
    lines: dict[str, list[int | None]] = {}
    for name, section in SECTIONS.items():
        frames[name], lines[name] = _section_frame(
            raw(section.file), section, episode.duration_seconds
        )
    # References first: a step moved to a misspelt track is reported as that, not as a gap.
    _check_references(frames)
    for name, section in SECTIONS.items():
        _check_order(frames[name], lines[name], section)
        if "order" in frames[name] and section.ordered_within is None:
            frames[name] = frames[name].sort_values("order", kind="stable").reset_index(drop=True)
    steps = frames["steps"]
    step_skills = _explode_links(steps, "skills", "skill_id")
    step_phases = _explode_links(steps, "phases", "phase_id")
    resources = _resources(steps)
    tracks = frames["tracks"]
    track_order = steps["track"].map(tracks.set_index("id")["order"])
    frames["steps"] = (
        steps.assign(_track_order=track_order)
        .sort_values(["_track_order", "order"], kind="stable")
        .drop(columns=["_track_order", "skills", "phases", "resources"])
        .rename(columns={"track": "track_id"})
        .reset_index(drop=True)
    )
    frames["glossary"] = (
        frames["glossary"]
        .sort_values("term", key=lambda s: s.str.lower(), kind="stable")
        .reset_index(drop=True)
    )
    return Content(
        episode=episode,
        step_skills=step_skills,
        step_phases=step_phases,
        resources=resources,
        sources=_sources_table(frames, episode),
        **frames,
    )


def _episode(raw: dict[str, Any]) -> Episode:
    data = raw.get("episode")
    if not isinstance(data, dict):
        raise ContentError(EPISODE_FILE, "the section `episode:` is missing or not a mapping")
    data = strip_line_numbers(data)
    wanted = {f.name for f in fields(Episode)} - {"duration_seconds"}
    unknown = sorted(set(data) - wanted)
    if unknown:
        raise ContentError(
            EPISODE_FILE, f"unknown field (expected {', '.join(sorted(wanted))})", field=unknown[0]
        )
    for name in sorted(wanted):
        if name not in data:
            raise ContentError(EPISODE_FILE, "is required but missing", field=name)
    text_fields = ("show", "title", "guest", "guest_role", "guest_background", "host")
    for name in text_fields:
        if not isinstance(data[name], str) or not data[name].strip():
            raise ContentError(EPISODE_FILE, "must be non-empty text", field=name)
    for name in ("season", "episode"):
        if not isinstance(data[name], int) or isinstance(data[name], bool) or data[name] < 1:
            raise ContentError(EPISODE_FILE, "must be a whole number from 1 up", field=name)
    published = data["published"]
    if isinstance(published, str):
        try:
            published = dt.date.fromisoformat(published)
        except ValueError:
            raise ContentError(
                EPISODE_FILE, "must be a date like 2021-11-26", field="published"
            ) from None
    if not isinstance(published, dt.date):
        raise ContentError(EPISODE_FILE, "must be a date like 2021-11-26", field="published")
    duration = data["duration"]
    if not isinstance(duration, str) or not TIMESTAMP_PATTERN.match(duration):
        raise ContentError(EPISODE_FILE, "must be a length like 1:02:29", field="duration")
    for name in ("video_url", "episode_page"):
        if not _is_url(data[name]):
            raise ContentError(EPISODE_FILE, "must be an http(s) URL", field=name)
    return Episode(
        **{**data, "published": published, "duration_seconds": parse_timestamp(duration)}
    )


def _section_frame(
    raw: dict[str, Any], section: Section, episode_seconds: int
) -> tuple[pd.DataFrame, list[int | None]]:
    items = raw.get(section.key)
    if items is None:
        raise ContentError(section.file, f"the section `{section.key}:` is missing")
    if not isinstance(items, list) or not items:
        raise ContentError(section.file, f"`{section.key}:` must be a list of one or more items")
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ContentError(
                section.file, f"entry {position} of `{section.key}:` is not a mapping of fields"
            )
    lines = [item.get(LINE_KEY) for item in items]
    records = [strip_line_numbers(item) for item in items]
    frame = pd.DataFrame.from_records(records).astype(object)
    try:
        section.schema(episode_seconds).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise _first_error(errors.failure_cases, frame, records, lines, section) from None
    frame = frame.astype({"order": int} if "order" in frame else {})
    if "hours" in frame:
        frame["hours"] = frame["hours"].astype(float)
    if "designer_takes_part" in frame:
        frame["designer_takes_part"] = frame["designer_takes_part"].astype(bool)
    return frame, lines


def _item_id(frame: pd.DataFrame, index: int) -> str:
    value = frame.at[index, "id"] if "id" in frame else None
    return value if isinstance(value, str) and value else f"#{index + 1}"


def _first_error(
    failures: pd.DataFrame,
    frame: pd.DataFrame,
    records: list[dict[str, Any]],
    lines: list[int | None],
    section: Section,
) -> ContentError:
    """Turn pandera's failure table into one message an editor can act on."""
    failures = failures.assign(
        _row=pd.to_numeric(failures["index"], errors="coerce").fillna(-1)
    ).sort_values("_row", kind="stable")
    first = failures.iloc[0]
    more = len(failures) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''} in this file)" if more else ""
    check = str(first["check"])
    known = ", ".join([*section.fields, "sources"])
    if check == "column_in_schema":
        field = str(first["failure_case"])
        row = next(i for i, r in enumerate(records) if field in r)
        return ContentError(
            section.file,
            f"unknown field (expected one of: {known}){suffix}",
            item_id=_item_id(frame, row),
            field=field,
            line=lines[row],
        )
    if check == "column_in_dataframe":
        return ContentError(
            section.file,
            f"is missing from every item in `{section.key}:`{suffix}",
            field=str(first["failure_case"]),
        )
    row = int(first["_row"])
    field = str(first["column"])
    item_id, line = _item_id(frame, row), lines[row]
    if check == "not_nullable":
        problem = "is required but missing"
    elif check == "field_uniqueness":
        problem = (
            f"the id '{first['failure_case']}' is used by more than one item; ids must be unique"
        )
    else:
        problem = f"{check}; got {first['failure_case']!r}"
    return ContentError(section.file, problem + suffix, item_id=item_id, field=field, line=line)


def _check_order(frame: pd.DataFrame, lines: list[int | None], section: Section) -> None:
    if "order" not in frame:
        return
    groups = frame.groupby(section.ordered_within) if section.ordered_within else [(None, frame)]
    for group, part in groups:
        found = sorted(part["order"])
        if found != list(range(1, len(found) + 1)):
            within = f" within {section.ordered_within} '{group!s}'" if group is not None else ""
            within += f" in `{section.key}:`"
            shown = ", ".join(str(v) for v in found)
            row = int(part.index[0])
            raise ContentError(
                section.file,
                f"order values{within} must run 1, 2, 3... with no gaps or repeats; found {shown}",
                field="order",
                item_id=_item_id(frame, row) if len(part) == 1 else None,
                line=lines[row] if len(part) == 1 else None,
            )


def _check_references(frames: dict[str, pd.DataFrame]) -> None:
    steps = frames["steps"]
    targets = {"track": "tracks", "skills": "skills", "phases": "phases"}
    for field, target in targets.items():
        known = set(frames[target]["id"])
        exploded = steps[["id", field]].explode(field).dropna()
        unknown = exploded[~exploded[field].isin(known)]
        if not unknown.empty:
            bad = unknown.iloc[0]
            raise ContentError(
                SECTIONS["steps"].file,
                f"'{bad[field]}' is not the id of any item in {SECTIONS[target].file} "
                f"`{SECTIONS[target].key}:`",
                item_id=str(bad["id"]),
                field=field,
            )


def _explode_links(steps: pd.DataFrame, field: str, target_column: str) -> pd.DataFrame:
    links = steps[["id", field]].explode(field).dropna()
    return links.rename(columns={"id": "step_id", field: target_column}).reset_index(drop=True)


def _resources(steps: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {
            "step_id": step_id,
            "order": order,
            "name": r["name"],
            "kind": r["kind"],
            "url": r.get("url"),
        }
        for step_id, resources in zip(steps["id"], steps["resources"], strict=True)
        for order, r in enumerate(resources, start=1)
    ]
    columns = ["step_id", "order", "name", "kind", "url"]
    return pd.DataFrame(rows, columns=columns).astype({"order": int})


def _sources_table(frames: dict[str, pd.DataFrame], episode: Episode) -> pd.DataFrame:
    parts = [
        frame[["id", "sources"]].explode("sources").assign(kind=kind)
        for kind, frame in frames.items()
    ]
    table = pd.concat(parts, ignore_index=True).rename(
        columns={"id": "item_id", "sources": "timestamp"}
    )
    table["seconds"] = table["timestamp"].map(parse_timestamp).astype(int)
    table["url"] = table["seconds"].map(episode.deep_link)
    return table[["kind", "item_id", "timestamp", "seconds", "url"]]
