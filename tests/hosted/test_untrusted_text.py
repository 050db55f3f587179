"""Learner text stays inert: on the page, in the Markdown and HTML exports, and in CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from pathfinder import report, store
from pathfinder.content import load_content
from pathfinder.domain.plan import plan_table
from pathfinder.exports import plan_csv
from tests.hosted.conftest import ISSUER, drawn_protos, signed_in

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    '"><svg onload=alert(1)>',
]
# Links must be http(s) URLs (the store refuses the rest), so the payloads ride inside one.
LINK_PAYLOADS = [
    "https://x.example/<script>alert(1)</script>",
    "https://x.example/<img/src=x/onerror=alert(1)>",
    "https://x.example/[x](javascript:alert(1))",
    'https://x.example/"><svg/onload=alert(1)>',
]
ALL = "\n".join(PAYLOADS)
_UNESCAPED_LINK = re.compile(r"(?<!\\)\]\(\s*javascript:", re.IGNORECASE)
_LIVE_TAG = re.compile(r"(?<!\\)<\s*(script|img|svg)\b", re.IGNORECASE)


def assert_inert_markdown(text: str) -> None:
    """Fail if Markdown text holds a live tag or a link that could run script."""
    assert not _LIVE_TAG.search(text), text
    assert not _UNESCAPED_LINK.search(text), text


def assert_page_inert(at: AppTest) -> int:
    """Check every drawn element; return how many carried a payload (so tests are not vacuous)."""
    carried = 0
    for proto in drawn_protos(at):
        kind, text = type(proto).__name__, str(proto)
        if "alert" not in text:
            continue
        carried += 1
        assert kind != "Html", text  # never st.html
        if kind == "Markdown":
            assert not proto.allow_html, text  # never unsafe_allow_html
            assert_inert_markdown(proto.body)
        if kind == "LinkButton":
            assert proto.url.startswith("https://"), text
    return carried


def _seed(engine: Engine) -> tuple[int, str, str]:
    c = load_content()
    step = str(c.steps["id"].iloc[0])
    pid = store.ensure_profile(engine, ISSUER, "owner-a", "Ann")
    store.save_note(engine, pid, step, ALL, expected_version=0)
    store.set_links(engine, pid, step, LINK_PAYLOADS)
    sections = {sid: ALL for sid in c.case_study_sections["id"]}
    study = store.create_case_study(engine, pid, PAYLOADS[0] + PAYLOADS[3], sections)
    store.set_case_study_shared(engine, pid, study, True)
    token = store.create_share_link(engine, pid, PAYLOADS[1])[1]
    return pid, step, token


def test_the_store_refuses_script_links(engine: Engine, profile_id: int) -> None:
    """A javascript: link is refused outright, so it can never be drawn as a link."""
    with pytest.raises(store.InvalidInput):
        store.set_links(engine, profile_id, "step-a", ["javascript:alert(1)"])


def test_payloads_stay_inert_on_the_owners_pages(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """Notes, links, case-study title and sections with payloads are drawn as text only."""
    _pid, step, _token = _seed(app_engine)
    at = open_app(signed_in("owner-a", "Ann"), page="pages/plan.py")
    at.session_state[f"details-{step}"] = True
    at.run()
    assert assert_page_inert(at) >= 2  # the note and the links were on the page
    at.switch_page("pages/case_studies.py").run()
    assert assert_page_inert(at) >= 3  # title, sections, preview
    at.switch_page("pages/settings.py").run()
    assert assert_page_inert(at) >= 1  # the share link's label


def test_payloads_stay_inert_for_a_share_link_viewer(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """The viewer's sidebar and shared case study show the payloads as text."""
    _pid, _step, token = _seed(app_engine)
    at = open_app(share=token, page="pages/case_studies.py")
    assert assert_page_inert(at) >= 2


def test_payloads_stay_inert_in_the_markdown_export() -> None:
    """The case-study Markdown has no live tag and no clickable script link."""
    c = load_content()
    drafts = pd.DataFrame(
        {
            "title": [payload for payload in PAYLOADS],
            "sections": [{sid: ALL for sid in c.case_study_sections["id"]}] * len(PAYLOADS),
        }
    )
    text = report.case_studies_markdown(c, drafts)
    assert text.count("alert(1)") >= len(PAYLOADS) * 2
    assert_inert_markdown(text)


def _report(notes: str, links: list[str]) -> str:
    c = load_content()
    step = str(c.steps["id"].iloc[0])
    now = pd.Timestamp.now(tz="UTC")
    progress = pd.DataFrame(
        {
            "step_id": [step],
            "status": ["done"],
            "started_at": [now],
            "completed_at": [now],
            "note": [notes],
            "note_version": [1],
            "links": [links],
            "updated_at": [now],
        }
    )
    empty_ratings = pd.DataFrame(
        {
            "subject_id": pd.Series(dtype=str),
            "level": pd.Series(dtype="int64"),
            "rated_at": pd.Series(dtype="datetime64[us, UTC]"),
        }
    )
    data = report.ReportData(
        progress=progress,
        target=store.Target(dt.date(2027, 1, 1), 5.0),
        activity_per_day=pd.DataFrame(
            {"day": pd.to_datetime([now.normalize().tz_localize(None)]), "events": [3]}
        ),
        skill_history=empty_ratings,
        latest_skill_ratings=empty_ratings,
        owner_name=PAYLOADS[4],
    )
    return report.progress_report_html(c, data, now.date())


def test_payloads_stay_inert_in_the_html_report() -> None:
    """Every learner text in the report is HTML-escaped; only http(s) links become anchors."""
    html_text = _report(ALL, LINK_PAYLOADS)
    for payload in PAYLOADS:
        if "<" in payload or ">" in payload or '"' in payload:
            assert payload not in html_text
    for payload in LINK_PAYLOADS:
        if "<" in payload or '"' in payload:
            assert payload not in html_text
    learner_part = html_text.split("<h2>Steps started or done</h2>", 1)[1]
    assert not _LIVE_TAG.search(learner_part)
    assert all(href.startswith("https://") for href in re.findall(r'href="([^"]*)"', learner_part))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in learner_part
    heading = html_text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "&quot;&gt;&lt;svg onload=alert(1)&gt;" in heading


def test_the_html_report_is_one_offline_file() -> None:
    """The report inlines plotly.js once, draws six charts and loads nothing from the network."""
    html_text = _report("", [])
    assert html_text.count('class="plotly-graph-div"') == 6
    assert not re.search(r"<script[^>]+src=", html_text)
    assert not re.search(r"<link[^>]+href=", html_text)
    assert html_text.count("plotly.js v") == 1  # the bundle's banner: inlined exactly once


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_csv_export_neutralises_formula_cells(lead: str) -> None:
    """Note and link cells starting with =, +, - or @ get a leading apostrophe in the CSV."""
    c = load_content()
    step = str(c.steps["id"].iloc[0])
    progress = pd.DataFrame(
        {
            "step_id": [step],
            "status": ["done"],
            "started_at": [pd.NaT],
            "completed_at": [pd.NaT],
            "note": [f'{lead}HYPERLINK("https://evil.example","x")'],
            "note_version": [1],
            "links": [[]],
            "updated_at": [pd.Timestamp.now(tz="UTC")],
        }
    )
    plan = plan_table(c.steps, c.tracks, progress)
    rows = list(csv.DictReader(io.StringIO(plan_csv(plan))))
    note = next(row["note"] for row in rows if row["step_id"] == step)
    assert note == f'\'{lead}HYPERLINK("https://evil.example","x")'
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values() if cell
    )
