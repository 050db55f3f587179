"""The web server around the dashboard: Streamlit's own app plus what a deployment needs.

`streamlit run dashboard.py` finds the `st.App` that dashboard.py builds from these parts
and serves it with uvicorn, exactly like a plain Streamlit app, plus:

- response headers that keep share-link tokens out of other sites' Referer headers;
- a readiness route for load balancers, GET /_pathfinder/ready (ServerChecks);
- at start-up, a log line saying how the server serves people, every problem with its
  settings or database (each logged once, and again when it ends), and the migrations;
- sign-in redirects: back to the page the login started from, and a word on how it ended.

Nothing here runs inside a script run: these are ASGI parts, called per HTTP request.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
import webbrowser
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import URL, Engine
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pathfinder import hosting, store
from pathfinder.hosting import Problem
from pathfinder.ui.deployment import configuration

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


# -- readiness and the start-up checks ----------------------------------------------------

READY_PATH = "/_pathfinder/ready"
# Load balancers time a check out after about 5 s: answer within 3 s, whatever happens.
READY_TIMEOUT_S = 3.0
# Polls closer together than this share one check, so a flood of them costs one query.
READY_CACHE_S = 1.0
PROBE_CONNECT_TIMEOUT_S = 2  # libpq's smallest useful connect timeout
MIGRATION_RETRY_MAX_S = 30.0
_LOG = logging.getLogger("pathfinder.server")
_NO_STORE = {"Cache-Control": "no-store"}


def _timed_out(seconds: float) -> Problem:
    return Problem(
        "check-timeout",
        message="This server could not check its database in time.",
        detail=f"The readiness check took longer than {seconds:g} s (the database is slow "
        "to answer or to accept connections).",
        effect="not-ready",
    )


_CHECK_FAILED = Problem(
    "check-failed",
    message="This server could not check itself.",
    detail="The readiness check failed unexpectedly (traceback above).",
    effect="not-ready",
)


class ServerChecks:
    """The server's checks of itself: the start-up log and migrations, and readiness.

    One per server process (server_checks()), holding no one's data. Checks run in
    worker threads, never on the event loop; every problem is logged when it starts and
    when it ends, never once per poll.
    """

    def __init__(
        self,
        *,
        timeout_s: float = READY_TIMEOUT_S,
        cache_s: float = READY_CACHE_S,
        check: Callable[[], list[Problem]] | None = None,
    ) -> None:
        self._timeout_s = timeout_s
        self._cache_s = cache_s
        self._check = check or self.check
        self._lock = threading.Lock()
        self._engines: dict[str, Engine] = {}
        self._logged: dict[str, Problem] = {}  # reason -> problem, as last logged
        self._ready: bool | None = None  # the last readiness logged
        self._answer: tuple[float, list[Problem]] | None = None
        self._running: asyncio.Future[list[Problem]] | None = None
        self._stopping = threading.Event()
        self._startup: threading.Thread | None = None

    async def ready(self, request: Request) -> Response:
        """Answer 200 when this server can serve visitors; 503 and the reasons when not.

        Ready means: settings usable (database URL, durable storage where required, sign-in
        or trusted headers on a hosted deployment), database reachable, schema at head.
        The reasons are short codes ("database-unreachable"), never a host or a name.
        """
        problems = [p for p in await self._problems() if p.blocks_readiness]
        if not problems:
            return JSONResponse({"ready": True}, headers=_NO_STORE)
        reasons = list(dict.fromkeys(p.reason for p in problems))
        return JSONResponse(
            {"ready": False, "reason": reasons[0], "reasons": reasons},
            status_code=503,
            headers=_NO_STORE,
        )

    async def _problems(self) -> list[Problem]:
        answer = self._answer
        if answer is not None and time.monotonic() - answer[0] < self._cache_s:
            return answer[1]
        # One check at a time: while the database hangs, polls wait on the check already
        # running instead of piling up threads (and connections) behind it.
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(asyncio.to_thread(self._check))
        try:
            problems = await asyncio.wait_for(asyncio.shield(self._running), self._timeout_s)
        except TimeoutError:
            problems = [_timed_out(self._timeout_s)]
            self.settle(problems)
        self._answer = (time.monotonic(), problems)
        return problems

    def check(self) -> list[Problem]:
        """Return every current problem (settings, then the database); log what changed."""
        try:
            _, problems, url = configuration()
            if url is not None:
                database = hosting.database_problem(self._engine(url))
                if database is not None:
                    problems.append(database)
        except Exception:  # a bug here must make the server not ready, not crash the route
            _LOG.exception("The readiness check failed")
            problems = [_CHECK_FAILED]
        self.settle(problems)
        return problems

    def settle(self, problems: list[Problem]) -> None:
        """Log the problems that started and those that ended since the last check."""
        current = {problem.reason: problem for problem in problems}
        ready = not any(problem.blocks_readiness for problem in problems)
        with self._lock:
            started = [p for reason, p in current.items() if reason not in self._logged]
            ended = [reason for reason in self._logged if reason not in current]
            became_ready = ready and self._ready is not True
            self._logged, self._ready = current, ready
        for problem in started:
            state = "Not ready" if problem.blocks_readiness else "Warning"
            _LOG.log(problem.level, "%s (%s): %s", state, problem.reason, problem.detail)
        for reason in ended:
            _LOG.info("Resolved: %s.", reason)
        if became_ready:
            _LOG.info("Ready: %s answers 200.", READY_PATH)

    def _engine(self, url: URL) -> Engine:
        # The checks' own small engine: short connect timeout, and its problems are logged
        # by settle() (the pages' engine logs what the pages run into).
        key = url.render_as_string(hide_password=False)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = store.create_store_engine(
                    url, connect_timeout_s=PROBE_CONNECT_TIMEOUT_S, log_problems=False
                )
                self._engines[key] = engine
        return engine

    def start(self) -> None:
        """Log how this server serves people, its problems, and migrate (in a thread)."""
        self._startup = threading.Thread(
            target=self._start_up, name="pathfinder-start-up", daemon=True
        )
        self._startup.start()

    def stop(self) -> None:
        """Stop retrying migrations and close the checks' database connections."""
        self._stopping.set()
        if self._startup is not None:
            self._startup.join(timeout=5)
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
        for engine in engines:
            engine.dispose()

    def _start_up(self) -> None:
        facts, _, url = configuration()
        _LOG.info(hosting.describe_deployment(facts, url))
        pending = "migrations-pending" in {p.reason for p in self.check()}
        if url is None:
            return
        # Migrations run here, once per process, so that readiness (which never migrates)
        # turns 200 without waiting for a first visitor the load balancer would not send.
        delay, failures = 1.0, set()
        while not self._stopping.is_set():
            try:
                store.migrate(self._engine(url))
            except store.StoreUnavailable:
                pass  # check() logged it; migrations follow when the database is back
            except store.StoreConfigError:
                return  # written by a newer app: check() says so, and waiting cannot help
            except sa.exc.DBAPIError as error:  # a missing permission, say: logged once
                said = store.without_password(f"{type(error.orig).__name__}: {error.orig}", url)
                if said not in failures:
                    failures.add(said)
                    _LOG.error("Migrating the database failed (%s); retrying.", said)
            else:
                if pending:
                    _LOG.info("Migrated the database schema to revision %s.", store.HEAD_REVISION)
                self.check()
                return
            self._stopping.wait(delay)
            delay = min(delay * 2, MIGRATION_RETRY_MAX_S)


@functools.cache
def server_checks() -> ServerChecks:
    """Return this process's ServerChecks (one server per process, like Streamlit's runtime)."""
    return ServerChecks()


def configure_logging() -> None:
    """Send Pathfinder's log lines to the server's stderr, beside Streamlit's (once).

    Left alone when logging is configured already (a root handler, or an earlier call).
    """
    logger = logging.getLogger("pathfinder")
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    # Streamlit's own timestamp format, so the two read as one log.
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"
        )
    )
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


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
    ready = server_checks().ready
    paths = [READY_PATH]
    # Streamlit serves its own routes under server.baseUrlPath, and answers any other
    # address there with its page (status 200): a load balancer pointed at the base path
    # must reach readiness, not that page.
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    if base:
        paths.append(f"/{base}{READY_PATH}")
    return [Route(path, ready, methods=["GET"]) for path in paths]


def middleware(page_paths: Iterable[str]) -> list[Middleware]:
    """Return the middleware wrapped around every request, outermost first.

    `page_paths` are the url_paths of the app's pages: the only places a sign-in may
    send someone back to.
    """
    return [Middleware(SecurityHeaders), Middleware(SignInRedirects, page_paths=page_paths)]


def route_every_page_through_the_router() -> None:
    """Make Streamlit run every session through dashboard.py's st.navigation from the start.

    Streamlit decides once per process, when its first session starts, whether the app is
    an old-style multipage app: it is when a `pages/` folder sits beside the main script,
    as here. Until some session has run `st.navigation`, it then routes by file name, so
    the first visitor of a new server who opens a deep link whose address is not a file
    name (`/case-studies`, the file being case_studies.py) got "Page not found" over the
    page. Streamlit keeps that decision in a class attribute (not public API, looked up
    defensively), which `st.navigation` itself sets to False; setting it before the first
    session makes the decision the router's. tests/e2e/test_dashboard.py opens such deep
    links first on a fresh server and fails if an upgrade changes this.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without the old multipage mode
        return
    if hasattr(PagesManager, "uses_pages_directory"):
        PagesManager.uses_pages_directory = False


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Start the server's own checks; open the browser on a local start, as `streamlit run` does."""
    configure_logging()
    route_every_page_through_the_router()
    checks = server_checks()
    checks.start()
    if not st.get_option("server.headless"):
        port = st.get_option("server.port")
        webbrowser.open(f"http://localhost:{port}/")
    try:
        yield
    finally:
        checks.stop()
