"""Deployment checks that need no Streamlit: hosted or local, durable storage, usable settings.

The pages and the server (its readiness route and start-up log) gather the facts (the
environment, the secrets, Streamlit's config) into a Deployment and ask these functions
what is wrong. Each Problem has a short machine-readable reason, a message any visitor may
read (no host, database name, file path or password), a detail for the server's log and
the operator's own computer (hosts and files, never a password), and what it stops: the
pages, or only the readiness answer.
"""

from __future__ import annotations

import functools
import logging
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from pathfinder import store

REQUIRE_DURABLE_ENV = "PATHFINDER_REQUIRE_DURABLE"
HOSTED_ENV = "PATHFINDER_HOSTED"
# Streamlit Community Cloud checks apps out under this folder; its disk is wiped on
# every restart and redeploy, so an embedded SQLite file there would lose progress.
COMMUNITY_CLOUD_CHECKOUT = Path("/mount/src")
APP_DIR = Path(__file__).resolve().parents[1]
# A load balancer polls readiness every few seconds; a hung database must not hold it.
PROBE_STATEMENT_TIMEOUT_MS = 2000

NOT_DURABLE_MESSAGE = (
    "This deployment keeps no files between restarts, so progress saved in an embedded "
    "SQLite file would be lost. Set PATHFINDER_DATABASE_URL (or [connections.pathfinder] "
    "url in the secrets) to a PostgreSQL database, for example "
    "postgresql+psycopg://user:password@host:5432/pathfinder."
)
WHOEVER_RUNS_IT = "Whoever runs this server: the server's log says more."

Effect = Literal["refuse", "not-ready", "warn"]


@dataclass(frozen=True)
class Problem:
    """One reason this server must not, or cannot yet, serve visitors.

    `effect`: "refuse" means pages show only the message (and readiness fails);
    "not-ready" fails readiness while pages carry on with their own banners; "warn" is
    only logged.
    """

    reason: str  # machine-readable, in readiness answers and log lines: "no-sign-in"
    message: str  # for any visitor: no host, database name, server path or password
    detail: str  # for the log and the operator's own computer: never a password
    effect: Effect = "refuse"
    level: int = logging.ERROR

    @property
    def refuses_visitors(self) -> bool:
        """Return whether pages must show this instead of anything else."""
        return self.effect == "refuse"

    @property
    def blocks_readiness(self) -> bool:
        """Return whether a load balancer should keep visitors away while it lasts."""
        return self.effect != "warn"


@dataclass(frozen=True)
class ConfigFile:
    """A Streamlit config file that applies to this server, if it exists."""

    path: Path
    label: str  # how pages name it, without the server's folders: ".streamlit/config.toml"


@dataclass(frozen=True)
class Deployment:
    """What the environment, the secrets and Streamlit's config say about this server."""

    hosted: bool  # see marked_hosted()
    durable_required: bool  # see durable_storage_required()
    sign_in: bool  # an [auth] section in the secrets
    trusted_header: str | None  # the first header of server.trustedUserHeaders
    config_files: tuple[ConfigFile, ...] = ()

    @property
    def serves_others(self) -> bool:
        """Return whether people other than the server's owner use it (pages hide its insides)."""
        return self.hosted or self.sign_in or self.trusted_header is not None


def _flag(environ: Mapping[str, str], name: str) -> bool | None:
    value = environ.get(name, "").strip().lower()
    if value in {"1", "true", "yes"}:
        return True
    if value in {"0", "false", "no"}:
        return False
    return None


def durable_storage_required(
    environ: Mapping[str, str] | None = None, app_dir: Path = APP_DIR
) -> bool:
    """Return whether this deployment must not keep progress in a local SQLite file.

    True when PATHFINDER_REQUIRE_DURABLE is 1/true/yes, or when the app runs from
    Streamlit Community Cloud's checkout folder; PATHFINDER_REQUIRE_DURABLE=0 overrides.
    """
    env = os.environ if environ is None else environ
    flag = _flag(env, REQUIRE_DURABLE_ENV)
    if flag is not None:
        return flag
    return app_dir.is_relative_to(COMMUNITY_CLOUD_CHECKOUT)


def marked_hosted(environ: Mapping[str, str] | None = None, app_dir: Path = APP_DIR) -> bool:
    """Return whether this deployment serves other people, so it must never run in local mode.

    PATHFINDER_HOSTED=1 marks it and PATHFINDER_HOSTED=0 unmarks it. Unset, a deployment
    that needs durable storage is hosted (PATHFINDER_REQUIRE_DURABLE=1, as in the
    container image, or Streamlit Community Cloud). The Streamlit config file cannot be
    the marker: when it does not parse, Streamlit ignores all of it.
    """
    env = os.environ if environ is None else environ
    flag = _flag(env, HOSTED_ENV)
    if flag is not None:
        return flag
    return durable_storage_required(env, app_dir)


def storage_problem(url: URL, *, required: bool) -> str | None:
    """Return why `url` cannot hold progress on this deployment, or None when it can."""
    if required and url.get_backend_name() == "sqlite":
        return NOT_DURABLE_MESSAGE
    return None


def config_file_problem(files: Sequence[ConfigFile], *, hosted: bool) -> Problem | None:
    """Return the first Streamlit config file that exists but is not valid TOML, as a Problem.

    Streamlit skips such a file whole (one line in its log, without the file's name), so
    a hosted deployment would lose its hardening and its trusted headers: that refuses
    visitors. In local mode it is only a warning.
    """
    for config in files:
        try:
            stat = config.path.stat()
        except FileNotFoundError:
            continue
        except OSError as error:
            why: str | None = f"cannot be read ({error.strerror})"
        else:
            why = _toml_error(config.path, stat.st_mtime_ns, stat.st_size)
        if why is None:
            continue
        return Problem(
            "config-file-invalid",
            message=(
                f"The Streamlit config file {config.label} of this server is not valid TOML, so "
                "Streamlit ignored every setting in it. A second [server] table is the usual "
                f"cause: each table may appear once. {WHOEVER_RUNS_IT}"
            ),
            detail=(
                f"{config.path} {why}: Streamlit ignored every setting in it (hardening, "
                "server.trustedUserHeaders, everything). Fix it and restart the server."
            ),
            effect="refuse" if hosted else "warn",
            level=logging.ERROR if hosted else logging.WARNING,
        )
    return None


@functools.lru_cache(maxsize=16)
def _toml_error(path: Path, mtime_ns: int, size: int) -> str | None:
    """Say why the file is not valid TOML, or None; parsed once per version of the file.

    Pages check the config on every run: the file's modification time and size key this
    memo, so a run costs a stat per file (a memo of file contents, no one's data).
    """
    try:
        tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return f"is not valid TOML ({error})"
    return None


def sign_in_problem(deployment: Deployment, *, config_ignored: bool) -> Problem | None:
    """Return the refusal of a hosted deployment where no one signs in, or None.

    Without sign-in or trusted headers everyone would share the one local profile.
    """
    if not deployment.hosted or deployment.sign_in or deployment.trusted_header is not None:
        return None
    ignored = (
        " Streamlit ignored its config file (see above), so a server.trustedUserHeaders "
        "line there has no effect."
        if config_ignored
        else ""
    )
    return Problem(
        "no-sign-in",
        message=(
            "This server is set up as a hosted deployment, but no one signs in: the secrets "
            "have no [auth] section and the Streamlit config sets no "
            "server.trustedUserHeaders. Every visitor would share one profile, so it shows "
            f"no one's progress.{ignored} {WHOEVER_RUNS_IT}"
        ),
        detail=(
            f"Refusing to serve in local mode: the deployment is marked hosted ({HOSTED_ENV}, "
            f"{REQUIRE_DURABLE_ENV} or Community Cloud) but has neither [auth] in the secrets "
            f"nor server.trustedUserHeaders.{ignored} Set one up (README, Deploying) and "
            "restart, or set PATHFINDER_HOSTED=0 if one person uses this server alone."
        ),
    )


def configuration_problems(
    deployment: Deployment, resolve_url: Callable[[], URL]
) -> tuple[list[Problem], URL | None]:
    """Return what is wrong with the settings, and the database URL if progress may go there.

    The URL is None when it cannot be resolved or is not durable where it must be; it is
    returned despite other problems (a missing sign-in does not stop migrations).
    """
    problems: list[Problem] = []
    config = config_file_problem(deployment.config_files, hosted=deployment.hosted)
    if config is not None:
        problems.append(config)
    url: URL | None = None
    try:
        url = store.check_store_url(resolve_url())
    except (store.StoreConfigError, OSError) as error:
        problems.append(
            Problem(
                "database-url-invalid",
                message=f"The database settings of this server cannot be used. {WHOEVER_RUNS_IT}",
                detail=f"The database settings cannot be used. {error}",
            )
        )
    if url is not None and storage_problem(url, required=deployment.durable_required):
        problems.append(
            Problem("durable-storage-required", NOT_DURABLE_MESSAGE, NOT_DURABLE_MESSAGE)
        )
        url = None
    sign_in = sign_in_problem(deployment, config_ignored=config is not None)
    if sign_in is not None:
        problems.append(sign_in)
    return problems, url


def database_problem(engine: Engine) -> Problem | None:
    """Return why the database cannot serve now (unreachable, schema not at head), or None.

    Reads one row; never migrates, and never creates a SQLite file that is not there yet.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite" and not Path(store.describe_location(url)).exists():
        return schema_problem("pending", f"{store.describe_location(url)} (no file yet)")
    try:
        state = store.schema_state(engine, statement_timeout_ms=PROBE_STATEMENT_TIMEOUT_MS)
    except store.StoreUnavailable as error:
        return Problem(
            f"database-{error.problem}",
            message=f"The database of this server cannot be used right now. {WHOEVER_RUNS_IT}",
            detail=error.detail,
            effect="not-ready",
        )
    except sa.exc.DBAPIError as error:
        # Not an outage (a missing permission, say): name the error, never the password.
        said = store.without_password(f"{type(error.orig).__name__}: {error.orig}", url)
        return Problem(
            "database-error",
            message=f"The database of this server cannot be used. {WHOEVER_RUNS_IT}",
            detail=(
                f"Reading the schema revision of the database at "
                f"{store.describe_location(url)} failed: {said}"
            ),
            effect="not-ready",
        )
    if state == "current":
        return None
    return schema_problem(state, store.describe_location(url))


def schema_problem(state: store.SchemaState, where: str) -> Problem:
    """Return the readiness problem of a schema that is not current (`where`: for the log)."""
    if state == "newer":
        return Problem(
            "schema-newer",
            message=f"This server runs an older version of the app than its database. "
            f"{WHOEVER_RUNS_IT}",
            detail=(
                f"The database at {where} was migrated by a newer version of the app than this "
                f"one (which knows revisions up to {store.HEAD_REVISION}): upgrade the app."
            ),
            effect="not-ready",
        )
    return Problem(
        "migrations-pending",
        message="This server is still preparing its database.",
        detail=(
            f"The database at {where} is not at this version's schema revision "
            f"{store.HEAD_REVISION} yet; the server migrates it at start-up."
        ),
        effect="not-ready",
        level=logging.INFO,
    )


def describe_deployment(deployment: Deployment, url: URL | None) -> str:
    """Say in one line how this server serves people and where progress goes (for the log)."""
    if deployment.trusted_header is not None:
        mode = f"hosted behind a reverse proxy (trusted header {deployment.trusted_header})"
    elif deployment.sign_in:
        mode = "hosted with sign-in ([auth] in the secrets)"
    elif deployment.hosted:
        mode = "hosted but with no sign-in, so it refuses visitors"
    else:
        mode = "in local mode: one profile, no sign-in, for whoever can open this server"
    if url is None:
        where = "no usable database is set"
    elif url.get_backend_name() == "sqlite":
        where = f"progress goes to a SQLite file at {store.describe_location(url)}"
    else:
        where = f"progress goes to PostgreSQL at {store.describe_location(url)}"
    return f"Pathfinder runs {mode}; {where}."
