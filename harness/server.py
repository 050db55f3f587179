"""Start and stop a real `streamlit run` process on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    """Return a loopback TCP port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class StreamlitServer:
    """One `streamlit run` process on a free loopback port, in its own process group.

    `cwd` is where Streamlit looks for `.streamlit/config.toml` (the repository unless
    given), as for a person who starts it from a checkout.
    """

    script: Path
    database_url: str | None = None
    log_path: Path | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)
    address: str = "127.0.0.1"  # "0.0.0.0" to be reachable from the network as well
    cwd: Path = ROOT
    extra_args: Sequence[str] = ()  # more `streamlit run` options, e.g. --secrets.files
    port: int = 0  # 0: a free port is picked at launch; set it when the config names it
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """Return the server's base URL (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server and return once it answers its health check."""
        self.launch()
        self.wait_healthy()

    def launch(self) -> None:
        """Start the server process without waiting for it to be ready."""
        self.port = self.port or free_port()
        env = {**os.environ, **self.extra_env}
        if self.database_url is not None:
            env["PATHFINDER_DATABASE_URL"] = self.database_url
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.port",
            str(self.port),
            "--server.address",
            self.address,
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
            *self.extra_args,
        ]
        self._log = self.log_path.open("ab") if self.log_path else None
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=self.cwd,
            env=env,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches any children
        )

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        """Poll /_stcore/health until it says ok; fail with the log if the server died."""
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:  # noqa: S310 - loopback http
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(
            f"streamlit did not become healthy in {timeout:.0f} s:\n{self.log_tail()}"
        )

    def restart(self) -> None:
        """Stop the server and start it again on the same port (browsers reconnect to it)."""
        self.stop()
        self.start()

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after 10 seconds."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the server's log, for failure messages."""
        if self.log_path is None or not self.log_path.exists():
            return "(no log kept)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def running_server(
    script: Path, database_url: str | None = None, log_path: Path | None = None
) -> Iterator[StreamlitServer]:
    """Yield a started server; stop it on the way out, whatever happened."""
    server = StreamlitServer(script, database_url=database_url, log_path=log_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()
