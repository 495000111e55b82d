"""A client of Asterisk's Manager Interface running on its own thread.

Our own small client: panoramisk (asyncio, last release 2021) and asterisk-ami retry after a
fixed delay, with no backoff or jitter, and read into unbounded buffers; pyst2 (last release
2019) does not reconnect at all. Plain sockets with timeouts on one thread give the backoff, the
bounded reads and the dead-peer check in a few hundred lines, with no new dependency.

``AmiClient(settings, on_event, on_state, on_problem)``; ``start()`` returns at once. The
client's thread connects, logs in, reads, pings and reconnects; it calls ``on_event`` with
each event, ``on_state`` with each ``ConnectionState`` and ``on_problem`` with a sentence for
each unreadable message, all on that thread (a GUI hands them on through a queued signal).
``send_action`` and ``originate`` wait for their response on the calling thread, so call them
from a worker, never the GUI thread. ``stop()`` logs off and ends the thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..domain.errors import TelephonyError
from ..dtos.telephony_live import (
    CONNECTED,
    CONNECTING,
    LOST,
    REFUSED,
    STOPPED,
    ConnectionState,
)
from .ami_protocol import (
    MAX_MESSAGE_BYTES,
    AmiMessage,
    Banner,
    MessageReader,
    ProtocolProblem,
    format_action,
)

log = logging.getLogger(__name__)

REFUSED_LOGIN = "the manager account's name or secret was refused"


class AmiLoginRefused(TelephonyError):
    pass


class AmiNotConnected(TelephonyError):
    pass


class AmiTimeout(TelephonyError):
    pass


class AmiActionFailed(TelephonyError):
    pass


@dataclass(frozen=True)
class AmiSettings:
    host: str
    port: int = 5038
    username: str = ""
    secret: str = field(default="", repr=False)
    events: str = "call,agent"  # the Login's Events: the classes the desk needs, no more
    keepalive: float = 20.0  # seconds between Pings; silence for twice this is a dead peer
    connect_timeout: float = 5.0
    action_timeout: float = 5.0
    first_retry: float = 1.0
    max_retry: float = 60.0
    max_message_bytes: int = MAX_MESSAGE_BYTES

    def __post_init__(self) -> None:
        # Checked here, not at login on the client's thread, where nobody could be told.
        if any(c in text for text in (self.username, self.secret, self.events) for c in "\r\n"):
            raise TelephonyError("The manager account's name, secret and event classes must "
                                 "each be on one line.")


def retry_delays(first: float, cap: float, rng: random.Random) -> Iterator[float]:
    """first, 2 x first, ... up to cap, each within +-20 % so desks restarted together spread."""
    step = first
    while True:
        yield min(cap, step * rng.uniform(0.8, 1.2))
        step = min(cap, step * 2)


def login_key(challenge: str, secret: str) -> str:
    """The Key of an MD5 login: md5 of the challenge followed by the secret, in hex."""
    return hashlib.md5((challenge + secret).encode(), usedforsecurity=False).hexdigest()


class _Lost(Exception):
    """The connection ended; the message is the reason as a plain sentence."""


class _Refused(Exception):
    pass


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.response: AmiMessage | None = None


class AmiClient:
    def __init__(self, settings: AmiSettings, on_event: Callable[[AmiMessage], None],
                 on_state: Callable[[ConnectionState], None] | None = None,
                 on_problem: Callable[[str], None] | None = None,
                 rng: random.Random | None = None):
        self.settings = settings
        self._on_event = on_event
        self._on_state = on_state or (lambda state: None)
        self._on_problem = on_problem or (lambda reason: log.warning("AMI: %s", reason))
        self._rng = rng or random.Random()
        self._stop = threading.Event()
        self._write_lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._ids = itertools.count(1)
        self._id_prefix = f"cd-{uuid.uuid4().hex[:8]}"
        self._sock: socket.socket | None = None
        self._login_sock: socket.socket | None = None
        self._logged_in = False
        self._was_connected = False
        self._thread: threading.Thread | None = None
        self._state_changed = threading.Condition()
        self.state = ConnectionState(STOPPED)
        self.version = ""  # the AMI version from the banner

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("an AMI client starts once")
        self._thread = threading.Thread(target=self._run, name="ami-client", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Log off, close and end the thread; safe to call more than once. Waits up to
        ``timeout`` seconds for that (a GUI closing its window passes 0: the thread finishes
        on its own)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the client's thread still runs (it ends on stop and on a refused login)."""
        return self._thread is not None and self._thread.is_alive()

    def wait_connected(self, timeout: float) -> None:
        """Block (not on the GUI thread) until logged in; raise if refused or not in time."""
        with self._state_changed:
            self._state_changed.wait_for(lambda: self.state.kind in (CONNECTED, REFUSED),
                                         timeout)
        if self.state.kind == REFUSED:
            raise AmiLoginRefused(f"The phone system refused the login: {REFUSED_LOGIN}.")
        if self.state.kind != CONNECTED:
            raise AmiTimeout(f"The phone system at {self._where()} did not accept a connection "
                             f"within {timeout:g} seconds.")

    # -- actions --------------------------------------------------------------------------
    def send_action(self, action: str, fields: Mapping[str, str | int | Sequence[str]] | None = None,
                    timeout: float | None = None) -> AmiMessage:
        """Send an action and wait for its response (matched by ActionID); raise if refused."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("send_action waits for the client's own thread: call it elsewhere")
        timeout = self.settings.action_timeout if timeout is None else timeout
        action_id = f"{self._id_prefix}-{next(self._ids)}"
        pending = self._pending[action_id] = _Pending()
        try:
            if not self._logged_in:
                raise AmiNotConnected("The phone system is not connected: the request was not "
                                      "sent.")
            try:
                self._write(format_action(action, fields, action_id))
            except OSError as exc:
                self._drop()  # a half-written action would corrupt the stream: start afresh
                raise AmiNotConnected("The connection to the phone system failed while sending "
                                      "the request.") from exc
            if not pending.done.wait(timeout):
                raise AmiTimeout(f"The phone system did not answer the {action} request within "
                                 f"{timeout:g} seconds.")
        finally:
            self._pending.pop(action_id, None)
        response = pending.response
        if response is None:
            raise AmiNotConnected("The connection to the phone system was lost before it "
                                  f"answered the {action} request.")
        if response.response.lower() == "error":
            reason = response.get("Message") or "no reason given"
            raise AmiActionFailed(f"The phone system refused the {action} request: {reason}.")
        return response

    def originate(self, channel: str, exten: str, context: str, priority: int = 1,
                  caller_id: str = "", variables: Mapping[str, str] | None = None,
                  ring_timeout_ms: int = 30_000, timeout: float | None = None) -> str:
        """Ring ``channel`` (the agent's device) and, once answered, dial ``exten`` in
        ``context``. Async: the response only says it was queued; the outcome comes later as
        an OriginateResponse event carrying the ActionID returned here."""
        fields: dict[str, str | int | Sequence[str]] = {
            "Channel": channel, "Exten": exten, "Context": context, "Priority": priority,
            "Timeout": ring_timeout_ms, "Async": "true"}
        if caller_id:
            fields["CallerID"] = caller_id
        if variables:
            fields["Variable"] = [f"{name}={value}" for name, value in variables.items()]
        return self.send_action("Originate", fields, timeout).action_id

    # -- the client's thread ----------------------------------------------------------------
    def _run(self) -> None:
        delays = retry_delays(self.settings.first_retry, self.settings.max_retry, self._rng)
        while not self._stop.is_set():
            self._report(ConnectionState(CONNECTING))
            try:
                try:
                    self._session()
                except (_Refused, _Lost):
                    raise
                except Exception as exc:  # a fault of ours must not end the line silently
                    log.exception("phone system: the connection failed unexpectedly")
                    raise _Lost("the connection to the phone system failed unexpectedly") from exc
            except _Refused:
                # Not retried: the secret will not become right by itself, and repeated
                # failed logins get the desk's address banned where fail2ban guards the AMI.
                self._report(ConnectionState(REFUSED, REFUSED_LOGIN))
                return
            except _Lost as lost:
                if self._stop.is_set():
                    break
                if self._was_connected:  # a session that logged in starts the backoff again
                    delays = retry_delays(self.settings.first_retry, self.settings.max_retry,
                                          self._rng)
                    self._was_connected = False
                delay = next(delays)
                self._report(ConnectionState(LOST, str(lost), delay))
                if self._stop.wait(delay):
                    break
        self._report(ConnectionState(STOPPED))

    def _session(self) -> None:
        settings = self.settings
        try:
            sock = socket.create_connection((settings.host, settings.port),
                                            timeout=settings.connect_timeout)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise _Lost(f"the phone system could not be reached at {self._where()} "
                        f"({reason.lower()})") from exc
        tick = min(max(settings.keepalive / 8, 0.02), 0.5)
        sock.settimeout(tick)
        self._login_sock = sock  # stop() can still cut a login short
        reader = MessageReader(settings.max_message_bytes)
        self._last_heard = time.monotonic()
        try:
            deadline = time.monotonic() + settings.connect_timeout
            self._read_until(sock, reader, lambda item: isinstance(item, Banner), deadline,
                             f"greet within {settings.connect_timeout:g} seconds")
            # Challenge-response (AuthType MD5): the secret itself never crosses the network.
            challenge_id = f"{self._id_prefix}-challenge-{next(self._ids)}"
            self._write(format_action("Challenge", {"AuthType": "MD5"}, challenge_id), sock)
            deadline = time.monotonic() + settings.action_timeout
            challenge = self._read_until(
                sock, reader, lambda item: isinstance(item, AmiMessage)
                and item.action_id == challenge_id, deadline,
                f"answer the login challenge within {settings.action_timeout:g} seconds")
            if challenge.response.lower() != "success" or not challenge.get("Challenge"):
                raise _Refused()
            login_id = f"{self._id_prefix}-login-{next(self._ids)}"
            self._write(format_action("Login", {"AuthType": "MD5", "Username": settings.username,
                                                "Key": login_key(challenge.get("Challenge"),
                                                                 settings.secret),
                                                "Events": settings.events}, login_id), sock)
            deadline = time.monotonic() + settings.action_timeout
            reply = self._read_until(sock, reader, lambda item: isinstance(item, AmiMessage)
                                     and item.action_id == login_id, deadline,
                                     f"answer the login within {settings.action_timeout:g} seconds")
            if reply.response.lower() != "success":
                raise _Refused()
            self._sock = sock  # actions from other threads go out only on a logged-in session
            self._logged_in = self._was_connected = True
            self._report(ConnectionState(CONNECTED))
            self._keep_reading(sock, reader)
        except OSError as exc:
            reason = (exc.strerror or str(exc) or type(exc).__name__).lower()
            raise _Lost(f"the connection to the phone system failed ({reason})") from exc
        finally:
            self._logged_in = False
            self._sock = self._login_sock = None
            for pending in list(self._pending.values()):
                pending.done.set()  # no response: send_action reports the loss
            with contextlib.suppress(OSError):
                sock.close()

    def _keep_reading(self, sock: socket.socket, reader: MessageReader) -> None:
        keepalive = self.settings.keepalive
        next_ping = time.monotonic() + keepalive
        while not self._stop.is_set():
            self._receive(sock, reader)
            now = time.monotonic()
            if now - self._last_heard > 2 * keepalive:
                raise _Lost(f"the phone system stopped answering (nothing heard for "
                            f"{2 * keepalive:g} seconds)")
            if now >= next_ping:
                self._write(format_action("Ping", None, f"{self._id_prefix}-ping-{next(self._ids)}"))
                next_ping = now + keepalive
        self._log_off(sock, reader)

    def _log_off(self, sock: socket.socket, reader: MessageReader) -> None:
        self._logged_in = False
        with contextlib.suppress(OSError, _Lost):
            self._write(format_action("Logoff", None, f"{self._id_prefix}-logoff"))
            sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + 1.0
            # Read to the server's close so that unread bytes do not turn our close into a reset.
            while time.monotonic() < deadline:
                self._receive(sock, reader)

    def _read_until(self, sock, reader, wanted, deadline: float, what: str):
        while time.monotonic() < deadline:
            if self._stop.is_set():
                raise _Lost("the client was stopped")
            for item in self._receive(sock, reader):
                if wanted(item):
                    return item
        raise _Lost(f"the phone system at {self._where()} did not {what}")

    def _receive(self, sock: socket.socket, reader: MessageReader) -> list:
        """What arrived within one tick, each item already handed on; [] when nothing came."""
        try:
            data = sock.recv(65536)
        except TimeoutError:
            return []
        if not data:
            raise _Lost("the phone system closed the connection")
        self._last_heard = time.monotonic()
        items = reader.feed(data)
        for item in items:
            self._dispatch(item)
        return items

    def _dispatch(self, item: Banner | AmiMessage | ProtocolProblem) -> None:
        if isinstance(item, Banner):
            self.version = item.version
        elif isinstance(item, ProtocolProblem):
            self._call(self._on_problem, item.reason)
        elif "Event" in item:
            self._call(self._on_event, item)
        elif (pending := self._pending.get(item.action_id)) is not None:
            pending.response = item
            pending.done.set()

    def _call(self, callback: Callable, value: object) -> None:
        try:
            callback(value)
        except Exception:  # a faulty handler must not cut the desk off the phone system
            log.exception("AMI callback failed")

    def _write(self, data: bytes, sock: socket.socket | None = None) -> None:
        """Send ``data`` on ``sock`` (the logged-in session's by default) within the action
        timeout: the socket's own timeout is the reader's short tick, too short for a slow
        link, so a send that stalls is retried until the deadline rather than given up."""
        sock = sock or self._sock
        if sock is None:
            raise OSError("not connected")
        deadline = time.monotonic() + self.settings.action_timeout
        left = memoryview(data)
        with self._write_lock:
            while left:
                try:
                    left = left[sock.send(left):]
                except TimeoutError:
                    if time.monotonic() >= deadline:
                        raise

    def _drop(self) -> None:
        sock = self._sock or self._login_sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _report(self, state: ConnectionState) -> None:
        with self._state_changed:
            self.state = state
            self._state_changed.notify_all()
        self._call(self._on_state, state)

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"
