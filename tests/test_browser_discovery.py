"""Which Chromium the browser tests drive, and what happens when there is none."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.chromium import CHROMIUM_ARGS, INSTALL_COMMAND, find_chromium
from tests.chromium import launch_or_skip


def executable(folder: Path, name: str) -> Path:
    """Create an empty executable file called `name` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


class FakePlaywright:
    """Stands in for Playwright: says where its own Chromium would be, records launches."""

    def __init__(self, bundled: Path) -> None:
        self.launched: list[dict[str, Any]] = []
        self.chromium = SimpleNamespace(executable_path=str(bundled), launch=self._launch)

    def _launch(self, **options: Any) -> str:
        self.launched.append(options)
        return "a browser"


def test_playwrights_own_chromium_comes_before_one_on_path(tmp_path: Path) -> None:
    """A Chromium from `playwright install chromium` is used even with another on PATH."""
    bundled = executable(tmp_path / "ms-playwright", "chrome")
    executable(tmp_path / "bin", "chromium")
    assert find_chromium(str(bundled), {"PATH": str(tmp_path / "bin")}) == bundled


@pytest.mark.parametrize(
    ("installed", "chosen"),
    [
        (["google-chrome-stable", "chromium"], "chromium"),
        (["google-chrome", "chromium-browser"], "chromium-browser"),
        (["google-chrome-stable", "google-chrome"], "google-chrome"),
        (["google-chrome-stable"], "google-chrome-stable"),
    ],
)
def test_without_playwrights_chromium_the_first_known_name_on_path_is_used(
    tmp_path: Path, installed: list[str], chosen: str
) -> None:
    """Chromium names come before Chrome's, found in any folder of PATH."""
    folders = [tmp_path / f"bin{number}" for number in range(len(installed))]
    for folder, name in zip(folders, installed, strict=True):
        executable(folder, name)
    search_path = ":".join(str(folder) for folder in folders)
    found = find_chromium(str(tmp_path / "not-installed" / "chrome"), {"PATH": search_path})
    assert found is not None
    assert found.name == chosen


def test_nothing_installed_finds_nothing(tmp_path: Path) -> None:
    """An empty PATH and no Playwright browser: no Chromium (a plain file does not count)."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "chromium").write_text("not executable", encoding="utf-8")
    assert find_chromium(str(tmp_path / "chrome"), {"PATH": str(tmp_path / "bin")}) is None


def test_the_found_chromium_is_launched_headless_with_the_harness_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """launch_or_skip launches the browser found, by its path."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    chromium = executable(tmp_path / "bin", "chromium")
    playwright = FakePlaywright(tmp_path / "not-installed" / "chrome")
    assert launch_or_skip(playwright) == "a browser"  # type: ignore[arg-type]
    assert playwright.launched == [{"executable_path": str(chromium), "args": CHROMIUM_ARGS}]


def test_no_chromium_skips_with_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a laptop without a browser, browser tests skip and say how to install one."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=INSTALL_COMMAND):
        launch_or_skip(FakePlaywright(tmp_path / "chrome"))  # type: ignore[arg-type]


def test_no_chromium_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under CI=true a missing browser fails the test instead of skipping it."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=INSTALL_COMMAND):
        launch_or_skip(FakePlaywright(tmp_path / "chrome"))  # type: ignore[arg-type]
