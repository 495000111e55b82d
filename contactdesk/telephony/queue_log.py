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
PROGRESS_EVERY = 65536  # lines between progress reports


class _BadLine(ValueError):
    pass


def _seconds(text: str, what: str) -> int:
    if text.isdigit():
        return int(text)
    raise _BadLine(f"{what} '{text}' is not a whole number of seconds")


def _talk_fields(event: str, data: list[str]) -> tuple[int, int]:
    """(holdtime, calltime) of a completed or transferred call."""
    if event == "ATTENDEDTRANSFER":
        # method data may itself contain '|': read from the end.
        numbers = [d for d in data[-3:] if d.isdigit()]
        if len(data) >= 4 and len(numbers) == 3:
            return int(data[-3]), int(data[-2])
        if len(data) >= 3 and data[-1].isdigit() and data[-2].isdigit():
            return int(data[-2]), int(data[-1])
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

    def feed(self, lines: Iterable[str]) -> None:
        for text in lines:
            self._line += 1
            self.result.lines_read += 1
            try:
                self._read(text)
            except _BadLine as exc:
                self.result.bad(self._line, str(exc))

    def _read(self, text: str) -> None:
        parts = text.rstrip("\r\n").split("|")
        while len(parts) > 5 and parts[-1] == "":
            parts.pop()  # a stray separator at the end of the line
        if len(parts) < 5:
            if not text.strip():
                raise _BadLine("empty line")
            raise _BadLine(f"{len(parts)} fields, expected at least 5 (epoch|callid|queue|agent|event)")
        epoch_text, callid, queue, agent, event = parts[:5]
        if not epoch_text.isdigit():
            raise _BadLine(f"time '{epoch_text[:30]}' is not a Unix time in seconds")
        if not event or not event.replace("_", "").isalnum() or not event.isupper():
            raise _BadLine(f"'{event[:30]}' is not an event name")
        epoch, data = int(epoch_text), parts[5:]
        result = self.result
        if event == "ENTERQUEUE":
            self._enter(callid, queue, epoch)
        elif event == "CONNECT":
            wait = _seconds(data[0], "holdtime") if data else None
            self._answer(callid, queue, epoch, agent, wait, None, event)
        elif event in TALK_EVENTS:
            hold, talk = _talk_fields(event, data)
            self._answer(callid, queue, epoch, agent, hold, talk, event)
        elif event in EXITS:
            outcome, wait_at = EXITS[event]
            wait = None
            if wait_at is not None and len(data) > wait_at and data[wait_at] != "":
                wait = _seconds(data[wait_at], "waittime")
            self._exit(callid, queue, epoch, outcome, wait, event)
        elif event in AGENT_EVENTS:
            result.agent_events.append(AgentEventRecord(
                epoch, queue, agent, event, "|".join(data)[:400] or None))
        else:
            result.ignored += 1  # RINGNOANSWER, AGENTCALLED, DID, INFO, ... : nothing to count
        result.events += 1

    def _enter(self, callid: str, queue: str, epoch: int) -> None:
        if not callid or callid == "NONE" or not queue or queue == "NONE":
            raise _BadLine("ENTERQUEUE without a call id or queue")
        attempt = Attempt(callid, queue, epoch, self._line)
        self.result.attempts.append(attempt)
        self._open[(callid, queue)] = attempt

    def _answer(self, callid, queue, epoch, agent, wait, talk, event) -> None:
        attempt = self._open.get((callid, queue))
        if attempt is None:
            self._late(callid, queue, epoch, event, ANSWERED, wait, talk, agent)
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

    def _exit(self, callid, queue, epoch, outcome, wait, event) -> None:
        attempt = self._open.pop((callid, queue), None)
        if attempt is None:
            self._late(callid, queue, epoch, event, outcome, wait, None, None)
            return
        if attempt.outcome is not None:
            self._open[(callid, queue)] = attempt  # answered already: the first outcome stands
            return
        attempt.outcome = outcome
        attempt.wait_seconds = wait if wait is not None else max(epoch - attempt.entered_epoch, 0)
        attempt.ended_epoch = epoch

    def _late(self, callid, queue, epoch, event, outcome, wait, talk, agent) -> None:
        if not callid or callid == "NONE":
            raise _BadLine(f"{event} without a call id")
        self.result.late_events.append(LateEvent(
            callid, queue, epoch, self._line, event, outcome, wait, talk,
            agent if agent and agent != "NONE" else None))


def read_queue_log(path, *, offset: int = 0, first_line: int = 1,
                   progress: Callable[[int], None] | None = None) -> ReadResult:
    """Read ``path`` from byte ``offset`` (a line start) to its end."""
    reader = QueueLogReader(first_line)
    position = offset
    with open(path, "rb") as handle:
        handle.seek(offset)
        batch: list[str] = []
        for raw in handle:
            position += len(raw)
            batch.append(raw.decode("utf-8", errors="replace"))
            if len(batch) == PROGRESS_EVERY:
                reader.feed(batch)
                batch = []
                if progress:
                    progress(position)
        reader.feed(batch)
    if progress:
        progress(position)
    reader.result.bytes_read = position
    return reader.result
