"""The complaints register and the period's complaint figures: plain values, no database types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.complaints import Countdown, Outcome


@dataclass(frozen=True)
class RegisterQuery:
    text: str = ""  # part of a reference, the complainant's name or the description
    stage: str | None = None  # the current stage
    service_id: int | None = None
    outcome: str | None = None  # the latest stage's outcome; "open" for those awaiting one
    officer_id: int | None = None  # the current stage's officer
    overdue_only: bool = False  # an acknowledgement or answer is late
    due_soon_only: bool = False  # due today or within the next 2 working days, not late yet
    received_from: date | None = None
    received_to: date | None = None


@dataclass(frozen=True)
class RegisterRow:
    reference: str
    received_on: date
    complainant: str
    service: str
    stage: str
    stage_label: str
    officer: str | None
    status: str  # open or closed
    outcome: str | None
    outcome_label: str | None
    respond_by: date | None
    response_on: date | None
    countdown: Countdown | None  # open complaints only
    description: str


@dataclass(frozen=True)
class Register:
    rows: tuple[RegisterRow, ...]
    complete: bool  # False when more rows matched than the register shows
    today: date
    late: int  # of the rows shown
    due_soon: int


# -- the period report: stages answered in a span, and totals ---------------------------------

@dataclass(frozen=True)
class AnsweredStage:
    """One stage answered in the period: a line of the report's register table."""

    reference: str
    stage: str
    stage_label: str
    description: str
    lessons_learnt: str | None
    remedy: str | None
    service: str
    outcome: str
    outcome_label: str
    received_on: date
    opened_on: date
    response_on: date
    working_days: int
    calendar_days: int
    within_deadline: bool | None  # None: withdrawn, or no deadline of the council's


@dataclass(frozen=True)
class Tally:
    """Complaint figures for one group (a service, a stage, or all)."""

    name: str
    received: int = 0  # complaints received (by stage: stages opened) in the period
    closed: int = 0  # stages answered in the period, withdrawn included
    upheld: int = 0
    partly_upheld: int = 0
    not_upheld: int = 0
    withdrawn: int = 0
    working_days_total: int = 0  # over decisions (not withdrawn)
    with_deadline: int = 0  # decisions at a stage with a council deadline
    within_deadline: int = 0

    @property
    def decided(self) -> int:
        return self.upheld + self.partly_upheld + self.not_upheld

    def share(self, count: int) -> float | None:
        """``count`` as a fraction of the decisions (withdrawn complaints are not decided)."""
        return count / self.decided if self.decided else None

    @property
    def average_working_days(self) -> float | None:
        return self.working_days_total / self.decided if self.decided else None

    @property
    def within_deadline_share(self) -> float | None:
        return self.within_deadline / self.with_deadline if self.with_deadline else None

    def plus(self, answer: AnsweredStage) -> Tally:
        counts = {o: getattr(self, o) for o in ("upheld", "partly_upheld", "not_upheld",
                                                 "withdrawn")}
        counts[answer.outcome] += 1
        decided = answer.outcome != Outcome.WITHDRAWN
        return Tally(
            self.name, self.received, self.closed + 1, **counts,
            working_days_total=self.working_days_total + (answer.working_days if decided else 0),
            with_deadline=self.with_deadline + (answer.within_deadline is not None),
            within_deadline=self.within_deadline + bool(answer.within_deadline))


@dataclass(frozen=True)
class ComplaintReport:
    since: date
    until: date
    answered: tuple[AnsweredStage, ...]  # in the order answered
    total: Tally
    by_service: tuple[Tally, ...]
    by_stage: tuple[Tally, ...]
    open_at_end: int  # complaints still awaiting an answer at the end of the period
