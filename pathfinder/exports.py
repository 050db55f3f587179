"""Files a learner takes away: Markdown case studies and scripts, and a spreadsheet-safe CSV.

Learner text is escaped so no raw HTML passes through, and CSV cells that a spreadsheet
would run as formulas are neutralised.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Final

import pandas as pd

from pathfinder.domain.case_study import section_texts
from pathfinder.domain.dates import utc_day

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat a CSV cell as a formula."""


# A line's leading quote markers after html.escape, e.g. "&gt; &gt; " for a nested quote.
_ESCAPED_QUOTE_MARKERS: Final = re.compile(r"^ {0,3}(?:&gt; ?)+", re.MULTILINE)


def slugify(text: str, fallback: str = "case-study") -> str:
    """Turn a title into a lowercase, hyphenated ASCII file-name stem ('Café KPIs' → cafe-kpis)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or fallback


def escape_markdown_html(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so pasted HTML shows as text; keep blockquote markers.

    A ``>`` that starts a line is Markdown's quote marker and cannot open a tag, so it is
    kept; every other ``>`` and every ``<`` and ``&`` becomes an entity, which Markdown
    renders back as the character itself.
    """
    escaped = html.escape(text, quote=False)
    return _ESCAPED_QUOTE_MARKERS.sub(lambda match: match.group(0).replace("&gt;", ">"), escaped)


def case_study_markdown(
    title: str,
    sections: pd.DataFrame,
    draft_sections: dict[str, str],
    episode_citation: str | None = None,
) -> str:
    """Render a case-study draft as Markdown: '# title', then '## section' for filled ones.

    Sections follow the template order and empty ones are left out. The learner's text is
    kept as Markdown, with ``&``, ``<`` and ``>`` escaped so no raw HTML passes through.
    """
    texts = section_texts(sections, draft_sections)
    filled = texts.loc[texts["text"] != ""]
    parts = [f"# {escape_markdown_html(title.strip()) or 'Case study'}"]
    parts.extend(
        f"## {escape_markdown_html(heading)}\n\n{escape_markdown_html(body)}"
        for heading, body in zip(
            filled["title"], filled["text"].str.replace("\r\n", "\n"), strict=True
        )
    )
    if episode_citation and episode_citation.strip():
        parts.append(f"---\n\n*{escape_markdown_html(episode_citation.strip())}*")
    return "\n\n".join(parts) + "\n"


def interview_script(questions: pd.DataFrame, episode_title: str) -> str:
    """Render the interview questions as a Markdown script with room for notes under each."""
    ordered = questions.sort_values("order", kind="stable")
    parts = [
        "# Customer-development interview script",
        f"Questions from *{escape_markdown_html(episode_title)}*. Ask them in order and write "
        "what you hear under each one.",
    ]
    parts.extend(
        f"## {number}. {escape_markdown_html(question)}\n\n"
        f"*Why ask it:* {escape_markdown_html(purpose)}\n\nNotes:"
        for number, question, purpose in zip(
            ordered["order"], ordered["question"], ordered["purpose"], strict=True
        )
    )
    return "\n\n".join(parts) + "\n"


def neutralise_formulas(values: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text a spreadsheet would run as a formula ('=cmd' -> "'=cmd")."""
    text = values.astype(object).fillna("").astype(str)
    risky = text.str.startswith(FORMULA_PREFIXES)
    neutral: pd.Series = text.mask(risky, "'" + text)
    return neutral


def _date_text(values: pd.Series) -> pd.Series:
    """Return UTC dates as YYYY-MM-DD text, blank when missing."""
    text: pd.Series = utc_day(values).dt.strftime("%Y-%m-%d")
    return text.fillna("")


def plan_csv(plan: pd.DataFrame) -> str:
    """Return the plan with the learner's status as CSV text, safe to open in a spreadsheet.

    Columns: track, step, step_id, title, hours, status, started, completed, note, links
    (space-separated), with RFC 4180 CRLF line ends. Text cells starting with =, +, -, @,
    tab or CR get a leading apostrophe so spreadsheets show them instead of running them.
    """
    export = pd.DataFrame(
        {
            "track": plan["track"],
            "step": plan["order"],
            "step_id": plan["id"],
            "title": plan["title"],
            "hours": plan["hours"],
            "status": plan["status"],
            "started": _date_text(plan["started_at"]),
            "completed": _date_text(plan["completed_at"]),
            "note": plan["note"],
            "links": plan["links"].str.join(" "),
        }
    )
    for column in ("track", "step_id", "title", "status", "note", "links"):
        export[column] = neutralise_formulas(export[column])
    # CRLF as in RFC 4180: the writer then quotes any cell holding a bare CR or LF.
    return export.to_csv(index=False, lineterminator="\r\n")
