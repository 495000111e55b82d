"""A front end's handle on one ContactDesk database.

The desktop app opens a Workspace and calls services through it; it never
sees the engine, sessions or ORM objects, only frozen dataclasses. Every
method is safe to call from a worker thread (each opens its own unit of work).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from .domain.call_metrics import Definition
from .persistence.engine import create_database_engine, describe_url
from .persistence.migrations import require_current_schema, schema_state, upgrade
from .persistence.models import Call, Case, User
from .persistence.uow import UnitOfWork
from .services import call_stats as stats
from .services import (
    callers,
    case_search,
    cases,
    catalogue,
    complaint_register,
    complaints,
    gazetteer,
    service_deadlines,
    staffing_plan,
    users,
)
from .services.calls import CallInput, CallSaved, log_call
from .telephony import importer


@dataclass(frozen=True)
class Overview:
    location: str
    cases: int
    calls: int
    users: int


class Workspace:
    def __init__(self, engine):
        self._engine = engine

    @classmethod
    def open(cls, url: str, *, migrate: bool = False) -> Workspace:
        """Open ``url``; raises a DatabaseError with a clear message when it cannot be used.

        With ``migrate`` an empty or older schema is brought up to date first.
        """
        engine = create_database_engine(url)
        try:
            if migrate:
                upgrade(engine)
            require_current_schema(engine)
        except Exception:
            engine.dispose()
            raise
        return cls(engine)

    @staticmethod
    def needs_upgrade(url: str) -> bool:
        engine = create_database_engine(url)
        try:
            return not schema_state(engine).is_current
        finally:
            engine.dispose()

    @property
    def location(self) -> str:
        return describe_url(str(self._engine.url))

    def close(self) -> None:
        self._engine.dispose()

    def overview(self) -> Overview:
        with UnitOfWork(self._engine) as uow:
            s = uow.session
            return Overview(self.location, s.scalar(select(func.count(Case.id))),
                            s.scalar(select(func.count(Call.id))),
                            s.scalar(select(func.count(User.id))))

    def generate_demo_data(self, days: int = 30):
        from .demo.generator import generate_demo_data

        return generate_demo_data(self._engine, days=days, if_empty=True)

    # -- people and catalogue -------------------------------------------------
    def add_user(self, username: str, role: str, full_name: str) -> users.UserInfo:
        return users.add_user(self._engine, username, role, full_name)

    def user(self, username: str) -> users.UserInfo:
        return users.get_user(self._engine, username)

    def users(self) -> list[users.UserInfo]:
        return users.list_users(self._engine)

    def categories(self) -> list[catalogue.CategoryInfo]:
        return catalogue.list_categories(self._engine)

    def services(self) -> list[catalogue.ServiceInfo]:
        return catalogue.list_services(self._engine)

    # -- during a call -----------------------------------------------------------
    def caller_history(self, e164: str) -> callers.CallerHistory | None:
        return callers.caller_history(self._engine, e164)

    def search_addresses(self, text: str, limit: int = 20) -> list[gazetteer.AddressMatch]:
        return gazetteer.search_addresses(self._engine, text, limit)

    def find_duplicates(self, category: str, *, usrn: int | None = None, uprn: int | None = None,
                        postcode: str | None = None) -> list[cases.CaseSummary]:
        return cases.find_duplicates(self._engine, category, usrn=usrn, uprn=uprn, postcode=postcode)

    def log_call(self, data: CallInput, agent_id: int | None) -> CallSaved:
        return log_call(self._engine, data, agent_id)

    # -- finding and working cases -------------------------------------------------
    def search_cases(self, query: case_search.CaseQuery, after: case_search.CaseCursor | None = None,
                     limit: int = 200) -> case_search.CasePage:
        return case_search.search_cases(self._engine, query, after, limit)

    def case(self, reference: str) -> cases.CaseDetail:
        return cases.get_case(self._engine, reference)

    def change_status(self, reference: str, target: str, user_id: int | None, *,
                      expected_version: int | None = None, reason: str = "",
                      duplicate_of: str = "") -> cases.CaseSummary:
        return cases.change_status(self._engine, reference, target, user_id,
                                   expected_version=expected_version, reason=reason,
                                   duplicate_of=duplicate_of)

    def add_note(self, reference: str, body: str, user_id: int | None,
                 visibility: str = "internal") -> cases.NoteInfo:
        return cases.add_note(self._engine, reference, body, user_id, visibility)

    def reassign(self, reference: str, service: str, reason: str, user_id: int | None, *,
                 expected_version: int | None = None) -> cases.CaseSummary:
        return cases.reassign(self._engine, reference, service, reason, user_id,
                              expected_version=expected_version)

    def hold_case(self, reference: str, reason: str, user_id: int | None, *,
                  expected_version: int | None = None) -> cases.CaseSummary:
        """The case waits for the caller: its service clock stops."""
        return cases.hold(self._engine, reference, reason, user_id,
                          expected_version=expected_version)

    def resume_case(self, reference: str, user_id: int | None, *,
                    expected_version: int | None = None) -> cases.CaseSummary:
        """The caller came back: the clock runs again, the due time moved on by the wait."""
        return cases.resume(self._engine, reference, user_id, expected_version=expected_version)

    def service_deadlines(self, since: date, until: date) -> service_deadlines.ServiceDeadlines:
        return service_deadlines.service_deadlines(self._engine, since, until)

    # -- complaints ------------------------------------------------------------------------
    def log_complaint(self, data: complaints.ComplaintInput,
                      user_id: int | None) -> complaints.ComplaintSaved:
        return complaints.log_complaint(self._engine, data, user_id)

    def complaint(self, reference: str) -> complaints.ComplaintDetail:
        return complaints.get_complaint(self._engine, reference)

    def complaint_register(self, query: complaint_register.RegisterQuery
                           ) -> complaint_register.Register:
        return complaint_register.search_register(self._engine, query)

    def assign_complaint_officer(self, reference: str, officer_id: int, user_id: int | None, *,
                                 expected_version: int | None = None
                                 ) -> complaints.ComplaintDetail:
        return complaints.assign_officer(self._engine, reference, officer_id, user_id,
                                         expected_version=expected_version)

    def acknowledge_complaint(self, reference: str, acknowledged_on: date | None,
                              user_id: int | None, *, expected_version: int | None = None
                              ) -> complaints.ComplaintDetail:
        return complaints.acknowledge(self._engine, reference, acknowledged_on, user_id,
                                      expected_version=expected_version)

    def extend_complaint(self, reference: str, days: int, reason: str, user_id: int | None, *,
                         expected_version: int | None = None) -> complaints.ComplaintDetail:
        return complaints.extend(self._engine, reference, days, reason, user_id,
                                 expected_version=expected_version)

    def record_complaint_outcome(self, reference: str, outcome: str, response_on: date | None,
                                 user_id: int | None, *, lessons_learnt: str = "",
                                 remedy: str = "", expected_version: int | None = None
                                 ) -> complaints.ComplaintDetail:
        return complaints.record_outcome(self._engine, reference, outcome, response_on, user_id,
                                         lessons_learnt=lessons_learnt, remedy=remedy,
                                         expected_version=expected_version)

    def escalate_complaint(self, reference: str, officer_id: int | None, reason: str,
                           user_id: int | None, *, stage: str = "",
                           opened_on: date | None = None,
                           expected_version: int | None = None) -> complaints.ComplaintDetail:
        return complaints.escalate(self._engine, reference, officer_id, reason, user_id,
                                   stage=stage, opened_on=opened_on,
                                   expected_version=expected_version)

    # -- call statistics and staffing (supervisors) ------------------------------
    def call_stats(self, query: stats.StatsQuery) -> stats.CallStats:
        return stats.call_stats(self._engine, query)

    def year_to_date(self, as_of: date, definition: Definition | None = None,
                     source: str = stats.AUTO, queue: str | None = None) -> stats.YearToDate:
        return stats.year_to_date(self._engine, as_of, definition, source, queue)

    def agent_activity(self, date_from: date, date_to: date):
        """Each telephony agent's signed-in, paused and talk time and occupancy (to now)."""
        from .services.agent_activity import agent_activity

        return agent_activity(self._engine, date_from, date_to, now=datetime.now(UTC))

    def staffing_plan(self, query: staffing_plan.StaffingQuery) -> staffing_plan.StaffingPlan:
        return staffing_plan.staffing_plan(self._engine, query)

    def import_call_log(self, path: Path | str, fmt: str = "asterisk-queue-log",
                        source: str | None = None,
                        progress: Callable[[int, int], None] | None = None) -> importer.CallImportSummary:
        """Import a telephony log; ``progress(done, total)`` is called on the worker thread."""
        return importer.import_call_log(self._engine, path, fmt, source, progress)

    # -- reports and exports --------------------------------------------------------------

    def daily_report(self, day: date, out: Path | str, definition: Definition | None = None) -> Path:
        from .reports.daily import write_daily_report

        return write_daily_report(self._engine, day, out, definition)

    def performance_report(self, date_from: date, date_to: date, out: Path | str,
                           definition: Definition | None = None) -> Path:
        from .reports.performance import write_performance_report

        return write_performance_report(self._engine, date_from, date_to, out, definition)

    def complaints_report(self, date_from: date, date_to: date, out: Path | str) -> Path:
        from .reports.complaints import write_complaints_report

        return write_complaints_report(self._engine, date_from, date_to, out)

    def export(self, what: str, out: Path | str, date_from: date | None = None,
               date_to: date | None = None) -> int:
        """Write ``what`` (calls, cases or attempts) to a .csv or .xlsx file."""
        from .services.call_export import export_attempts, export_calls
        from .services.case_export import export_cases

        run = {"calls": export_calls, "cases": export_cases, "attempts": export_attempts}[what]
        return run(self._engine, Path(out), date_from, date_to)
