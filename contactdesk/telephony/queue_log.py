"""Reading an Asterisk queue_log: ``epoch|callid|queue|agent|event|data1|data2|...``.

One queue attempt is (callid, queue), opened by ENTERQUEUE and given its outcome
by the first terminal event; a CONNECT leaves it open for the talk time that
COMPLETECALLER, COMPLETEAGENT or a transfer reports. Older (1.4) lines lack the
trailing wait fields: the wait then comes from the timestamps. A terminal event
whose ENTERQUEUE was in an earlier import or batch becomes a ``LateEvent`` for
the store.

Memory stays bounded whatever the file holds: it is read in fixed-size blocks,
a "line" longer than MAX_LINE_BYTES is reported and skipped up to its line end
without being kept, and what was read goes to the store in batches
(``read_batches``). Anything that cannot be a queue_log line (binary data, a
time the PBX cannot have meant) is a bad line with its reason, never an error.

Each batch hands the store every attempt it opened, the ones still open too, so
that a batch once committed needs nothing held in memory to be right. The open
ones stay here (up to CARRY_MAX) and go to the store again, with the batch that
gives them their outcome or talk time, to be brought up to date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from ..domain.limits import TELEPHONY_ID
from .queue_log_fields import (  # noqa: F401 (MAX_SECONDS, latest_epoch: read from here too)
    EARLIEST_EPOCH,
    MAX_LINE_BYTES,
    MAX_SECONDS,
    TOO_LONG,
    latest_epoch,
    stamp_problem,
    unusable,
)
from .queue_log_fields import BadLine as _BadLine
from .queue_log_fields import agent_name as _agent
from .queue_log_fields import ascii_digits as _ascii_digits
from .queue_log_fields import malformed as _malformed
from .queue_log_fields import seconds as _seconds
from .queue_log_fields import talk_fields as _talk_fields
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

BLOCK_BYTES = 256 << 10
BATCH_BYTES = 3 << 19  # 1.5 MiB, some 20,000 lines: stored and committed as one batch
CARRY_MAX = 10_000  # attempts still open at a batch end, kept to be closed by a later one


class QueueLogReader:
    """Folds queue_log lines into attempts; one instance per read of one file.

    Lines stamped before 2000 or more than a day after ``now`` (default: this
    computer's clock) are bad lines.
    """

    def __init__(self, first_line: int = 1, *, now: datetime | None = None) -> None:
        self.result = ReadResult()
        self._line = first_line - 1
        self._latest = latest_epoch(now or datetime.now(UTC))
        self._open: dict[tuple[str, str], Attempt] = {}  # (callid, queue) -> latest attempt
        self._updated: set[int] = set()  # ids of stored attempts this batch sends again
        self._handlers = {"ENTERQUEUE": self._on_enter, "CONNECT": self._on_connect,
                          **dict.fromkeys(TALK_EVENTS, self._on_talk),
                          **dict.fromkeys(EXITS, self._on_exit),
                          **dict.fromkeys(AGENT_EVENTS, self._on_agent_event)}

    def feed(self, lines: Iterable[str], *, ascii_only: bool = False) -> None:
        """Read lines (with or without their line ends); the hot loop of an import.
        ``ascii_only``: every line is ASCII, so a field of digits needs no more checking.

        ENTERQUEUE, CONNECT and COMPLETE* (nine lines in ten) are folded inline, with
        local names only: a method call and an attribute lookup per line cost more than
        the rest of the work. Anything unusual about them (a bad field, an attempt
        stored by an earlier batch, an outcome already set) takes the handlers' path,
        which gives the same result and every reason for a bad line.
        """
        result, handlers = self.result, self._handlers
        open_attempts, new_attempts = self._open, result.attempts
        earliest, latest, longest = EARLIEST_EPOCH, self._latest, TELEPHONY_ID
        digits = str.isdigit if ascii_only else _ascii_digits
        line = first = self._line
        events = ignored = 0
        for text in lines:
            line += 1
            parts = text.split("|")
            last = parts[-1]
            if not last or last[-1] in "\r\n":
                if last:
                    parts[-1] = last.rstrip("\r\n")
                while parts[-1] == "" and len(parts) > 5:
                    parts.pop()  # a stray separator at the end of the line
            stamp = parts[0]  # Unix seconds up to 2286 (ten digits) start every line
            if len(parts) < 5 or len(stamp) > 10 or not digits(stamp):
                result.bad(line, _malformed(text, parts))
                continue
            epoch = int(stamp)
            if not earliest <= epoch <= latest:
                result.bad(line, stamp_problem(epoch, latest))
                continue
            event = parts[4]
            if event == "ENTERQUEUE":
                callid, queue = parts[1], parts[2]
                if (callid and queue and len(callid) <= longest and len(queue) <= longest
                        and callid != "NONE" and queue != "NONE"):
                    new_attempts.append(attempt := Attempt(callid, queue, epoch, line))
                    open_attempts[(callid, queue)] = attempt
                    events += 1
                    continue
            elif event == "CONNECT":
                if len(parts) > 5:
                    hold = parts[5]
                    attempt = open_attempts.get((parts[1], parts[2]))
                    if (attempt is not None and attempt.outcome is None and attempt.stored_as is None
                            and digits(hold) and len(hold) <= 7):
                        attempt.outcome, attempt.wait_seconds, attempt.ended_epoch = (
                            ANSWERED, int(hold), epoch)
                        agent = parts[3]
                        attempt.agent = agent[:longest] if agent and agent != "NONE" else None
                        events += 1
                        continue
            elif event == "COMPLETECALLER" or event == "COMPLETEAGENT":
                if len(parts) >= 7:
                    hold, talk = parts[5], parts[6]
                    key = (parts[1], parts[2])
                    attempt = open_attempts.get(key)
                    if (attempt is not None and attempt.outcome == ANSWERED
                            and attempt.stored_as is None
                            and digits(hold) and len(hold) <= 7
                            and digits(talk) and len(talk) <= 7):
                        attempt.talk_seconds, attempt.ended_epoch = int(talk), epoch
                        del open_attempts[key]  # done: nothing more can happen to it
                        events += 1
                        continue
            handler = handlers.get(event)
            if handler is None:
                if not event or not event.replace("_", "").isalnum() or not event.isupper():
                    result.bad(line, f"'{event[:30]}' is not an event name")
                    continue
                ignored += 1  # RINGNOANSWER, AGENTCALLED, DID, INFO, ...: nothing to count
            else:
                try:
                    handler(parts, epoch, line)
                except _BadLine as exc:
                    result.bad(line, str(exc))
                    continue
            events += 1
        result.events += events
        result.ignored += ignored
        result.lines_read += line - first
        self._line = line

    def feed_bytes(self, raw: bytes, *, line_end: bool = True) -> None:
        """Whole lines as read from the file (ending in a line end unless ``line_end`` is False)."""
        text = raw.decode("utf-8", errors="replace")
        lines = text.split("\n")
        if line_end:
            lines.pop()
        # Checked line by line only when the block holds something suspect (rare).
        if "\x00" in text or "\ufffd" in text or (
                len(raw) > MAX_LINE_BYTES and max(map(len, lines)) > MAX_LINE_BYTES // 4):
            sizes = [len(part) for part in raw.split(b"\n")]
            run: list[str] = []
            for text_line, size in zip(lines, sizes, strict=False):
                reason = unusable(text_line, size)
                if reason is None:
                    run.append(text_line)
                    continue
                self.feed(run)
                run = []
                self.bad_line(reason)
            self.feed(run)
        else:
            self.feed(lines, ascii_only=text.isascii())  # a flag of the string: no scan

    def bad_line(self, reason: str) -> None:
        """The next line is bad for ``reason`` (found before it was split into fields)."""
        self._line += 1
        self.result.lines_read += 1
        self.result.bad(self._line, reason)

    def take_batch(self, position: int, *, final: bool = False) -> ReadResult:
        """What was read since the last batch, up to byte ``position``.

        Attempts still open (waiting, or answered with the talk time to come) stay
        in memory, the latest CARRY_MAX of them, so that a later batch can close
        them; one dropped beyond that is closed from the database as a late event.
        """
        done, self.result = self.result, ReadResult()
        done.bytes_read = position
        self._updated = set()
        if final:
            self._open = {}
        elif len(self._open) > CARRY_MAX:
            self._open = dict(list(self._open.items())[-CARRY_MAX:])
        return done

    def _stored_before(self, attempt: Attempt) -> None:
        """An attempt an earlier batch stored has changed: this batch stores it again."""
        if id(attempt) not in self._updated:
            self._updated.add(id(attempt))
            self.result.attempts.append(attempt)

    def _on_enter(self, parts: list[str], epoch: int, line: int) -> None:
        callid, queue = parts[1], parts[2]
        if not callid or callid == "NONE" or not queue or queue == "NONE":
            raise _BadLine("ENTERQUEUE without a call id or queue")
        if len(callid) > TELEPHONY_ID or len(queue) > TELEPHONY_ID:
            raise _BadLine(f"call id or queue longer than {TELEPHONY_ID} characters")
        attempt = Attempt(callid, queue, epoch, line)
        self.result.attempts.append(attempt)
        self._open[(callid, queue)] = attempt

    def _on_connect(self, parts: list[str], epoch: int, line: int) -> None:
        # An empty holdtime (some 1.4 builds): the wait comes from the timestamps.
        wait = _seconds(parts[5], "holdtime") if len(parts) > 5 and parts[5] != "" else None
        self._answer(parts[1], parts[2], epoch, parts[3], wait, None, parts[4], line)

    def _on_talk(self, parts: list[str], epoch: int, line: int) -> None:
        if parts[4][0] == "C" and len(parts) >= 7:  # COMPLETECALLER, COMPLETEAGENT: the usual case
            hold, talk = _seconds(parts[5], "holdtime"), _seconds(parts[6], "calltime")
        else:
            hold, talk = _talk_fields(parts[4], parts[5:])
        self._answer(parts[1], parts[2], epoch, parts[3], hold, talk, parts[4], line)

    def _on_exit(self, parts: list[str], epoch: int, line: int) -> None:
        outcome, wait_at = EXITS[parts[4]]
        wait = None
        if wait_at is not None and len(parts) > wait_at + 5 and parts[wait_at + 5] != "":
            wait = _seconds(parts[wait_at + 5], "waittime")
        self._exit(parts[1], parts[2], epoch, outcome, wait, parts[4], line)

    def _on_agent_event(self, parts: list[str], epoch: int, line: int) -> None:
        self.result.agent_events.append(AgentEventRecord(
            epoch, parts[2], parts[3], parts[4], "|".join(parts[5:])[:400] or None))

    def _answer(self, callid, queue, epoch, agent, wait, talk, event, line) -> None:
        attempt = self._open.get((callid, queue))
        if attempt is None:
            self._late(callid, queue, epoch, event, ANSWERED, wait, talk, agent, line)
            return
        if attempt.outcome is None:
            attempt.outcome = ANSWERED
            attempt.wait_seconds = wait if wait is not None else max(epoch - attempt.entered_epoch, 0)
            attempt.agent = _agent(agent)
            attempt.ended_epoch = epoch
        elif attempt.outcome != ANSWERED or talk is None:
            return  # left the queue already, or a second CONNECT: the first outcome stands
        if talk is not None:
            attempt.talk_seconds = talk
            attempt.ended_epoch = epoch
            del self._open[(callid, queue)]  # done: nothing more can happen to it
        if attempt.stored_as is not None:
            self._stored_before(attempt)

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
        if attempt.stored_as is not None:
            self._stored_before(attempt)

    def _late(self, callid, queue, epoch, event, outcome, wait, talk, agent, line) -> None:
        if not callid or callid == "NONE":
            raise _BadLine(f"{event} without a call id")
        self.result.late_events.append(LateEvent(
            callid, queue, epoch, line, event, outcome, wait, talk, _agent(agent)))


def read_batches(path, *, offset: int = 0, first_line: int = 1, end: int | None = None,
                 now: datetime | None = None, complete: bool = False, mid_line: bool = False,
                 digest=None, progress: Callable[[int], None] | None = None,
                 batch_bytes: int | None = None) -> Iterator[ReadResult]:
    """Read ``path`` from byte ``offset`` (a line start, or inside a line already read
    when ``mid_line``) up to its last line end before ``end`` (default: the end of the file;
    ``complete``: a last line without a line end is read too, the file being finished).

    Yields one ReadResult per ``batch_bytes`` read (default BATCH_BYTES), then a last one (always);
    ``bytes_read`` of each is where a later read starts. ``digest`` (a hashlib
    object) is fed every byte read, so it ends as the hash of the file up to there.
    """
    reader = QueueLogReader(first_line, now=now)
    batch_bytes = batch_bytes or BATCH_BYTES
    note = digest.update if digest is not None else (lambda _data: None)
    position = batch_start = offset  # bytes read and used; the next import starts here
    carry = b""  # the start of a line whose end is not read yet (at most MAX_LINE_BYTES)
    skipping = mid_line  # inside a line already read or reported: drop it up to its end
    with open(path, "rb") as handle:
        handle.seek(offset)
        while end is None or position + len(carry) < end:
            want = BLOCK_BYTES if end is None else min(BLOCK_BYTES, end - position - len(carry))
            block = handle.read(want)
            if not block:
                break
            if skipping:
                cut = block.find(b"\n") + 1
                skipped = block[:cut] if cut else block
                note(skipped)
                position += len(skipped)
                block, skipping = (block[cut:], False) if cut else (b"", True)
            data = carry + block if carry else block
            cut = data.rfind(b"\n") + 1
            if cut:
                whole, carry = data[:cut], data[cut:]
                reader.feed_bytes(whole)
                note(whole)
                position += cut
            else:
                carry = data
            if len(carry) > MAX_LINE_BYTES:  # no line end in sight: report it, keep none of it
                reader.bad_line(TOO_LONG)
                note(carry)
                position += len(carry)
                carry, skipping = b"", True
            if progress:
                progress(position)
            if position - batch_start >= batch_bytes:
                yield reader.take_batch(position)
                batch_start = position
        # A last line without a line end may still be being written: leave it for the
        # next import, which starts at its first byte, unless the file is known complete.
        if carry and complete:
            reader.feed_bytes(carry, line_end=False)
            note(carry)
            position += len(carry)
            carry = b""
    if progress:
        progress(position)
    last = reader.take_batch(position, final=True)
    last.unfinished_line = bool(carry)
    yield last


def read_queue_log(path, *, offset: int = 0, first_line: int = 1,
                   progress: Callable[[int], None] | None = None, complete: bool = False,
                   now: datetime | None = None) -> ReadResult:
    """The whole of ``path`` from ``offset`` in one result (one batch)."""
    (result,) = read_batches(path, offset=offset, first_line=first_line, progress=progress,
                             complete=complete, now=now, batch_bytes=1 << 62)
    return result
