"""The demo data generator: volumes, opening hours, consistent cases, reproducibility.

Every test runs on SQLite and PostgreSQL (``db_url``) with a few days of data.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import aliased

from contactdesk.auth.credentials import Password
from contactdesk.context import ServiceContext
from contactdesk.demo.generator import DemoSummary, generate_demo_data
from contactdesk.demo.passwords import DEMO_PASSWORD
from contactdesk.domain.case_status import FINISHED_STATUSES, OPEN_STATUSES
from contactdesk.domain.errors import PermissionDenied
from contactdesk.persistence.database import Database
from contactdesk.persistence.models import (
    AuditEntry,
    Call,
    CallCase,
    Caller,
    Case,
    CaseNote,
    CaseStatusChange,
    Category,
    CategoryGroup,
    Complaint,
    Service,
    User,
)
from contactdesk.persistence.references import database_year
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.settings import load_settings
from contactdesk.workspace import Workspace
from tests.helpers.contexts import context_for

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 20)  # a Friday: the three days before are Tuesday to Thursday
FINISHED = {s.value for s in FINISHED_STATUSES}
OPEN = {s.value for s in OPEN_STATUSES}


@pytest.fixture
def three_days(os_ctx) -> DemoSummary:
    return generate_demo_data(os_ctx, days=3, today=TODAY, telephony=False)


def rows(ctx: ServiceContext, query):
    with ctx.uow() as uow:
        return uow.session.execute(query).all()


def scalar(ctx: ServiceContext, query):
    with ctx.uow() as uow:
        return uow.session.scalar(query)


def local_call_times(ctx: ServiceContext) -> list[tuple[datetime, datetime]]:
    """(started, answered) of every call in Europe/London wall-clock time, converted by SQL
    on PostgreSQL; SQLite has no time zones, so its stored UTC text is converted here."""
    with ctx.engine.connect() as connection:
        if ctx.engine.dialect.name == "postgresql":
            return [tuple(r) for r in connection.execute(text(
                "SELECT started_at AT TIME ZONE 'Europe/London', "
                "answered_at AT TIME ZONE 'Europe/London' FROM calls"))]
        stored = connection.execute(text("SELECT started_at, answered_at FROM calls")).all()

    def local(value: str) -> datetime:
        moment = datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(LONDON)
        return moment.replace(tzinfo=None)

    return [(local(started), local(answered)) for started, answered in stored]


def test_calls_fill_the_opening_hours_of_working_days_at_the_reported_volumes(os_ctx, three_days):
    times = local_call_times(os_ctx)
    assert len(times) == three_days.calls
    per_day = Counter(started.date() for started, _ in times)
    assert sorted(per_day) == [date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)]
    assert all(1500 <= n <= 2500 for n in per_day.values()), per_day
    assert all(time(8) <= started.time() < time(20) for started, _ in times)
    hours = Counter(started.hour for started, _ in times)
    assert hours[9] + hours[10] > hours[12] + hours[13]  # morning peak, lunchtime dip
    assert hours[19] < hours[12]  # quiet late evening

    phone = rows(os_ctx, select(Call.wait_seconds, Call.started_at, Call.answered_at, Call.ended_at)
                 .where(Call.channel == "phone"))
    assert len(phone) > 0.8 * three_days.calls
    within = sum(1 for wait, *_ in phone if wait <= 21) / len(phone)
    assert 0.92 <= within <= 0.98  # the report's 94.78% answered within 21 seconds
    assert max(wait for wait, *_ in phone) > 60  # a tail of long waits
    assert all((answered - started).total_seconds() == wait and ended > answered
               for wait, started, answered, ended in phone)
    talk = sum((ended - answered).total_seconds() for _, _, answered, ended in phone) / len(phone)
    assert 180 <= talk <= 360  # average handling time of three to six minutes

    outcomes = Counter(dict(rows(os_ctx, select(Call.outcome, func.count()).group_by(Call.outcome))))
    share = {k: v / three_days.calls for k, v in outcomes.items()}
    assert 0.35 <= share["case_created"] <= 0.45
    assert 0.25 <= share["information_given"] <= 0.38
    assert 0.10 <= share["resolved_first_contact"] <= 0.20
    assert 0.06 <= share["transferred"] <= 0.15
    assert outcomes["case_created"] == three_days.cases


def test_summer_time_and_bank_holidays_are_respected(os_ctx):
    # Sunday 24 May, the Spring bank holiday on the 25th, then Tuesday 26 May (BST).
    summary = generate_demo_data(os_ctx, days=3, today=date(2026, 5, 27), telephony=False)
    times = local_call_times(os_ctx)
    assert {started.date() for started, _ in times} == {date(2026, 5, 26)}
    assert all(time(8) <= started.time() < time(20) for started, _ in times)
    # The first day back after a long weekend is busy.
    assert 2100 <= summary.calls <= 2500


def test_cases_cover_the_catalogue_with_consistent_statuses_history_and_audit(os_ctx, three_days):
    with os_ctx.uow() as uow:
        s = uow.session
        hours = load_settings(s).opening_hours
        year = database_year(s)
        categories = {c.id: c for c in s.scalars(select(Category).where(Category.active.is_(True)))}
        prefixes = dict(s.execute(select(Category.id, CategoryGroup.prefix)
                                  .join(CategoryGroup, CategoryGroup.id == Category.group_id)).all())
        cases = s.scalars(select(Case).order_by(Case.id)).all()
        history: dict[int, list] = {}
        for change in s.scalars(select(CaseStatusChange).order_by(CaseStatusChange.changed_at,
                                                                   CaseStatusChange.id)):
            history.setdefault(change.case_id, []).append(change)
        created_audit = set(s.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.entity == "cases", AuditEntry.action == "create")))
        status_audit = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "cases", AuditEntry.action == "update", AuditEntry.field == "status"))
        links = dict(s.execute(select(CallCase.case_id, Call.outcome)
                               .join(Call, Call.id == CallCase.call_id)
                               .where(CallCase.link == "created")).all())
        services = s.execute(select(Service.code, func.count()).join(Case, Case.service_id == Service.id)
                             .group_by(Service.code)).all()
        notes = Counter(s.scalars(select(CaseNote.visibility)))
        groups = Counter(s.scalars(select(CategoryGroup.code)
                                   .join(Category, Category.group_id == CategoryGroup.id)
                                   .join(Case, Case.category_id == Category.id)))
        now = datetime.combine(TODAY, time(0), tzinfo=LONDON)

        assert len(cases) == three_days.cases
        per_category = Counter(c.category_id for c in cases)
        assert len(per_category) >= 15
        assert all(per_category[cid] >= 3 for cid in categories), "every active category has cases"
        assert len(services) >= 4
        assert groups.most_common(1)[0][0] == "streetpride"
        assert notes["internal"] > 0 and notes["caller"] > 0 and sum(notes.values()) == three_days.notes

        references = [c.reference for c in cases]
        assert len(set(references)) == len(references)
        for case in cases:
            assert re.fullmatch(rf"{prefixes[case.category_id]}-{year}-\d{{6}}", case.reference)
            category = categories[case.category_id]
            assert case.due_at == hours.due_at(case.received_at, category.target_amount,
                                               category.target_unit)
            if category.location_required:
                assert case.location and case.postcode and case.usrn and case.uprn
            assert (case.closed_at is not None) == (case.status in FINISHED)
            assert (case.duplicate_of_id is not None) == (case.status == "duplicate")
            steps = history[case.id]
            assert steps[0].from_status is None and steps[0].to_status == "new"
            assert all(a.to_status == b.from_status for a, b in zip(steps, steps[1:], strict=False))
            assert steps[-1].to_status == case.status and case.version == len(steps)
            assert case.received_at <= steps[-1].changed_at < now
            if case.closed_at is not None:
                assert case.closed_at == steps[-1].changed_at
            assert str(case.id) in created_audit
            assert links[case.id] == "case_created"
        if s.get_bind().dialect.name == "sqlite":
            # The writer adds the history the app would have audited, step by step.
            assert status_audit == sum(len(steps) - 1 for steps in history.values())
        else:
            # PostgreSQL's triggers record what was written: each case as loaded.
            assert status_audit == 0

        statuses = Counter(c.status for c in cases)
        assert statuses["closed"] + statuses["resolved"] > 0 and statuses["duplicate"] > 0
        assert statuses["withdrawn"] + statuses["duplicate"] < 0.1 * len(cases)
        assert sum(1 for c in cases if c.status in OPEN and c.due_at < now) > 0, "some overdue"
        assert sum(1 for c in cases if c.closed_at is not None) == three_days.closed
        originals = {c.duplicate_of_id for c in cases if c.duplicate_of_id}
        assert all(s.get(Case, i).status != "duplicate" for i in originals)


def test_callers_have_valid_uk_numbers_and_call_again(os_ctx, three_days):
    callers = rows(os_ctx, select(Caller.phone_e164, Caller.phone_raw, Caller.name))
    assert len(callers) == three_days.callers
    phones = [e164 for e164, _, _ in callers]
    assert len(set(phones)) == len(phones)
    for e164, raw, name in callers:
        assert re.fullmatch(r"\+44\d{10}", e164) and name
        number = phonenumbers.parse(e164)
        assert phonenumbers.is_valid_number(number), e164
        typed = phonenumbers.parse(raw, "GB")
        assert phonenumbers.format_number(typed, phonenumbers.PhoneNumberFormat.E164) == e164
    assert any(p.startswith("+441709") for p in phones) and any(p.startswith("+447") for p in phones)
    per_caller = Counter(scalar_list(os_ctx, select(Call.caller_id).where(Call.caller_id.is_not(None))))
    assert 2.5 <= three_days.calls / len(callers) <= 5
    assert max(per_caller.values()) >= 3


def scalar_list(ctx: ServiceContext, query) -> list:
    with ctx.uow() as uow:
        return list(uow.session.scalars(query))


def test_demo_users_once_and_if_empty_skips_a_database_with_cases(os_ctx):
    # Demo users sign in with one password on a local file; on PostgreSQL with their logins.
    password = DEMO_PASSWORD if os_ctx.database.backend == "sqlite" else None
    first = generate_demo_data(os_ctx, days=1, today=TODAY, if_empty=True, telephony=False)
    assert not first.skipped and first.cases > 0 and first.demo_password == password
    roles = Counter(scalar_list(os_ctx, select(User.role)))
    assert roles == {"agent": 12, "supervisor": 2, "admin": 1} and first.users == 15
    assert scalar(os_ctx, select(func.count()).select_from(AuditEntry)
                  .where(AuditEntry.entity == "users")) == 15

    again = generate_demo_data(os_ctx, days=1, today=TODAY, if_empty=True, telephony=False)
    assert again == DemoSummary(skipped=True, demo_password=password)
    assert scalar(os_ctx, select(func.count()).select_from(Case)) == first.cases

    # Without if_empty more data goes in beside the old: no new users, fresh ids and references.
    more = generate_demo_data(os_ctx, days=1, today=date(2026, 11, 19), seed=7, telephony=False)
    assert more.users == 0 and more.cases > 0
    assert scalar(os_ctx, select(func.count()).select_from(Case)) == first.cases + more.cases
    assert scalar(os_ctx, select(func.count(func.distinct(Case.reference)))) == first.cases + more.cases
    assert scalar(os_ctx, select(func.count()).select_from(Call)) == first.calls + more.calls

    # The app carries on after the bulk inserts: ids come after the demo rows, no clashes.
    agent = context_for(os_ctx.database, "agent", "new.starter", "Priya Shah")
    assert agent.actor.user_id == scalar(os_ctx, select(func.max(User.id)))
    saved = log_call(agent, CallInput(caller_phone="07911 123456", caller_name="Ann Jones",
                                      category="Fly tipping", address="14 Wellgate",
                                      description="Mattress dumped on verge"))
    assert saved.created_case
    assert scalar(os_ctx, select(func.max(Case.id))) == scalar(
        os_ctx, select(Case.id).where(Case.reference == saved.reference))


def digest(ctx: ServiceContext) -> str:
    """A hash of the generated callers, calls and cases, ids replaced by natural keys."""
    caller = aliased(Caller)
    original = aliased(Case)
    queries = [
        select(Caller.name, Caller.phone_e164, Caller.phone_raw, Caller.email, Caller.address,
               Caller.postcode, Caller.uprn, Caller.created_at).order_by(Caller.phone_e164),
        select(Call.idempotency_key, Call.channel, User.username, caller.phone_e164, Category.code,
               Call.started_at, Call.answered_at, Call.ended_at, Call.wait_seconds, Call.outcome,
               Call.summary)
        .outerjoin(User, User.id == Call.agent_id).outerjoin(caller, caller.id == Call.caller_id)
        .outerjoin(Category, Category.id == Call.category_id).order_by(Call.idempotency_key),
        select(Case.reference, Category.code, Service.code, Case.routing_reason, Case.status,
               Case.priority, Case.description, Case.location, Case.postcode, Case.usrn, Case.uprn,
               caller.phone_e164, original.reference, Case.received_at, Case.due_at, Case.closed_at,
               Case.version, Case.idempotency_key)
        .join(Category, Category.id == Case.category_id).join(Service, Service.id == Case.service_id)
        .outerjoin(caller, caller.id == Case.caller_id)
        .outerjoin(original, original.id == Case.duplicate_of_id).order_by(Case.reference),
        select(Case.reference, CaseStatusChange.to_status, CaseStatusChange.reason,
               CaseStatusChange.changed_at)
        .join(Case, Case.id == CaseStatusChange.case_id)
        .order_by(Case.reference, CaseStatusChange.changed_at, CaseStatusChange.to_status),
        select(Case.reference, CaseNote.visibility, CaseNote.body, CaseNote.created_at)
        .join(Case, Case.id == CaseNote.case_id)
        .order_by(Case.reference, CaseNote.created_at, CaseNote.body),
    ]
    hashed = hashlib.sha256()
    with ctx.uow() as uow:
        for query in queries:
            for row in uow.session.execute(query):
                hashed.update(repr(tuple(row)).encode())
    return hashed.hexdigest()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_same_seed_and_day_give_the_same_data(fresh_database_url, os_context, kind):
    digests = []
    for seed in (11, 11, 12):
        database = Database.open(fresh_database_url(kind))
        try:
            ctx = os_context(database)
            generate_demo_data(ctx, days=2, seed=seed, today=TODAY, telephony=False)
            digests.append(digest(ctx))
        finally:
            database.dispose()
    assert digests[0] == digests[1]
    assert digests[2] != digests[0]


def test_sqlite_and_postgresql_get_the_same_data(fresh_database_url, os_context):
    digests = []
    for kind in ("sqlite", "postgresql"):
        database = Database.open(fresh_database_url(kind))
        try:
            ctx = os_context(database)
            generate_demo_data(ctx, days=1, today=TODAY, telephony=False)
            digests.append(digest(ctx))
        finally:
            database.dispose()
    assert digests[0] == digests[1]


def test_demo_users_sign_in_with_the_demo_password_on_a_local_file(fresh_database_url,
                                                                    os_context):
    url = fresh_database_url("sqlite")
    database = Database.open(url)
    try:
        summary = generate_demo_data(os_context(database), days=1, today=TODAY, telephony=False)
        with database.engine.connect() as connection:  # the hash is stored, never audited
            hashes = connection.exec_driver_sql(
                "SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'").scalar()
            audited = connection.exec_driver_sql(
                "SELECT count(*) FROM audit_log WHERE new_value LIKE '%argon2%'").scalar()
    finally:
        database.dispose()
    assert hashes == 15 and audited == 0
    assert summary.demo_password == DEMO_PASSWORD
    sarah = Workspace.open(url, Password("sarah.whitfield", DEMO_PASSWORD))
    try:
        assert sarah.actor.username == "sarah.whitfield" and sarah.actor.role == "agent"
        assert sarah.actor.user_id is not None
    finally:
        sarah.close()
    hints = Workspace.before_sign_in(url)
    assert hints.has_users and hints.demo_password == DEMO_PASSWORD


def test_only_an_administrator_may_make_demo_data(make_ctx):
    for role in ("agent", "supervisor"):
        with pytest.raises(PermissionDenied):
            generate_demo_data(make_ctx(role), days=1, today=TODAY, telephony=False)
    assert scalar(make_ctx("admin"), select(func.count()).select_from(Case)) == 0


def test_audit_rows_name_who_did_each_thing_and_today_comes_from_the_clock(database, os_context):
    ctx = os_context(database, clock=lambda: datetime(2026, 11, 20, 8, 30, tzinfo=UTC))
    summary = generate_demo_data(ctx, days=1, telephony=False)  # today from the clock
    assert {started.date() for started, _ in local_call_times(ctx)} == {date(2026, 11, 19)}
    # The demo staff were added by the person running the generator.
    users = rows(ctx, select(AuditEntry.actor, AuditEntry.user_id)
                 .where(AuditEntry.entity == "users"))
    assert len(users) == summary.users == 15
    assert set(users) == {(ctx.actor.username, None)}
    if database.backend == "sqlite":
        # Cases were created and worked by the demo staff: each row names its user.
        cases = rows(ctx, select(AuditEntry.actor, User.username, AuditEntry.action)
                     .join(User, User.id == AuditEntry.user_id).where(AuditEntry.entity == "cases"))
        assert cases and all(actor == username for actor, username, _ in cases)
        assert {action for _, _, action in cases} == {"create", "update"}
        assert scalar(ctx, select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "cases", AuditEntry.user_id.is_(None))) == 0
    else:
        # PostgreSQL's triggers record who wrote the rows (the loader), not who the demo
        # pretends worked them: no client can put words in another login's mouth.
        cases = rows(ctx, select(AuditEntry.actor, AuditEntry.action)
                     .where(AuditEntry.entity == "cases"))
        assert cases and set(cases) == {(ctx.actor.username, "create")}
    # Complaints go through the ORM in the generator's unit of work: its actor.
    assert scalar(ctx, select(func.count()).select_from(Complaint)) > 0
    complaints = scalar_list(ctx, select(AuditEntry.actor).distinct()
                             .where(AuditEntry.entity.in_(("complaints", "complaint_stages"))))
    assert complaints == [ctx.actor.username]
