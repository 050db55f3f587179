"""Drive tests/reliability/zygote.py from a test: fork writers, kill them, read their output."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 120  # importing pandas and the store is slow on a loaded 2-CPU machine


def soak_seconds(default: float) -> float:
    """Return how long a crash loop runs: the default, or PATHFINDER_SOAK_SECONDS for a soak."""
    raw = os.environ.get("PATHFINDER_SOAK_SECONDS", "").strip()
    return float(raw) if raw else default


class Zygote:
    """Drive tests/reliability/zygote.py: fork writers, kill them, collect what they confirmed."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.zygote"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._by_pid: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._expect("ready", timeout=READY_TIMEOUT_S)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(json.loads(line))
        self._lines.put(None)

    def _next(self, timeout: float) -> dict[str, Any]:
        message = self._lines.get(timeout=timeout)
        if message is None:
            raise RuntimeError("the zygote process exited")
        return message

    def _expect(self, name: str, timeout: float = 30, pid: int | None = None) -> dict[str, Any]:
        while True:
            message = self._next(timeout)
            if message.get("event") == name and (pid is None or message.get("pid") == pid):
                return message
            self._by_pid[int(message["from"])].append(message)

    def _send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def spawn(self, **command: Any) -> int:
        """Fork a child running command; return its pid."""
        self._send(command)
        return int(self._expect("child")["pid"])

    def first_line(self, pid: int, timeout: float = 30) -> None:
        """Wait until the child has confirmed at least one write (or died trying)."""
        while not self._by_pid[pid]:
            message = self._next(timeout)
            self._by_pid[int(message["from"])].append(message)

    def reap(self, pid: int, *, kill: bool) -> tuple[int, list[dict[str, Any]]]:
        """SIGKILL the child if asked, wait for it, and return its exit status and lines."""
        if kill:
            # It may already have died by its own hand (the import hook).
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._send({"op": "reap", "pid": pid})
        status = int(self._expect("reaped", pid=pid, timeout=60)["status"])
        return status, self._by_pid.pop(pid, [])

    def close(self) -> None:
        """Tell the zygote to quit and wait for it."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        try:
            self._send({"op": "quit"})
        finally:
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self._reader.join(timeout=30)
            self.process.stdout.close()
