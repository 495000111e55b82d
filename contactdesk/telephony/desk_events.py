"""Turning AMI queue events into the few typed events one desk needs.

Field names are those of Asterisk 12 and later (checked against the AMI event
documentation of Asterisk 16, 18 and 20 on docs.asterisk.org): the caller channel is
``Channel``/``CallerIDNum``/``CallerIDName``/``Uniqueid``/``Linkedid``, the member's
``DestChannel``/``DestUniqueid``, the member itself ``Interface``/``MemberName``, with
``Queue``, ``HoldTime``, ``RingTime``, ``TalkTime`` and ``Reason``. Asterisk 11 and older
wrote other names (``AgentCalled``/``AgentName`` in AgentCalled, ``Member`` in
AgentConnect): those events are not read, and the first one is reported in ``problems``.

The caller channel's ``Uniqueid`` is the call id throughout, the one the queue_log writes.
A desk that was rung also needs to hear when the ringing stopped for a reason of its own:
another member answered (ringall), the caller gave up (QueueCallerAbandon) or hung up.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from ..dtos.telephony_live import (
    CALLER_HUNG_UP,
    NOT_ANSWERED,
    TAKEN_BY_ANOTHER,
    Answered,
    DeskEvent,
    DialResult,
    Ended,
    MissedRing,
    Ringing,
)
from .ami_protocol import AmiMessage

MEMBER_EVENTS = frozenset({"agentcalled", "agentconnect", "agentcomplete", "agentringnoanswer"})
OLD_LAYOUT = ("queue events in the layout of Asterisk 11 or older were ignored: the screen pop "
              "needs Asterisk 12 or later")
# OriginateResponse's Reason is the last control frame Asterisk saw on the dialled channel.
DIAL_REASONS = {"0": "the call could not be placed", "1": "the phone hung up",
                "3": "nobody answered", "4": "answered", "5": "the line was busy",
                "8": "the line was congested"}
RECENT_ENDED = 200  # calls already ended, so that a late AgentComplete or Hangup adds nothing


def same_interface(a: str, b: str) -> bool:
    """Whether two member interfaces name one device: 'pjsip/1001' is 'PJSIP/1001'."""
    tech_a, _, rest_a = a.strip().partition("/")
    tech_b, _, rest_b = b.strip().partition("/")
    return tech_a.lower() == tech_b.lower() and rest_a == rest_b


def _seconds(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 0


class DeskEventTracker:
    """Follows the calls of one device interface; ``handle`` gives its typed events."""

    def __init__(self, interface: str, now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.interface = interface
        self._now = now
        self._ringing: dict[str, str] = {}  # call id -> queue
        self._answered: dict[str, Answered] = {}
        self._ended: deque[str] = deque(maxlen=RECENT_ENDED)
        self.problems: list[str] = []

    def handle(self, message: AmiMessage) -> list[DeskEvent]:
        name = message.event.lower()
        if name == "originateresponse":
            reason = message.get("Reason")
            return [DialResult(message.action_id, message.response.lower() == "success",
                               DIAL_REASONS.get(reason, f"reason {reason or 'not given'}"))]
        call_id = message.get("Uniqueid")
        if name in MEMBER_EVENTS:
            if "Interface" not in message:
                if OLD_LAYOUT not in self.problems:
                    self.problems.append(OLD_LAYOUT)
                return []
            if same_interface(message.get("Interface"), self.interface):
                return self._own_member_event(name, call_id, message)
            if name == "agentconnect" and call_id in self._ringing:
                return [MissedRing(call_id, self._ringing.pop(call_id), TAKEN_BY_ANOTHER)]
            return []
        if name in ("queuecallerabandon", "hangup") and call_id in self._ringing:
            return [MissedRing(call_id, self._ringing.pop(call_id), CALLER_HUNG_UP)]
        if name == "hangup" and call_id in self._answered:
            answered = self._answered.pop(call_id)
            self._ended.append(call_id)
            talk = (self._stamp(message) - answered.answered_at).total_seconds()
            return [Ended(call_id, max(0, round(talk)), "hangup")]
        return []

    def _own_member_event(self, name: str, call_id: str, message: AmiMessage) -> list[DeskEvent]:
        queue = message.get("Queue")
        if name == "agentcalled":
            self._ringing[call_id] = queue
            return [Ringing(call_id, queue, message.get("CallerIDNum"),
                            message.get("CallerIDName"))]
        if name == "agentringnoanswer":
            self._ringing.pop(call_id, None)
            return [MissedRing(call_id, queue, NOT_ANSWERED)]
        if name == "agentconnect":
            self._ringing.pop(call_id, None)
            answered = Answered(call_id, queue, message.get("CallerIDNum"),
                                message.get("CallerIDName"), self._stamp(message),
                                _seconds(message.get("HoldTime")),
                                _seconds(message.get("RingTime")))
            self._answered[call_id] = answered
            return [answered]
        # agentcomplete
        self._answered.pop(call_id, None)
        if call_id in self._ended:
            return []
        self._ended.append(call_id)
        return [Ended(call_id, _seconds(message.get("TalkTime")),
                      message.get("Reason") or "caller")]

    def _stamp(self, message: AmiMessage) -> datetime:
        """When the event happened: its Timestamp (manager.conf timestampevents=yes), else now."""
        text = message.get("Timestamp")
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except (ValueError, OverflowError, OSError):
            return self._now()
