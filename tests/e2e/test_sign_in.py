"""Sign-in for real: Streamlit's OpenID Connect redirect in Chromium against a real provider.

oidc-provider-mock runs on a loopback port as the identity provider (discovery, signed ID
tokens, an authorization form where the test types the subject, Deny, end of session);
the dashboard runs with `[auth]` pointing at it, on its own temporary SQLite database.
Every sign-in here goes the way a person's does: Log in, the provider's form, the
callback, back in the app.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Locator, Page, expect

from harness.server import StreamlitServer, free_port
from pathfinder import store
from pathfinder.store.schema import profiles
from tests.e2e.conftest import DASHBOARD, People
from tests.e2e.driver import (
    after_run,
    checkbox,
    engine_on,
    note_box,
    open_details,
    open_path,
    reload,
    tick,
)
from tests.e2e.test_dashboard import PAGE_PATHS, TICK_STEP
from tests.e2e.test_two_users import GRACE_STEP, ticked

START_TIMEOUT_S = 30.0
LANDING_TEXT = "Log in to keep your own plan"
SIGNED_OUT = "You are signed out."
DENIED = "Sign-in was cancelled"
FAILED = "Sign-in did not work"
REFUSED = "with an identity this app cannot use"
USER_COOKIE = "_streamlit_user"  # Streamlit's signed identity cookie


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run oidc-provider-mock on a free loopback port; yield its issuer URL."""
    port = free_port()
    log = (tmp_path_factory.mktemp("oidc") / "provider.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, f"oidc-provider-mock exited with {process.returncode}"
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration") as reply:
                    if reply.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert time.monotonic() < deadline, "oidc-provider-mock did not start"
            time.sleep(0.05)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def write_secrets(path: Path, app_port: int, issuer: str) -> Path:
    """Write a secrets file whose [auth] section signs people in at `issuer`."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "pathfinder-e2e"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def server(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """Run the dashboard with sign-in at the provider, on a fresh SQLite database."""
    directory = tmp_path_factory.mktemp("sign-in")
    port = free_port()
    app = StreamlitServer(
        DASHBOARD,
        database_url=f"sqlite:///{directory / 'sign-in.db'}",
        log_path=directory / "streamlit.log",
        port=port,
        extra_args=[
            "--secrets.files",
            str(write_secrets(directory / "secrets.toml", port, provider)),
        ],
    )
    app.start()
    yield app
    app.stop()


def set_claims(issuer: str, subject: str, claims: dict[str, object]) -> None:
    """Tell the provider which claims (name, email, ...) the subject's ID token carries."""
    request = urllib.request.Request(
        f"{issuer}/users/{urllib.parse.quote(subject, safe='')}",
        data=json.dumps(claims).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request) as reply:
        assert reply.status == 204


def log_in_button(page: Page) -> Locator:
    """Return the landing page's Log in button."""
    return page.get_by_role("button", name="Log in", exact=True)


def sign_in(page: Page, server: StreamlitServer, subject: str) -> None:
    """Press Log in, type the subject into the provider's form, authorize, wait for the app."""
    log_in_button(page).click()
    page.get_by_placeholder("sub").fill(subject)
    with after_run(page):  # the app's first run once the provider has sent the person back
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{server.url}/**")


def sidebar(page: Page) -> Locator:
    """Return the sidebar."""
    return page.locator('[data-testid="stSidebar"]')


def shows_landing_only(page: Page) -> None:
    """Check the page is the landing page: a usable Log in button and no one's data."""
    expect(page.get_by_text(LANDING_TEXT)).to_be_visible()
    expect(log_in_button(page)).to_be_enabled()
    expect(page.locator('[data-testid="stCheckbox"]')).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)


def signed_in_cookie(context: BrowserContext) -> bool:
    """Return whether the browser holds Streamlit's identity cookie."""
    return any(cookie["name"].startswith(USER_COOKIE) for cookie in context.cookies())


def stored(server: StreamlitServer, issuer: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Return every profile of the provider: subject -> item id -> (status, note)."""
    with engine_on(server) as engine:
        with store.reading(engine) as conn:
            rows = conn.execute(sa.select(profiles.c.id, profiles.c.issuer, profiles.c.subject))
            owners = [(int(row.id), str(row.subject)) for row in rows if row.issuer == issuer]
        return {
            subject: {
                str(row["step_id"]): (str(row["status"]), str(row["note"]))
                for row in store.step_progress(engine, profile_id).to_dict("records")
            }
            for profile_id, subject in owners
        }


def test_signed_out_deep_links_show_the_landing_page_with_a_working_log_in(
    server: StreamlitServer, people: People
) -> None:
    """Every page address, opened signed out, shows the landing page whose Log in works."""
    page = people.open()
    open_path(page, server, "/")  # the server has served a page before the deep links
    for path in PAGE_PATHS:
        open_path(page, server, path)
        shows_landing_only(page)
        expect(page).to_have_url(server.url + path)
    log_in_button(page).click()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()


def test_log_in_from_a_deep_link_lands_on_that_page(
    server: StreamlitServer, provider: str, people: People
) -> None:
    """Someone who opens /progress signed out and logs in is on /progress afterwards."""
    set_claims(provider, "dora", {"name": "Dora"})
    page = people.open()
    open_path(page, server, "/progress")
    sign_in(page, server, "dora")
    expect(page).to_have_url(server.url + "/progress")
    expect(page.locator("h1").first).to_have_text("Progress")
    expect(sidebar(page).get_by_text("Signed in as Dora.")).to_be_visible()
    reload(page)
    expect(page.locator("h1").first).to_have_text("Progress")


def test_two_people_signed_in_at_once_never_see_each_others_progress(
    server: StreamlitServer, provider: str, people: People
) -> None:
    """Ada's tick and note stay Ada's and Grace's tick stays Grace's, both signed in at once."""
    set_claims(provider, "ada", {"name": "Ada Lovelace", "email": "ada@example.org"})
    set_claims(provider, "grace", {"name": "Grace Hopper", "email": "grace@example.org"})
    ada, grace = people.open(), people.open()
    note = "Ada's own note: the foundations course, week one."
    open_path(ada, server, "/plan")
    sign_in(ada, server, "ada")
    open_path(grace, server, "/plan")
    sign_in(grace, server, "grace")
    expect(sidebar(ada).get_by_text("Signed in as Ada Lovelace.")).to_be_visible()
    expect(sidebar(grace).get_by_text("Signed in as Grace Hopper.")).to_be_visible()

    tick(ada, TICK_STEP[1])
    box = note_box(open_details(ada, TICK_STEP[0]))
    box.fill(note)
    with after_run(ada):
        box.press("Control+Enter")
    reload(grace)
    expect(checkbox(grace, TICK_STEP[1])).not_to_be_checked()
    expect(note_box(open_details(grace, TICK_STEP[0]))).to_have_value("")
    tick(grace, GRACE_STEP[1])

    reload(ada)
    expect(checkbox(ada, TICK_STEP[1])).to_be_checked()
    assert ticked(ada) == [TICK_STEP[1]]
    expect(note_box(open_details(ada, TICK_STEP[0]))).to_have_value(note)
    reload(grace)
    expect(checkbox(grace, GRACE_STEP[1])).to_be_checked()
    assert ticked(grace) == [GRACE_STEP[1]]
    expect(grace.get_by_text(note)).to_have_count(0)
    found = stored(server, provider)
    assert found["ada"] == {TICK_STEP[0]: ("done", note)}
    assert found["grace"] == {GRACE_STEP[0]: ("done", "")}


def test_the_sidebar_names_someone_whose_token_has_no_name(
    server: StreamlitServer, provider: str, people: People
) -> None:
    """Without a name claim the sidebar shows the preferred username, else the email."""
    set_claims(provider, "no-name-1", {"preferred_username": "grace.h", "email": "g@example.org"})
    set_claims(provider, "no-name-2", {"email": "lin@example.org"})
    for subject, shown in (("no-name-1", "grace.h"), ("no-name-2", "lin@example.org")):
        page = people.open()
        open_path(page, server, "/")
        sign_in(page, server, subject)
        expect(sidebar(page).get_by_text(f"Signed in as {shown}.")).to_be_visible()
        expect(sidebar(page).get_by_text("Signed in as you.")).to_have_count(0)


def test_log_out_says_so_and_logging_in_again_keeps_the_data(
    server: StreamlitServer, provider: str, people: People
) -> None:
    """Log out confirms it, back shows no data, and the next log-in finds tick and note."""
    set_claims(provider, "mae", {"name": "Mae"})
    note = "Mae's note survives logging out."
    page = people.open()
    open_path(page, server, "/plan")
    sign_in(page, server, "mae")
    tick(page, TICK_STEP[1])
    box = note_box(open_details(page, TICK_STEP[0]))
    box.fill(note)
    with after_run(page):
        box.press("Control+Enter")

    sidebar(page).get_by_role("button", name="Log out").click()
    with after_run(page):
        page.get_by_role("button", name="End session").click()  # the provider's own page
        page.wait_for_url(f"{server.url}/**")
    expect(page.get_by_text(SIGNED_OUT)).to_be_visible()
    shows_landing_only(page)
    expect(page).to_have_url(server.url + "/")
    assert not signed_in_cookie(page.context)

    page.go_back()  # the same page with the marker it took out of the address
    page.go_back()  # the provider's end-of-session page
    with after_run(page):
        page.go_back()  # the plan, as it was while signed in
    expect(page).to_have_url(server.url + "/plan")
    shows_landing_only(page)
    expect(page.get_by_text(note)).to_have_count(0)

    sign_in(page, server, "mae")
    expect(page).to_have_url(server.url + "/plan")
    expect(checkbox(page, TICK_STEP[1])).to_be_checked()
    expect(note_box(open_details(page, TICK_STEP[0]))).to_have_value(note)
    assert stored(server, provider)["mae"] == {TICK_STEP[0]: ("done", note)}


def test_deny_at_the_provider_says_so_and_signs_no_one_in(
    server: StreamlitServer, people: People
) -> None:
    """Pressing Deny on the provider's page brings the person back to a clear message."""
    page = people.open()
    open_path(page, server, "/settings")
    log_in_button(page).click()
    with after_run(page):
        page.get_by_role("button", name="Deny").click()
        page.wait_for_url(f"{server.url}/**")
    expect(page.get_by_text(DENIED)).to_be_visible()
    shows_landing_only(page)
    expect(page).to_have_url(server.url + "/settings")  # where they were, the marker gone
    assert not signed_in_cookie(page.context)


def test_a_bogus_callback_says_sign_in_failed_and_signs_no_one_in(
    server: StreamlitServer, people: People
) -> None:
    """A callback with a made-up state and code ends on a clear message and no session."""
    page = people.open()
    with after_run(page):
        page.goto(f"{server.url}/oauth2callback?state=bogus&code=bogus")
    expect(page.get_by_text(FAILED)).to_be_visible()
    shows_landing_only(page)
    expect(page).to_have_url(server.url + "/")
    assert not signed_in_cookie(page.context)


def test_a_subject_with_a_trailing_space_is_someone_else(
    server: StreamlitServer, provider: str, people: People
) -> None:
    """Signing in as "alice " never opens the profile of "alice", notes included."""
    note = "Alice's private note."
    alice = people.open()
    open_path(alice, server, "/plan")
    sign_in(alice, server, "alice")
    tick(alice, TICK_STEP[1])
    box = note_box(open_details(alice, TICK_STEP[0]))
    box.fill(note)
    with after_run(alice):
        box.press("Control+Enter")

    other = people.open()
    open_path(other, server, "/plan")
    sign_in(other, server, "alice ")
    expect(other.get_by_text(LANDING_TEXT)).to_have_count(0)
    expect(checkbox(other, TICK_STEP[1])).not_to_be_checked()
    expect(note_box(open_details(other, TICK_STEP[0]))).to_have_value("")
    found = stored(server, provider)
    assert found["alice"] == {TICK_STEP[0]: ("done", note)}
    assert found["alice "] == {}


def test_subjects_too_long_for_the_store_are_refused_never_shared(
    server: StreamlitServer, provider: str, people: People
) -> None:
    """Two 259-character subjects sharing 255 characters each get a refusal and no data."""
    shared = "s" * 255
    before = stored(server, provider)
    for subject in (shared + "-one", shared + "-two"):
        page = people.open()
        open_path(page, server, "/plan")
        sign_in(page, server, subject)
        expect(page.get_by_text(REFUSED)).to_be_visible()
        expect(page.locator('[data-testid="stCheckbox"]')).to_have_count(0)
        expect(page.get_by_role("button", name="Log out")).to_be_enabled()
    assert stored(server, provider) == before  # no profile was made for either
