"""What a telephony log is read into: queue attempts, agent events and bad lines.

Both readers (Asterisk queue_log and the CSV layout) produce a ``ReadResult``;
the store turns it into rows. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

ANSWERED, ABANDONED, TIMEOUT = "answered", "abandoned", "timeout"
OTHER_EXITS = ("key", "empty", "withdrawn", "failed")
OUTCOMES = (ANSWERED, ABANDONED, TIMEOUT, *OTHER_EXITS)

PROBLEMS_KEPT = 20  # bad lines listed in a summary; the rest are only counted


@dataclass(slots=True)
class Attempt:
    """One caller in one queue. ``outcome`` None: still waiting when the log ended."""

    callid: str
    queue: str
    entered_epoch: int
    line: int  # where it was opened, for messages
    outcome: str | None = None
    wait_seconds: int | None = None
    talk_seconds: int | None = None
    agent: str | None = None
    ended_epoch: int | None = None
    # Set by the store once a batch has written it: the row it found then and what it counted,
    # so that a later batch closing this attempt corrects the counts instead of adding to them.
    stored_as: tuple | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.callid, self.queue, self.entered_epoch)


@dataclass(slots=True)
class LateEvent:
    """An outcome or talk time for an attempt opened before this read (an earlier import)."""

    callid: str
    queue: str
    epoch: int
    line: int
    event: str
    outcome: str | None  # None: only talk time (a call completed after it was answered)
    wait_seconds: int | None  # None: work it out from the stored queue entry time
    talk_seconds: int | None
    agent: str | None


class AgentEventRecord(NamedTuple):
    """A member or system event; a plain tuple, made some 100,000 times a million lines."""

    epoch: int
    queue: str
    agent: str
    event: str
    data: str | None


@dataclass
class ReadResult:
    attempts: list[Attempt] = field(default_factory=list)
    late_events: list[LateEvent] = field(default_factory=list)
    agent_events: list[AgentEventRecord] = field(default_factory=list)
    lines_read: int = 0
    events: int = 0  # lines that were understood (call, agent and system events)
    ignored: int = 0  # well-formed events that carry nothing for the figures
    bad_lines: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # the first PROBLEMS_KEPT
    bytes_read: int = 0  # where the next read of this file starts
    unfinished_line: bool = False  # the file ends in a line with no line end (left unread)

    def bad(self, line: int, reason: str) -> None:
        self.bad_lines += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append((line, reason))
