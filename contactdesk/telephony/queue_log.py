"""Reading an Asterisk queue_log: ``epoch|callid|queue|agent|event|data1|data2|...``.

One queue attempt is (callid, queue), opened by ENTERQUEUE and given its outcome
by the first terminal event; a CONNECT leaves it open for the talk time that
COMPLETECALLER, COMPLETEAGENT or a transfer reports. Older (1.4) lines lack the
trailing wait fields: the wait then comes from the timestamps. A terminal event
whose ENTERQUEUE was in an earlier import becomes a ``LateEvent`` for the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .records import (
    ABANDONED,
    ANSWERED,
    TIMEOUT,
    AgentEventRecord,
    Attempt,
    LateEvent,
    ReadResult,
)

AGENT_EVENTS = frozenset({
    "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "AGENTLOGIN",
    "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "QUEUESTART", "CONFIGRELOAD",
})
RING_EVENTS = frozenset({"RINGNOANSWER", "RINGCANCELED"})
TALK_EVENTS = frozenset({"COMPLETECALLER", "COMPLETEAGENT", "BLINDTRANSFER", "TRANSFER",
                         "ATTENDEDTRANSFER"})
# Exits without an answer: outcome, and the index of the wait field in the data.
EXITS = {
    "ABANDON": (ABANDONED, 2),
    "EXITWITHTIMEOUT": (TIMEOUT, 2),
    "EXITWITHKEY": ("key", 3),
    "EXITEMPTY": ("empty", 2),
    "WITHDRAW": ("withdrawn", 2),
    "SYSCOMPAT": ("failed", None),
}


class _BadLine(ValueError):
    pass


MAX_SECONDS = 10_000_000  # about four months: no wait or call is longer


def _is_number(text: str) -> bool:
    # isdigit alone lets through digits int() refuses ("²") and numbers too big to store.
    return text.isascii() and text.isdigit() and len(text) <= 12


def _seconds(text: str, what: str) -> int:
    if not _is_number(text):
        raise _BadLine(f"{what} '{text[:30]}' is not a whole number of seconds")
    value = int(text)
    if value > MAX_SECONDS:
        raise _BadLine(f"{what} {value} is not a possible number of seconds")
    return value


def _is_epoch(text: str) -> bool:
    """Unix seconds up to 2286 (ten digits): what every queue_log line starts with."""
    return text.isascii() and text.isdigit() and len(text) <= 10


def _talk_fields(event: str, data: list[str]) -> tuple[int, int]:
    """(holdtime, calltime) of a completed or transferred call."""
    if event == "ATTENDEDTRANSFER":
        # method data may itself contain '|': read from the end.
        numbers = [d for d in data[-3:] if _is_number(d)]
        if len(data) >= 4 and len(numbers) == 3:
            return _seconds(data[-3], "holdtime"), _seconds(data[-2], "calltime")
        if len(data) >= 3 and _is_number(data[-1]) and _is_number(data[-2]):
            return _seconds(data[-2], "holdtime"), _seconds(data[-1], "calltime")
        raise _BadLine("ATTENDEDTRANSFER lacks holdtime and calltime")
    first = 0 if event.startswith("COMPLETE") else 2
    if len(data) < first + 2:
        raise _BadLine(f"{event} needs holdtime and calltime")
    return _seconds(data[first], "holdtime"), _seconds(data[first + 1], "calltime")


class QueueLogReader:
    """Folds queue_log lines into attempts; one instance per read of one file."""

    def __init__(self, first_line: int = 1) -> None:
        self.result = ReadResult()
        self._line = first_line - 1
        self._open: dict[tuple[str, str], Attempt] = {}  # (callid, queue) -> latest attempt
        self._handlers = {"ENTERQUEUE": self._on_enter, "CONNECT": self._on_connect,
                          **dict.fromkeys(TALK_EVENTS, self._on_talk),
                          **dict.fromkeys(EXITS, self._on_exit),
                          **dict.fromkeys(AGENT_EVENTS, self._on_agent_event)}

    def feed(self, lines: Iterable[str]) -> None:
        """Read lines (with or without their line ends); the hot loop of an import."""
        result, handlers = self.result, self._handlers
        line = self._line
        for text in lines:
            line += 1
            parts = text.split("|")
            last = parts[-1]
            if last and last[-1] in "\r\n":
                parts[-1] = last.rstrip("\r\n")
            while parts[-1] == "" and len(parts) > 5:
                parts.pop()  # a stray separator at the end of the line
            if len(parts) < 5 or not _is_epoch(parts[0]):
                result.bad(line, _malformed(text, parts))
                continue
            handler = handlers.get(parts[4])
            if handler is None:
                event = parts[4]
                if not event or not event.replace("_", "").isalnum() or not event.isupper():
                    result.bad(line, f"'{event[:30]}' is not an event name")
                    continue
                result.ignored += 1  # RINGNOANSWER, AGENTCALLED, DID, INFO, ...: nothing to count
            else:
                try:
                    handler(parts, line)
                except _BadLine as exc:
                    result.bad(line, str(exc))
                    continue
            result.events += 1
        result.lines_read += line - self._line
        self._line = line

    def _on_enter(self, parts: list[str], line: int) -> None:
        self._enter(parts[1], parts[2], int(parts[0]), line)

    def _on_connect(self, parts: list[str], line: int) -> None:
        # An empty holdtime (some 1.4 builds): the wait comes from the timestamps.
        wait = _seconds(parts[5], "holdtime") if len(parts) > 5 and parts[5] != "" else None
        self._answer(parts[1], parts[2], int(parts[0]), parts[3], wait, None, parts[4], line)

    def _on_talk(self, parts: list[str], line: int) -> None:
        hold, talk = _talk_fields(parts[4], parts[5:])
        self._answer(parts[1], parts[2], int(parts[0]), parts[3], hold, talk, parts[4], line)

    def _on_exit(self, parts: list[str], line: int) -> None:
        outcome, wait_at = EXITS[parts[4]]
        wait = None
        if wait_at is not None and len(parts) > wait_at + 5 and parts[wait_at + 5] != "":
            wait = _seconds(parts[wait_at + 5], "waittime")
        self._exit(parts[1], parts[2], int(parts[0]), outcome, wait, parts[4], line)

    def _on_agent_event(self, parts: list[str], line: int) -> None:
        self.result.agent_events.append(AgentEventRecord(
            int(parts[0]), parts[2], parts[3], parts[4], "|".join(parts[5:])[:400] or None))

    def _enter(self, callid: str, queue: str, epoch: int, line: int) -> None:
        if not callid or callid == "NONE" or not queue or queue == "NONE":
            raise _BadLine("ENTERQUEUE without a call id or queue")
        attempt = Attempt(callid, queue, epoch, line)
        self.result.attempts.append(attempt)
        self._open[(callid, queue)] = attempt

    def _answer(self, callid, queue, epoch, agent, wait, talk, event, line) -> None:
        attempt = self._open.get((callid, queue))
        if attempt is None:
            self._late(callid, queue, epoch, event, ANSWERED, wait, talk, agent, line)
            return
        if attempt.outcome is None:
            attempt.outcome = ANSWERED
            attempt.wait_seconds = wait if wait is not None else max(epoch - attempt.entered_epoch, 0)
            attempt.agent = agent if agent and agent != "NONE" else None
            attempt.ended_epoch = epoch
        elif attempt.outcome != ANSWERED:
            return  # already left the queue; a stray later event changes nothing
        if talk is not None:
            attempt.talk_seconds = talk
            attempt.ended_epoch = epoch
            del self._open[(callid, queue)]  # done: nothing more can happen to it

    def _exit(self, callid, queue, epoch, outcome, wait, event, line) -> None:
        attempt = self._open.pop((callid, queue), None)
        if attempt is None:
            self._late(callid, queue, epoch, event, outcome, wait, None, None, line)
            return
        if attempt.outcome is not None:
            self._open[(callid, queue)] = attempt  # answered already: the first outcome stands
            return
        attempt.outcome = outcome
        attempt.wait_seconds = wait if wait is not None else max(epoch - attempt.entered_epoch, 0)
        attempt.ended_epoch = epoch

    def _late(self, callid, queue, epoch, event, outcome, wait, talk, agent, line) -> None:
        if not callid or callid == "NONE":
            raise _BadLine(f"{event} without a call id")
        self.result.late_events.append(LateEvent(
            callid, queue, epoch, line, event, outcome, wait, talk,
            agent if agent and agent != "NONE" else None))


def _malformed(text: str, parts: list[str]) -> str:
    if not text.strip():
        return "empty line"
    if len(parts) < 5:
        return f"{len(parts)} fields, expected at least 5 (epoch|callid|queue|agent|event)"
    return f"time '{parts[0][:30]}' is not a Unix time in seconds"


CHUNK_BYTES = 8 << 20


def read_queue_log(path, *, offset: int = 0, first_line: int = 1,
                   progress: Callable[[int], None] | None = None,
                   complete: bool = False) -> ReadResult:
    """Read ``path`` from byte ``offset`` (a line start) to its last line end
    (``complete``: to its end, the file being finished).

    The file is read in large blocks cut at a line end and decoded a block at
    a time (bytes that are not UTF-8 become U+FFFD; they can only be in
    caller ids and data the figures do not use).
    """
    reader = QueueLogReader(first_line)
    position = offset
    with open(path, "rb") as handle:
        handle.seek(offset)
        carry = b""
        while True:
            block = handle.read(CHUNK_BYTES)
            if not block:
                break
            block = carry + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                carry = block
                continue
            carry = block[cut:]
            reader.feed(block[:cut].decode("utf-8", errors="replace").split("\n")[:-1])
            position += cut
            if progress:
                progress(position)
        # A last line without a line end may still be being written: leave it for the
        # next import, which starts at its first byte, unless the file is known complete.
        if carry and complete:
            reader.feed([carry.decode("utf-8", errors="replace")])
            position += len(carry)
            carry = b""
        reader.result.unfinished_line = bool(carry)
    if progress:
        progress(position)
    reader.result.bytes_read = position
    return reader.result
