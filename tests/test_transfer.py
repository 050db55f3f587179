"""Progress export/import: a lossless round trip, and one clear message for each bad file."""

# The tables of expected messages read best one case per line.
# ruff: noqa: E501

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from pathfinder.store import (
    activity_log,
    create_case_study,
    ensure_profile,
    export_profile,
    get_target,
    import_profile,
    rate,
    save_case_study,
    save_note,
    set_links,
    set_status,
    set_target,
    step_progress,
)
from pathfinder.transfer import EXPORT_VERSION, ImportRejected, parse_import

ITEMS = ["sql-basics", "metrics", "stakeholders", "portfolio"]
SKILLS = ["sql", "python", "storytelling"]
PHASES = ["discovery", "delivery"]
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def parse(raw: bytes, **overrides: Any) -> Any:
    """Parse with this module's known ids."""
    known: dict[str, Any] = {
        "known_step_ids": ITEMS,
        "known_skill_ids": SKILLS,
        "known_phase_ids": PHASES,
    }
    return parse_import(raw, **(known | overrides))


def encode(document: Any) -> bytes:
    """Serialise a document the way a browser upload would arrive."""
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def valid_document() -> dict[str, Any]:
    """Return a small export that passes validation."""
    return {
        "format": "pathfinder-progress",
        "version": 1,
        "exported_at": "2025-03-04T10:00:00+00:00",
        "items": [
            {
                "item_id": "sql-basics",
                "status": "done",
                "started_at": "2025-03-01T09:00:00+00:00",
                "completed_at": "2025-03-02T09:00:00+00:00",
                "note": "joins ✓",
                "links": ["https://example.org/sql"],
            },
            {"item_id": "metrics", "status": "in-progress"},
            {"item_id": "stakeholders", "status": "skipped"},
            {"item_id": "portfolio", "status": "not-started", "note": "later"},
        ],
        "ratings": [
            {"kind": "skill", "subject_id": "sql", "level": 3, "rated_at": "2025-03-01T09:00:00Z"},
            {
                "kind": "phase",
                "subject_id": "discovery",
                "level": 2,
                "rated_at": "2025-03-01T09:00:00Z",
            },
        ],
        "target": {"target_date": "2025-09-30", "hours_per_week": 6},
        "case_studies": [
            {"title": "Churn", "status": "draft", "sections": {"problem": "users leave"}}
        ],
    }


def test_a_valid_document_parses_into_typed_values() -> None:
    """Dates, levels and links come out typed and complete."""
    document = parse(encode(valid_document()))
    assert document.version == EXPORT_VERSION
    assert [item.status for item in document.steps] == [
        "done",
        "in-progress",
        "skipped",
        "not-started",
    ]
    assert document.steps[0].completed_at == datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
    assert document.steps[0].links == ("https://example.org/sql",)
    assert document.ratings[0].rated_at == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert document.target is not None
    assert document.target.target_date == date(2025, 9, 30)
    assert document.target.hours_per_week == 6.0
    assert document.case_studies[0].sections == {"problem": "users leave"}


def change(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Return a mutation that sets a dotted path (list indexes as numbers) to value."""

    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def drop(path: str) -> Callable[[dict[str, Any]], None]:
    """Return a mutation that removes a key at a dotted path."""

    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return mutate


BAD_FIELDS = [
    ("format", change("format", "something-else"), "format: expected 'pathfinder-progress', got 'something-else': this is not a Pathfinder progress export"),
    ("newer version", change("version", 2), "version: 2 is newer than this app understands (1); update the app first"),
    ("old version", change("version", 0), "version: 0 is not a known export version"),
    ("version as text", change("version", "1"), "version: must be a whole number, not text"),
    ("missing format", drop("format"), "the file: the key 'format' is missing"),
    ("unexpected key", change("owner", "me"), "the file: unexpected key 'owner'"),
    ("items not a list", change("items", {"a": 1}), "items: must be a list, not an object"),
    ("item not an object", change("items.1", "metrics"), "items[1]: must be an object, not text"),
    ("missing status", drop("items.1.status"), "items[1]: the key 'status' is missing"),
    ("unknown status", change("items.3.status", "finished"), "items[3].status: 'finished' is not one of not-started, in-progress, done, skipped"),
    ("unknown item", change("items.1.item_id", "astrology"), "items[1].item_id: 'astrology' is not an item in the current plan"),
    ("duplicate item", change("items.1.item_id", "sql-basics"), "items[1].item_id: 'sql-basics' appears twice"),
    ("note as number", change("items.0.note", 42), "items[0].note: must be text, not a number"),
    ("note too long", change("items.0.note", "x" * 20_001), "items[0].note: is 20,001 characters long; the limit is 20,000"),
    ("bad link", change("items.0.links", ["javascript:alert(1)"]), "items[0].links[0]: 'javascript:alert(1)' is not a web link (it must start with http:// or https://)"),
    ("too many links", change("items.0.links", ["https://e.org"] * 51), "items[0].links: has 51 entries; at most 50 are allowed"),
    ("bad timestamp", change("items.0.started_at", "yesterday"), "items[0].started_at: 'yesterday' is not a date and time like 2025-01-31T09:00:00+00:00"),
    ("naive timestamp", change("items.0.started_at", "2025-03-01T09:00:00"), "items[0].started_at: '2025-03-01T09:00:00' has no time zone (add +00:00 for UTC)"),
    ("completion when not done", change("items.1.completed_at", "2025-03-01T09:00:00Z"), "items[1].completed_at: only a done step can have a completion time"),
    ("level too high", change("ratings.0.level", 6), "ratings[0].level: 6 is not between 1 and 5"),
    ("level zero", change("ratings.0.level", 0), "ratings[0].level: 0 is not between 1 and 5"),
    ("level as text", change("ratings.0.level", "3"), "ratings[0].level: must be a whole number from 1 to 5, not text"),
    ("level as boolean", change("ratings.0.level", True), "ratings[0].level: must be a whole number from 1 to 5, not true/false"),
    ("level as fraction", change("ratings.0.level", 2.5), "ratings[0].level: 2.5 is not a whole number from 1 to 5"),
    ("unknown kind", change("ratings.0.kind", "tool"), "ratings[0].kind: 'tool' is not one of skill, phase"),
    ("unknown skill", change("ratings.0.subject_id", "juggling"), "ratings[0].subject_id: 'juggling' is not a known skill"),
    ("skill id as phase", change("ratings.1.subject_id", "sql"), "ratings[1].subject_id: 'sql' is not a known phase"),
    ("missing rated_at", drop("ratings.0.rated_at"), "ratings[0]: the key 'rated_at' is missing"),
    ("bad target date", change("target.target_date", "31/12/2025"), "target.target_date: '31/12/2025' is not a date like 2025-06-30"),
    ("hours out of range", change("target.hours_per_week", 500), "target.hours_per_week: 500 is not between 0 and 168"),
    ("hours as text", change("target.hours_per_week", "six"), "target.hours_per_week: must be a number, not text"),
    ("case study status", change("case_studies.0.status", "done"), "case_studies[0].status: 'done' is not one of draft, ready, published"),
    ("blank title", change("case_studies.0.title", "  "), "case_studies[0].title: must not be empty"),
    ("section not text", change("case_studies.0.sections", {"problem": ["a"]}), "case_studies[0].sections['problem']: must be text, not a list"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "message"),
    [pytest.param(mutate, message, id=name) for name, mutate, message in BAD_FIELDS],
)
def test_each_bad_field_is_named_in_one_clear_message(
    mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    """A wrong type, unknown id, status, level or date is reported with its exact place."""
    document = valid_document()
    mutate(document)
    with pytest.raises(ImportRejected) as caught:
        parse(encode(document))
    assert str(caught.value) == message


def with_note(escaped: str) -> bytes:
    """Return a valid document whose first note is the given raw JSON string body."""
    raw = encode(valid_document()).decode("utf-8")
    return raw.replace('"joins ✓"', f'"{escaped}"').encode("utf-8")


BAD_FILES = [
    ("too large", b"{" + b" " * 2_000 + b"}", "the file is 2,002 bytes; the limit is 1,000 bytes"),
    ("not utf-8", b'{"format": "\xff"}', "the file is not UTF-8 text (invalid byte at position 12)"),
    ("empty", b"  \n", "the file is empty"),
    ("json syntax", b'{"format": "pathfinder-progress",}', "the file is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 34"),
    ("nan", b'{"version": NaN}', "the file contains NaN, which is not a valid JSON number"),
    ("infinity", b'{"version": -Infinity}', "the file contains -Infinity, which is not a valid JSON number"),
    ("huge integer", b'{"version": 1000000000000000000000}', "the number 10000000000000000000… is too large"),
    ("huge float", b'{"version": 1e999}', "the number 1e999 is too large"),
    ("duplicate key", b'{"format": "pathfinder-progress", "format": "x"}', "the key 'format' appears twice in the same object"),
    ("not an object", b"[1, 2]", "the file must hold a JSON object, not a list"),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "the file is nested more than 8 levels deep"),
    ("moderate nesting", b'{"items": ' + b"[" * 20 + b"]" * 20 + b"}", "the file is nested more than 8 levels deep"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "message"), [pytest.param(raw, message, id=name) for name, raw, message in BAD_FILES]
)
def test_each_unreadable_file_gets_one_clear_message(raw: bytes, message: str) -> None:
    """Size, encoding, syntax, NaN, huge numbers, duplicate keys and nesting are rejected."""
    with pytest.raises(ImportRejected) as caught:
        parse(raw, max_bytes=1_000 if len(raw) < 10_000 else 1_000_000)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("escaped", "message"),
    [
        pytest.param("a\\u0000b", "items[0].note: contains a NUL character", id="nul"),
        pytest.param(
            "a\\ud800b",
            "items[0].note: contains an invalid character (an unpaired surrogate)",
            id="lone-surrogate",
        ),
    ],
)
def test_text_no_database_can_hold_is_rejected(escaped: str, message: str) -> None:
    """NUL characters and lone surrogates in text are refused before reaching the store."""
    with pytest.raises(ImportRejected) as caught:
        parse(with_note(escaped))
    assert str(caught.value) == message


def test_unknown_case_study_sections_are_rejected_when_sections_are_known() -> None:
    """With the content's section ids given, other section ids are refused."""
    with pytest.raises(ImportRejected, match="'problem' is not a case-study section"):
        parse(encode(valid_document()), known_section_ids=["context", "outcome"])


def test_a_byte_order_mark_is_tolerated() -> None:
    """Files saved by editors that add a UTF-8 BOM still import."""
    assert parse(b"\xef\xbb\xbf" + encode(valid_document())).version == 1


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=500))
def test_arbitrary_bytes_only_ever_raise_import_rejected(raw: bytes) -> None:
    """No upload can crash the parser with anything but a human-readable rejection."""
    try:
        parse(raw)
    except ImportRejected as rejected:
        message = str(rejected)
    else:
        message = "accepted"
    assert message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, database=None)
@given(st.dictionaries(st.sampled_from(sorted(valid_document())), json_values, max_size=7))
def test_arbitrary_json_shapes_only_ever_raise_import_rejected(fields: dict[str, Any]) -> None:
    """Any mix of fields and types is either valid or rejected with a message."""
    document = valid_document() | fields
    try:
        parse(encode(document))
    except ImportRejected as rejected:
        message = str(rejected)
    else:
        message = "accepted"
    assert message


# -- with a database: both SQLite and PostgreSQL -----------------------------------------


def fill_profile(engine: Engine, profile_id: int) -> None:
    """Give a profile some of everything an export holds."""
    set_status(engine, profile_id, "sql-basics", "in-progress", now=T0)
    set_status(engine, profile_id, "sql-basics", "done", now=T0 + timedelta(days=1))
    set_status(engine, profile_id, "metrics", "skipped", now=T0)
    save_note(engine, profile_id, "metrics", "Ünïcödé 🚀\nsecond line", expected_version=0)
    set_links(engine, profile_id, "sql-basics", ["https://example.org/a", "https://example.org/b"])
    rate(engine, profile_id, "skill", "sql", 2, now=T0)
    rate(engine, profile_id, "skill", "sql", 4, now=T0 + timedelta(days=5))
    rate(engine, profile_id, "phase", "discovery", 3, now=T0)
    set_target(engine, profile_id, date(2025, 10, 1), 7.5)
    study = create_case_study(engine, profile_id, "Churn", {"problem": "users leave"}, now=T0)
    save_case_study(
        engine, profile_id, study, title="Churn down 8%", sections={"problem": "users leave"},
        status="ready", expected_version=1, now=T0 + timedelta(days=2),
    )  # fmt: skip


def without_time(export: dict[str, Any]) -> dict[str, Any]:
    """Drop the export time, the one field that differs between two exports."""
    result = copy.deepcopy(export)
    del result["exported_at"]
    return result


def test_export_then_import_round_trips_the_state(engine: Engine, profile_id: int) -> None:
    """Exporting, importing into another profile and exporting again gives the same document."""
    fill_profile(engine, profile_id)
    exported = export_profile(engine, profile_id)
    raw = json.dumps(exported).encode("utf-8")  # proves it is JSON-serialisable
    assert b"profile_id" not in raw
    assert b"issuer" not in raw
    other = ensure_profile(engine, "https://accounts.example.com", "new-device")
    import_profile(engine, other, parse(raw))
    assert without_time(export_profile(engine, other)) == without_time(exported)
    mine = step_progress(engine, profile_id).drop(columns=["note_version", "updated_at"])
    theirs = step_progress(engine, other).drop(columns=["note_version", "updated_at"])
    assert mine.equals(theirs)
    assert get_target(engine, other) == get_target(engine, profile_id)


def test_import_replaces_what_was_there_and_is_logged(engine: Engine, profile_id: int) -> None:
    """An import replaces progress (items not in the file disappear); the log is kept."""
    set_status(engine, profile_id, "portfolio", "done", now=T0)
    rate(engine, profile_id, "skill", "python", 5, now=T0)
    log_before = len(activity_log(engine, profile_id, limit=100))
    import_profile(engine, profile_id, parse(encode(valid_document())))
    progress = step_progress(engine, profile_id).set_index("step_id")
    assert progress.loc["portfolio", "status"] == "not-started"
    assert progress.loc["sql-basics", "note"] == "joins ✓"
    exported = export_profile(engine, profile_id)
    assert [r["subject_id"] for r in exported["ratings"]] == ["sql", "discovery"]
    log = activity_log(engine, profile_id, limit=100)
    assert len(log) == log_before + 1
    assert log["kind"].iloc[0] == "import"
    assert log["detail"].iloc[0] == {"items": 4, "ratings": 2, "case_studies": 1}


def test_an_empty_profile_exports_and_imports(engine: Engine, profile_id: int) -> None:
    """A fresh profile's export is valid and importing it clears a profile."""
    empty = export_profile(engine, profile_id)
    assert empty["items"] == []
    assert empty["target"] == {"target_date": None, "hours_per_week": None}
    other = ensure_profile(engine, "https://accounts.example.com", "someone")
    set_status(engine, other, "metrics", "done")
    import_profile(engine, other, parse(encode(empty)))
    assert step_progress(engine, other).empty


def test_notes_imported_over_open_tabs_cannot_be_silently_overwritten(
    engine: Engine, profile_id: int
) -> None:
    """A tab opened before an import gets ChangedElsewhere instead of overwriting the import."""
    from pathfinder.store import ChangedElsewhere

    version = save_note(engine, profile_id, "sql-basics", "before import", expected_version=0)
    import_profile(engine, profile_id, parse(encode(valid_document())))
    with pytest.raises(ChangedElsewhere) as caught:
        save_note(engine, profile_id, "sql-basics", "stale tab", expected_version=version)
    assert caught.value.current_text == "joins ✓"
