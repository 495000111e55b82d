"""Asterisk Manager Interface (AMI) framing: reading and writing its messages.

The server greets with one line, ``Asterisk Call Manager/x.y.z``; after that every
message is ``Key: Value`` lines ended by CRLF, and a blank line ends the message.
A message is an action (``Action:``, sent by us), a response (``Response:``, with the
action's ``ActionID``) or an event (``Event:``). Keys may repeat (``Variable``,
``ChanVariable``), so a message keeps its fields in order and ``get_all`` gives every
value; keys compare without case, as Asterisk's own ``astman_get_header`` does.

Reading is incremental and bounded: a message larger than ``max_message_bytes`` (or a
line with no colon) is reported as a ``ProtocolProblem`` and skipped up to its blank
line, never kept whole and never raised, so one bad message cannot stop the events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..domain.errors import TelephonyError

BANNER_PREFIX = "Asterisk Call Manager/"
MAX_MESSAGE_BYTES = 64 * 1024  # a real event is under 2 KiB, even with every channel variable
ENCODING = "utf-8"  # caller names may be anything: undecodable bytes are replaced, not fatal


@dataclass(frozen=True)
class AmiMessage:
    """One AMI message: its ``(key, value)`` fields in the order they came."""

    fields: tuple[tuple[str, str], ...]

    def get(self, key: str, default: str = "") -> str:
        """The first value of ``key`` (any case), or ``default``."""
        wanted = key.lower()
        for name, value in self.fields:
            if name.lower() == wanted:
                return value
        return default

    def get_all(self, key: str) -> list[str]:
        """Every value of a key that may repeat (``Variable``, ``ChanVariable``)."""
        wanted = key.lower()
        return [value for name, value in self.fields if name.lower() == wanted]

    def to_dict(self) -> dict[str, str | list[str]]:
        """Keys as first written; a repeated key maps to the list of its values."""
        grouped: dict[str, list[str]] = {}
        spelled: dict[str, str] = {}
        for name, value in self.fields:
            grouped.setdefault(spelled.setdefault(name.lower(), name), []).append(value)
        return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}

    @property
    def event(self) -> str:
        return self.get("Event")

    @property
    def response(self) -> str:
        return self.get("Response")

    @property
    def action_id(self) -> str:
        return self.get("ActionID")

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and any(n.lower() == key.lower() for n, _ in self.fields)


@dataclass(frozen=True)
class ProtocolProblem:
    """A message that could not be read, with the reason as one sentence."""

    reason: str


@dataclass(frozen=True)
class Banner:
    """The greeting line; ``version`` is the AMI protocol version (not Asterisk's)."""

    version: str


class AmiFormatError(TelephonyError, ValueError):
    """An action that cannot be written as AMI (a key or value would break the framing)."""


def format_action(action: str, fields: Mapping[str, str | int | Sequence[str]] | None = None,
                  action_id: str | None = None) -> bytes:
    """``Action: <action>`` then ``ActionID`` and the fields, CRLF lines, blank line at the end.

    A sequence value becomes one line per item (several ``Variable:`` lines). A CR or LF
    inside a key or value is refused: it would let text typed by someone (a number to
    dial) smuggle extra headers or a whole extra action into the stream.
    """
    lines = [("Action", action)]
    if action_id is not None:
        lines.append(("ActionID", action_id))
    for key, value in (fields or {}).items():
        values = [value] if isinstance(value, str | int) else list(value)
        lines += [(key, str(item)) for item in values]
    out = []
    for key, value in lines:
        if not key or any(c in key for c in ":\r\n") or any(c in value for c in "\r\n"):
            raise AmiFormatError(f"The phone system request was not sent: its field {key!r} "
                                 "holds a line break (or a colon in its name).")
        out.append(f"{key}: {value}\r\n")
    return ("".join(out) + "\r\n").encode(ENCODING)


def parse_message(lines: Iterable[str]) -> AmiMessage:
    """A message from its lines (without the blank line); ValueError names a line with no colon."""
    fields = []
    for line in lines:
        key, colon, value = line.partition(":")
        if not colon or not key.strip():
            shown = line if len(line) <= 40 else line[:40] + "..."
            raise ValueError(f"an AMI line has no 'Key: Value' form: {shown!r}")
        fields.append((key.strip(), value.strip()))
    return AmiMessage(tuple(fields))


class MessageReader:
    """Turns received bytes into banners, messages and problems, however the bytes are split."""

    def __init__(self, max_message_bytes: int = MAX_MESSAGE_BYTES, expect_banner: bool = True):
        self.max_message_bytes = max_message_bytes
        self._expect_banner = expect_banner
        self._partial = b""  # the start of a line whose end has not arrived
        self._lines: list[str] = []
        self._size = 0
        self._skipping: str | None = None  # why the current message is being thrown away

    def feed(self, data: bytes) -> list[Banner | AmiMessage | ProtocolProblem]:
        out: list[Banner | AmiMessage | ProtocolProblem] = []
        data = self._partial + data
        *complete, self._partial = data.split(b"\n")
        for raw in complete:
            self._line(raw.rstrip(b"\r").decode(ENCODING, "replace"), out)
        if len(self._partial) > self.max_message_bytes:
            # A line this long is not AMI: drop it as it comes rather than hold it.
            self._partial = b""
            self._skip(self._too_big(), out)
        return out

    def _too_big(self) -> str:
        return f"an AMI message longer than {self.max_message_bytes} bytes was skipped"

    def _skip(self, reason: str, out: list) -> None:
        if self._skipping is None:
            out.append(ProtocolProblem(reason))
        self._skipping = reason
        self._lines, self._size = [], 0

    def _line(self, line: str, out: list) -> None:
        if self._expect_banner:
            self._expect_banner = False
            if line.startswith(BANNER_PREFIX):
                out.append(Banner(line[len(BANNER_PREFIX):].strip()))
                return
            out.append(ProtocolProblem("the server did not greet as an Asterisk manager "
                                       f"interface: {line[:60]!r}"))
        if line == "":
            if self._skipping is None and self._lines:
                try:
                    out.append(parse_message(self._lines))
                except ValueError as exc:
                    out.append(ProtocolProblem(f"{exc}; that message was skipped"))
            self._lines, self._size, self._skipping = [], 0, None
            return
        if self._skipping is not None:
            return
        self._size += len(line) + 2
        if self._size > self.max_message_bytes:
            self._skip(self._too_big(), out)
            return
        self._lines.append(line)
