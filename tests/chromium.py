"""Launch Chromium for a test: without one, skip locally and fail under CI."""

from __future__ import annotations

import os
from collections.abc import Mapping

import pytest
from playwright.sync_api import Browser, Playwright

from harness.chromium import ChromiumNotFoundError, launch_chromium


def in_ci(env: Mapping[str, str] | None = None) -> bool:
    """Return whether this run is CI's, where every test must run (CI=true)."""
    return (os.environ if env is None else env).get("CI", "").lower() in {"1", "true", "yes"}


def launch_or_skip(playwright: Playwright) -> Browser:
    """Launch Chromium; skip the test (fail it under CI) with the install command if none."""
    try:
        return launch_chromium(playwright)
    except ChromiumNotFoundError as missing:
        if in_ci():
            pytest.fail(f"CI=true needs a browser: {missing}", pytrace=False)
        pytest.skip(str(missing))
