"""Case-study drafts measured against the content's section template."""

from __future__ import annotations

import pandas as pd


def section_texts(sections: pd.DataFrame, draft_sections: dict[str, str]) -> pd.DataFrame:
    """Return the template sections in order with the learner's stripped text for each."""
    ordered = sections.sort_values("order", kind="stable")
    texts = ordered["id"].map(dict(draft_sections)).astype(object).fillna("").astype(str)
    texts = texts.str.strip()
    return pd.DataFrame(
        {"title": ordered["title"].astype(str).to_numpy(), "text": texts.to_numpy()}
    )


def case_study_completeness(sections: pd.DataFrame, draft_sections: dict[str, str]) -> float:
    """Return the share (0-1) of template sections that have non-blank text."""
    if sections.empty:
        return 0.0
    texts = section_texts(sections, draft_sections)["text"]
    return float((texts != "").mean())
