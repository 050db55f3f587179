"""The store refuses every write through a read-only (share-link) engine and writes nothing."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from pathfinder import store, transfer
from tests.hosted.conftest import dump

READERS = {
    "activity_log",
    "activity_per_day",
    "activity_per_week",
    "check_store_url",
    "create_store_engine",
    "current_revision",
    "describe_location",
    "export_profile",
    "get_case_study",
    "get_target",
    "profile_key_problem",
    "step_progress",
    "latest_ratings",
    "list_case_studies",
    "list_share_links",
    # Reads once the profile exists; its first-use insert is ensure_profile, a writer below.
    "local_profile_id",
    "rating_history",
    "read_only",
    "reading",
    "resolve_database_url",
    "resolve_share_token",
    "schema_state",
    "shared_case_studies",
    "without_password",
}


def _writes(profile_id: int, study_id: int, link_id: int) -> dict[str, Callable[[Engine], Any]]:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    return {
        "set_status": lambda e: store.set_status(e, profile_id, "step-a", "done"),
        "set_statuses": lambda e: store.set_statuses(e, profile_id, ["step-a"], "done"),
        "save_note": lambda e: store.save_note(e, profile_id, "step-a", "hi", expected_version=0),
        "set_links": lambda e: store.set_links(e, profile_id, "step-a", ["https://x.org"]),
        "reset_plan": lambda e: store.reset_plan(e, profile_id),
        "reset_all": lambda e: store.reset_all(e, profile_id),
        "rate": lambda e: store.rate(e, profile_id, "skill", "sql", 3),
        "set_target": lambda e: store.set_target(e, profile_id, dt.date(2030, 1, 1), 5.0),
        "create_case_study": lambda e: store.create_case_study(e, profile_id, "T", {}),
        "save_case_study": lambda e: store.save_case_study(
            e, profile_id, study_id, title="T2", sections={}, status="draft", expected_version=1
        ),
        "delete_case_study": lambda e: store.delete_case_study(e, profile_id, study_id),
        "set_case_study_shared": lambda e: store.set_case_study_shared(
            e, profile_id, study_id, True
        ),
        "import_profile": lambda e: store.import_profile(
            e, profile_id, _import_document(e, profile_id)
        ),
        "rebuild_activity_counts": lambda e: store.rebuild_activity_counts(e, profile_id),
        "ensure_profile": lambda e: store.ensure_profile(e, "https://idp.example", "new-user"),
        "create_share_link": lambda e: store.create_share_link(
            e, profile_id, "mentor", expires_at=later
        ),
        "revoke_share_link": lambda e: store.revoke_share_link(e, profile_id, link_id),
        "record_share_use": lambda e: store.record_share_use(e, link_id),
        "migrate": lambda e: store.migrate(e, "0002"),
        "writing": lambda e: _open_writing(e),
    }


def _import_document(engine: Engine, profile_id: int) -> Any:
    # The export is read through the viewer's engine: reading works, only importing fails.
    return transfer.parse_import(
        json.dumps(store.export_profile(engine, profile_id)).encode(),
        known_step_ids={"step-a"},
        known_skill_ids={"sql"},
        known_phase_ids=set(),
    )


def _open_writing(engine: Engine) -> None:
    with store.writing(engine):
        pass


def test_every_public_store_function_is_classified() -> None:
    """Each public store function is listed as a reader or checked as a writer here."""
    writers = set(_writes(1, 1, 1))
    functions = {
        name
        for name in store.__all__
        if inspect.isfunction(getattr(store, name)) or name in {"reading", "writing"}
    }
    assert functions - READERS - writers == set()


@pytest.mark.parametrize("name", sorted(_writes(1, 1, 1)))
def test_read_only_engine_refuses_every_write(engine: Engine, profile_id: int, name: str) -> None:
    """Every write function raises ReadOnlyIdentity on a read-only engine and changes no row."""
    store.set_status(engine, profile_id, "step-a", "in-progress")
    study_id = store.create_case_study(engine, profile_id, "Owner's study", {"problem": "p"})
    link_id, _token = store.create_share_link(engine, profile_id, "mentor")
    before = dump(engine)
    viewer = store.read_only(engine)
    with pytest.raises(store.ReadOnlyIdentity):
        _writes(profile_id, study_id, link_id)[name](viewer)
    assert dump(engine) == before


def test_read_only_engine_still_reads(engine: Engine, profile_id: int) -> None:
    """A read-only engine reads the same progress as the owner's engine."""
    store.set_status(engine, profile_id, "step-a", "done")
    viewer = store.read_only(engine)
    assert store.step_progress(viewer, profile_id)["status"].tolist() == ["done"]
    assert store.set_status(engine, profile_id, "step-a", "skipped")  # the owner still writes
