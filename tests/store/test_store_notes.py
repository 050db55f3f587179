"""Notes: versioned saves, and two tabs editing the same note never lose text."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from pathfinder.store import ChangedElsewhere, save_note, set_status, step_progress


def note_of(engine: Engine, profile_id: int, item_id: str) -> tuple[str, int]:
    """Return the stored note text and version of one item."""
    frame = step_progress(engine, profile_id).set_index("step_id")
    return frame.loc[item_id, "note"], int(frame.loc[item_id, "note_version"])


def test_each_save_returns_the_next_version(engine: Engine, profile_id: int) -> None:
    """A never-saved note is version 0; every save bumps the version by one."""
    assert save_note(engine, profile_id, "metrics", "first", expected_version=0) == 1
    assert save_note(engine, profile_id, "metrics", "second", expected_version=1) == 2
    assert note_of(engine, profile_id, "metrics") == ("second", 2)


def test_a_note_on_an_item_with_status_keeps_the_status(engine: Engine, profile_id: int) -> None:
    """Saving a note does not touch the item's status."""
    set_status(engine, profile_id, "metrics", "done")
    save_note(engine, profile_id, "metrics", "done and dusted", expected_version=0)
    frame = step_progress(engine, profile_id).set_index("step_id")
    assert frame.loc["metrics", "status"] == "done"


def test_second_tab_gets_changed_elsewhere_with_both_texts(engine: Engine, profile_id: int) -> None:
    """Two tabs start from the same version: the second save is refused, both texts kept."""
    save_note(engine, profile_id, "metrics", "shared start", expected_version=0)
    tab_a_version = tab_b_version = 1
    save_note(engine, profile_id, "metrics", "edited in tab A", expected_version=tab_a_version)
    with pytest.raises(ChangedElsewhere) as caught:
        save_note(engine, profile_id, "metrics", "edited in tab B", expected_version=tab_b_version)
    error = caught.value
    assert "changed elsewhere" in str(error)
    assert error.current_text == "edited in tab A"
    assert error.your_text == "edited in tab B"
    assert error.current_version == 2
    assert note_of(engine, profile_id, "metrics") == ("edited in tab A", 2)
    # The UI can then save a merged text against the version it was shown.
    merged = f"{error.current_text}\n{error.your_text}"
    assert save_note(engine, profile_id, "metrics", merged, expected_version=2) == 3


def test_two_tabs_saving_the_same_text_is_not_a_conflict(engine: Engine, profile_id: int) -> None:
    """Identical edits from two tabs are accepted without a conflict."""
    save_note(engine, profile_id, "metrics", "same", expected_version=0)
    assert save_note(engine, profile_id, "metrics", "same", expected_version=0) == 1


def test_text_that_a_database_cannot_hold_is_refused(engine: Engine, profile_id: int) -> None:
    """NUL characters and lone surrogates are refused on both databases alike."""
    with pytest.raises(ValueError, match="NUL"):
        save_note(engine, profile_id, "metrics", "a\x00b", expected_version=0)
    with pytest.raises(ValueError, match="surrogate"):
        save_note(engine, profile_id, "metrics", "a\ud800b", expected_version=0)
    assert step_progress(engine, profile_id).empty


def test_unicode_notes_round_trip(engine: Engine, profile_id: int) -> None:
    """Emoji, accents and newlines come back exactly as typed."""
    text = "Café ☕ — 数据 🚀\nline two"
    save_note(engine, profile_id, "metrics", text, expected_version=0)
    assert note_of(engine, profile_id, "metrics") == (text, 1)


def test_links_saved_from_another_tab_are_not_overwritten(engine: Engine, profile_id: int) -> None:
    """A tab that showed no links cannot replace two links another tab saved since."""
    from pathfinder.store import set_links

    first = ["https://example.org/a", "https://example.org/b"]
    assert set_links(engine, profile_id, "metrics", first, expected=[]) is True
    with pytest.raises(ChangedElsewhere) as caught:
        set_links(engine, profile_id, "metrics", ["https://example.org/c"], expected=[])
    assert caught.value.current == first
    assert caught.value.yours == ["https://example.org/c"]
    stored = step_progress(engine, profile_id).set_index("step_id").loc["metrics", "links"]
    assert stored == first
    assert set_links(engine, profile_id, "metrics", ["https://example.org/c"], expected=first)
