"""What the desk hears from the phone system while it runs: plain frozen values.

``call_id`` is always the caller channel's Uniqueid, which is also the call id the
queue_log writes, so a call saved at the desk joins its queue attempt exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# How the desk's link to the manager interface stands (ConnectionState.kind).
CONNECTING = "connecting"
CONNECTED = "connected"
LOST = "lost"  # will try again after retry_in seconds
REFUSED = "refused"  # login refused: not retried, the settings must change
STOPPED = "stopped"


@dataclass(frozen=True)
class ConnectionState:
    kind: str
    reason: str = ""  # one plain sentence for lost and refused
    retry_in: float | None = None  # seconds until the next try, for lost

    def describe(self) -> str:
        """One line for the status bar."""
        if self.kind == CONNECTED:
            return "Phone system connected."
        if self.kind == CONNECTING:
            return "Connecting to the phone system..."
        if self.kind == LOST:
            wait = max(1, round(self.retry_in or 0))
            again = f" Trying again in {wait} s." if self.retry_in is not None else ""
            return f"Phone system connection lost: {self.reason}.{again}"
        if self.kind == REFUSED:
            return f"Phone system login refused: {self.reason}."
        return "Phone system disconnected."


@dataclass(frozen=True)
class Ringing:
    """A queue is ringing this desk's device (AgentCalled)."""

    call_id: str
    queue: str
    caller_number: str
    caller_name: str


@dataclass(frozen=True)
class Answered:
    """This desk answered a queue call (AgentConnect)."""

    call_id: str
    queue: str
    caller_number: str
    caller_name: str
    answered_at: datetime  # UTC: the event's Timestamp when Asterisk sends one, else on receipt
    hold_time: int  # seconds the caller waited, ring time included
    ring_time: int  # seconds this device rang before it was answered


@dataclass(frozen=True)
class Ended:
    """A call this desk answered is over (AgentComplete, or the caller's Hangup)."""

    call_id: str
    talk_time: int | None  # seconds; None when only a hangup told us
    reason: str  # caller, agent, transfer, or hangup


@dataclass(frozen=True)
class MissedRing:
    """This device stopped ringing without answering; ``reason`` is one plain phrase."""

    call_id: str
    queue: str
    reason: str


NOT_ANSWERED = "the phone rang without being answered"
TAKEN_BY_ANOTHER = "another agent answered it"
CALLER_HUNG_UP = "the caller hung up"


@dataclass(frozen=True)
class DialResult:
    """How a click-to-dial Originate ended (OriginateResponse), matched by ``action_id``."""

    action_id: str
    succeeded: bool
    reason: str  # a plain phrase from Asterisk's numeric reason (4 answered, 5 busy, ...)


DeskEvent = Ringing | Answered | Ended | MissedRing | DialResult
