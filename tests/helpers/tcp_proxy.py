"""A TCP proxy between the app and a real PostgreSQL that can cut, stall or drop replies.

``with TcpProxy(host, port) as proxy:`` listens on ``proxy.port``; ``proxy.cut()``
closes every open connection (a pulled cable that the kernel reports at once),
``proxy.stall()`` stops passing bytes while keeping connections open (a dead
network), ``proxy.go_down()`` drops every connection and refuses new ones (a
server gone), ``proxy.heal()`` undoes these for new traffic, and
``proxy.drop_reply_after(b"COMMIT")`` lets the next message containing those
bytes reach the server and then closes the connections before the reply.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class TcpProxy:
    def __init__(self, host: str, port: int):
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stalled = threading.Event()
        self._muted = threading.Event()
        self._drop_after: bytes | None = None
        self.dropped = threading.Event()
        self._running = True
        self._down = False

    def __enter__(self) -> TcpProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._running = False
        self._listener.close()
        self.cut()

    # -- control ------------------------------------------------------------------
    def cut(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, server in pairs:
            for end in (client, server):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def stall(self) -> None:
        self._stalled.set()

    def go_down(self) -> None:
        """The server is gone: open connections drop and new ones are closed at once."""
        self._down = True
        self.cut()

    def heal(self) -> None:
        self._down = False
        self._stalled.clear()

    def drop_reply_after(self, marker: bytes) -> None:
        self._drop_after = marker
        self.dropped.clear()

    # -- plumbing -----------------------------------------------------------------
    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._down:
                client.close()
                continue
            try:
                server = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                while self._stalled.is_set() and self._running:
                    time.sleep(0.05)  # hold the bytes: a network that went quiet
                marked = upstream and self._drop_after and self._drop_after in data
                if marked:
                    self._muted.set()  # from here the client hears nothing
                if not upstream and self._muted.is_set():
                    continue
                sink.sendall(data)
                if marked:
                    self._drop_after = None
                    time.sleep(0.3)  # the server acts on the message meanwhile
                    self.dropped.set()
                    self.cut()
                    self._muted.clear()
                    return
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
