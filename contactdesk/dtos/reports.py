"""The day's summary, case handling, and everything one printed report shows: plain values.

A report is rendered from one of the ``...ReportData`` objects, read in a single
transaction, so every figure on its pages comes from the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.call_metrics import Definition
from .complaints_register import ComplaintReport
from .stats import CallStats, YearToDate


@dataclass(frozen=True)
class AgentDay:
    name: str
    calls: int
    average_handle_seconds: float | None
    cases: int


@dataclass(frozen=True)
class DailySummary:
    day: date
    council_name: str
    calls: CallStats  # with groups by hour
    by_category: tuple[tuple[str, int], ...]  # enquiries logged (calls), most first
    by_service: tuple[tuple[str, int], ...]
    enquiries: int
    cases_created: int
    resolved_first_contact: int
    overdue_at_close: int  # open cases past their due time at the end of the day
    agents: tuple[AgentDay, ...]

    @property
    def has_data(self) -> bool:
        c = self.calls.figures.counts
        return bool(c.offered or c.unresolved or self.enquiries or self.cases_created)


@dataclass(frozen=True)
class ServiceCases:
    service: str
    created: int
    closed: int  # finished: first resolved or closed in the span
    closed_within_target: int

    @property
    def within_target(self) -> float | None:
        return self.closed_within_target / self.closed if self.closed else None


@dataclass(frozen=True)
class CaseComparison:
    service: str
    this_year: ServiceCases
    last_year: ServiceCases


@dataclass(frozen=True)
class DailyReportData:
    council_name: str
    definition: Definition
    summary: DailySummary
    complaints: ComplaintReport  # received and answered on the day

    @property
    def day(self) -> date:
        return self.summary.day


@dataclass(frozen=True)
class PerformanceReportData:
    council_name: str
    date_from: date
    date_to: date
    definition: Definition
    calls: YearToDate  # the span beside the same span a year earlier
    cases: tuple[CaseComparison, ...]  # each service, then "All services"
    complaints: ComplaintReport
    complaints_last_year: ComplaintReport


@dataclass(frozen=True)
class ComplaintsReportData:
    council_name: str
    complaints: ComplaintReport

    @property
    def since(self) -> date:
        return self.complaints.since

    @property
    def until(self) -> date:
        return self.complaints.until
