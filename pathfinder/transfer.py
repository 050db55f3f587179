"""Versioned progress export format and strict validation of files offered for import.

Pure: no database, no Streamlit. The store writes a validated ImportDocument.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NoReturn
from urllib.parse import urlsplit

FORMAT = "pathfinder-progress"
EXPORT_VERSION = 1
STATUSES = ("not-started", "in-progress", "done", "skipped")
RATING_KINDS = ("skill", "phase")
CASE_STUDY_STATUSES = ("draft", "ready", "published")

MAX_IMPORT_BYTES = 1_000_000
MAX_DEPTH = 8  # the format itself needs 4 levels
MAX_INT_DIGITS = 15
MAX_NOTE_LENGTH = 20_000
MAX_LINKS = 50
MAX_LINK_LENGTH = 2_000
MAX_ID_LENGTH = 200
MAX_TITLE_LENGTH = 200
MAX_SECTION_LENGTH = 50_000
MAX_RATINGS = 20_000
MAX_CASE_STUDIES = 200
MAX_HOURS_PER_WEEK = 168.0


class ImportRejected(ValueError):  # noqa: N818 - reads as a sentence in the UI
    """The file cannot be imported; the message names the first problem found."""


@dataclass(frozen=True)
class ImportedItem:
    """One plan item's saved state."""

    item_id: str
    status: str
    started_at: datetime | None = None
    completed_at: datetime | None = None
    note: str = ""
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportedRating:
    """One self-rating from the history."""

    kind: str
    subject_id: str
    level: int
    rated_at: datetime


@dataclass(frozen=True)
class ImportedTarget:
    """The target finish date and weekly hours."""

    target_date: date | None
    hours_per_week: float | None


@dataclass(frozen=True)
class ImportedCaseStudy:
    """One case study draft."""

    title: str
    status: str
    sections: Mapping[str, str]
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ImportDocument:
    """A validated export, ready for pathfinder.store.import_profile."""

    version: int
    exported_at: datetime | None
    items: tuple[ImportedItem, ...] = ()
    ratings: tuple[ImportedRating, ...] = ()
    target: ImportedTarget | None = None
    case_studies: tuple[ImportedCaseStudy, ...] = field(default=())


def link_problem(link: str) -> str | None:
    """Return why link is not a web link we store, or None if it is fine."""
    shown = _show(link)
    if any(ch.isspace() or ord(ch) < 32 for ch in link):
        return f"{shown} contains spaces or control characters"
    parts = urlsplit(link)
    # Only web links: a javascript: or file: link would be dangerous once rendered.
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return f"{shown} is not a web link (it must start with http:// or https://)"
    return None


def parse_import(
    raw: bytes,
    *,
    known_item_ids: Collection[str],
    known_skill_ids: Collection[str],
    known_phase_ids: Collection[str],
    known_section_ids: Collection[str] | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> ImportDocument:
    """Validate an uploaded export and return it, or raise ImportRejected naming the problem."""
    data = _decode(raw, max_bytes)
    return _Validator(
        items=frozenset(known_item_ids),
        skills=frozenset(known_skill_ids),
        phases=frozenset(known_phase_ids),
        sections=None if known_section_ids is None else frozenset(known_section_ids),
    ).document(data)


# -- decoding ---------------------------------------------------------------------------


def _decode(raw: bytes, max_bytes: int) -> Any:
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise ImportRejected("the upload is not a file")
    size = len(raw)
    if size > max_bytes:
        raise ImportRejected(f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes")
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            f"the file is not UTF-8 text (invalid byte at position {exc.start})"
        ) from None
    text = text.removeprefix("\ufeff")  # a BOM some editors add
    if not text.strip():
        raise ImportRejected("the file is empty")
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_reject_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            f"the file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise ImportRejected(f"the file is nested more than {MAX_DEPTH} levels deep") from None
    if _depth(data) > MAX_DEPTH:
        raise ImportRejected(f"the file is nested more than {MAX_DEPTH} levels deep")
    return data


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            # json would silently keep the last one; a hand-edited file likely has a mistake.
            raise ImportRejected(f"the key {_show(key)} appears twice in the same object")
        result[key] = value
    return result


def _reject_constant(name: str) -> NoReturn:
    raise ImportRejected(f"the file contains {name}, which is not a valid JSON number")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ImportRejected(f"the number {digits[:20]}… is too large")
    return int(digits)


def _bounded_float(text: str) -> float:
    value = float(text)
    if len(text) > 40 or not math.isfinite(value):
        raise ImportRejected(f"the number {text[:20]} is too large")
    return value


def _depth(data: Any) -> int:
    # Iterative, so a hostile file cannot exhaust the Python stack here either.
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest


# -- validation -------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _fail(path: str, problem: str) -> NoReturn:
    raise ImportRejected(f"{path}: {problem}")


@dataclass(frozen=True)
class _Validator:
    items: frozenset[str]
    skills: frozenset[str]
    phases: frozenset[str]
    sections: frozenset[str] | None

    def document(self, data: Any) -> ImportDocument:
        if not isinstance(data, dict):
            raise ImportRejected(f"the file must hold a JSON object, not {_kind(data)}")
        allowed = {"format", "version", "exported_at", "items", "ratings", "target", "case_studies"}
        self._keys(data, "the file", required={"format", "version"}, allowed=allowed)
        if data["format"] != FORMAT:
            _fail(
                "format",
                f"expected {FORMAT!r}, got {_show(data['format'])}: "
                "this is not a Pathfinder progress export",
            )
        version = data["version"]
        if not isinstance(version, int) or isinstance(version, bool):
            _fail("version", f"must be a whole number, not {_kind(version)}")
        if version > EXPORT_VERSION:
            _fail(
                "version",
                f"{version} is newer than this app understands "
                f"({EXPORT_VERSION}); update the app first",
            )
        if version != EXPORT_VERSION:
            _fail("version", f"{version} is not a known export version")
        exported_at = self._instant(data.get("exported_at"), "exported_at", optional=True)
        items = self._list(data.get("items", []), "items", len(self.items))
        ratings = self._list(data.get("ratings", []), "ratings", MAX_RATINGS)
        studies = self._list(data.get("case_studies", []), "case_studies", MAX_CASE_STUDIES)
        seen: set[str] = set()
        parsed_items = []
        for index, item in enumerate(items):
            parsed = self._item(item, f"items[{index}]")
            if parsed.item_id in seen:
                _fail(f"items[{index}].item_id", f"{_show(parsed.item_id)} appears twice")
            seen.add(parsed.item_id)
            parsed_items.append(parsed)
        return ImportDocument(
            version=version,
            exported_at=exported_at,
            items=tuple(parsed_items),
            ratings=tuple(self._rating(r, f"ratings[{i}]") for i, r in enumerate(ratings)),
            target=self._target(data.get("target"), "target"),
            case_studies=tuple(
                self._case_study(c, f"case_studies[{i}]") for i, c in enumerate(studies)
            ),
        )

    def _item(self, data: Any, path: str) -> ImportedItem:
        obj = self._object(data, path)
        self._keys(
            obj,
            path,
            required={"item_id", "status"},
            allowed={"item_id", "status", "started_at", "completed_at", "note", "links"},
        )
        item_id = self._text(obj["item_id"], f"{path}.item_id", MAX_ID_LENGTH)
        if item_id not in self.items:
            _fail(f"{path}.item_id", f"{_show(item_id)} is not an item in the current plan")
        status = self._choice(obj["status"], f"{path}.status", STATUSES)
        started_at = self._instant(obj.get("started_at"), f"{path}.started_at", optional=True)
        completed_at = self._instant(obj.get("completed_at"), f"{path}.completed_at", optional=True)
        if started_at is not None and status == "not-started":
            _fail(f"{path}.started_at", "a not-started item cannot have a start time")
        if completed_at is not None and status != "done":
            _fail(f"{path}.completed_at", "only a done item can have a completion time")
        links_raw = self._list(obj.get("links", []), f"{path}.links", MAX_LINKS)
        links = []
        for index, link in enumerate(links_raw):
            where = f"{path}.links[{index}]"
            text = self._text(link, where, MAX_LINK_LENGTH)
            problem = link_problem(text)
            if problem is not None:
                _fail(where, problem)
            links.append(text)
        return ImportedItem(
            item_id=item_id,
            status=status,
            started_at=started_at,
            completed_at=completed_at,
            note=self._text(obj.get("note", ""), f"{path}.note", MAX_NOTE_LENGTH, empty_ok=True),
            links=tuple(links),
        )

    def _rating(self, data: Any, path: str) -> ImportedRating:
        obj = self._object(data, path)
        fields = {"kind", "subject_id", "level", "rated_at"}
        self._keys(obj, path, required=fields, allowed=fields)
        kind = self._choice(obj["kind"], f"{path}.kind", RATING_KINDS)
        subject_id = self._text(obj["subject_id"], f"{path}.subject_id", MAX_ID_LENGTH)
        known = self.skills if kind == "skill" else self.phases
        if subject_id not in known:
            _fail(f"{path}.subject_id", f"{_show(subject_id)} is not a known {kind}")
        level = obj["level"]
        if isinstance(level, float):
            _fail(f"{path}.level", f"{level} is not a whole number from 1 to 5")
        if not isinstance(level, int) or isinstance(level, bool):
            _fail(f"{path}.level", f"must be a whole number from 1 to 5, not {_kind(level)}")
        if not 1 <= level <= 5:
            _fail(f"{path}.level", f"{level} is not between 1 and 5")
        rated_at = self._instant(obj["rated_at"], f"{path}.rated_at", optional=False)
        assert rated_at is not None  # optional=False never returns None
        return ImportedRating(kind=kind, subject_id=subject_id, level=level, rated_at=rated_at)

    def _target(self, data: Any, path: str) -> ImportedTarget | None:
        if data is None:
            return None
        obj = self._object(data, path)
        fields = {"target_date", "hours_per_week"}
        self._keys(obj, path, required=set(), allowed=fields)
        target_date = obj.get("target_date")
        parsed_date = None
        if target_date is not None:
            text = self._text(target_date, f"{path}.target_date", 10)
            try:
                parsed_date = date.fromisoformat(text)
            except ValueError:
                _fail(f"{path}.target_date", f"{_show(text)} is not a date like 2025-06-30")
        hours = obj.get("hours_per_week")
        if hours is not None:
            if not isinstance(hours, int | float) or isinstance(hours, bool):
                _fail(f"{path}.hours_per_week", f"must be a number, not {_kind(hours)}")
            if not 0 < hours <= MAX_HOURS_PER_WEEK:
                _fail(f"{path}.hours_per_week", f"{hours} is not between 0 and 168")
            hours = float(hours)
        return ImportedTarget(target_date=parsed_date, hours_per_week=hours)

    def _case_study(self, data: Any, path: str) -> ImportedCaseStudy:
        obj = self._object(data, path)
        self._keys(
            obj,
            path,
            required={"title", "status"},
            allowed={"title", "status", "sections", "created_at", "updated_at"},
        )
        title = self._text(obj["title"], f"{path}.title", MAX_TITLE_LENGTH)
        status = self._choice(obj["status"], f"{path}.status", CASE_STUDY_STATUSES)
        sections_raw = self._object(obj.get("sections", {}), f"{path}.sections")
        sections = {}
        for key, value in sections_raw.items():
            where = f"{path}.sections[{key!r}]"
            self._text(key, f"{path}.sections (a section id)", MAX_ID_LENGTH)
            if self.sections is not None and key not in self.sections:
                _fail(where, f"{_show(key)} is not a case-study section")
            sections[key] = self._text(value, where, MAX_SECTION_LENGTH, empty_ok=True)
        return ImportedCaseStudy(
            title=title,
            status=status,
            sections=sections,
            created_at=self._instant(obj.get("created_at"), f"{path}.created_at", optional=True),
            updated_at=self._instant(obj.get("updated_at"), f"{path}.updated_at", optional=True),
        )

    # -- primitives ----------------------------------------------------------------------

    @staticmethod
    def _object(data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            _fail(path, f"must be an object, not {_kind(data)}")
        return data

    @staticmethod
    def _list(data: Any, path: str, limit: int) -> list[Any]:
        if not isinstance(data, list):
            _fail(path, f"must be a list, not {_kind(data)}")
        if len(data) > limit:
            _fail(path, f"has {len(data):,} entries; at most {limit:,} are allowed")
        return data

    @staticmethod
    def _keys(obj: dict[str, Any], path: str, *, required: set[str], allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                _fail(path, f"unexpected key {_show(key)}")
        for key in sorted(required):
            if key not in obj:
                _fail(path, f"the key {key!r} is missing")

    @staticmethod
    def _text(value: Any, path: str, limit: int, *, empty_ok: bool = False) -> str:
        if not isinstance(value, str):
            _fail(path, f"must be text, not {_kind(value)}")
        if "\x00" in value:
            _fail(path, "contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            _fail(path, "contains an invalid character (an unpaired surrogate)")
        if len(value) > limit:
            _fail(path, f"is {len(value):,} characters long; the limit is {limit:,}")
        if not empty_ok and not value.strip():
            _fail(path, "must not be empty")
        return value

    @staticmethod
    def _choice(value: Any, path: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in choices:
            _fail(path, f"{_show(value)} is not one of {', '.join(choices)}")
        return value

    def _instant(self, value: Any, path: str, *, optional: bool) -> datetime | None:
        if value is None and optional:
            return None
        text = self._text(value, path, 40)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            _fail(path, f"{_show(text)} is not a date and time like 2025-01-31T09:00:00+00:00")
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            _fail(path, f"{_show(text)} has no time zone (add +00:00 for UTC)")
        try:
            # The store keeps UTC; 0001-01-01T00:00+01:00 has no UTC datetime to keep.
            parsed.astimezone(UTC)
        except OverflowError:
            _fail(path, f"{_show(text)} is outside the range of dates that can be stored")
        return parsed
