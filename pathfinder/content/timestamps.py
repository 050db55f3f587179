"""Interview timestamps: parsing `M:SS` / `H:MM:SS` and turning them into video deep links."""

from __future__ import annotations

import re

TIMESTAMP_PATTERN = re.compile(r"^(?:(?P<h>\d+):(?P<m2>[0-5]\d)|(?P<m>[0-5]?\d)):(?P<s>[0-5]\d)$")


def parse_timestamp(text: str) -> int:
    """Return the number of seconds a transcript timestamp stands for.

    Raises:
        ValueError: the text is not `M:SS`, `MM:SS` or `H:MM:SS`.

    """
    match = TIMESTAMP_PATTERN.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a timestamp like 23:05 or 1:00:18")
    if match["h"] is not None:
        return int(match["h"]) * 3600 + int(match["m2"]) * 60 + int(match["s"])
    return int(match["m"]) * 60 + int(match["s"])


def format_timestamp(seconds: int) -> str:
    """Return the transcript's spelling of a position in the video (`23:05`, `1:00:18`)."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def video_deep_link(video_url: str, seconds: int) -> str:
    """Return the video URL that starts playing at `seconds`."""
    separator = "&" if "?" in video_url else "?"
    return f"{video_url}{separator}t={seconds}"
