"""Tables a person reads show a missing value as a dash, never None or NaN."""

from __future__ import annotations

import pandas as pd

from pathfinder.ui.widgets import without_missing


def test_missing_cells_become_a_dash_and_the_rest_stays() -> None:
    """An unrated phase reads "—"; numbers and text that are there are left as they are."""
    table = pd.DataFrame(
        {
            "phase": ["Discovery", "Delivery"],
            "level": [3.0, float("nan")],
            "rated": [pd.Timestamp("2026-11-30"), pd.NaT],
            "note": ["kept", None],
        }
    )
    shown = without_missing(table)
    assert shown.to_dict("records") == [
        {"phase": "Discovery", "level": 3.0, "rated": pd.Timestamp("2026-11-30"), "note": "kept"},
        {"phase": "Delivery", "level": "—", "rated": "—", "note": "—"},
    ]
    assert table["level"].isna().sum() == 1  # the chart's own table is not changed
