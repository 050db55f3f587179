"""Hostile import files on both databases: one clear message, no traceback, the store unchanged.

tests/test_transfer.py covers each validation message against made-up ids; this module
throws a fixed corpus and generated files at the real content's ids and a real store
(SQLite and PostgreSQL), and checks that anything the validator accepts is also stored.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from pathfinder import store
from pathfinder.content import load_content
from pathfinder.transfer import MAX_IMPORT_BYTES, ImportDocument, ImportRejected, parse_import

CONTENT = load_content()
STEP_IDS = sorted(CONTENT.steps["id"])
SKILL_IDS = sorted(CONTENT.skills["id"])
PHASE_IDS = sorted(CONTENT.phases["id"])
SECTION_IDS = sorted(CONTENT.case_study_sections["id"])
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"
EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_subjects = itertools.count()


def parse(raw: bytes) -> ImportDocument:
    """Validate raw the way the settings page does, against the real content's ids."""
    return parse_import(
        raw,
        known_step_ids=STEP_IDS,
        known_skill_ids=SKILL_IDS,
        known_phase_ids=PHASE_IDS,
    )


def fill(engine: Engine, profile_id: int) -> None:
    """Give a profile some of everything an import would replace."""
    store.set_status(engine, profile_id, STEP_IDS[0], "done", now=T0)
    store.set_status(engine, profile_id, STEP_IDS[1], "in-progress", now=T0)
    store.save_note(engine, profile_id, STEP_IDS[1], "mine, keep it", expected_version=0)
    store.set_links(engine, profile_id, STEP_IDS[0], ["https://example.org/kept"])
    store.rate(engine, profile_id, "skill", SKILL_IDS[0], 3, now=T0)
    store.set_target(engine, profile_id, date(2026, 6, 30), 6.0)
    store.create_case_study(engine, profile_id, "Kept", {SECTION_IDS[0]: "text"}, now=T0)


def snapshot(engine: Engine, profile_id: int) -> tuple[Any, ...]:
    """Return everything an import could change, as stored (note versions and log included)."""
    export = store.export_profile(engine, profile_id)
    del export["exported_at"]
    return (
        export,
        store.step_progress(engine, profile_id).to_dict("records"),
        store.activity_log(engine, profile_id, limit=100_000).to_dict("records"),
        store.activity_per_day(engine, profile_id).to_dict("records"),
    )


def new_profile(engine: Engine) -> int:
    """Return a new, empty profile (another person)."""
    return store.ensure_profile(engine, "https://accounts.example.com", f"p{next(_subjects)}")


def valid() -> dict[str, Any]:
    """Return a small valid export over the real content's ids."""
    return {
        "format": "pathfinder-progress",
        "version": 1,
        "exported_at": "2025-03-04T10:00:00+00:00",
        "items": [
            {"item_id": STEP_IDS[2], "status": "done", "completed_at": "2025-03-02T09:00:00Z",
             "started_at": "2025-03-01T09:00:00Z", "note": "imported", "links": []},
            {"item_id": STEP_IDS[3], "status": "skipped"},
        ],
        "ratings": [
            {"kind": "phase", "subject_id": PHASE_IDS[0], "level": 2,
             "rated_at": "2025-03-01T09:00:00Z"},
        ],
        "target": {"target_date": "2026-01-31", "hours_per_week": 4},
        "case_studies": [{"title": "New", "status": "draft", "sections": {}}],
    }  # fmt: skip


def encoded(document: Any) -> bytes:
    """Return document as the bytes of an uploaded file."""
    return json.dumps(document).encode("utf-8")


def patched(raw_old: str, raw_new: str | bytes) -> bytes:
    """Return the valid export with one piece of its JSON text replaced verbatim (bytes too)."""
    text = encoded(valid())
    old = raw_old.encode("utf-8")
    assert old in text
    new = raw_new if isinstance(raw_new, bytes) else raw_new.encode("utf-8")
    return text.replace(old, new, 1)


def with_change(path: tuple[Any, ...], value: Any) -> bytes:
    """Return the valid export with the value at path replaced."""
    document = valid()
    target: Any = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return encoded(document)


CORPUS: list[tuple[str, bytes]] = [
    ("wrong type: items is text", with_change(("items",), "all of them")),
    ("wrong type: status is a number", with_change(("items", 0, "status"), 3)),
    ("wrong type: level is a list", with_change(("ratings", 0, "level"), [2])),
    ("wrong type: note is an object", with_change(("items", 0, "note"), {"a": 1})),
    ("wrong type: target is a list", with_change(("target",), [1, 2])),
    ("unknown item id", with_change(("items", 1, "item_id"), "not-a-step")),
    ("unknown skill id", with_change(("ratings", 0), {**valid()["ratings"][0], "kind": "skill"})),
    ("unknown section-less case study key", with_change(("case_studies", 0, "owner"), "x")),
    ("schema version 2", with_change(("version",), 2)),
    ("schema version 0", with_change(("version",), 0)),
    ("schema version as float", with_change(("version",), 1.0)),
    ("another format", with_change(("format",), "trello-export")),
    ("duplicate keys", patched('"version": 1', '"version": 1, "version": 1')),
    ("duplicate item", with_change(("items", 1, "item_id"), STEP_IDS[2])),
    ("NaN", patched('"hours_per_week": 4', '"hours_per_week": NaN')),
    ("Infinity", patched('"hours_per_week": 4', '"hours_per_week": Infinity')),
    ("-Infinity", patched('"level": 2', '"level": -Infinity')),
    ("huge integer", patched('"level": 2', '"level": ' + "9" * 5000)),
    ("huge float", patched('"hours_per_week": 4', '"hours_per_week": 1e400')),
    ("long float text", patched('"hours_per_week": 4', '"hours_per_week": 4.' + "0" * 100)),
    ("deep nesting", patched('"links": []', '"links": ' + "[" * 50_000 + "]" * 50_000)),
    ("deep objects", patched('"sections": {}', '"sections": ' + '{"a":' * 30 + "1" + "}" * 30)),
    ("lone surrogate escaped", patched('"note": "imported"', '"note": "a\\udc80b"')),
    ("lone surrogate raw bytes", patched('"note": "imported"', b'"note": "\xed\xa0\x80"')),
    ("NUL escaped in note", patched('"note": "imported"', '"note": "a\\u0000b"')),
    ("NUL escaped in id", patched(f'"{STEP_IDS[3]}"', f'"{STEP_IDS[3]}\\u0000"')),
    ("NUL byte outside strings", patched('"version": 1', '"version":\x00 1')),
    ("over the size limit", encoded(valid() | {"pad": " " * MAX_IMPORT_BYTES})),
    ("binary: PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4),
    ("binary: gzip of a valid file", b"\x1f\x8b\x08\x00" + encoded(valid())[:40]),
    ("binary: UTF-16 text", json.dumps(valid()).encode("utf-16")),
    ("another user's profile id", with_change(("profile_id",), 2)),
    ("another user's identity", with_change(("issuer",), "https://accounts.google.com")),
    ("another user's id on an item", with_change(("items", 0, "profile_id"), 2)),
    ("another user's case study id", with_change(("case_studies", 0, "id"), 7)),
    ("year overflow on conversion to UTC",
     with_change(("ratings", 0, "rated_at"), "0001-01-01T00:00:00+01:00")),
    ("year overflow at the other end",
     with_change(("items", 0, "completed_at"), "9999-12-31T23:30:00-01:00")),
    ("empty file", b""),
    ("just null", b"null"),
]  # fmt: skip


def test_each_hostile_file_is_refused_with_one_message_and_nothing_changes(
    engine: Engine, profile_id: int
) -> None:
    """Every corpus file gets one short ImportRejected message, and no profile changes."""
    fill(engine, profile_id)
    other = new_profile(engine)
    before = snapshot(engine, profile_id), snapshot(engine, other)
    outcomes = {}
    for name, raw in CORPUS:
        try:
            store.import_profile(engine, profile_id, parse(raw))
        except ImportRejected as rejected:
            outcomes[name] = str(rejected)
        else:
            outcomes[name] = "IMPORTED"
    accepted = [name for name, message in outcomes.items() if message == "IMPORTED"]
    assert accepted == []
    unclear = {n: m for n, m in outcomes.items() if not m or "\n" in m or len(m) > 200}
    assert unclear == {}
    assert not any("Traceback" in message for message in outcomes.values())
    assert (snapshot(engine, profile_id), snapshot(engine, other)) == before
    print(f"\n{engine.dialect.name}: {len(CORPUS)} hostile files refused, store unchanged")


def test_the_settings_page_refuses_hostile_files_with_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uploading each corpus file on the settings page shows one error and changes nothing."""
    url = f"sqlite:///{tmp_path / 'pathfinder.db'}"
    monkeypatch.setenv("PATHFINDER_DATABASE_URL", url)
    engine = store.create_store_engine(url)
    store.migrate(engine)
    profile_id = store.local_profile_id(engine)
    fill(engine, profile_id)
    before = snapshot(engine, profile_id)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.run()
    at.switch_page("pages/settings.py")
    at.run()
    for name, raw in CORPUS[::3]:  # a third of the corpus: each upload reruns the page
        at.file_uploader(key="import-file").set_value((f"{name}.json", raw, "application/json"))
        at.run()
        at.button(key="import-go").click().run()
        assert not at.exception, (name, [e.value for e in at.exception])
        errors = [str(e.value) for e in at.error]
        assert len(errors) == 1, (name, errors)
        assert errors[0].startswith("This file was not imported and nothing changed: "), errors
        assert not at.success, name
    assert snapshot(engine, profile_id) == before
    engine.dispose()


# -- generated files --------------------------------------------------------------------

offsets = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-23 * 60, 23 * 60)
)
instants = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=offsets,
)
sane_instants = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=offsets,
)
storable_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40
)
hostile_text = st.text(
    st.characters(codec=None, categories=["Cs", "Cc", "Zs", "Lo", "So"], include_characters="\x00"),
    max_size=20,
)
hostile_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
    st.sampled_from([*STEP_IDS[:3], *SKILL_IDS[:2], *PHASE_IDS[:2], "done", "draft", "skill"]),
    instants.map(datetime.isoformat),
    st.recursive(st.integers(0, 9), lambda inner: st.lists(inner, max_size=2), max_leaves=12),
    st.dictionaries(st.sampled_from(["profile_id", "id", "issuer", "item_id"]), st.integers()),
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every value inside a JSON document (not the root)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict | list):
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            found.append((*prefix, key))
            found.extend(paths(child, (*prefix, key)))
    return found


@pytest.fixture
def victim(engine: Engine) -> tuple[int, tuple[Any, ...]]:
    """Return a filled profile that no import targets, and its snapshot."""
    profile_id = new_profile(engine)
    fill(engine, profile_id)
    return profile_id, snapshot(engine, profile_id)


@EXAMPLES
@given(data=st.data(), replacement=hostile_values)
def test_a_generated_hostile_file_is_refused_or_stored_exactly_never_half(
    engine: Engine, victim: tuple[int, tuple[Any, ...]], data: st.DataObject, replacement: Any
) -> None:
    """One value anywhere replaced with a hostile one: refused cleanly, or imported in full."""
    victim_id, before = victim
    path = data.draw(st.sampled_from(paths(valid())))
    raw = with_change(path, replacement)
    try:
        document = parse(raw)
    except ImportRejected as rejected:
        message = str(rejected)
    else:
        message = ""
    if message:
        assert "\n" not in message
        return
    # Accepted: the store must take it whole, and another person's profile stays as it was.
    importer = new_profile(engine)
    store.import_profile(engine, importer, document)
    assert_round_trips(engine, importer)
    assert snapshot(engine, victim_id) == before


def assert_round_trips(engine: Engine, profile_id: int) -> None:
    """Export profile_id, import that into a new profile, export again: same document."""
    first = store.export_profile(engine, profile_id)
    copy = new_profile(engine)
    store.import_profile(engine, copy, parse(encoded(first)))
    second = store.export_profile(engine, copy)
    del first["exported_at"], second["exported_at"]
    assert second == first


@st.composite
def valid_states(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a valid export document: any mix of statuses, notes, links, ratings, target, drafts."""
    items = []
    for item_id in draw(st.lists(st.sampled_from(STEP_IDS), unique=True, max_size=8)):
        status = draw(st.sampled_from(["not-started", "in-progress", "done", "skipped"]))
        item: dict[str, Any] = {"item_id": item_id, "status": status}
        if status != "not-started" and draw(st.booleans()):
            item["started_at"] = draw(sane_instants).isoformat()
        if status == "done" and draw(st.booleans()):
            item["completed_at"] = draw(sane_instants).isoformat()
        item["note"] = draw(storable_text)
        item["links"] = [
            f"https://example.org/{n}" for n in draw(st.lists(st.integers(0, 99), max_size=3))
        ]
        items.append(item)
    ratings = [
        {
            "kind": kind,
            "subject_id": draw(st.sampled_from(SKILL_IDS if kind == "skill" else PHASE_IDS)),
            "level": draw(st.integers(1, 5)),
            "rated_at": draw(sane_instants).isoformat(),
        }
        for kind in draw(st.lists(st.sampled_from(["skill", "phase"]), max_size=6))
    ]
    target = draw(
        st.none()
        | st.fixed_dictionaries(
            {
                "target_date": st.none() | st.dates(date(2020, 1, 1)).map(date.isoformat),
                "hours_per_week": st.none() | st.floats(0.25, 168),
            }
        )
    )
    studies = [
        {"title": title, "status": draw(st.sampled_from(["draft", "ready", "published"])),
         "sections": draw(st.dictionaries(st.sampled_from(SECTION_IDS), storable_text, max_size=3))}
        for title in draw(st.lists(storable_text.filter(str.strip), max_size=3))
    ]  # fmt: skip
    return {
        "format": "pathfinder-progress",
        "version": 1,
        "items": items,
        "ratings": ratings,
        "target": target,
        "case_studies": studies,
    }


@settings(EXAMPLES, max_examples=60)
@given(state=valid_states())
def test_export_then_import_round_trips_any_valid_state(
    engine: Engine, state: dict[str, Any]
) -> None:
    """Any valid state imported, exported and imported again comes back identical."""
    profile_id = new_profile(engine)
    store.import_profile(engine, profile_id, parse(encoded(state)))
    exported = store.export_profile(engine, profile_id)

    def essentials(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return sorted((i["item_id"], i["status"], i["note"], i["links"]) for i in items)

    assert essentials(exported["items"]) == essentials(state["items"])
    assert sorted(
        (r["kind"], r["subject_id"], r["level"], datetime.fromisoformat(r["rated_at"]))
        for r in exported["ratings"]
    ) == sorted(
        (r["kind"], r["subject_id"], r["level"], datetime.fromisoformat(r["rated_at"]))
        for r in state["ratings"]
    )
    assert [(c["title"], c["status"], c["sections"]) for c in exported["case_studies"]] == [
        (c["title"], c["status"], c["sections"]) for c in state["case_studies"]
    ]
    assert_round_trips(engine, profile_id)
