"""Find a Chromium to drive, launch it headless, and wait for a page's script run to end."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

INSTALL_COMMAND = "uv run playwright install chromium"
# Looked up on PATH, in this order, when Playwright has no Chromium of its own.
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RUN_TIMEOUT_MS = 30_000


class ChromiumNotFoundError(RuntimeError):
    """No Chromium is installed where find_chromium looks."""


def find_chromium(playwright_chromium: str, env: Mapping[str, str] | None = None) -> Path | None:
    """Return the Chromium to drive: Playwright's own if installed, else the first on PATH.

    Args:
        playwright_chromium: where Playwright keeps its own Chromium
            (`playwright.chromium.executable_path`), whether or not it is installed.
        env: the environment whose PATH is searched (this process's by default).

    """
    bundled = Path(playwright_chromium)
    if bundled.is_file():
        return bundled
    search_path = (os.environ if env is None else env).get("PATH", "")
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name, path=search_path)
        if found is not None:
            return Path(found)
    return None


def missing_chromium_message(playwright_chromium: str) -> str:
    """Say where no Chromium was found and give the one command that installs one."""
    return (
        f"no Chromium found (not at {playwright_chromium}, and none of "
        f"{', '.join(SYSTEM_CHROMIUMS)} on PATH); install one with: {INSTALL_COMMAND}"
    )


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the Chromium find_chromium finds, headless; raise ChromiumNotFoundError if none."""
    bundled = playwright.chromium.executable_path
    executable = find_chromium(bundled)
    if executable is None:
        raise ChromiumNotFoundError(missing_chromium_message(bundled))
    return playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)


def chromium_version() -> str:
    """Return the version of the Chromium launch_chromium would launch, or 'missing'."""
    with sync_playwright() as playwright:
        executable = find_chromium(playwright.chromium.executable_path)
    if executable is None:
        return "missing"
    done = subprocess.run(  # noqa: S603 - a browser found above, no shell
        [str(executable), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    return done.stdout.strip() or "unknown"


def wait_for_run(page: Page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the page is connected and its script run (or fragment run) is over."""
    app = '[data-testid="stApp"]'
    page.wait_for_selector(f'{app}[data-test-connection-state="CONNECTED"]', timeout=timeout_ms)
    page.wait_for_selector(f'{app}[data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden", timeout=timeout_ms)
