"""Validated content kept on disk: the same inputs skip validation, any change revalidates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pathfinder.content import CONTENT_DIR, ContentError, load_content
from pathfinder.content import cache as content_cache
from pathfinder.content import loader as content_loader


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """Return a private copy of the content folder, free to edit."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count calls of the validating loader (the work a cache hit saves)."""
    calls: list[Path] = []
    real = content_loader.load_content

    def counting(content_dir: Path = CONTENT_DIR) -> content_loader.Content:
        calls.append(content_dir)
        return real(content_dir)

    monkeypatch.setattr(content_loader, "load_content", counting)
    return calls


def _assert_same(left: content_loader.Content, right: content_loader.Content) -> None:
    assert left.episode == right.episode
    for name in ("steps", "skills", "tracks", "step_skills", "resources", "sources", "glossary"):
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name))


def test_second_load_reads_the_cache_without_validating(
    content_dir: Path, tmp_path: Path, validations: list[Path]
) -> None:
    """The first load validates and writes one entry; the next one only reads it."""
    cache_dir = tmp_path / "cache"
    first = content_cache.load_content_cached(content_dir, cache_dir)
    assert validations == [content_dir]
    assert len(list(cache_dir.glob("*.pickle"))) == 1
    second = content_cache.load_content_cached(content_dir, cache_dir)
    assert validations == [content_dir]  # no second validation
    _assert_same(first, second)
    _assert_same(second, load_content(content_dir))


def test_an_edited_content_file_is_validated_again(
    content_dir: Path, tmp_path: Path, validations: list[Path]
) -> None:
    """Changing a content file changes the key: the edit shows, the old entry is not used."""
    cache_dir = tmp_path / "cache"
    before = content_cache.load_content_cached(content_dir, cache_dir)
    plan = content_dir / "plan.yaml"
    old_title = str(before.steps["title"].iloc[0])
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(old_title, "An edited first step", 1),
        encoding="utf-8",
    )
    after = content_cache.load_content_cached(content_dir, cache_dir)
    assert len(validations) == 2
    assert after.steps["title"].iloc[0] == "An edited first step"


def test_broken_content_is_reported_and_never_cached(content_dir: Path, tmp_path: Path) -> None:
    """A broken file still gets the editor's message, and no entry is written for it."""
    cache_dir = tmp_path / "cache"
    content_cache.load_content_cached(content_dir, cache_dir)
    (content_dir / "skills.yaml").write_text("skills: [\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"skills\.yaml, line \d+.*YAML syntax error"):
        content_cache.load_content_cached(content_dir, cache_dir)
    assert len(list(cache_dir.glob("*.pickle"))) == 1  # only the good version's entry


def test_a_damaged_entry_is_a_miss(
    content_dir: Path, tmp_path: Path, validations: list[Path]
) -> None:
    """A truncated or foreign entry is ignored and replaced by a freshly validated one."""
    cache_dir = tmp_path / "cache"
    content_cache.load_content_cached(content_dir, cache_dir)
    (entry,) = cache_dir.glob("*.pickle")
    pickled_one = b"\x80\x05K\x01."  # a valid pickle, but of the number 1
    for damage in (entry.read_bytes()[:100], b"not a pickle", pickled_one):
        entry.write_bytes(damage)
        content = content_cache.load_content_cached(content_dir, cache_dir)
        assert isinstance(content, content_loader.Content)
    assert len(validations) == 4
    assert content_cache.load_content_cached(content_dir, cache_dir) is not None
    assert len(validations) == 4  # the last validation rewrote a good entry


def test_an_unusable_cache_path_costs_time_not_content(
    content_dir: Path, tmp_path: Path, validations: list[Path]
) -> None:
    """A cache 'folder' that is a file cannot hold entries; content still loads, twice."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    for _ in range(2):
        assert content_cache.load_content_cached(content_dir, blocker).steps.shape[0] > 0
    assert len(validations) == 2
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_a_cache_hit_does_not_import_the_validator(tmp_path: Path) -> None:
    """A new process that finds the entry never imports pandera (that is the time saved)."""
    script = (
        "import sys\n"
        "from pathfinder.content import load_content_cached\n"
        "content = load_content_cached()\n"
        "print(len(content.steps), 'pandera' in sys.modules)\n"
    )
    env = {**os.environ, content_cache.CACHE_DIR_ENV: str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0][1] == "True"  # the first process validated
    assert runs[1] == [runs[0][0], "False"]  # the second read the entry
