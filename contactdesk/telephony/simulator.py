"""A practice phone system: a local Asterisk manager interface (AMI) that queues demo callers.

``PracticePbx(account, settings, devices, callers)`` listens (127.0.0.1 unless told
otherwise), greets as Asterisk 18 does, and accepts the Login of the one manager account the
desks use; it answers Ping, Logoff, Originate (a practice callback: ``Success``, then an
``OriginateResponse`` once the practice phone has answered) and UserEvent.

The queue itself is ``simulated_calls.PracticeQueue``: callers join at about ``rate`` a
minute and ring one free device at a time, round robin; after ``ring_seconds`` the practice phone answers itself (AgentConnect), after
``talk_seconds`` the caller hangs up (AgentComplete, Hangup). A caller nobody can take
within ``patience`` seconds abandons. With a queue_log path each call's lines are appended
as Asterisk writes them, so importing the log joins the practice calls to the calls logged.

Which devices have a desk connected: all desks log in with the same account, so a login
alone does not say whose desk it is. A desk tells by sending ``UserEvent`` with
``UserEvent: DeskDevice`` and ``Interface: PJSIP/1001`` (real Asterisk accepts it too, or
refuses it for a read-only account, harmlessly), or by dialling out from its device
(Originate). A device is rung when a desk that told is connected, or, while a desk that has
not told is connected, when no desk has claimed it. With no desk connected nobody calls.

Everything runs on one thread (a selector loop with a timer heap), so no call state is
shared between threads; ``say`` gets one line per call on that thread.
"""

from __future__ import annotations

import contextlib
import errno
import heapq
import hmac
import itertools
import logging
import random
import secrets
import selectors
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from ..domain.errors import TelephonyError
from . import simulated_calls as script
from .ami_client import login_key
from .ami_protocol import AmiMessage, MessageReader, ProtocolProblem
from .desk_line import DESK_DEVICE_EVENT
from .simulated_calls import DemoCaller, PracticeQueue, PracticeSettings, device_key

log = logging.getLogger(__name__)

__all__ = ["PracticePbx", "PracticeSettings", "ManagerAccount", "PracticePortInUse"]

BANNER = b"Asterisk Call Manager/7.0.3\r\n"  # the AMI version Asterisk 18 announces
LOOPBACK = ("127.0.0.1", "::1", "localhost")
DEVICE_REFRESH = 5.0  # seconds between reads of who has a device
MAX_BACKLOG = 1 << 20  # bytes queued for a desk that stopped reading: then it is dropped


class PracticePortInUse(TelephonyError):
    pass


@dataclass(frozen=True)
class ManagerAccount:
    username: str
    secret: str

    def accepts(self, username: str, secret: str, key: str = "", challenge: str = "") -> bool:
        """A plain Secret, or an MD5 Key answering this session's challenge."""
        same_name = hmac.compare_digest(username.encode(), self.username.encode())
        if key and challenge:
            right = login_key(challenge, self.secret)
            return hmac.compare_digest(key.encode(), right.encode()) and same_name
        return bool(secret) and hmac.compare_digest(secret.encode(), self.secret.encode()) \
            and same_name


class _Session:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.reader = MessageReader(expect_banner=False)
        self.out = bytearray()
        self.logged_in = False
        self.challenge = ""  # what this session was asked to answer (MD5 login)
        self.classes: set[str] = set()  # the event classes asked for at login
        self.device = ""  # the device this desk said it follows
        self.closing = False  # close once what is queued has been sent


class PracticePbx:
    def __init__(self, account: ManagerAccount, settings: PracticeSettings,
                 devices: Callable[[], Sequence[str]], callers: Sequence[DemoCaller],
                 queue_log: Path | None = None, say: Callable[[str], None] = print,
                 rng: random.Random | None = None, clock: Callable[[], float] = time.time):
        if settings.rate <= 0:
            raise TelephonyError("The call rate must be above 0 calls a minute.")
        self.account, self.settings = account, settings
        self._devices = devices
        self._queue_log_path, self._say = queue_log, say
        self._clock = clock
        self._selector = selectors.DefaultSelector()
        self._sessions: dict[socket.socket, _Session] = {}
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._known: list[str] = []
        self._known_at = -DEVICE_REFRESH
        self.queue = PracticeQueue(settings, callers, self._connected_devices,
                                   self._after, self._broadcast, self._write_log, self._tell,
                                   rng or random.Random(), clock)
        self._log: TextIO | None = None
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        self.port = settings.port
        self.failure = ""  # why the loop ended by itself, if it did

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> PracticePbx:
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            listener = socket.create_server((self.settings.host, self.settings.port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PracticePortInUse(
                    f"Port {self.settings.port} is in use on {self.settings.host} (a phone "
                    "system or another practice run?): stop it or choose --port.") from None
            raise PracticePortInUse(f"The practice phone system cannot listen on {where}: "
                                    f"{(exc.strerror or str(exc)).lower()}.") from None
        if self._queue_log_path is not None:
            try:
                self._log = open(self._queue_log_path, "a", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                listener.close()
                raise TelephonyError(f"The queue_log {self._queue_log_path} cannot be written: "
                                     f"{(exc.strerror or str(exc)).lower()}.") from None
        listener.setblocking(False)
        self._listener, self.port = listener, listener.getsockname()[1]
        self._selector.register(listener, selectors.EVENT_READ)
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self.queue.begin()
        self._thread = threading.Thread(target=self._run, name="practice-pbx", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Finish the calls in progress (answered ones complete, waiting ones abandon), tell
        the desks, close; safe to call more than once."""
        self._stop.set()
        with contextlib.suppress(OSError, AttributeError):
            self._wake_w.send(b"x")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._finished.wait(5.0)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until stopped; True once it has. An Event, not Thread.join: a join that
        Ctrl+C interrupts can leave the thread looking finished while it still runs."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._finished.wait(0.2):
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return True

    # -- the loop ------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                due = self._timers[0][0] - time.monotonic() if self._timers else 0.5
                for key, mask in self._selector.select(min(max(due, 0.0), 0.5)):
                    self._ready(key.fileobj, mask)
                now = time.monotonic()
                while self._timers and self._timers[0][0] <= now and not self._stop.is_set():
                    heapq.heappop(self._timers)[2]()
            self.queue.finish()
        except Exception as exc:  # a fault here ends the practice: say so rather than hang
            log.exception("the practice phone system failed")
            self.failure = f"{type(exc).__name__}: {exc}"
        finally:
            self._close_all()
            self._finished.set()

    def _after(self, seconds: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._timers, (time.monotonic() + seconds, next(self._seq), action))

    def _ready(self, sock, mask: int) -> None:
        if sock is self._listener:
            with contextlib.suppress(BlockingIOError, OSError):
                conn, _ = sock.accept()
                conn.setblocking(False)
                session = self._sessions[conn] = _Session(conn)
                self._selector.register(conn, selectors.EVENT_READ)
                self._send_bytes(session, BANNER)
            return
        if sock is self._wake_r:
            with contextlib.suppress(OSError):
                sock.recv(64)
            return
        session = self._sessions.get(sock)
        if session is None:
            return
        if mask & selectors.EVENT_WRITE:
            self._flush(session)
        if mask & selectors.EVENT_READ and session in self._sessions.values():
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._drop(session)
                return
            for item in session.reader.feed(data):
                if isinstance(item, AmiMessage) and not session.closing:
                    self._answer(session, item)
                elif isinstance(item, ProtocolProblem):
                    self._reply(session, "", ("Response", "Error"), ("Message", "Missing action"))

    # -- writing -------------------------------------------------------------------------
    def _send_bytes(self, session: _Session, data: bytes) -> None:
        session.out += data
        if len(session.out) > MAX_BACKLOG:
            self._drop(session)
            return
        self._flush(session)

    def _flush(self, session: _Session) -> None:
        try:
            sent = session.sock.send(session.out) if session.out else 0
        except BlockingIOError:
            sent = 0
        except OSError:
            self._drop(session)
            return
        del session.out[:sent]
        if session.closing and not session.out:
            self._drop(session)
            return
        wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if session.out else 0)
        if self._selector.get_key(session.sock).events != wanted:
            self._selector.modify(session.sock, wanted)

    def _send(self, session: _Session, fields: Sequence[tuple[str, str]]) -> None:
        text = "".join(f"{key}: {value}\r\n" for key, value in fields) + "\r\n"
        self._send_bytes(session, text.encode("utf-8"))

    def _reply(self, session: _Session, action_id: str, first: tuple[str, str],
               *rest: tuple[str, str]) -> None:
        self._send(session, [first, *([("ActionID", action_id)] if action_id else []), *rest])

    def _broadcast(self, fields: script.Fields) -> None:
        """An event to every logged-in session whose Login asked for its class."""
        classes = {c for c in dict(fields)["Privilege"].split(",") if c != "all"}
        for session in list(self._sessions.values()):
            if session.logged_in and (session.classes & classes or "all" in session.classes):
                self._send(session, fields)

    def _drop(self, session: _Session) -> None:
        if self._sessions.pop(session.sock, None) is None:
            return
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(session.sock)
        with contextlib.suppress(OSError):
            session.sock.close()

    def _close_all(self) -> None:
        for session in list(self._sessions.values()):
            with contextlib.suppress(OSError):
                session.sock.setblocking(True)
                session.sock.settimeout(0.5)
                session.sock.sendall(session.out)
            self._drop(session)
        for sock in (self._listener, getattr(self, "_wake_r", None),
                     getattr(self, "_wake_w", None)):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
        self._selector.close()
        if self._log is not None:
            self._log.close()

    # -- actions ---------------------------------------------------------------------------
    def _answer(self, session: _Session, action: AmiMessage) -> None:
        name, action_id = action.get("Action").lower(), action.action_id
        if name == "challenge" and action.get("AuthType", "").lower() == "md5":
            session.challenge = secrets.token_hex(8)  # unguessable: a key cannot be replayed
            self._reply(session, action_id, ("Response", "Success"),
                        ("Challenge", session.challenge))
        elif name == "login":
            challenge, session.challenge = session.challenge, ""  # answers one login only
            if self.account.accepts(action.get("Username"), action.get("Secret"),
                                    action.get("Key"), challenge):
                session.logged_in = True
                events = action.get("Events", "on").lower()
                session.classes = (set() if events == "off" else {"all"} if events == "on"
                                   else {c.strip() for c in events.split(",")})
                self._reply(session, action_id, ("Response", "Success"),
                            ("Message", "Authentication accepted"))
                self.queue.dispatch()
            else:
                self._reply(session, action_id, ("Response", "Error"),
                            ("Message", "Authentication failed"))
                session.closing = True
                self._flush(session)
        elif not session.logged_in:
            self._reply(session, action_id, ("Response", "Error"),
                        ("Message", "Permission denied"))
        elif name == "ping":
            self._reply(session, action_id, ("Response", "Success"), ("Ping", "Pong"),
                        ("Timestamp", f"{self._clock():.6f}"))
        elif name == "logoff":
            self._reply(session, action_id, ("Response", "Goodbye"),
                        ("Message", "Thanks for all the fish."))
            session.closing = True
            self._flush(session)
        elif name == "userevent" and action.get("UserEvent"):
            if action.get("UserEvent").lower() == DESK_DEVICE_EVENT.lower():
                session.device = device_key(action.get("Interface")) \
                    if "/" in action.get("Interface") else ""
            self._reply(session, action_id, ("Response", "Success"), ("Message", "Event Sent"))
            self.queue.dispatch()
        elif name == "originate":
            self._originate(session, action)
        else:
            self._reply(session, action_id, ("Response", "Error"),
                        ("Message", f"Invalid/unknown command: {action.get('Action')}. Use "
                                    "Action: ListCommands to show available commands."))

    def _originate(self, session: _Session, action: AmiMessage) -> None:
        channel, exten = action.get("Channel"), action.get("Exten")
        if not channel:
            self._reply(session, action.action_id, ("Response", "Error"),
                        ("Message", "Channel not specified"))
            return
        if "/" in channel:
            session.device = device_key(channel)  # a desk dials out from its own device
        self._reply(session, action.action_id, ("Response", "Success"),
                    ("Message", "Originate successfully queued"))
        call_id = self.queue.new_id()
        response = (action.action_id, channel, action.get("Context"), exten, call_id)
        self._after(self.settings.ring_seconds,
                    lambda: self._broadcast(script.originate_response(*response, self._clock())))
        self._tell(f"callback from {channel} to {exten or 'nothing'}: the practice phone "
                   "answers")

    def _connected_devices(self) -> list[str]:
        """Devices with a desk connected, in the order they are rung (see the module's text)."""
        now = time.monotonic()
        if now - self._known_at >= DEVICE_REFRESH:
            self._known_at = now
            try:
                self._known = [device_key(d) for d in self._devices()]
            except Exception as exc:  # the database away: keep ringing the devices known
                self._tell(f"the devices could not be read ({exc}); using the last known")
        desks = [s for s in self._sessions.values() if s.logged_in]
        claimed = {s.device for s in desks if s.device}
        anonymous = any(not s.device for s in desks)
        return sorted(claimed | ({d for d in self._known if d not in claimed}
                                 if anonymous else set()))

    def _write_log(self, line: str) -> None:
        if self._log is not None:
            self._log.write(line)
            self._log.flush()  # imported while the practice runs

    def _tell(self, text: str) -> None:
        self._say(f"{datetime.now().strftime('%H:%M:%S')} {text}")
