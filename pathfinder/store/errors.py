"""Exceptions the progress store raises, worded for the person using the app."""

from __future__ import annotations

from typing import Any


class StoreUnavailable(Exception):  # noqa: N818 - reads as a sentence in the UI
    """The database cannot be reached, is locked past the timeout, or is read-only.

    The message is meant to be shown as is: it says what happened, that nothing was
    saved, and what to try. It never contains a password, and it names the database only
    when the engine was created with `name_location=True`. `problem` is a short word
    for code ("unreachable", "busy", "read-only", "full", "contention"); `detail` is for
    the server log: where the database is and what the driver said, never a password.
    """

    def __init__(self, message: str, *, problem: str = "unavailable", detail: str = "") -> None:
        super().__init__(message)
        self.problem = problem
        self.detail = detail or message


class StoreConfigError(Exception):
    """The database settings (environment or secrets.toml) cannot be used."""


class ChangedElsewhere(Exception):  # noqa: N818 - reads as a sentence in the UI
    """A text was saved from another tab or device since this copy was loaded.

    Carries both versions so the UI can show them side by side and let the person
    keep either, or merge them by hand: nothing typed is thrown away.
    """

    def __init__(
        self,
        what: str,
        *,
        current_text: str,
        your_text: str,
        current_version: int,
        current: Any = None,
        yours: Any = None,
    ) -> None:
        super().__init__(
            f"This {what} was changed elsewhere (another tab or device) after you opened it. "
            "Nothing was overwritten: both versions are shown so you can keep one or combine them."
        )
        self.what = what
        self.current_text = current_text
        self.your_text = your_text
        self.current_version = current_version
        # Structured values (e.g. a case study's title, status and sections) for UIs
        # that want more than the flattened text.
        self.current = current if current is not None else current_text
        self.yours = yours if yours is not None else your_text


class ReadOnlyIdentity(Exception):  # noqa: N818 - reads as a sentence in the UI
    """A read-only identity (a share-link viewer) tried to change progress; nothing was written."""


class CaseStudyNotFound(LookupError):  # noqa: N818 - reads as a sentence in the UI
    """No case study with that id belongs to this profile."""


class InvalidInput(ValueError):  # noqa: N818 - reads as a sentence in the UI
    """A value cannot be stored (a link that is not a web link, a level outside 1-5...).

    The message names the field and the rule, so the UI can show it as is. Nothing
    was written.
    """
