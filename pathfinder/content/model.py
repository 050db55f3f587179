"""The shapes the content is loaded into (no validation code, so importing this is cheap)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pathfinder.content.timestamps import video_deep_link

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


@dataclass(frozen=True)
class Episode:
    """The facts about the interview every item cites."""

    show: str
    title: str
    season: int
    episode: int
    guest: str
    guest_role: str
    guest_background: str
    host: str
    published: dt.date
    duration: str
    duration_seconds: int
    video_url: str
    episode_page: str

    def deep_link(self, seconds: int) -> str:
        """Return the link that starts the episode's video at `seconds`."""
        return video_deep_link(self.video_url, seconds)


@dataclass(frozen=True)
class Content:
    """Every kind of content as a DataFrame; see docs/architecture.md for the columns."""

    episode: Episode
    phases: pd.DataFrame
    skills: pd.DataFrame
    case_study_sections: pd.DataFrame
    publishing_formats: pd.DataFrame
    publishing_checklist: pd.DataFrame
    tracks: pd.DataFrame
    steps: pd.DataFrame
    step_skills: pd.DataFrame
    step_phases: pd.DataFrame
    resources: pd.DataFrame
    lessons: pd.DataFrame
    day_in_life: pd.DataFrame
    interview_questions: pd.DataFrame
    challenges: pd.DataFrame
    career: pd.DataFrame
    glossary: pd.DataFrame
    sources: pd.DataFrame
