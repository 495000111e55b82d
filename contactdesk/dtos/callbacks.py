"""Callbacks as the screens see them: a request, a row of the list, the figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WAITING, DONE, FAILED, CANCELLED = "waiting", "done", "failed", "cancelled"
SPOKE, NO_ANSWER, WRONG_NUMBER, LEFT_MESSAGE = "spoke", "no_answer", "wrong_number", "left_message"
# Outcome -> how the desk words it (the case note and the list).
OUTCOME_WORDS = {SPOKE: "spoke to the caller", NO_ANSWER: "no answer",
                 WRONG_NUMBER: "wrong number", LEFT_MESSAGE: "left a message"}
# A callback closes as failed after this many tries without reaching the caller.
MAX_FAILED_ATTEMPTS = 3
# "As soon as possible" is due this many hours of opening time after it was asked for.
ASAP_WORKING_HOURS = 2

KEPT_ON_TIME_DEFINITION = (
    "Callbacks kept on time: of the callbacks due in the period (cancelled ones left out; "
    "those not yet due count once closed), the share where an agent spoke to the caller by "
    "the due time.")


@dataclass(frozen=True)
class CallbackRequest:
    phone: str                       # as typed; checked as the call form checks UK numbers
    reason: str
    due_at: datetime | None = None   # None: as soon as possible
    case_reference: str = ""         # the case it is about, if any
    call_id: int | None = None       # the call it was asked for on, if saved


@dataclass(frozen=True)
class CallbackRow:
    id: int
    phone_e164: str
    phone_national: str
    reason: str
    due_at: datetime
    as_soon_as_possible: bool
    status: str
    failed_attempts: int
    case_reference: str | None
    requested_by: str | None
    claimed_by: str | None       # who is ringing it now
    overdue: bool


@dataclass(frozen=True)
class DialPlan:
    """What an AMI Originate needs to ring the agent's device, then the caller."""

    channel: str     # the agent's device interface, e.g. PJSIP/1001
    exten: str       # the number as national digits, e.g. 07700900123
    context: str     # the dialplan context (setting callback_dial_context)
    caller_id: str   # shown on the agent's phone while it rings


@dataclass(frozen=True)
class KeptOnTime:
    due: int
    kept: int

    @property
    def share(self) -> float | None:
        return self.kept / self.due if self.due else None
