"""A call as the agent types it, what saving it gives back, and what is known of the caller."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from ..domain.errors import FieldIssue


@dataclass(frozen=True)
class CallInput:
    """What the agent typed for one call. Text fields are raw; the service cleans them."""

    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))
    outcome: str = "case_created"
    channel: str = "phone"
    caller_phone: str = ""
    caller_name: str = ""
    caller_email: str = ""
    address: str = ""
    postcode: str = ""
    uprn: int | None = None
    usrn: int | None = None
    category: str = ""  # code or name
    service: str = ""  # blank: routed by category
    routing_reason: str = ""
    description: str = ""
    priority: str = "normal"
    add_to_case: str = ""  # reference of an open duplicate to add this caller to
    started_at: datetime | None = None
    answered_at: datetime | None = None
    wait_seconds: float | None = None
    queue_call_id: str = ""  # the queue_log callid of a call taken through the screen pop


@dataclass(frozen=True)
class CallSaved:
    call_id: int
    reference: str | None  # the case the caller is given (new or existing)
    created_case: bool
    warnings: tuple[FieldIssue, ...]
    due_at: datetime | None = None  # when the case is due to be dealt with, if known


@dataclass(frozen=True)
class CallerInfo:
    id: int
    name: str | None
    phone_e164: str | None
    phone_raw: str | None
    email: str | None
    address: str | None
    postcode: str | None


@dataclass(frozen=True)
class PastContact:
    call_id: int
    started_at: datetime
    outcome: str
    category: str | None
    reference: str | None


@dataclass(frozen=True)
class KnownPlace:
    """Where a caller's most recent case was: offered when their record has no address."""

    address: str
    postcode: str | None = None
    uprn: int | None = None
    usrn: int | None = None


@dataclass(frozen=True)
class CallerHistory:
    """What the agent sees beside the form once the caller's number parses."""

    caller: CallerInfo
    recent_calls: tuple[PastContact, ...]
    open_cases: tuple[tuple[str, str, str], ...]  # reference, category, status
    last_case_place: KnownPlace | None = None  # only when the caller record has no address
