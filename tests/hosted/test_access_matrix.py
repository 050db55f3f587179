"""The access matrix: owner A, owner B, anonymous and a share-link viewer over every page.

Every cell opens a new session as that identity on that page and checks what it shows:
nobody sees another person's data, anonymous visitors see no data at all, and a viewer
sees only what the owner shared, with nothing they could change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from pathfinder import store
from pathfinder.content import load_content
from tests.hosted.conftest import (
    ANONYMOUS,
    DASHBOARD,
    ISSUER,
    dump,
    enabled_inputs,
    page_text,
    signed_in,
)

PAGES = [
    "pages/overview.py",
    "pages/plan.py",
    "pages/lifecycle.py",
    "pages/skills.py",
    "pages/case_studies.py",
    "pages/progress.py",
    "pages/interview.py",
    "pages/settings.py",
]
VIEWER_PAGES = {
    "pages/overview.py",
    "pages/plan.py",
    "pages/skills.py",
    "pages/case_studies.py",
    "pages/progress.py",
}
IDENTITIES = ["owner-a", "owner-b", "anonymous", "viewer-of-a"]
# Widgets a viewer may use: they filter or download what is shown and change nothing.
VIEWER_ALLOWED = {
    ("MultiSelect", "Tracks"),
    ("MultiSelect", "Status"),
    ("Selectbox", "Builds the skill"),
    ("Selectbox", "Draft"),
    ("DownloadButton", "Download as Markdown"),
    ("Button", "Leave this shared view"),
    ("Dataframe", ""),
    ("PageLink", "Open the learning plan"),
}
SECRETS = {
    "a": ["A-SHARED-STUDY", "A-PRIVATE-STUDY", "A-NOTE-TEXT", "A-SECTION-TEXT"],
    "b": ["B-SHARED-STUDY", "B-NOTE-TEXT", "B-SECTION-TEXT"],
}


def _seed(engine: Engine) -> dict[str, Any]:
    """Give A and B their own progress, notes, case studies and a share link each."""
    step = str(load_content().steps["id"].iloc[0])
    seeded: dict[str, Any] = {"step": step}
    for who, name in (("a", "Ann"), ("b", "Bo")):
        tag = who.upper()
        pid = store.ensure_profile(engine, ISSUER, f"owner-{who}", name)
        store.set_status(engine, pid, step, "done")
        store.save_note(engine, pid, step, f"{tag}-NOTE-TEXT", expected_version=0)
        shared = store.create_case_study(
            engine, pid, f"{tag}-SHARED-STUDY", {"problem": f"{tag}-SECTION-TEXT"}
        )
        store.set_case_study_shared(engine, pid, shared, True)
        if who == "a":
            store.create_case_study(engine, pid, "A-PRIVATE-STUDY", {})
        seeded[who] = pid
        seeded[f"token-{who}"] = store.create_share_link(engine, pid, "mentor")[1]
    return seeded


def _user(identity: str) -> dict[str, Any] | None:
    if identity == "owner-a":
        return signed_in("owner-a", "Ann")
    if identity == "owner-b":
        return signed_in("owner-b", "Bo")
    # Anonymous and the viewer arrive on a hosted deployment without signing in.
    return ANONYMOUS


@pytest.fixture
def seeded(app_engine: Engine) -> dict[str, Any]:
    """Seed the two owners' data and return their ids and share tokens."""
    return _seed(app_engine)


def _violations(identity: str, page: str, at: AppTest) -> list[str]:
    """Return what `identity` should not have been shown or offered on `page`."""
    text = page_text(at)
    if identity == "owner-a":
        return [s for s in SECRETS["b"] if s in text]
    if identity == "owner-b":
        return [s for s in SECRETS["a"] if s in text]
    if identity == "anonymous":
        shown = [s for s in SECRETS["a"] + SECRETS["b"] if s in text]
        offered = [str(w) for w in enabled_inputs(at) if w != ("Button", "Log in")]
        return shown + offered
    shown = [s for s in SECRETS["b"] + ["A-PRIVATE-STUDY", "A-NOTE-TEXT"] if s in text]
    offered = [str(w) for w in enabled_inputs(at) if w not in VIEWER_ALLOWED]
    # A page outside the viewer's menu may only draw its lock notice (AppTest can run a
    # page file directly once a run has registered the pages/ folder).
    locked = any("shared view" in i.value or "belong to the owner" in i.value for i in at.info)
    unexpected = [] if page in VIEWER_PAGES or locked else [f"{page} showed content"]
    return shown + offered + unexpected


@pytest.mark.parametrize("identity", IDENTITIES)
def test_access_matrix_row(identity: str, seeded: dict[str, Any], app_engine: Engine) -> None:
    """One identity on every page sees only its own (or the shared) data and can change nothing."""
    before = dump(app_engine)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.user = _user(identity) or {}
    if identity == "viewer-of-a":
        at.query_params["share"] = seeded["token-a"]
    at.run()
    cells: dict[str, list[str]] = {}
    for page in PAGES:
        if page != "pages/overview.py":
            try:
                at.switch_page(page)
            except ValueError:
                # Not registered for this identity: the router cannot open it at all.
                cells[page] = [] if identity in {"anonymous", "viewer-of-a"} else ["missing"]
                continue
            at.run()
        errors = [e.value for e in at.exception]
        cells[page] = errors + _violations(identity, page, at)
    assert cells == {page: [] for page in PAGES}
    if identity == "owner-a":
        at.switch_page("pages/case_studies.py").run()
        assert "A-SHARED-STUDY" in page_text(at)  # not vacuous: A's data is on the page
    if identity == "viewer-of-a":
        at.switch_page("pages/case_studies.py").run()
        assert "A-SHARED-STUDY" in page_text(at)
    if identity in {"anonymous", "viewer-of-a"}:
        after = dump(app_engine)
        # Opening a link stamps its last_used_at; nothing else may change.
        after.pop("share_links"), before.pop("share_links")
        assert after == before


@pytest.mark.parametrize(
    ("identity", "page"),
    [("anonymous", page) for page in PAGES]
    + [("viewer-of-a", page) for page in PAGES if page not in VIEWER_PAGES],
)
def test_page_scripts_guard_themselves_without_the_router(
    identity: str, page: str, seeded: dict[str, Any]
) -> None:
    """Run as the app's entry script, each page still withholds data from these identities."""
    at = AppTest.from_file(str(DASHBOARD.parent / page), default_timeout=60)
    at.user = ANONYMOUS
    if identity == "viewer-of-a":
        at.query_params["share"] = seeded["token-a"]
    at.run()
    # Run alone, a page cannot link to its siblings (no st.navigation registered them).
    errors = [e.value for e in at.exception if not e.value.startswith("Could not find page")]
    assert not errors
    text = page_text(at)
    if identity == "anonymous":
        assert not [s for s in SECRETS["a"] + SECRETS["b"] if s in text]
        assert set(enabled_inputs(at)) <= {("Button", "Log in")}
    else:
        assert not [s for s in SECRETS["b"] + ["A-PRIVATE-STUDY", "A-NOTE-TEXT"] if s in text]
        assert set(enabled_inputs(at)) <= VIEWER_ALLOWED


def test_anonymous_visitor_gets_the_landing_page_only(
    open_app: Callable[..., AppTest], seeded: dict[str, Any]
) -> None:
    """A hosted deployment shows anonymous visitors a log-in button and one hidden page."""
    at = open_app(ANONYMOUS)
    assert [b.label for b in at.button] == ["Log in"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/settings.py")


def test_two_signed_in_users_in_one_process_keep_their_own_data(
    open_app: Callable[..., AppTest], seeded: dict[str, Any], app_engine: Engine
) -> None:
    """A's tick in one session changes A's profile only; B's session never shows it."""
    step = str(load_content().steps["id"].iloc[1])
    ann = open_app(signed_in("owner-a", "Ann"), page="pages/plan.py")
    ann.checkbox(key=f"done-{step}").check().run()
    assert not ann.exception
    bo = open_app(signed_in("owner-b", "Bo"), page="pages/plan.py")
    assert bo.checkbox(key=f"done-{step}").value is False
    statuses = {
        who: dict(
            zip(
                store.step_progress(app_engine, seeded[who])["step_id"],
                store.step_progress(app_engine, seeded[who])["status"],
                strict=True,
            )
        )
        for who in ("a", "b")
    }
    assert statuses["a"].get(step) == "done"
    assert step not in statuses["b"]


def test_same_email_from_two_subjects_gets_two_profiles(
    open_app: Callable[..., AppTest], seeded: dict[str, Any], app_engine: Engine
) -> None:
    """Profiles are keyed by issuer and subject: a shared email address selects nothing."""
    newcomer = open_app(
        signed_in("owner-c", "Cy", email="same@example.com"), page="pages/case_studies.py"
    )
    assert "SHARED-STUDY" not in page_text(newcomer)
    other_issuer = {**signed_in("owner-a", "Ann"), "iss": "https://other-idp.example"}
    impostor = open_app(other_issuer, page="pages/case_studies.py")
    assert "A-SHARED-STUDY" not in page_text(impostor)
    keys = {(row[1], row[2]) for row in dump(app_engine)["profiles"]}
    assert {(ISSUER, "owner-c"), ("https://other-idp.example", "owner-a")} <= keys


def test_session_state_cannot_pick_another_profile(
    open_app: Callable[..., AppTest], seeded: dict[str, Any]
) -> None:
    """Writing B's profile id into A's session state does not open B's data."""
    at = open_app(signed_in("owner-a", "Ann"), page="pages/case_studies.py")
    for key in ("_pathfinder_profile", "_pathfinder_profile_id"):
        at.session_state[key] = (("https://idp.example", "owner-b", "Bo"), seeded["b"])
    at.run()
    text = page_text(at)
    assert "B-SHARED-STUDY" not in text
    assert "A-SHARED-STUDY" in text
