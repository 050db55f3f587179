"""The sign-in redirects around Streamlit's login, callback and logout routes, and their words.

A small Starlette app stands in for Streamlit's routes (they answer exactly as Streamlit's
do: a redirect to the provider, or to the root with or without the identity cookie), so
every case, hostile ones included, runs without a provider. tests/e2e/test_sign_in.py
runs the real thing in Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

from pathfinder.ui import server
from pathfinder.ui.access import DENIED_MESSAGE, FAILED_MESSAGE, SIGNED_OUT_MESSAGE
from pathfinder.ui.routes import PAGE_PATHS, ROUTES
from tests.hosted.conftest import ANONYMOUS, DASHBOARD

PROVIDER = "https://idp.example/authorize"
APP = "http://testserver"


async def login(request: Request) -> Response:
    """Send the browser to the provider, as Streamlit's /auth/login does."""
    return RedirectResponse(PROVIDER, status_code=302)


async def callback(request: Request) -> Response:
    """Redirect to the root, setting the identity cookie only for the code "good"."""
    response = RedirectResponse("/", status_code=302)
    if request.query_params.get("code") == "good":
        response.set_cookie(USER_COOKIE_NAME, "signed-identity", httponly=True)
    else:
        response.delete_cookie(USER_COOKIE_NAME)
    return response


async def logout(request: Request) -> Response:
    """Clear the identity cookie and redirect to the root (a provider without log-out)."""
    response = RedirectResponse("/", status_code=302)
    response.delete_cookie(USER_COOKIE_NAME)
    return response


@pytest.fixture
def client() -> Iterator[TestClient]:
    """Return a client of Streamlit-like sign-in routes behind the app's middleware."""
    app = Starlette(
        routes=[
            Route("/auth/login", login),
            Route("/oauth2callback", callback),
            Route("/auth/logout", logout),
        ],
        middleware=server.middleware(PAGE_PATHS),
    )
    with TestClient(app, base_url=APP, follow_redirects=False) as test_client:
        yield test_client


def start_login(client: TestClient, referer: str | None) -> str | None:
    """Press Log in on the page `referer`; return the return-to cookie's value (None: unset)."""
    headers = {"referer": referer} if referer is not None else {}
    reply = client.get("/auth/login?provider=token", headers=headers)
    assert reply.status_code == 302
    assert reply.headers["location"] == PROVIDER
    return client.cookies.get(server.RETURN_COOKIE) or None


def come_back(client: TestClient, query: str) -> str:
    """Return from the provider with `query`; return where the app sends the browser."""
    reply = client.get(f"/oauth2callback?{query}")
    assert reply.status_code == 302
    return reply.headers["location"]


def test_the_page_list_is_every_registered_page() -> None:
    """The server answers on every page's address, each one distinct, the home page ""."""
    assert tuple(route.url_path for route in ROUTES) == PAGE_PATHS
    assert len(set(PAGE_PATHS)) == len(PAGE_PATHS)
    assert "" in PAGE_PATHS


def test_the_identity_cookie_name_is_streamlits() -> None:
    """The name the middleware looks for is the one Streamlit sets (fails on an upgrade)."""
    assert server.STREAMLIT_USER_COOKIE == USER_COOKIE_NAME


@pytest.mark.parametrize("page", [path for path in PAGE_PATHS if path])
def test_login_returns_to_the_page_it_started_from(client: TestClient, page: str) -> None:
    """A sign-in that starts on /<page> ends on /<page>, and the reminder is cleared."""
    assert start_login(client, f"{APP}/{page}?tab=x") == page
    assert come_back(client, "state=s&code=good") == f"/{page}"
    assert client.cookies.get(server.RETURN_COOKIE) is None


def test_login_from_the_root_or_without_a_referer_returns_to_the_root(client: TestClient) -> None:
    """No page to return to: the person lands on the overview, as Streamlit would."""
    for referer in (f"{APP}/", None):
        assert start_login(client, referer) is None
        assert come_back(client, "state=s&code=good") == "/"


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/plan",  # another site
        "http://testserver.evil.example/plan",
        "http://testserver@evil.example/plan",
        "//evil.example/plan",
        "javascript:alert(1)",
        f"{APP}//evil.example",
        f"{APP}/plan/../../evil",
        f"{APP}/oauth2callback",
        f"{APP}/plan/extra",
        f"{APP}/%2F%2Fevil.example",
        f"{APP}/Plan",
    ],
)
def test_a_foreign_or_unknown_referer_is_never_a_destination(
    client: TestClient, referer: str
) -> None:
    """Only the app's own page paths are remembered; anything else lands on the root."""
    assert start_login(client, referer) is None
    assert come_back(client, "state=s&code=good") == "/"


@pytest.mark.parametrize("tampered", ["//evil.example", "https://evil.example", "plan/../x", ""])
def test_a_tampered_return_cookie_is_never_a_destination(client: TestClient, tampered: str) -> None:
    """A return-to cookie the browser was made to carry can only name one of the app's pages."""
    client.cookies.set(server.RETURN_COOKIE, tampered)
    assert come_back(client, "state=s&code=good") == "/"


def test_the_return_cookie_is_short_lived_http_only_and_lax(client: TestClient) -> None:
    """The reminder cannot be read by scripts, is not sent cross-site, and expires soon."""
    reply = client.get("/auth/login", headers={"referer": f"{APP}/settings"})
    cookie = next(
        value
        for value in reply.headers.get_list("set-cookie")
        if value.startswith(server.RETURN_COOKIE)
    )
    assert f"Max-Age={server.RETURN_COOKIE_MAX_AGE_S}" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie


@pytest.mark.parametrize(
    ("query", "outcome"),
    [
        ("error=access_denied&state=s", server.DENIED),
        ("error=server_error&error_description=boom&state=s", server.FAILED),
        ("state=bogus&code=bogus", server.FAILED),
        ("code=bogus", server.FAILED),
        ("", server.SIGNED_OUT),  # back from the provider's own log-out page
    ],
)
def test_a_callback_without_a_sign_in_says_how_it_ended(
    client: TestClient, query: str, outcome: str
) -> None:
    """Deny, a provider error, a bogus callback and a provider log-out each get a marker."""
    start_login(client, f"{APP}/settings")
    assert come_back(client, query) == f"/settings?signin={outcome}"
    assert client.cookies.get(server.RETURN_COOKIE) is None


def test_logging_out_says_so(client: TestClient) -> None:
    """Log-out's redirect to the root carries the signed-out marker."""
    reply = client.get("/auth/logout")
    assert reply.headers["location"] == "/?signin=signed-out"


def test_other_routes_pass_untouched(client: TestClient) -> None:
    """A POST to the callback path and unknown paths are left to Streamlit as they are."""
    assert client.post("/oauth2callback").status_code == 405
    assert client.get("/auth/login/extra").status_code == 404


@pytest.mark.parametrize(
    ("marker", "shown"),
    [
        (server.SIGNED_OUT, [SIGNED_OUT_MESSAGE]),
        (server.DENIED, [DENIED_MESSAGE]),
        (server.FAILED, [FAILED_MESSAGE]),
        ("<b>you have won</b>", []),
        ("", []),
    ],
)
def test_the_landing_page_turns_the_marker_into_fixed_text(
    database_url: str, marker: str, shown: list[str]
) -> None:
    """Known markers become their sentence, anything else shows nothing; all leave the address."""
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.user = ANONYMOUS
    at.query_params[server.SIGN_IN_PARAM] = marker
    at.run()
    assert not at.exception
    alerts = [a.value for a in (*at.success, *at.warning, *at.error)]
    assert alerts == shown
    assert server.SIGN_IN_PARAM not in at.query_params
    assert [b.label for b in at.button] == ["Log in"]
