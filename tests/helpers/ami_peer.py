"""A scripted Asterisk manager interface (AMI) peer on loopback, for tests.

``with ScriptedAmiPeer(username="desk", secret="s3cret") as peer:`` listens on
127.0.0.1:``peer.port``, greets with ``Asterisk Call Manager/<version>``, checks the Login
(a wrong secret gets ``Response: Error`` / ``Authentication failed`` and the connection
closed, as Asterisk does), answers Ping with Pong, Originate with Success (the action is
kept in ``peer.actions`` and an ``OriginateResponse`` event with its ActionID follows),
Logoff with Goodbye, and anything else with an Error.

``peer.play("ringing_answered")`` replays a transcript from tests/data/ami/ to the
logged-in connections: messages as ``Key: Value`` lines separated by blank lines (sent
with CRLF), ``#`` lines are comments, and a paragraph ``@pause 0.2`` waits that long.
``peer.drop()`` cuts the connections (a restart the kernel reports), ``go_down()`` also
stops listening, ``come_back()`` listens again on the same port, ``go_silent()`` keeps the
connection open but stops answering (a dead network). The peer parses actions with its
own code, strictly: a message not ended by CRLF CRLF is never seen as an action.

``RecordingClient(peer.port)`` is an ``AmiClient`` with short timings that records the
states, events and problems it reports, for the tests to wait on.
"""

from __future__ import annotations

import contextlib
import queue
import random
import socket
import threading
import time
from pathlib import Path

from contactdesk.telephony.ami_client import AmiClient, AmiSettings, login_key

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "ami"
TICK = 0.02


class Action:
    """An action as the peer received it."""

    def __init__(self, fields: list[tuple[str, str]]):
        self.fields = fields

    @property
    def name(self) -> str:
        return self.get("Action")

    def get(self, key: str, default: str = "") -> str:
        return next((v for k, v in self.fields if k.lower() == key.lower()), default)

    def get_all(self, key: str) -> list[str]:
        return [v for k, v in self.fields if k.lower() == key.lower()]

    def __repr__(self) -> str:
        return f"Action({self.fields!r})"


def wire(message: str) -> bytes:
    """A message written with LF lines (as in the transcripts) in AMI's CRLF framing."""
    return ("\r\n".join(message.strip("\n").split("\n")) + "\r\n\r\n").encode()


def read_transcript(name: str) -> list[str | float]:
    """A transcript's messages (LF text) and pauses (seconds), in order."""
    path = Path(name) if "/" in name else DATA_DIR / f"{name}.txt"
    lines = [line for line in path.read_text().split("\n") if not line.startswith("#")]
    script: list[str | float] = []
    for paragraph in "\n".join(lines).split("\n\n"):
        paragraph = paragraph.strip("\n")
        if paragraph.startswith("@pause"):
            script.append(float(paragraph.split()[1]))
        elif paragraph:
            script.append(paragraph)
    return script


class _Connection:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.lock = threading.Lock()
        self.logged_in = False
        self.closed = False
        self.challenge = ""  # what this connection was asked to answer (MD5 login)

    def send(self, data: bytes) -> None:
        with self.lock:
            if not self.closed:
                with contextlib.suppress(OSError):
                    self.sock.sendall(data)

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


class ScriptedAmiPeer:
    def __init__(self, username: str = "desk", secret: str = "s3cret", version: str = "9.0.0",
                 originate_reason: str = "4"):
        self.username, self.secret, self.version = username, secret, version
        self.originate_reason = originate_reason
        self.actions: list[Action] = []
        self.logins = 0
        self.last_challenge = ""
        self.connections_accepted = 0
        self._conns: list[_Connection] = []
        self._lock = threading.Lock()
        self._silent = False
        self._running = False
        self._listener: socket.socket | None = None
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> ScriptedAmiPeer:
        self._running = True
        self._listen()
        return self

    def __exit__(self, *exc_info) -> None:
        self._running = False
        self.go_down()

    def _listen(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: same port again
        listener.settimeout(TICK)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    # -- control --------------------------------------------------------------------------
    def drop(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            conn.close()

    def go_down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
            # The port stays open until a pending accept() returns: wait, so that a
            # connection attempt after go_down() is refused rather than reset.
            self._acceptor.join()
        self.drop()

    def come_back(self) -> None:
        self._silent = False
        self._listen()

    def go_silent(self) -> None:
        self._silent = True

    def send_raw(self, data: bytes) -> None:
        for conn in self._logged_in():
            conn.send(data)

    def play(self, transcript: str) -> None:
        """Send a transcript's events to the logged-in connections, honouring its pauses."""
        for item in read_transcript(transcript):
            if isinstance(item, float):
                time.sleep(item)
            else:
                self.send_raw(wire(item))

    def originates(self) -> list[Action]:
        return [a for a in list(self.actions) if a.name.lower() == "originate"]

    def wait_for(self, condition, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the AMI peer did not see what the test waited for")
            time.sleep(TICK)

    def _logged_in(self) -> list[_Connection]:
        with self._lock:
            return [c for c in self._conns if c.logged_in and not c.closed]

    # -- serving ------------------------------------------------------------------------------
    def _accept(self, listener: socket.socket) -> None:
        while self._running and self._listener is listener:
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(TICK)
            conn = _Connection(sock)
            with self._lock:
                self._conns.append(conn)
                self.connections_accepted += 1
            conn.send(f"Asterisk Call Manager/{self.version}\r\n".encode())
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: _Connection) -> None:
        buffer = b""
        while not conn.closed:
            try:
                data = conn.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                conn.close()
                return
            buffer += data
            while b"\r\n\r\n" in buffer:
                raw, buffer = buffer.split(b"\r\n\r\n", 1)
                fields = [tuple(p.strip() for p in line.split(":", 1))
                          for line in raw.decode().split("\r\n")]
                action = Action([f for f in fields if len(f) == 2])
                self.actions.append(action)
                if not self._silent:
                    self._answer(conn, action)

    def _reply(self, conn: _Connection, action: Action, *fields: tuple[str, str]) -> None:
        lines = [fields[0], ("ActionID", action.get("ActionID")), *fields[1:]]
        conn.send(wire("\n".join(f"{k}: {v}" for k, v in lines)))

    def _answer(self, conn: _Connection, action: Action) -> None:
        name = action.name.lower()
        if name == "challenge" and action.get("AuthType", "").lower() == "md5":
            conn.challenge = self.last_challenge = f"{random.randrange(10**8, 10**9)}"
            self._reply(conn, action, ("Response", "Success"), ("Challenge", conn.challenge))
        elif name == "login":
            if action.get("Username") == self.username and (
                    action.get("Secret") == self.secret if action.get("Secret")
                    else action.get("AuthType", "").lower() == "md5" and conn.challenge
                    and action.get("Key") == login_key(conn.challenge, self.secret)):
                conn.logged_in = True
                self.logins += 1
                self._reply(conn, action, ("Response", "Success"),
                            ("Message", "Authentication accepted"))
            else:
                self._reply(conn, action, ("Response", "Error"),
                            ("Message", "Authentication failed"))
                conn.close()
        elif not conn.logged_in:
            self._reply(conn, action, ("Response", "Error"), ("Message", "Permission denied"))
        elif name == "ping":
            self._reply(conn, action, ("Response", "Success"), ("Ping", "Pong"),
                        ("Timestamp", f"{time.time():.6f}"))
        elif name == "logoff":
            self._reply(conn, action, ("Response", "Goodbye"),
                        ("Message", "Thanks for all the fish."))
            conn.close()
        elif name == "originate":
            self._reply(conn, action, ("Response", "Success"),
                        ("Message", "Originate successfully queued"))
            succeeded = self.originate_reason == "4"
            conn.send(wire("\n".join(f"{k}: {v}" for k, v in [
                ("Event", "OriginateResponse"), ("Privilege", "call,all"),
                ("ActionID", action.get("ActionID")),
                ("Response", "Success" if succeeded else "Failure"),
                ("Channel", action.get("Channel")), ("Context", action.get("Context")),
                ("Exten", action.get("Exten")), ("Application", ""), ("Data", ""),
                ("Reason", self.originate_reason), ("Uniqueid", "1733392000.401"),
                ("CallerIDNum", "<unknown>"), ("CallerIDName", "<unknown>")])))
        else:
            self._reply(conn, action, ("Response", "Error"),
                        ("Message", "Invalid/unknown command"))


# Short timings so that keep-alive, dead-peer and reconnect tests take well under a second.
FAST = {"keepalive": 0.5, "connect_timeout": 1.0, "action_timeout": 1.0, "first_retry": 0.05,
        "max_retry": 0.2}


class RecordingClient:
    def __init__(self, port: int, secret: str = "s3cret", on_event=None, **settings):
        self.events: queue.Queue = queue.Queue()
        self.states: list = []
        self.problems: list[str] = []
        self._changed = threading.Condition()
        self.client = AmiClient(
            AmiSettings("127.0.0.1", port, "desk", secret, **{**FAST, **settings}),
            on_event=on_event or self.events.put, on_state=self._state, on_problem=self.problems.append,
            rng=random.Random(16))

    def _state(self, state) -> None:
        with self._changed:
            self.states.append(state)
            self._changed.notify_all()

    def kinds(self) -> list[str]:
        return [s.kind for s in self.states]

    def wait_for_state(self, kind: str, count: int = 1, timeout: float = 5.0):
        with self._changed:
            ok = self._changed.wait_for(lambda: self.kinds().count(kind) >= count, timeout)
        assert ok, f"no '{kind}' state #{count}: states were {self.kinds()}"
        return [s for s in self.states if s.kind == kind][count - 1]

    def next_event(self, name: str, timeout: float = 5.0):
        """The next event called ``name``, skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            if message.event == name:
                return message
