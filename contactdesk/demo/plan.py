"""The plan: what the planner decided and the writer turns into rows, as plain records that
point at each other by list position (``CallPlan.caller`` indexes ``Plan.callers``,
``CallPlan.case`` and ``CasePlan.duplicate_of`` index ``Plan.cases``, ``agent``, ``creator``
and ``user`` index ``World.users``) because no ids exist until the writer reserves them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..domain.case_status import CaseStatus
from .world import Category, Property


@dataclass(slots=True)
class CallerPlan:
    name: str
    phone_e164: str
    phone_raw: str
    email: str | None
    home: Property | None
    created_at: datetime


@dataclass(slots=True)
class CallPlan:
    channel: str
    agent: int  # index into world.users
    caller: int | None  # index into plan.callers
    category: Category
    started_at: datetime
    answered_at: datetime
    ended_at: datetime
    wait_seconds: float | None
    outcome: str
    key: str
    summary: str | None = None
    case: int | None = None  # index into plan.cases
    added_to: int | None = None  # index into plan.cases: an open case the call was added to
    queue_call_id: str | None = None  # its answered attempt's callid, as the screen pop stores it


@dataclass(slots=True)
class Step:
    status: CaseStatus
    at: datetime
    user: int
    reason: str | None = None
    hours: float = 0.0  # working hours after receipt


@dataclass(slots=True)
class CasePlan:
    call: int
    category: Category
    service_id: int
    routing_reason: str | None
    priority: str
    description: str
    place: Property | None
    location: str | None
    postcode: str | None
    usrn: int | None
    uprn: int | None
    caller: int | None
    received_at: datetime
    due_at: datetime
    creator: int
    key: str
    steps: list[Step] = field(default_factory=list)
    duplicate_of: int | None = None
    notes: list[tuple[int, str, str, datetime]] = field(default_factory=list)

    @property
    def status(self) -> CaseStatus:
        return self.steps[-1].status

    def status_at(self, moment: datetime) -> CaseStatus:
        current = self.steps[0].status
        for step in self.steps:
            if step.at > moment:
                break
            current = step.status
        return current


@dataclass
class Plan:
    callers: list[CallerPlan]
    calls: list[CallPlan]
    cases: list[CasePlan]
    now: datetime  # midnight at the start of ``today``: everything happened before it
