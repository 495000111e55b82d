"""What the complaint services take and return: plain values, no database types."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from ..domain.complaints import Countdown
from ..domain.errors import FieldIssue
from .cases import HistoryEntry


@dataclass(frozen=True)
class ComplaintInput:
    """What was typed to log a complaint; text is raw, the service cleans it."""

    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))
    complainant_name: str = ""
    complainant_phone: str = ""
    complainant_email: str = ""
    complainant_address: str = ""
    service: str = ""  # code or name; blank when converting a case: the case's service
    description: str = ""
    desired_outcome: str = ""
    channel: str = "phone"
    received_on: date | None = None  # blank: today
    case_reference: str = ""  # the case this complaint is about (converting a case)
    call_id: int | None = None  # the call it was made on
    officer_id: int | None = None  # the Stage 1 officer, if known already


@dataclass(frozen=True)
class ComplaintSaved:
    reference: str
    warnings: tuple[FieldIssue, ...]


@dataclass(frozen=True)
class StageInfo:
    stage: str
    label: str
    officer_id: int | None
    officer: str | None
    opened_on: date
    escalation_reason: str | None
    acknowledge_by: date | None
    acknowledged_on: date | None
    respond_by: date | None
    extension_days: int
    extension_reason: str | None
    outcome: str | None
    outcome_label: str | None
    lessons_learnt: str | None
    remedy: str | None
    response_on: date | None
    working_days_taken: int | None
    calendar_days_taken: int | None
    within_deadline: bool | None  # None: not answered yet, or no deadline of the council's


@dataclass(frozen=True)
class ComplaintDetail:
    reference: str
    status: str  # open or closed
    current_stage: str
    stage_label: str
    service: str
    complainant_name: str
    complainant_phone: str | None
    complainant_email: str | None
    complainant_address: str | None
    description: str
    desired_outcome: str | None
    channel: str
    received_on: date
    closed_on: date | None
    case_reference: str | None
    call_id: int | None
    logged_by: str | None
    version: int
    stages: tuple[StageInfo, ...]
    countdown: Countdown | None  # the open stage's next deadline; None when closed
    actions: tuple[str, ...]  # assign, acknowledge, extend, respond, escalate
    next_stages: tuple[str, ...]  # where an escalation may go now
    # The complaint's and its stages' changes from the audit, oldest first.
    history: tuple[HistoryEntry, ...] = ()

    @property
    def current(self) -> StageInfo:
        return self.stages[-1]
