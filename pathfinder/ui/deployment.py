"""Whether this server may serve visitors, as both the pages and the server's routes see it.

Gathers the facts (environment, secrets, Streamlit's config) for pathfinder.hosting's
checks, and draws what a visitor gets when the deployment must not serve anyone: the
operator's message and no one's data. Safe outside a script run (the readiness route
calls it from a worker thread): it reads the secrets and config options, never `st.user`
or the session.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import URL

from pathfinder import hosting, store
from pathfinder.hosting import ConfigFile, Deployment, Problem

GLOBAL_CONFIG_LABEL = "~/.streamlit/config.toml"
PROJECT_CONFIG_LABEL = ".streamlit/config.toml"


def config_files() -> tuple[ConfigFile, ...]:
    """Return the Streamlit config files that apply to this server, in Streamlit's order."""
    # Pages check on every run; the list only changes with the working or home directory.
    return _config_files(os.getcwd(), os.environ.get("HOME", ""))


@functools.lru_cache(maxsize=4)
def _config_files(cwd: str, home_env: str) -> tuple[ConfigFile, ...]:
    home = Path.home() / ".streamlit"
    try:
        # Streamlit's own list: ~/.streamlit, the working directory's and the main script's
        # .streamlit folders. Not documented API; tests/hosted/test_operations.py fails if
        # it stops naming the working directory's file.
        from streamlit import config as streamlit_config

        paths = [Path(p) for p in streamlit_config.get_config_files("config.toml")]
    except (ImportError, AttributeError, RuntimeError):  # pragma: no cover - older Streamlit
        paths = [home / "config.toml", Path.cwd() / ".streamlit" / "config.toml"]
    return tuple(
        ConfigFile(path, GLOBAL_CONFIG_LABEL if path.parent == home else PROJECT_CONFIG_LABEL)
        for path in dict.fromkeys(paths)
    )


def sign_in_configured() -> bool:
    """Return whether the secrets have an [auth] section (OpenID Connect sign-in)."""
    # load_if_toml_exists() is Streamlit's probe: False, never an exception, when there is
    # no secrets file or it does not parse (st.secrets.get alone raises without a file).
    return bool(st.secrets.load_if_toml_exists() and st.secrets.get("auth"))


def trusted_header_name() -> str | None:
    """Return the first header of `server.trustedUserHeaders`, the one naming the person."""
    mapping = st.get_option("server.trustedUserHeaders")
    if isinstance(mapping, dict) and mapping:
        return str(next(iter(mapping)))
    return None


def deployment() -> Deployment:
    """Return what the environment, the secrets and Streamlit's config say about this server."""
    return Deployment(
        hosted=hosting.marked_hosted(),
        durable_required=hosting.durable_storage_required(),
        sign_in=sign_in_configured(),
        trusted_header=trusted_header_name(),
        config_files=config_files(),
    )


# This deployment, what is wrong with its settings, and the database URL progress may use.
Configuration = tuple[Deployment, list[Problem], URL | None]


def configuration() -> Configuration:
    """Return this deployment, what is wrong with its settings, and the usable database URL."""
    facts = deployment()
    problems, url = hosting.configuration_problems(facts, store.resolve_database_url)
    return facts, problems, url


def refusal(config: Configuration | None = None) -> Callable[[], None] | None:
    """Return the page shown instead of the app when this deployment must serve no one, else None.

    Hosted deployments show visitors the short message of each problem; on the operator's
    own computer (local mode) the page gives the details, paths included.
    """
    facts, problems, _ = configuration() if config is None else config
    refusing = [problem for problem in problems if problem.refuses_visitors]
    if not refusing:
        return None

    def render() -> None:
        for problem in refusing:
            text = problem.message if facts.serves_others else problem.detail
            st.error(text, icon=":material/settings:")

    return render
