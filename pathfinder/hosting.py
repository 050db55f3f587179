"""Deployment checks that need no Streamlit: whether the configured storage is durable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import URL

REQUIRE_DURABLE_ENV = "PATHFINDER_REQUIRE_DURABLE"
# Streamlit Community Cloud checks apps out under this folder; its disk is wiped on
# every restart and redeploy, so an embedded SQLite file there would lose progress.
COMMUNITY_CLOUD_CHECKOUT = Path("/mount/src")
APP_DIR = Path(__file__).resolve().parents[1]

NOT_DURABLE_MESSAGE = (
    "This deployment keeps no files between restarts, so progress saved in an embedded "
    "SQLite file would be lost. Set PATHFINDER_DATABASE_URL (or [connections.pathfinder] "
    "url in the secrets) to a PostgreSQL database, for example "
    "postgresql+psycopg://user:password@host:5432/pathfinder."
)


def durable_storage_required(
    environ: Mapping[str, str] | None = None, app_dir: Path = APP_DIR
) -> bool:
    """Return whether this deployment must not keep progress in a local SQLite file.

    True when PATHFINDER_REQUIRE_DURABLE is 1/true/yes, or when the app runs from
    Streamlit Community Cloud's checkout folder; PATHFINDER_REQUIRE_DURABLE=0 overrides.
    """
    env = os.environ if environ is None else environ
    flag = env.get(REQUIRE_DURABLE_ENV, "").strip().lower()
    if flag in {"0", "false", "no"}:
        return False
    return flag in {"1", "true", "yes"} or app_dir.is_relative_to(COMMUNITY_CLOUD_CHECKOUT)


def storage_problem(url: URL, *, required: bool) -> str | None:
    """Return why `url` cannot hold progress on this deployment, or None when it can."""
    if required and url.get_backend_name() == "sqlite":
        return NOT_DURABLE_MESSAGE
    return None
