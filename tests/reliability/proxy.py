"""A loopback TCP proxy a test can cut and restore, to take "the database" away from the app.

The machine's PostgreSQL server is shared with other tests, so it is never stopped:
cutting this proxy looks the same to the app (connections drop, new ones are refused).
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    """Forward 127.0.0.1:<port> to an upstream address until cut; restore lets traffic through."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._up = True
        self._running = True
        self._acceptor = threading.Thread(target=self._accept, name="tcp-proxy")
        self._acceptor.start()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                if not self._up:
                    client.close()  # the "server" is down: refuse at once
                    continue
                try:
                    server = socket.create_connection(self.upstream, timeout=5)
                except OSError:
                    client.close()
                    continue
                self._open += [client, server]
                for source, target in ((client, server), (server, client)):
                    thread = threading.Thread(target=self._pump, args=(source, target))
                    self._threads.append(thread)
                    thread.start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass  # the other side closed, or the proxy was cut
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones, like a stopped server."""
        with self._lock:
            self._up = False
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self._join_pumps()

    def restore(self) -> None:
        """Let new connections through again, like a restarted server."""
        with self._lock:
            self._up = True

    def _join_pumps(self) -> None:
        with self._lock:
            threads, self._threads = self._threads, []
            sockets, self._open = self._open, []
        for thread in threads:
            thread.join(timeout=5)
        for sock in sockets:
            sock.close()

    def close(self) -> None:
        """Stop the proxy and every thread it started."""
        self.cut()
        self._running = False
        self._acceptor.join(timeout=5)
        self._listener.close()
