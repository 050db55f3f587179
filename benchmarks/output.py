"""Where benchmark results go: a JSON file per benchmark under benchmarks/results/."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def write_results(path: Path, payload: dict[str, Any]) -> None:
    """Write one benchmark's results as JSON, stamped with the time, and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamped = {"measured_at": datetime.now(UTC).isoformat(), **payload}
    path.write_text(json.dumps(stamped, indent=2), encoding="utf-8")
    print(f"\nResults written to {path}")
