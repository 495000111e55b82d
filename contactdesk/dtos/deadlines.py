"""What the service deadlines figures return: plain values, no database types."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime


@dataclass(frozen=True)
class DeadlineFigures:
    """One service (``category_id`` None) or one of its categories."""

    name: str
    service_id: int
    category_id: int | None
    target: str | None  # "5 working days", "24 working hours"; None for a service
    open: int = 0
    on_hold: int = 0  # open and waiting for the caller: no due time while held
    due_today: int = 0  # open, not overdue, due by the end of today
    overdue: int = 0  # open and past the due time
    finished: int = 0  # resolved or closed in the period
    finished_within_target: int = 0

    @property
    def within_target_share(self) -> float | None:
        return self.finished_within_target / self.finished if self.finished else None

    def add(self, other: DeadlineFigures) -> DeadlineFigures:
        return replace(self, open=self.open + other.open, on_hold=self.on_hold + other.on_hold,
                       due_today=self.due_today + other.due_today,
                       overdue=self.overdue + other.overdue,
                       finished=self.finished + other.finished,
                       finished_within_target=self.finished_within_target
                       + other.finished_within_target)


@dataclass(frozen=True)
class ServiceDeadlines:
    since: date
    until: date
    as_at: datetime
    rows: tuple[DeadlineFigures, ...]  # each service, then its categories
    total: DeadlineFigures
