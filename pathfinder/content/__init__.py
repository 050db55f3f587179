"""Curated interview content: YAML files in, validated pandas DataFrames out.

Importing this package is cheap: the validating loader (and pandera with it) is imported
only when `load_content` is first used, and `load_content_cached` skips it entirely when
the same content was validated before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathfinder.content.cache import load_content_cached
from pathfinder.content.errors import ContentError
from pathfinder.content.model import CONTENT_DIR, Content, Episode
from pathfinder.content.timestamps import format_timestamp, parse_timestamp, video_deep_link

if TYPE_CHECKING:
    from pathfinder.content.loader import load_content

__all__ = [
    "CONTENT_DIR",
    "Content",
    "ContentError",
    "Episode",
    "format_timestamp",
    "load_content",
    "load_content_cached",
    "parse_timestamp",
    "video_deep_link",
]


def __getattr__(name: str) -> object:
    """Import the validating loader on first use of `load_content`."""
    if name == "load_content":
        from pathfinder.content.loader import load_content

        return load_content
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
