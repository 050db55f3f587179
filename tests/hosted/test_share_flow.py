"""Share links end to end: created on settings, opened read-only, refused once unusable."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from pathfinder import store
from pathfinder.content import load_content
from pathfinder.ui.identity import INVALID_SHARE_MESSAGE, Identity
from pathfinder.ui.resources import Database
from pathfinder.ui.settings_view import case_studies_builder, report_builder
from pathfinder.ui.visitor import Visitor
from tests.hosted.conftest import dump, enabled_inputs, page_text, signed_in


def _owner(engine: Engine) -> int:
    return store.ensure_profile(engine, "https://idp.example", "owner-a", "Ann")


def test_owner_creates_a_link_shown_once(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """Creating a link on settings shows the address once; the database keeps only a hash."""
    at = open_app(signed_in("owner-a", "Ann"), page="pages/settings.py")
    at.text_input(key="share-label").input("mentor")
    next(b for b in at.button if b.label == "Create link").click().run()
    shown = [c.value for c in at.code if "?share=" in c.value]
    assert len(shown) == 1
    token = re.search(r"\?share=([A-Za-z0-9_-]+)$", shown[0]).group(1)
    assert token not in repr(dump(app_engine))
    links = store.list_share_links(app_engine, _owner(app_engine))
    assert links["label"].tolist() == ["mentor"]
    at.run()  # any later run: the token is gone from the page for good
    assert not [c.value for c in at.code if "?share=" in c.value]


def test_link_opens_a_read_only_view_that_keeps_its_address(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """A valid link shows the owner's overview read-only; the token stays for reloads."""
    owner = _owner(app_engine)
    _id, token = store.create_share_link(app_engine, owner, "mentor")
    at = open_app(share=token)
    assert at.query_params["share"] == token
    assert at.title[0].value == "Your path to data product management"
    assert "Read-only view of Ann" in at.sidebar.info[0].value
    assert store.list_share_links(app_engine, owner)["last_used_at"].notna().all()
    assert not [b for b in at.sidebar.button if "Leave" in b.label]  # no way out to the owner


def test_a_share_session_puts_its_token_back_after_moving_to_another_page(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """Moving to another page (which drops the query string) keeps the session read-only."""
    owner = _owner(app_engine)
    _id, token = store.create_share_link(app_engine, owner, "mentor")
    at = open_app(share=token)
    at.query_params.pop("share")  # what Streamlit's page navigation does to the address
    at.switch_page("pages/plan.py")
    at.run()
    assert at.query_params["share"] == token
    assert at.title[0].value == "Learning plan"
    assert at.checkbox
    assert all(box.disabled for box in at.checkbox)  # still read-only


def test_owner_revokes_on_settings_and_the_viewer_loses_access_at_once(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """Revoking from settings makes the viewer's very next rerun show only the message."""
    owner = _owner(app_engine)
    _id, token = store.create_share_link(app_engine, owner, "recruiter")
    viewer = open_app(share=token)
    settings = open_app(signed_in("owner-a", "Ann"), page="pages/settings.py")
    next(b for b in settings.button if b.label == "Revoke").click().run()
    assert store.resolve_share_token(app_engine, token) is None
    viewer.run()
    assert [e.value for e in viewer.error] == [INVALID_SHARE_MESSAGE]
    assert not viewer.sidebar.info
    assert [t.value for t in viewer.title] == ["Data PM Pathfinder"]


@pytest.mark.parametrize("case", ["revoked", "expired", "altered", "unknown"])
def test_unusable_links_get_one_plain_message(
    open_app: Callable[..., AppTest], app_engine: Engine, case: str
) -> None:
    """Revoked, expired, altered and unknown tokens all get the same message and no data."""
    owner = _owner(app_engine)
    store.create_case_study(app_engine, owner, "Ann's secret study", {})
    link_id, token = store.create_share_link(app_engine, owner, "mentor")
    if case == "revoked":
        store.revoke_share_link(app_engine, owner, link_id)
    elif case == "expired":
        # Made yesterday, to expire a minute ago: expired by the time anyone opens it.
        expired = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        link_id, token = store.create_share_link(
            app_engine, owner, "x", expires_at=expired, now=expired - dt.timedelta(days=1)
        )
    elif case == "altered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    else:
        token = "not-a-token"
    at = open_app(share=token)
    assert [e.value for e in at.error] == [INVALID_SHARE_MESSAGE]
    assert "secret" not in page_text(at)
    assert not at.button  # nothing on the page leads anywhere else


def test_owner_chooses_which_case_studies_a_viewer_sees(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """The case-studies toggle marks a study shared; only then does the viewer see it."""
    owner = _owner(app_engine)
    study = store.create_case_study(app_engine, owner, "Churn dashboard", {})
    _id, token = store.create_share_link(app_engine, owner, "mentor")
    assert "Churn dashboard" not in page_text(open_app(share=token, page="pages/case_studies.py"))
    at = open_app(signed_in("owner-a", "Ann"), page="pages/case_studies.py")
    at.toggle(key=f"cs-{study}-shared").set_value(True).run()
    assert store.get_case_study(app_engine, owner, study).shared is True
    viewer = open_app(share=token, page="pages/case_studies.py")
    assert "Churn dashboard" in page_text(viewer)
    assert not viewer.text_input  # preview only: no editor for a viewer


def test_settings_offers_the_report_and_case_study_downloads(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """Settings offers the HTML report and the case-study Markdown to the owner."""
    at = open_app(signed_in("owner-a", "Ann"), page="pages/settings.py")
    labels = [str(w) for w in enabled_inputs(at)]
    assert any("Progress report (HTML)" in label for label in labels)
    assert any("Case studies (Markdown)" in label for label in labels)


def test_report_and_markdown_builders_read_the_owners_data(app_engine: Engine) -> None:
    """The settings downloads build the owner's HTML report and case-study Markdown on click."""
    owner = _owner(app_engine)
    store.create_case_study(app_engine, owner, "Churn dashboard", {"problem": "Users leave"})
    where = Database(app_engine.url.render_as_string(hide_password=False), named=False)
    me = Visitor(Identity("oidc", display_name="Ann"), where, (app_engine, owner))
    c = load_content()
    html_text = report_builder(me, c)()
    assert "<h1>Progress report of Ann</h1>" in html_text
    assert case_studies_builder(me, c)().startswith("# Churn dashboard")
