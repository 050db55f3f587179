"""The layers hold: the import-linter contracts in pyproject.toml are all kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_import_linter_contract_is_kept() -> None:
    """Only the UI imports Streamlit; content and the store meet only in the UI; and so on."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_function_is_too_complex_to_change_safely() -> None:
    """No function or method in the app reaches radon's grade D (cyclomatic complexity > 20)."""
    from radon.complexity import cc_rank, cc_visit

    sources = [*(ROOT / "pathfinder").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
    too_complex = [
        f"{path.relative_to(ROOT)}:{block.lineno} {block.name} ({block.complexity})"
        for path in sources
        for block in cc_visit(path.read_text("utf-8"))
        if cc_rank(block.complexity) not in {"A", "B", "C"}
    ]
    assert not too_complex
