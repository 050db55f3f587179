"""Keep validated content on disk, so a new server process need not validate it again.

Validating the content (pandera schemas, every citation, every reference) imports pandera
and checks every file on every process start, for files that change only when an editor
changes them; the cold-start benchmark shows a person waits for it
(docs/readability-and-speed.md).
The validated `Content` is therefore pickled into the user's cache folder under a name
that is the SHA-256 of everything it was made from: every content file's name and bytes,
the source of the loading and validation code, and the Python and pandas versions. Any
change to any of those makes a new name, so a stale or foreign entry is never read; an
editor's broken file is validated (and reported) as before. Nothing but validated content
is ever written, and a cache that cannot be read or written is skipped silently: it only
ever saves time.

The entries are pickles in the user's own cache folder (`PATHFINDER_CACHE_DIR`, by
default `platformdirs.user_cache_dir("pathfinder")`); whoever can write there can also
change the installed code, so reading them adds no exposure.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

import pandas as pd
import platformdirs

from pathfinder.content.model import CONTENT_DIR, Content

CACHE_DIR_ENV = "PATHFINDER_CACHE_DIR"
_CODE_DIR = Path(__file__).resolve().parent
_FORMAT = "pathfinder-content-1"


def default_cache_dir() -> Path:
    """Return where validated content is kept: `PATHFINDER_CACHE_DIR` or the user cache."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured:
        return Path(configured)
    return Path(platformdirs.user_cache_dir("pathfinder", appauthor=False)) / "content"


def content_key(content_dir: Path = CONTENT_DIR) -> str:
    """Return the SHA-256 of everything the validated content depends on."""
    digest = hashlib.sha256()
    for part in (_FORMAT, sys.version, pd.__version__, str(pickle.HIGHEST_PROTOCOL)):
        digest.update(part.encode() + b"\0")
    for folder, pattern in ((content_dir, "*.yaml"), (_CODE_DIR, "*.py")):
        for path in sorted(folder.glob(pattern)):
            digest.update(f"{folder == _CODE_DIR}:{path.name}".encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read(entry: Path) -> Content | None:
    try:
        with entry.open("rb") as file:
            loaded = pickle.load(file)  # noqa: S301 - our own entry, named by its inputs' hash
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or unreadable entry is only a miss
        return None
    return loaded if isinstance(loaded, Content) else None


def _write(entry: Path, content: Content) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".content-")
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(content, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)  # readers see the whole entry or none
        finally:
            Path(temporary).unlink(missing_ok=True)
    except OSError:  # a read-only or full disk costs time, never the content
        return


def load_content_cached(content_dir: Path = CONTENT_DIR, cache_dir: Path | None = None) -> Content:
    """Return the content, validated now or earlier from exactly the same inputs.

    Raises:
        ContentError: as `load_content` does, when a file breaks a rule.

    """
    entry = (cache_dir or default_cache_dir()) / f"{content_key(content_dir)}.pickle"
    cached = _read(entry)
    if cached is not None:
        return cached
    # Imported here: validation (and pandera with it) is only needed on a miss.
    from pathfinder.content.loader import load_content

    content = load_content(content_dir)
    _write(entry, content)
    return content
