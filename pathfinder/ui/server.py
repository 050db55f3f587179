"""The web server around the dashboard: Streamlit's own app plus what a deployment needs.

`streamlit run dashboard.py` finds the `st.App` that dashboard.py builds from these parts
and serves it with uvicorn, exactly like a plain Streamlit app, plus:

- response headers that keep share-link tokens out of other sites' Referer headers;
- (more routes and middleware are added here: readiness, sign-in redirects).

Nothing here runs inside a script run: these are ASGI parts, called per HTTP request.
"""

from __future__ import annotations

import webbrowser
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
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


def routes() -> list[BaseRoute]:
    """Return the app's own HTTP routes, served beside Streamlit's."""
    return []


def middleware() -> list[Middleware]:
    """Return the middleware wrapped around every request, outermost first."""
    return [Middleware(SecurityHeaders)]


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Open the browser on a local start, as `streamlit run` does for a plain script."""
    if not st.get_option("server.headless"):
        port = st.get_option("server.port")
        webbrowser.open(f"http://localhost:{port}/")
    yield
