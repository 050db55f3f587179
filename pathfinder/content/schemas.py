"""Explicit pandera schemas for every kind of content item, with editor-friendly checks."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandera.pandas as pa

from pathfinder.content.timestamps import TIMESTAMP_PATTERN, format_timestamp, parse_timestamp
from pathfinder.entities import IMPORTANCES, link_problem

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SKILL_CATEGORIES = ("data", "product", "research", "communication", "career")
BASES = ("guest-did", "guest-recommends", "host-summary")
RESOURCE_KINDS = ("course", "community", "tool", "platform", "practice", "article", "interview")
MAX_STEP_HOURS = 200


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0 and all(_is_text(v) for v in value)


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(_is_id(v) for v in value)


def _is_order(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_hours(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 < value <= MAX_STEP_HOURS
    )


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and link_problem(value) is None


def _is_resource(value: Any) -> bool:
    if not isinstance(value, dict) or not _is_text(value.get("name")):
        return False
    if value.get("kind") not in RESOURCE_KINDS:
        return False
    if set(value) - {"name", "kind", "url", "__line__"}:
        return False
    return "url" not in value or _is_url(value["url"])


@dataclass(frozen=True)
class Rule:
    """One element-wise rule: a predicate and what an editor is told when it fails."""

    predicate: Callable[[Any], bool]
    message: str

    def check(self) -> pa.Check:
        """Return the pandera check that applies this rule to every item."""
        return pa.Check(self.predicate, element_wise=True, error=self.message)


def sources_rules(episode_seconds: int) -> list[Rule]:
    """Return the rules for a `sources` list: present, well formed, inside the episode."""
    end = format_timestamp(episode_seconds)

    def well_formed(value: Any) -> bool:
        return all(isinstance(v, str) and TIMESTAMP_PATTERN.match(v) for v in value)

    def inside(value: Any) -> bool:
        # Malformed entries are reported by `well_formed`; only judge the readable ones here.
        readable = [v for v in value if isinstance(v, str) and TIMESTAMP_PATTERN.match(v)]
        return all(parse_timestamp(v) <= episode_seconds for v in readable)

    return [
        Rule(lambda v: isinstance(v, list) and len(v) > 0, "must list at least one timestamp"),
        Rule(well_formed, "every timestamp must look like 23:05 or 1:00:18"),
        Rule(inside, f"every timestamp must lie inside the episode (0:00 to {end})"),
    ]


TEXT = [Rule(_is_text, "must be non-empty text")]
ID = [Rule(_is_id, "must be lowercase words joined by hyphens, like learn-sql")]
ORDER = [Rule(_is_order, "must be a whole number from 1 up")]
TEXT_LIST = [Rule(_is_text_list, "must be a list of one or more non-empty texts")]
ID_LIST = [Rule(_is_id_list, "must be a list of ids (lowercase words joined by hyphens)")]
BOOL = [Rule(lambda v: isinstance(v, bool), "must be true or false")]
HOURS = [Rule(_is_hours, f"must be a number of hours above 0 and at most {MAX_STEP_HOURS}")]
RESOURCES = [
    Rule(
        lambda v: isinstance(v, list) and all(_is_resource(r) for r in v),
        "must be a list of resources, each with a name, a kind ("
        + ", ".join(RESOURCE_KINDS)
        + ") and optionally an http(s) url",
    )
]


def one_of(values: tuple[str, ...]) -> list[Rule]:
    """Return the rule that a field holds one of a fixed set of words."""
    return [Rule(lambda v: v in values, "must be one of " + ", ".join(values))]


def non_empty_list(rules: list[Rule]) -> list[Rule]:
    """Return `rules` plus the rule that the list holds at least one entry."""
    return [*rules, Rule(lambda v: isinstance(v, list) and len(v) > 0, "must not be empty")]


@dataclass(frozen=True)
class Section:
    """A list of items in a content file and the rules each field follows."""

    file: str
    key: str
    fields: dict[str, list[Rule]]
    optional: frozenset[str] = frozenset()
    ordered_within: str | None = None

    def schema(self, episode_seconds: int) -> pa.DataFrameSchema:
        """Return the pandera schema for this section's DataFrame."""
        columns = {
            name: pa.Column(
                checks=[rule.check() for rule in rules],
                nullable=name in self.optional,
                required=name not in self.optional,
                unique=name == "id",
            )
            for name, rules in self.fields.items()
        }
        columns["sources"] = pa.Column(
            checks=[rule.check() for rule in sources_rules(episode_seconds)],
            nullable=False,
        )
        return pa.DataFrameSchema(columns, strict=True, name=f"{self.file}:{self.key}")


SECTIONS: dict[str, Section] = {
    "phases": Section(
        "lifecycle.yaml",
        "phases",
        {
            "id": ID,
            "order": ORDER,
            "name": TEXT,
            "summary": TEXT,
            "activities": TEXT_LIST,
            "artifacts": TEXT_LIST,
            "collaborators": TEXT_LIST,
            "designer_takes_part": BOOL,
            "designer_note": TEXT,
        },
    ),
    "skills": Section(
        "skills.yaml",
        "skills",
        {
            "id": ID,
            "name": TEXT,
            "category": one_of(SKILL_CATEGORIES),
            "importance": one_of(IMPORTANCES),
            "summary": TEXT,
            "how_to_build": TEXT,
        },
    ),
    "case_study_sections": Section(
        "case_study.yaml",
        "sections",
        {
            "id": ID,
            "order": ORDER,
            "title": TEXT,
            "purpose": TEXT,
            "guiding_questions": TEXT_LIST,
            "guest_example": TEXT,
        },
    ),
    "publishing_formats": Section(
        "case_study.yaml", "formats", {"id": ID, "order": ORDER, "name": TEXT, "note": TEXT}
    ),
    "publishing_checklist": Section(
        "case_study.yaml", "checklist", {"id": ID, "order": ORDER, "text": TEXT}
    ),
    "tracks": Section(
        "plan.yaml", "tracks", {"id": ID, "order": ORDER, "name": TEXT, "summary": TEXT}
    ),
    "steps": Section(
        "plan.yaml",
        "steps",
        {
            "id": ID,
            "track": ID,
            "order": ORDER,
            "title": TEXT,
            "description": TEXT,
            "why": TEXT,
            "hours": HOURS,
            "basis": one_of(BASES),
            "skills": non_empty_list(ID_LIST),
            "phases": ID_LIST,
            "resources": RESOURCES,
        },
        ordered_within="track",
    ),
    "lessons": Section("plan.yaml", "lessons", {"id": ID, "order": ORDER, "lesson": TEXT}),
    "day_in_life": Section(
        "day_in_life.yaml",
        "activities",
        {"id": ID, "order": ORDER, "title": TEXT, "description": TEXT},
    ),
    "interview_questions": Section(
        "interview_questions.yaml",
        "questions",
        {"id": ID, "order": ORDER, "question": TEXT, "purpose": TEXT},
    ),
    "challenges": Section(
        "challenges.yaml",
        "challenges",
        {"id": ID, "order": ORDER, "challenge": TEXT, "how_she_handles": TEXT},
    ),
    "career": Section(
        "career.yaml",
        "entries",
        {"id": ID, "order": ORDER, "role": TEXT, "organisation": TEXT, "summary": TEXT},
    ),
    "glossary": Section("glossary.yaml", "terms", {"id": ID, "term": TEXT, "definition": TEXT}),
}
