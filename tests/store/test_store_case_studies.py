"""Case studies: create, save with versions, list, delete; never across profiles."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from pathfinder.store import (
    CaseStudyNotFound,
    ChangedElsewhere,
    create_case_study,
    delete_case_study,
    ensure_profile,
    get_case_study,
    list_case_studies,
    save_case_study,
)


def test_create_then_save_bumps_the_version(engine: Engine, profile_id: int) -> None:
    """A new case study is a draft at version 1; each save adds one."""
    study_id = create_case_study(engine, profile_id, "Churn dashboard", {"problem": "Users leave"})
    created = get_case_study(engine, profile_id, study_id)
    assert (created.status, created.version, created.shared) == ("draft", 1, False)
    assert created.sections == {"problem": "Users leave"}
    version = save_case_study(
        engine,
        profile_id,
        study_id,
        title="Churn dashboard v2",
        sections={"problem": "Users leave", "outcome": "Churn -8%"},
        status="ready",
        expected_version=1,
    )
    assert version == 2
    saved = get_case_study(engine, profile_id, study_id)
    assert saved.title == "Churn dashboard v2"
    assert saved.sections["outcome"] == "Churn -8%"
    assert saved.status == "ready"
    assert saved.updated_at >= saved.created_at


def test_list_has_documented_columns_even_when_empty(engine: Engine, profile_id: int) -> None:
    """The list frame has id, title, status, version, shared, updated_at and sections."""
    empty = list_case_studies(engine, profile_id)
    create_case_study(engine, profile_id, "One")
    full = list_case_studies(engine, profile_id)
    expected = {"id", "title", "status", "version", "shared", "updated_at", "sections"}
    assert expected <= set(empty.columns)
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()
    assert full["sections"].iloc[0] == {}


def test_stale_save_raises_changed_elsewhere_with_both_versions(
    engine: Engine, profile_id: int
) -> None:
    """Two tabs editing one case study: the second save is refused and nothing is lost."""
    study_id = create_case_study(engine, profile_id, "Churn", {"problem": "start"})
    save_case_study(
        engine, profile_id, study_id, title="Churn", sections={"problem": "tab A"},
        status="draft", expected_version=1,
    )  # fmt: skip
    with pytest.raises(ChangedElsewhere) as caught:
        save_case_study(
            engine, profile_id, study_id, title="Churn", sections={"problem": "tab B"},
            status="draft", expected_version=1,
        )  # fmt: skip
    assert "tab A" in caught.value.current_text
    assert "tab B" in caught.value.your_text
    assert caught.value.current["sections"] == {"problem": "tab A"}
    assert get_case_study(engine, profile_id, study_id).sections == {"problem": "tab A"}


def test_another_profile_cannot_read_write_or_delete(engine: Engine, profile_id: int) -> None:
    """Case studies are always filtered by their owner's profile id."""
    intruder = ensure_profile(engine, "https://accounts.example.com", "intruder")
    study_id = create_case_study(engine, profile_id, "Mine", {"problem": "secret"})
    with pytest.raises(CaseStudyNotFound):
        get_case_study(engine, intruder, study_id)
    with pytest.raises(CaseStudyNotFound):
        save_case_study(
            engine, intruder, study_id, title="Hacked", sections={}, status="draft",
            expected_version=1,
        )  # fmt: skip
    assert delete_case_study(engine, intruder, study_id) is False
    assert list_case_studies(engine, intruder).empty
    assert get_case_study(engine, profile_id, study_id).title == "Mine"


def test_delete_removes_only_that_case_study(engine: Engine, profile_id: int) -> None:
    """Deleting one case study leaves the others."""
    first = create_case_study(engine, profile_id, "First")
    second = create_case_study(engine, profile_id, "Second")
    assert delete_case_study(engine, profile_id, first) is True
    assert list_case_studies(engine, profile_id)["id"].tolist() == [second]
    with pytest.raises(CaseStudyNotFound):
        get_case_study(engine, profile_id, first)


@pytest.mark.parametrize("status", ["finished", ""])
def test_unknown_case_study_status_is_refused(engine: Engine, profile_id: int, status: str) -> None:
    """Status is draft, ready or published."""
    study_id = create_case_study(engine, profile_id, "One")
    with pytest.raises(ValueError, match="not one of draft, ready, published"):
        save_case_study(
            engine, profile_id, study_id, title="One", sections={}, status=status,
            expected_version=1,
        )  # fmt: skip


def test_blank_title_is_refused(engine: Engine, profile_id: int) -> None:
    """A case study needs a title."""
    with pytest.raises(ValueError, match="title"):
        create_case_study(engine, profile_id, "   ")
    assert list_case_studies(engine, profile_id).empty


def test_a_deleted_drafts_id_is_never_given_to_a_new_draft(engine: Engine, profile_id: int) -> None:
    """Delete the newest draft and create another: the new one gets a new id.

    A tab still open on the deleted draft then finds it gone instead of saving over the
    new draft (SQLite used to hand out the deleted id again).
    """
    first = create_case_study(engine, profile_id, "Kept", {})
    gone = create_case_study(engine, profile_id, "Deleted", {})
    assert delete_case_study(engine, profile_id, gone)
    newer = create_case_study(engine, profile_id, "Newer", {})
    assert newer not in {first, gone}
    with pytest.raises(CaseStudyNotFound):
        save_case_study(
            engine, profile_id, gone, title="Old tab", sections={}, status="draft",
            expected_version=1,
        )  # fmt: skip
    assert get_case_study(engine, profile_id, newer).title == "Newer"
