"""Decide which database holds progress: environment, then secrets.toml, then a local file."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from pathfinder.store.errors import StoreConfigError

ENV_VAR = "PATHFINDER_DATABASE_URL"
SECRETS_SECTION = "pathfinder"  # [connections.pathfinder], the name st.connection uses
PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DB_NAME = "pathfinder.db"


def default_secrets_paths() -> list[Path]:
    """Return the secrets.toml files to consult, the project's own first."""
    # Project settings win over the user's global ones, as in Streamlit itself.
    return [
        PROJECT_DIR / ".streamlit" / "secrets.toml",
        Path.home() / ".streamlit" / "secrets.toml",
    ]


def default_sqlite_path() -> Path:
    """Return the embedded database file, creating its directory on first start."""
    directory = Path(platformdirs.user_data_dir("pathfinder"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory / DEFAULT_DB_NAME


def resolve_database_url(
    env: Mapping[str, str] | None = None,
    secrets_paths: Sequence[Path] | None = None,
) -> URL:
    """Return the database URL to use: env var, else secrets.toml, else local SQLite."""
    environ = os.environ if env is None else env
    explicit = environ.get(ENV_VAR, "").strip()
    if explicit:
        return normalise_url(explicit, source=f"the {ENV_VAR} environment variable")
    for path in default_secrets_paths() if secrets_paths is None else secrets_paths:
        url = _url_from_secrets(Path(path))
        if url is not None:
            return url
    return URL.create("sqlite+pysqlite", database=str(default_sqlite_path()))


def normalise_url(raw: str | URL, *, source: str = "the database URL") -> URL:
    """Parse a URL and pick the psycopg 3 driver for plain postgresql:// URLs."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        # Never echo the raw value: it may hold a password.
        raise StoreConfigError(f"{source} is not a valid database URL.") from exc
    if url.drivername in {"postgres", "postgresql"}:
        # psycopg2 is not installed; psycopg 3 is the one driver we ship.
        url = url.set(drivername="postgresql+psycopg")
    elif url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    return url


def _url_from_secrets(path: Path) -> URL | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreConfigError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StoreConfigError(
            f"{path} is not valid TOML ({exc}); fix or remove it to start the app."
        ) from exc
    connections = data.get("connections", {})
    section = connections.get(SECRETS_SECTION) if isinstance(connections, dict) else None
    if section is None:
        return None
    where = f"[connections.{SECRETS_SECTION}] in {path}"
    if not isinstance(section, dict):
        raise StoreConfigError(f"{where} must be a table with a 'url' key.")
    url = section.get("url")
    if isinstance(url, str) and url.strip():
        return normalise_url(url.strip(), source=where)
    if "dialect" in section:
        # The split form that st.connection("pathfinder", type="sql") also accepts.
        return _url_from_parts(section, where)
    raise StoreConfigError(f"{where} has no 'url' (e.g. url = \"postgresql://user@host/db\").")


def _url_from_parts(section: Mapping[str, object], where: str) -> URL:
    def text(key: str) -> str | None:
        value = section.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int):
            raise StoreConfigError(f"{where}: '{key}' must be a string.")
        return str(value)

    dialect = text("dialect") or ""
    driver = text("driver")
    port = text("port")
    try:
        url = URL.create(
            f"{dialect}+{driver}" if driver else dialect,
            username=text("username"),
            password=text("password"),
            host=text("host"),
            port=int(port) if port else None,
            database=text("database"),
        )
    except ValueError as exc:
        raise StoreConfigError(f"{where}: 'port' must be a number.") from exc
    return normalise_url(url, source=where)
