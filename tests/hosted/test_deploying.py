"""Deployment: durable storage on platforms without a disk, hardening config, Dockerfile."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from streamlit import config
from streamlit.testing.v1 import AppTest

from pathfinder import hosting
from tests.hosted.conftest import ROOT

SQLITE = make_url("sqlite:////tmp/pathfinder.db")
POSTGRES = make_url("postgresql+psycopg://user@db:5432/pathfinder")


@pytest.mark.parametrize(
    ("environ", "app_dir", "required"),
    [
        ({}, Path("/home/me/pathfinder"), False),
        ({"PATHFINDER_REQUIRE_DURABLE": "1"}, Path("/home/me/pathfinder"), True),
        ({"PATHFINDER_REQUIRE_DURABLE": "true"}, Path("/app"), True),
        ({}, Path("/mount/src/pathfinder"), True),  # Streamlit Community Cloud
        ({"PATHFINDER_REQUIRE_DURABLE": "0"}, Path("/mount/src/pathfinder"), False),
    ],
)
def test_durable_storage_is_required_where_the_disk_is_not_kept(
    environ: dict[str, str], app_dir: Path, required: bool
) -> None:
    """Community Cloud's checkout or PATHFINDER_REQUIRE_DURABLE=1 require a real database."""
    assert hosting.durable_storage_required(environ, app_dir) is required


def test_sqlite_is_refused_only_when_durable_storage_is_required() -> None:
    """SQLite gets the clear message when durability is required; PostgreSQL never does."""
    assert hosting.storage_problem(SQLITE, required=True) == hosting.NOT_DURABLE_MESSAGE
    assert hosting.storage_problem(SQLITE, required=False) is None
    assert hosting.storage_problem(POSTGRES, required=True) is None


def test_the_app_refuses_to_start_on_sqlite_when_durability_is_required(
    open_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With PATHFINDER_REQUIRE_DURABLE=1 and a SQLite URL, the app shows the messages only."""
    monkeypatch.setenv("PATHFINDER_REQUIRE_DURABLE", "1")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    # Durable storage marks the deployment hosted: without sign-in it says that too.
    errors = [e.value for e in at.error]
    assert errors[0] == hosting.NOT_DURABLE_MESSAGE
    assert [e for e in errors[1:] if "no one signs in" not in e] == []
    assert not at.title
    assert not at.checkbox


def test_hosted_config_hardens_the_app() -> None:
    """The hosted config hides errors, shows the viewer toolbar, keeps XSRF on, stats off."""
    hosted = tomllib.loads((ROOT / ".streamlit" / "config.hosted.toml").read_text("utf-8"))
    assert hosted["client"]["showErrorDetails"] == "none"
    assert hosted["client"]["toolbarMode"] == "viewer"
    assert hosted["server"]["enableXsrfProtection"] is True
    assert hosted["browser"]["gatherUsageStats"] is False
    assert 0 < hosted["server"]["maxUploadSize"] <= 5
    options = config._config_options_template
    for section, values in hosted.items():
        if section == "theme":
            continue
        for name in values:
            assert f"{section}.{name}" in options, f"{section}.{name} is not a Streamlit option"


def test_dockerfile_checks_health_and_uses_the_hosted_config() -> None:
    """The image runs the lock file's dependencies, the hosted config and a health check."""
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert "HEALTHCHECK" in dockerfile
    assert "http://localhost:8501/_stcore/health" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "COPY .streamlit/config.hosted.toml ./.streamlit/config.toml" in dockerfile
    assert "PATHFINDER_REQUIRE_DURABLE=1" in dockerfile
    assert "USER pathfinder" in dockerfile


def test_readme_documents_deploying_and_sharing() -> None:
    """The README has the Deploying and Sharing sections, each with its subsections."""
    readme = (ROOT / "README.md").read_text("utf-8")
    for heading in (
        "## Deploying",
        "### Streamlit Community Cloud",
        "### In a container",
        "## Sharing",
    ):
        assert heading in readme
    assert "PATHFINDER_REQUIRE_DURABLE" in readme
    assert "trustedUserHeaders" in readme
    assert config.get_option("server.enableXsrfProtection") in {True, False}
