"""The curated content loads, is faithful to the episode, and bad edits get clear messages."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pathfinder.content import (
    CONTENT_DIR,
    ContentError,
    format_timestamp,
    load_content,
    parse_timestamp,
)
from pathfinder.content.yaml_reader import read_yaml, strip_line_numbers

# The seed lives beside the repository (../shared/seed), as on a developer's machine and in CI.
SEED = Path(
    os.environ.get("PATHFINDER_SEED_DIR", Path(__file__).resolve().parents[2] / "shared" / "seed")
)
TRANSCRIPT = SEED / "interview-transcript.txt"

MINIMUM_COUNTS = {
    "phases": 8,
    "skills": 15,
    "case_study_sections": 8,
    "steps": 12,
    "tracks": 4,
    "interview_questions": 10,
    "career": 7,
    "glossary": 40,
}


@pytest.fixture(scope="module")
def content():  # type: ignore[no-untyped-def]
    """Load the real content once for this module."""
    return load_content()


@pytest.mark.parametrize(("kind", "minimum"), MINIMUM_COUNTS.items())
def test_content_covers_the_interview(content, kind: str, minimum: int) -> None:
    """Each kind of content holds at least the promised number of items."""
    assert len(getattr(content, kind)) >= minimum


def test_every_kind_has_items(content) -> None:
    """No content table is empty: the pages have something to show everywhere."""
    for kind in (
        "lessons",
        "day_in_life",
        "challenges",
        "publishing_formats",
        "publishing_checklist",
        "resources",
    ):
        assert len(getattr(content, kind)) > 0, kind


def test_episode_facts(content) -> None:
    """The episode's metadata matches the podcast's own page."""
    episode = content.episode
    assert episode.title == "Becoming a Data Product Manager"
    assert episode.guest == "Sara Menefee"
    assert episode.host == "Alexey Grigorev"
    assert episode.published.isoformat() == "2021-11-26"
    assert episode.duration_seconds == 3749
    assert episode.video_url == "https://www.youtube.com/watch?v=nt__pVuuC-k"


def test_source_timestamps_become_deep_links(content) -> None:
    """Every citation links to the video at the cited second."""
    sources = content.sources
    assert not sources.empty
    expected = "https://www.youtube.com/watch?v=nt__pVuuC-k&t=" + sources["seconds"].astype(str)
    assert (sources["url"] == expected).all()
    assert sources["seconds"].between(0, content.episode.duration_seconds).all()


@pytest.mark.skipif(not TRANSCRIPT.exists(), reason="the seed transcript is not beside the repo")
def test_every_cited_timestamp_is_a_transcript_line(content) -> None:
    """Each timestamp an item cites is printed in the transcript, so the quote can be checked."""
    lines = TRANSCRIPT.read_text(encoding="utf-8").splitlines()
    printed = {line.split(" ", 1)[0] for line in lines}
    missing = sorted(set(content.sources["timestamp"]) - printed, key=parse_timestamp)
    assert missing == []


def test_steps_are_in_track_then_step_order(content) -> None:
    """The plan reads in order: tracks in their order, steps in order inside each track."""
    track_order = content.steps["track_id"].map(content.tracks.set_index("id")["order"])
    keys = list(zip(track_order, content.steps["order"], strict=True))
    assert keys == sorted(keys)


def test_link_tables_join_back_without_loss(content) -> None:
    """step_skills, step_phases and resources hold exactly what plan.yaml lists per step."""
    raw = strip_line_numbers(read_yaml(CONTENT_DIR / "plan.yaml"))["steps"]
    for link, field, column in (
        (content.step_skills, "skills", "skill_id"),
        (content.step_phases, "phases", "phase_id"),
    ):
        joined = link.merge(content.steps[["id"]], left_on="step_id", right_on="id")
        assert len(joined) == len(link) == sum(len(step[field]) for step in raw)
        for step in raw:
            assert list(link.loc[link["step_id"] == step["id"], column]) == step[field]
    skills = content.step_skills.merge(content.skills, left_on="skill_id", right_on="id")
    assert len(skills) == len(content.step_skills)
    assert len(content.resources) == sum(len(step["resources"]) for step in raw)
    assert set(content.resources["step_id"]) <= set(content.steps["id"])


def test_every_step_builds_a_skill(content) -> None:
    """No plan step is orphaned from the skills it is supposed to build."""
    assert set(content.steps["id"]) == set(content.step_skills["step_id"])


def test_glossary_is_sorted_by_term(content) -> None:
    """The glossary reads alphabetically."""
    terms = list(content.glossary["term"].str.lower())
    assert terms == sorted(terms)


@pytest.mark.parametrize(
    ("text", "seconds"), [("0:00", 0), ("23:05", 1385), ("9:07", 547), ("1:02:29", 3749)]
)
def test_timestamps_round_trip(text: str, seconds: int) -> None:
    """Transcript timestamps parse to seconds and print back the same way."""
    assert parse_timestamp(text) == seconds
    assert format_timestamp(seconds) == text


@pytest.mark.parametrize("text", ["23:5", "1:2:03", "60:00", "abc", "-1:00", "1:00:60"])
def test_malformed_timestamps_are_refused(text: str) -> None:
    """A timestamp that is not M:SS or H:MM:SS is refused with the text named."""
    with pytest.raises(ValueError, match=re.escape(text)):
        parse_timestamp(text)


# --- broken copies -------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _broken_copy(tmp_path: Path, file: str, mutate: Mutation) -> Path:
    """Copy the content folder and apply one edit to one file, as an editor might."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    data = strip_line_numbers(read_yaml(target / file))
    mutate(data)
    (target / file).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


def _first(section: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda data: data[section][0]


def _set(section: str, field: str, value: Any) -> Mutation:
    return lambda data: _first(section)(data).__setitem__(field, value)


def _drop(section: str, field: str) -> Mutation:
    return lambda data: _first(section)(data).pop(field)


def _duplicate_first_id(section: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data[section][1]["id"] = data[section][0]["id"]

    return mutate


def _order_gap(section: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data[section][-1]["order"] = len(data[section]) + 5

    return mutate


BROKEN = [
    pytest.param(
        "skills.yaml",
        _drop("skills", "importance"),
        "skills",
        "importance",
        "required but missing",
        id="missing-field",
    ),
    pytest.param(
        "plan.yaml",
        _set("steps", "hours", "ten"),
        "steps",
        "hours",
        "must be a number of hours",
        id="wrong-type",
    ),
    pytest.param(
        "plan.yaml", _set("steps", "hours", 0), "steps", "hours", "above 0", id="zero-hours"
    ),
    pytest.param(
        "glossary.yaml",
        _duplicate_first_id("terms"),
        "terms",
        "id",
        "used by more than one item",
        id="duplicate-id",
    ),
    pytest.param(
        "skills.yaml",
        _set("skills", "id", "Learn SQL"),
        None,
        "id",
        "lowercase words joined by hyphens",
        id="id-not-kebab-case",
    ),
    pytest.param(
        "lifecycle.yaml",
        _set("phases", "sourses", ["1:00"]),
        "phases",
        "sourses",
        "unknown field",
        id="unknown-field",
    ),
    pytest.param(
        "career.yaml",
        _set("entries", "sources", ["23:5"]),
        "entries",
        "sources",
        "look like 23:05",
        id="malformed-timestamp",
    ),
    pytest.param(
        "career.yaml",
        _set("entries", "sources", ["1:05:00"]),
        "entries",
        "sources",
        "inside the episode (0:00 to 1:02:29)",
        id="timestamp-after-the-end",
    ),
    pytest.param(
        "challenges.yaml",
        _set("challenges", "sources", []),
        "challenges",
        "sources",
        "at least one timestamp",
        id="no-sources",
    ),
    pytest.param(
        "day_in_life.yaml",
        _order_gap("activities"),
        None,
        "order",
        "no gaps or repeats",
        id="order-gap",
    ),
    pytest.param(
        "plan.yaml",
        _set("steps", "skills", ["juggling"]),
        "steps",
        "skills",
        "'juggling' is not the id of any item in skills.yaml",
        id="unknown-skill",
    ),
    pytest.param(
        "plan.yaml",
        _set("steps", "track", "nowhere"),
        "steps",
        "track",
        "'nowhere' is not the id of any item in plan.yaml",
        id="unknown-track",
    ),
    pytest.param(
        "plan.yaml",
        _set("steps", "phases", ["teleport"]),
        "steps",
        "phases",
        "'teleport' is not the id of any item in lifecycle.yaml",
        id="unknown-phase",
    ),
    pytest.param(
        "skills.yaml",
        _set("skills", "importance", "essential"),
        "skills",
        "importance",
        "must be one of required, helpful, optional",
        id="bad-importance",
    ),
    pytest.param(
        "plan.yaml",
        _set("steps", "resources", [{"name": "x", "kind": "course", "url": "javascript:alert(1)"}]),
        "steps",
        "resources",
        "http(s) url",
        id="resource-url-not-http",
    ),
    pytest.param(
        "lifecycle.yaml",
        _set("phases", "designer_takes_part", "sometimes"),
        "phases",
        "designer_takes_part",
        "true or false",
        id="not-a-boolean",
    ),
    pytest.param(
        "case_study.yaml",
        _set("sections", "guiding_questions", []),
        "sections",
        "guiding_questions",
        "one or more",
        id="empty-list",
    ),
    pytest.param(
        "interview_questions.yaml",
        lambda d: d.pop("questions"),
        None,
        None,
        "the section `questions:` is missing",
        id="missing-section",
    ),
    pytest.param(
        "episode.yaml",
        lambda d: d["episode"].pop("host"),
        None,
        "host",
        "required but missing",
        id="episode-missing-field",
    ),
    pytest.param(
        "episode.yaml",
        lambda d: d["episode"].__setitem__("published", "26/11/2021"),
        None,
        "published",
        "date like 2021-11-26",
        id="episode-bad-date",
    ),
]


@pytest.mark.parametrize(("file", "mutate", "section", "field", "problem"), BROKEN)
def test_broken_content_gets_one_clear_message(
    tmp_path: Path,
    file: str,
    mutate: Mutation,
    section: str | None,
    field: str | None,
    problem: str,
) -> None:
    """A broken copy fails with a message naming the file, the item, the field and the problem."""
    folder = _broken_copy(tmp_path, file, mutate)
    original = strip_line_numbers(read_yaml(CONTENT_DIR / file))
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    message = str(caught.value)
    assert message.startswith(f"content/{file}")
    assert problem in message
    if field is not None:
        assert f"field '{field}'" in message
    if section is not None:
        assert f"item '{original[section][0]['id']}'" in message
    assert "Traceback" not in message


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    """A YAML syntax slip is reported with the file and the line it is on."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    lines = (folder / "skills.yaml").read_text(encoding="utf-8").splitlines()
    lines.insert(5, "  - id: [unclosed")
    (folder / "skills.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^content/skills\.yaml, line \d+: YAML syntax error"):
        load_content(folder)


def test_repeated_key_is_refused_with_its_line(tmp_path: Path) -> None:
    """A key written twice in one item is an error, not a silent overwrite."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    text = (folder / "glossary.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(\n(\s+)term: [^\n]*)", r"\1\n\2term: again", text, count=1)
    (folder / "glossary.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=r"line \d+: .*'term' appears twice"):
        load_content(folder)


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A deleted content file is reported by name."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    (folder / "career.yaml").unlink()
    with pytest.raises(ContentError, match=r"^content/career\.yaml: the file is missing$"):
        load_content(folder)


def test_unquoted_timestamps_are_read_as_timestamps(tmp_path: Path) -> None:
    """An editor may write 23:05 without quotes; it still means the timestamp, not 1385."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "challenges.yaml"
    text = re.sub(r"""["'](\d+:\d\d(?::\d\d)?)["']""", r"\1", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    unquoted = load_content(folder).challenges
    assert unquoted["sources"].tolist() == load_content().challenges["sources"].tolist()
