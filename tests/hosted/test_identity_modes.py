"""Identity modes: local, OpenID Connect sign-in, and an authenticating reverse proxy."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from streamlit import config
from streamlit.testing.v1 import AppTest

from pathfinder import store
from pathfinder.ui.access import REFUSED_MESSAGE, REFUSED_PROXY_MESSAGE
from tests.hosted.conftest import ANONYMOUS, ISSUER, dump, page_text, signed_in

HEADER = "X-Forwarded-User"


@pytest.fixture
def behind_proxy() -> Iterator[None]:
    """Configure server.trustedUserHeaders as a deployment behind a proxy would."""
    previous = config.get_option("server.trustedUserHeaders")
    config.set_option("server.trustedUserHeaders", {HEADER: "user"})
    yield
    config.set_option("server.trustedUserHeaders", previous)


def _profiles(engine: Engine) -> set[tuple[str, str]]:
    return {(row[1], row[2]) for row in dump(engine)["profiles"]}


def test_local_mode_needs_no_login(open_app: Callable[..., AppTest], app_engine: Engine) -> None:
    """Without [auth] or proxy headers the app opens on the one local profile."""
    at = open_app()
    assert at.title[0].value == "Your path to data product management"
    assert not [b for b in at.button if b.label == "Log in"]
    assert _profiles(app_engine) == {("local", "default")}


def test_signed_in_user_gets_a_profile_keyed_by_issuer_and_subject(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """The first sign-in creates a profile for (iss, sub) with the display name, not the email."""
    at = open_app(signed_in("subject-1", "Dana"))
    assert "Signed in as Dana." in [m.value for m in at.sidebar.markdown]
    assert [b.label for b in at.sidebar.button] == ["Log out"]
    rows = dump(app_engine)["profiles"]
    assert [(r[1], r[2], r[3]) for r in rows] == [("https://idp.example", "subject-1", "Dana")]
    assert "same@example.com" not in repr(rows)


@pytest.mark.parametrize(
    ("claims", "shown"),
    [
        ({"name": " Dana ", "preferred_username": "dana.p", "email": "d@example.org"}, "Dana"),
        ({"preferred_username": "dana.p", "email": "d@example.org"}, "dana\\.p"),
        ({"name": "  ", "email": "d@example.org"}, "d@example\\.org"),
    ],
)
def test_the_sidebar_names_the_person_from_name_username_or_email(
    open_app: Callable[..., AppTest], app_engine: Engine, claims: dict[str, str], shown: str
) -> None:
    """The sidebar falls back to preferred_username, then email; only a name is stored."""
    user = {"is_logged_in": True, "iss": ISSUER, "sub": "subject-1", **claims}
    at = open_app(user)
    assert f"Signed in as {shown}." in [m.value for m in at.sidebar.markdown]
    stored_name = "Dana" if "name" in claims and claims["name"].strip() else None
    assert [row[3] for row in dump(app_engine)["profiles"]] == [stored_name]


def test_the_sidebar_never_says_signed_in_as_you(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """A token with no name, username or email gets "Signed in." and a Log out button."""
    at = open_app({"is_logged_in": True, "iss": ISSUER, "sub": "subject-1"})
    texts = [m.value for m in at.sidebar.markdown]
    assert "Signed in." in texts
    assert not [t for t in texts if "you" in t.split()]
    assert [b.label for b in at.sidebar.button] == ["Log out"]


def test_proxy_user_gets_a_profile_keyed_by_the_header(
    behind_proxy: None, open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """Behind a proxy, the first trusted header's value names the profile."""
    at = open_app({"user": "alice"}, page="pages/case_studies.py")
    at.button(key="cs-new").click().run()
    bob = open_app({"user": "bob"}, page="pages/case_studies.py")
    assert "Untitled case study" not in page_text(bob)
    issuer = "header:x-forwarded-user"
    assert _profiles(app_engine) == {(issuer, "alice"), (issuer, "bob")}
    alice = store.ensure_profile(app_engine, issuer, "alice")
    assert store.list_case_studies(app_engine, alice)["title"].tolist() == ["Untitled case study"]


def test_proxy_request_without_the_header_sees_nothing(
    behind_proxy: None, open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """A request the proxy did not identify gets a notice, no data and no profile."""
    at = open_app({"user": None})
    assert "did not come with a signed-in user" in at.warning[0].value
    assert not at.button
    assert _profiles(app_engine) == set()


def test_anonymous_visitor_creates_no_profile(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """Opening a hosted deployment without signing in writes nothing."""
    open_app(ANONYMOUS)
    assert _profiles(app_engine) == set()


def _import(at: AppTest, document: dict[str, object]) -> None:
    raw = json.dumps(document).encode()
    at.file_uploader(key="import-file").set_value(("p.json", raw, "application/json")).run()
    at.button(key="import-go").click().run()


def test_an_import_file_cannot_name_another_profile(
    open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """An import always lands in the importer's profile; a file naming a profile is refused."""
    step = "take-pm-foundations-course"
    bo = store.ensure_profile(app_engine, "https://idp.example", "owner-b", "Bo")
    store.set_status(app_engine, bo, step, "in-progress")
    exported = store.export_profile(app_engine, bo)
    exported["items"][0]["status"] = "done"
    before_bo = store.step_progress(app_engine, bo)
    at = open_app(signed_in("owner-a", "Ann"), page="pages/settings.py")
    naming_bo = {**exported, "profile_id": bo, "subject": "owner-b"}
    _import(at, naming_bo)
    assert any("nothing changed" in e.value for e in at.error)
    _import(at, exported)
    assert any("Imported" in s.value for s in at.success)  # into Ann's own profile
    ann = store.ensure_profile(app_engine, "https://idp.example", "owner-a", "Ann")
    assert store.step_progress(app_engine, ann)["status"].tolist() == ["done"]
    assert store.step_progress(app_engine, bo).equals(before_bo)


def _oidc(subject: object, issuer: object = ISSUER) -> dict[str, Any]:
    return {"is_logged_in": True, "iss": issuer, "sub": subject, "name": "Someone"}


@pytest.mark.parametrize(
    "subjects",
    [
        ("alice", "alice "),
        ("alice", " alice"),
        ("alice", "ALICE"),
        ("s" * 255, "s" * 254),
    ],
)
def test_signed_in_subjects_are_compared_exactly(
    open_app: Callable[..., AppTest], app_engine: Engine, subjects: tuple[str, str]
) -> None:
    """Subjects that differ by a space, a letter's case or one character are two profiles."""
    first, second = subjects
    at = open_app(_oidc(first), page="pages/case_studies.py")
    at.button(key="cs-new").click().run()
    other = open_app(_oidc(second), page="pages/case_studies.py")
    assert "Untitled case study" not in page_text(other)
    assert _profiles(app_engine) == {
        ("https://idp.example", first),
        ("https://idp.example", second),
    }


@pytest.mark.parametrize(
    ("subject", "issuer"),
    [
        ("s" * 256, ISSUER),
        ("s" * 255 + "-one", ISSUER),
        ("", ISSUER),
        ("   ", ISSUER),
        (12345, ISSUER),
        (None, ISSUER),
        ("with\x00nul", ISSUER),
        ("alice", "https://" + "i" * 248),
        ("alice", None),
    ],
)
def test_a_signed_in_identity_the_store_cannot_hold_is_refused(
    open_app: Callable[..., AppTest], app_engine: Engine, subject: object, issuer: object
) -> None:
    """Blank, non-text or too long issuers and subjects get a message and Log out, no data."""
    at = open_app(_oidc(subject, issuer))
    assert [e.value for e in at.error] == [REFUSED_MESSAGE]
    assert [b.label for b in at.button] == ["Log out"]
    assert not at.sidebar.button
    assert _profiles(app_engine) == set()


def test_proxy_user_names_are_compared_exactly(
    behind_proxy: None, open_app: Callable[..., AppTest], app_engine: Engine
) -> None:
    """Behind a proxy, "alice " is not "alice", and a name too long to store is refused."""
    open_app({"user": "alice"})
    open_app({"user": "alice "})
    refused = open_app({"user": "h" * 256})
    assert [e.value for e in refused.error] == [REFUSED_PROXY_MESSAGE]
    assert not refused.button
    issuer = "header:x-forwarded-user"
    assert _profiles(app_engine) == {(issuer, "alice"), (issuer, "alice ")}
