"""Curated interview content: YAML files in, validated pandas DataFrames out."""

from pathfinder.content.errors import ContentError
from pathfinder.content.loader import CONTENT_DIR, Content, Episode, load_content
from pathfinder.content.timestamps import format_timestamp, parse_timestamp, video_deep_link

__all__ = [
    "CONTENT_DIR",
    "Content",
    "ContentError",
    "Episode",
    "format_timestamp",
    "load_content",
    "parse_timestamp",
    "video_deep_link",
]
