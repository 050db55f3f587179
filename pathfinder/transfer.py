"""Versioned progress export format and strict validation of files offered for import.

Pure: no database, no Streamlit. The file format is built from the entity models in
pathfinder.entities; the store writes the validated ImportDocument.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import Annotated, Any, NoReturn

from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, field_validator

from pathfinder.entities import (
    EXPORT_VERSION,
    FORMAT,
    CaseStudyDraft,
    Id,
    ImportDocument,
    Instant,
    Rating,
    Status,
    StepProgress,
    Target,
    first_problem,
    json_kind,
    refusal,
    shown,
)

__all__ = ["EXPORT_VERSION", "MAX_IMPORT_BYTES", "ImportDocument", "ImportRejected", "parse_import"]

MAX_IMPORT_BYTES = 1_000_000
MAX_DEPTH = 8  # the format itself needs 4 levels
MAX_INT_DIGITS = 15
MAX_RATINGS = 20_000
MAX_CASE_STUDIES = 200


class ImportRejected(ValueError):  # noqa: N818 - reads as a sentence in the UI
    """The file cannot be imported; the message names the first problem found."""


def parse_import(
    raw: bytes,
    *,
    known_step_ids: Collection[str],
    known_skill_ids: Collection[str],
    known_phase_ids: Collection[str],
    known_section_ids: Collection[str] | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> ImportDocument:
    """Validate an uploaded export and return it, or raise ImportRejected naming the problem."""
    data = _decode(raw, max_bytes)
    if not isinstance(data, dict):
        raise ImportRejected(f"the file must hold a JSON object, not {json_kind(data)}")
    known = {
        "steps": frozenset(known_step_ids),
        "skill": frozenset(known_skill_ids),
        "phase": frozenset(known_phase_ids),
        "sections": None if known_section_ids is None else frozenset(known_section_ids),
    }
    try:
        document = _File.model_validate(data, context=known)
    except ValidationError as error:
        raise ImportRejected(first_problem(error, whole="the file")) from None
    seen: set[str] = set()
    for index, step in enumerate(document.steps):
        if step.step_id in seen:
            raise ImportRejected(f"items[{index}].item_id: {shown(step.step_id)} appears twice")
        seen.add(step.step_id)
    return document


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
            raise ImportRejected(f"the key {shown(key)} appears twice in the same object")
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


# -- the file format: the entity models, with times as ISO text and ids checked ----------


def _from_iso_text(value: Any, parse: Callable[[str], Any], looks_like: str) -> Any:
    """Parse ISO text with `parse`; refuse anything else, saying what it should look like."""
    if not isinstance(value, str):
        raise refusal(f"must be text, not {json_kind(value)}")
    try:
        return parse(value)
    except ValueError:
        raise refusal(f"{shown(value)} is not {looks_like}") from None


def _instant_from_text(value: Any) -> Any:
    return _from_iso_text(
        value, datetime.fromisoformat, "a date and time like 2025-01-31T09:00:00+00:00"
    )


def _date_from_text(value: Any) -> Any:
    return _from_iso_text(value, date.fromisoformat, "a date like 2025-06-30")


def _known(info: ValidationInfo, what: str) -> Any:
    """Return the content's ids of one kind, given to parse_import as validation context."""
    return info.context[what] if info.context else None


_InstantText = Annotated[Instant, BeforeValidator(_instant_from_text)]


class _Item(StepProgress):
    # The file format keeps its first names: a step's progress is an "item", its id "item_id".
    step_id: Id = Field(alias="item_id")
    status: Status  # required in a file
    started_at: _InstantText | None = None
    completed_at: _InstantText | None = None

    @field_validator("step_id")
    @classmethod
    def _in_plan(cls, step_id: str, info: ValidationInfo) -> str:
        if step_id not in _known(info, "steps"):
            raise refusal(f"{shown(step_id)} is not an item in the current plan")
        return step_id


class _Rating(Rating):
    rated_at: _InstantText

    @field_validator("subject_id")
    @classmethod
    def _known(cls, subject_id: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind is not None and subject_id not in _known(info, kind):
            raise refusal(f"{shown(subject_id)} is not a known {kind}")
        return subject_id


class _Target(Target):
    target_date: Annotated[date, BeforeValidator(_date_from_text)] | None = None


class _CaseStudy(CaseStudyDraft):
    created_at: _InstantText | None = None
    updated_at: _InstantText | None = None

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, sections: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        known = _known(info, "sections")
        for key in sections:
            if known is not None and key not in known:
                raise refusal(f"{shown(key)} is not a case-study section")
        return sections


class _File(ImportDocument):
    format: str
    exported_at: _InstantText | None = None
    steps: tuple[_Item, ...] = Field((), strict=False, alias="items")
    ratings: tuple[_Rating, ...] = Field((), strict=False, max_length=MAX_RATINGS)
    target: _Target | None = None
    case_studies: tuple[_CaseStudy, ...] = Field((), strict=False, max_length=MAX_CASE_STUDIES)

    @field_validator("format")
    @classmethod
    def _ours(cls, value: str) -> str:
        if value != FORMAT:
            raise refusal(
                f"expected {FORMAT!r}, got {shown(value)}: this is not a Pathfinder progress export"
            )
        return value

    @field_validator("version")
    @classmethod
    def _understood(cls, version: int) -> int:
        if version > EXPORT_VERSION:
            raise refusal(
                f"{version} is newer than this app understands ({EXPORT_VERSION}); "
                "update the app first"
            )
        if version != EXPORT_VERSION:
            raise refusal(f"{version} is not a known export version")
        return version

    @field_validator("steps", mode="before")
    @classmethod
    def _at_most_one_per_step(cls, items: Any, info: ValidationInfo) -> Any:
        limit = len(_known(info, "steps"))
        if isinstance(items, list) and len(items) > limit:
            raise refusal(f"has {len(items):,} entries; at most {limit:,} are allowed")
        return items
