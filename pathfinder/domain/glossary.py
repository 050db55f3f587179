"""Searching the glossary."""

from __future__ import annotations

import pandas as pd


def search_glossary(glossary: pd.DataFrame, query: str) -> pd.DataFrame:
    """Return glossary rows whose term or definition contains ``query`` (any case; blank = all)."""
    needle = query.strip()
    if not needle:
        return glossary
    found = glossary["term"].str.contains(needle, case=False, regex=False) | glossary[
        "definition"
    ].str.contains(needle, case=False, regex=False)
    return glossary.loc[found]
