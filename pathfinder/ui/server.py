"""The web server around the dashboard: Streamlit's own app plus what a deployment needs.

`streamlit run dashboard.py` finds the `st.App` that dashboard.py builds from these parts
and serves it with uvicorn, exactly like a plain Streamlit app, plus:

- response headers that keep share-link tokens out of other sites' Referer headers;
- sign-in redirects: back to the page the login started from, and a word on how it ended.

Nothing here runs inside a script run: these are ASGI parts, called per HTTP request.
"""

from __future__ import annotations

import webbrowser
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A share link carries its token in the address; with this policy the browser never sends
# the address to another site (a video link, a resource), only to this app itself.
REFERRER_POLICY = "same-origin"


class SecurityHeaders:
    """Add the headers every page of the app is served with (pure ASGI: websockets pass)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, adding the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Referrer-Policy"] = REFERRER_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)


# How a sign-in ended, as the marker `?signin=` the landing page turns into a message.
SIGN_IN_PARAM = "signin"
SIGNED_OUT, DENIED, FAILED = "signed-out", "denied", "failed"
# Streamlit's signed identity cookie: set by its callback exactly when a sign-in worked
# (its name is not public API; a test compares it with Streamlit's own constant).
STREAMLIT_USER_COOKIE = "_streamlit_user"
# The page a login started from, kept only while the person is at the identity provider.
RETURN_COOKIE = "pathfinder_return_to"
RETURN_COOKIE_MAX_AGE_S = 10 * 60
LOGIN, CALLBACK, LOGOUT = "auth/login", "oauth2callback", "auth/logout"


def _base_path() -> str:
    """Return the app's base path ("" or "/base"), as Streamlit serves it."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _cookie(name: str, value: str, *, max_age: int, path: str, secure: bool) -> str:
    """Return a Set-Cookie value: HttpOnly, SameSite=Lax, scoped to the app's path."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    cookie[name]["max-age"] = max_age
    cookie[name]["path"] = path
    cookie[name]["httponly"] = True
    cookie[name]["samesite"] = "Lax"
    cookie[name]["secure"] = secure
    return cookie[name].OutputString()


def _sets_identity_cookie(headers: MutableHeaders) -> bool:
    """Return whether a response stores Streamlit's identity cookie (not deletes it)."""
    for value in headers.getlist("set-cookie"):
        name, _, rest = value.partition("=")
        if name.strip() == STREAMLIT_USER_COOKIE and "max-age=0" not in rest.lower():
            return True
    return False


def sign_in_outcome(query: Iterable[tuple[str, str]], signed_in: bool) -> str | None:
    """Return how a callback ended: None (signed in), or DENIED, FAILED or SIGNED_OUT.

    The provider sends `error=` when the person denies or it fails, `code` and `state`
    on its way back from a sign-in; with none of them, the person is coming back from
    the provider's own log-out page (which returns to the callback address).
    """
    if signed_in:
        return None
    params = dict(query)
    if "error" in params:
        return DENIED if params["error"] == "access_denied" else FAILED
    if "code" in params or "state" in params:
        return FAILED
    return SIGNED_OUT


class SignInRedirects:
    """Send people back to the page they logged in from, and say how their sign-in ended.

    Pure ASGI around Streamlit's own /auth/login, /oauth2callback and /auth/logout routes,
    whose callback always redirects to the app's root:

    - GET /auth/login: the page it started from (the Referer, same origin only, and only
      if it is one of the app's own page paths, never a query string) is kept for ten
      minutes in an HttpOnly, SameSite=Lax cookie;
    - GET /oauth2callback: Streamlit's redirect to the root is pointed at that page; when
      no identity cookie was set, with `?signin=denied|failed|signed-out` for the
      landing page to explain;
    - GET /auth/logout: a redirect to the root gets `?signin=signed-out`.

    Nothing else passes through any differently: the redirect target is always built here
    from a known page path, so it can never lead to another site.
    """

    def __init__(self, app: ASGIApp, page_paths: Iterable[str]) -> None:
        self.app = app
        self.page_paths = frozenset(path.strip("/") for path in page_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request; rewrite the sign-in routes' redirects on their way out."""
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        base = _base_path()
        route = {f"{base}/{name}": name for name in (LOGIN, CALLBACK, LOGOUT)}.get(scope["path"])
        if route is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        secure = scope.get("scheme") == "https"

        async def send_rewritten(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if route == LOGIN:
                    page = self._start_page(request)
                    value, max_age = (page, RETURN_COOKIE_MAX_AGE_S) if page else ("", 0)
                    headers.append(
                        "set-cookie",
                        _cookie(
                            RETURN_COOKIE, value, max_age=max_age, path=base or "/", secure=secure
                        ),
                    )
                elif self._redirects_to_root(message, headers, base):
                    headers["location"] = self._destination(request, headers, route, base)
                    if route == CALLBACK:
                        headers.append(
                            "set-cookie",
                            _cookie(RETURN_COOKIE, "", max_age=0, path=base or "/", secure=secure),
                        )
            await send(message)

        await self.app(scope, receive, send_rewritten)

    def _start_page(self, request: Request) -> str | None:
        """Return the page path (no slashes) a login started from, if it is one of ours."""
        referer = urlsplit(request.headers.get("referer", ""))
        if referer.scheme not in {"http", "https"} or referer.netloc not in _own_hosts(request):
            return None
        base = _base_path()
        if not referer.path.startswith(f"{base}/"):
            return None
        page = referer.path[len(base) + 1 :]
        return page if page and page in self.page_paths else None

    def _destination(self, request: Request, headers: MutableHeaders, route: str, base: str) -> str:
        """Return where the redirect to the root should go instead."""
        if route == LOGOUT:
            return f"{base}/?{urlencode({SIGN_IN_PARAM: SIGNED_OUT})}"
        page = request.cookies.get(RETURN_COOKIE, "")
        target = f"{base}/{page}" if page and page in self.page_paths else f"{base}/"
        outcome = sign_in_outcome(
            request.query_params.multi_items(), signed_in=_sets_identity_cookie(headers)
        )
        return target if outcome is None else f"{target}?{urlencode({SIGN_IN_PARAM: outcome})}"

    @staticmethod
    def _redirects_to_root(message: Message, headers: MutableHeaders, base: str) -> bool:
        """Return whether a response is Streamlit's redirect to the app's root."""
        if not 300 <= int(message["status"]) < 400 or "location" not in headers:
            return False
        location = urlsplit(headers["location"])
        return not location.netloc and location.path.rstrip("/") == base


def _own_hosts(request: Request) -> set[str]:
    """Return the host[:port] this app is reached at: the request's and the redirect URI's."""
    hosts = {request.headers.get("host", "")}
    try:
        redirect_uri = st.secrets["auth"]["redirect_uri"]
    except (KeyError, FileNotFoundError):
        return hosts
    hosts.add(urlsplit(str(redirect_uri)).netloc)
    return hosts


def routes() -> list[BaseRoute]:
    """Return the app's own HTTP routes, served beside Streamlit's."""
    return []


def middleware(page_paths: Iterable[str]) -> list[Middleware]:
    """Return the middleware wrapped around every request, outermost first.

    `page_paths` are the url_paths of the app's pages: the only places a sign-in may
    send someone back to.
    """
    return [Middleware(SecurityHeaders), Middleware(SignInRedirects, page_paths=page_paths)]


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Open the browser on a local start, as `streamlit run` does for a plain script."""
    if not st.get_option("server.headless"):
        port = st.get_option("server.port")
        webbrowser.open(f"http://localhost:{port}/")
    yield
