"""Small display helpers shared by the pages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast

import pandas as pd
import streamlit as st

from pathfinder.charts import Chart
from pathfinder.content import Episode, parse_timestamp


def citation_links(episode: Episode, timestamps: Iterable[str]) -> str:
    """Return Markdown links that open the interview at each cited timestamp."""
    return " · ".join(
        f"[▶ {stamp}]({episode.deep_link(parse_timestamp(stamp))})" for stamp in timestamps
    )


def cite(episode: Episode, timestamps: Iterable[str], prefix: str = "In the interview:") -> None:
    """Show a caption with links to the moments of the interview an item cites."""
    st.caption(f"{prefix} {citation_links(episode, timestamps)}")


def chart(item: Chart, *, key: str) -> None:
    """Show a figure with its text alternative and the numbers behind it."""
    st.plotly_chart(item.figure, key=key, alt=item.alt_text, config={"displaylogo": False})
    st.caption(item.alt_text)
    if item.table is not None and not item.table.empty:
        with st.expander("Numbers behind this chart"):
            st.dataframe(without_missing(item.table), hide_index=True)


def without_missing(table: pd.DataFrame, blank: str = "—") -> pd.DataFrame:
    """Return `table` with missing cells as a dash (a data grid would print them as None)."""
    shown = table.copy()
    for column in shown.columns[shown.isna().any()]:
        shown[column] = shown[column].astype(object).where(shown[column].notna(), blank)
    return shown


def bullet_list(items: Iterable[str]) -> None:
    """Show plain-text items as a bulleted list (content text, never user HTML)."""
    st.markdown("\n".join(f"- {item}" for item in items))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of `frame` as dicts keyed by column name, for laying out widgets.

    A missing value is None, never pandas' NaN or NaT: a NaN is truthy and formats as
    "nan", which once turned resources without an address into links to "nan".
    """
    rows = cast(list[dict[str, Any]], frame.to_dict("records"))
    return [{key: None if _missing(value) else value for key, value in row.items()} for row in rows]


def _missing(value: Any) -> bool:
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:=\"'])")


def plain_markdown(text: str) -> str:
    """Escape user text so Markdown shows it literally: no links, HTML, emphasis or icons."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
