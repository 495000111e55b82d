"""Logging a call: caller, location, category, routing and the case, in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..context import ServiceContext, operation
from ..domain.call_input import check_call
from ..domain.case_status import OPEN_STATUSES, CaseStatus
from ..domain.errors import ValidationError
from ..domain.permissions import Permission
from ..domain.validation import Findings, check_postcode
from ..dtos.calls import CallInput, CallSaved
from ..dtos.changes import Changed
from ..persistence.db_errors import ConnectionLost, SaveInDoubt, connection_lost
from ..persistence.models import (
    Call,
    CallAttempt,
    CallCase,
    Case,
    CaseStatusChange,
    Property,
    Street,
)
from ..persistence.references import allocate_references
from ..telephony.app_calls import app_attempt_row
from . import callers, catalogue
from .settings import load_settings


@operation(Permission.LOG_CALLS, changes=(Changed.CALLS, Changed.CASES,))
def log_call(ctx: ServiceContext, data: CallInput) -> CallSaved:
    """Save the call and, for outcome case_created, its case: all or nothing.

    A retried save with the same idempotency key returns the first result. A save
    that meets another desk's change to the same caller record at the same moment
    (nothing the agent typed over) is simply done again.
    """
    for _ in range(_ATTEMPTS - 1):
        try:
            return _log_call_once(ctx, data)
        except StaleDataError:
            continue
        except DBAPIError as exc:
            if not _clash(exc):
                raise
    return _log_call_once(ctx, data)


_ATTEMPTS = 3


def _clash(exc: DBAPIError) -> bool:
    """Another transaction got there first (deadlock, serialization, a unique key raced)."""
    code = getattr(getattr(exc.orig, "diag", None), "sqlstate", None)
    return code in ("40001", "40P01")


def _log_call_once(ctx: ServiceContext, data: CallInput) -> CallSaved:
    findings = Findings()
    clean = check_call(data, findings)
    findings.raise_if_errors()
    agent_id = ctx.actor.user_id
    with ctx.uow(write=True) as uow:
        s = uow.session
        earlier = _earlier_save(s, data.idempotency_key)
        if earlier is not None:
            return earlier
        now = ctx.now()
        category = catalogue.find_category(s, data.category) if data.category.strip() else None
        uprn, usrn = _locate(s, data.uprn, data.usrn, findings)
        if clean.postcode and findings_ok(findings):
            known = s.scalar(
                select(Property.uprn).where(Property.postcode == clean.postcode).limit(1))
            check_postcode(clean.postcode, findings, known=known is not None)
        caller = callers.match_or_create(s, clean.phone, clean.name, clean.email, clean.address,
                                         clean.postcode, uprn, now=now, lock=True)
        call = Call(
            channel=data.channel, agent_id=agent_id, caller_id=caller.id if caller else None,
            category_id=category.id if category else None,
            started_at=data.started_at or now,
            answered_at=data.answered_at or data.started_at or now,
            ended_at=now, wait_seconds=data.wait_seconds, outcome=data.outcome,
            summary=clean.description, idempotency_key=data.idempotency_key,
            queue_call_id=data.queue_call_id.strip() or None,
        )
        s.add(call)
        s.flush()
        if call.channel == "phone":
            # Named as telephony names agents: by username, and only for a users row.
            _record_app_attempt(s, call, ctx.actor.username if agent_id is not None else None)
        reference, created = None, False
        if data.add_to_case.strip():
            case = _open_case(s, data.add_to_case.strip())
            s.add(CallCase(call_id=call.id, case_id=case.id, link="added"))
            reference = case.reference
        elif data.outcome == "case_created":
            if category.location_required and not (clean.address or uprn or usrn or clean.postcode):
                findings.error("address", f"{category.name} needs a location")
            findings.raise_if_errors()
            service, reason = catalogue.route(s, category, data.service, clean.routing_reason)
            case = create_case(
                s, category=category, service_id=service.id, routing_reason=reason,
                description=clean.description, location=clean.address, postcode=clean.postcode,
                usrn=usrn, uprn=uprn, caller_id=caller.id if caller else None, received_at=now,
                priority=data.priority, user_id=agent_id, idempotency_key=data.idempotency_key,
                now=now,
            )
            s.add(CallCase(call_id=call.id, case_id=case.id, link="created"))
            reference, created = case.reference, True
        findings.raise_if_errors()
        try:
            uow.commit()
        except DBAPIError as exc:
            if s.get_bind().dialect.name != "postgresql" or not connection_lost(exc):
                raise
        else:
            return CallSaved(call.id, reference, created, tuple(findings.warnings))
    # The connection died during COMMIT: saved or not, only the database knows.
    return _settle_in_doubt(ctx, data.idempotency_key)


def _settle_in_doubt(ctx: ServiceContext, key: str) -> CallSaved:
    """Ask the database, over a new connection, whether the call with ``key`` was saved."""
    try:
        with ctx.uow() as uow:
            earlier = _earlier_save(uow.session, key)
    except DBAPIError:
        raise SaveInDoubt(
            "the connection to the database was lost while saving and it cannot be asked yet "
            "whether the call was saved: your form is kept; save again when the database is "
            "back (it will never be saved twice)") from None
    if earlier is None:
        raise ConnectionLost("the connection to the database was lost while saving: the call "
                             "was not saved; your form is kept, save again") from None
    return earlier


def _record_app_attempt(session: Session, call: Call, agent: str | None) -> None:
    """The call as the app's own call timer sees it (a source of call figures)."""
    session.execute(insert(CallAttempt.__table__), [app_attempt_row(
        call.id, call.started_at, call.answered_at, call.ended_at, call.wait_seconds, agent)])


def findings_ok(findings: Findings) -> bool:
    return not findings.errors


def create_case(session: Session, *, category, service_id: int, routing_reason: str | None,
                description: str, location: str | None, postcode: str | None, usrn: int | None,
                uprn: int | None, caller_id: int | None, received_at: datetime, priority: str,
                user_id: int | None, idempotency_key: str, now: datetime,
                status: CaseStatus = CaseStatus.NEW) -> Case:
    """Insert a case with a fresh reference and its first status entry (caller commits).

    ``now`` is the time of the action creating it, ``received_at`` when the enquiry came in.
    """
    settings = load_settings(session)
    due = settings.opening_hours.due_at(received_at, category.target_amount, category.target_unit)
    (reference,) = allocate_references(session, category.group.prefix)
    case = Case(
        reference=reference, category_id=category.id, service_id=service_id,
        routing_reason=routing_reason, status=status.value, priority=priority,
        description=description, location=location, postcode=postcode, usrn=usrn, uprn=uprn,
        caller_id=caller_id, received_at=received_at, due_at=due,
        closed_at=now if status not in OPEN_STATUSES else None,
        created_by_id=user_id, created_at=now, updated_by_id=user_id, updated_at=now,
        idempotency_key=idempotency_key,
    )
    session.add(case)
    session.flush()
    session.add(CaseStatusChange(case_id=case.id, from_status=None, to_status=status.value,
                                 changed_by_id=user_id, changed_at=now))
    return case


def _earlier_save(session: Session, key: str) -> CallSaved | None:
    call = session.scalar(select(Call).where(Call.idempotency_key == key))
    if call is None:
        return None
    link = session.execute(
        select(Case.reference, CallCase.link).join(CallCase, CallCase.case_id == Case.id)
        .where(CallCase.call_id == call.id)
    ).first()
    return CallSaved(call.id, link.reference if link else None,
                     bool(link and link.link == "created"), ())


def _locate(session: Session, uprn: int | None, usrn: int | None,
            findings: Findings) -> tuple[int | None, int | None]:
    """Check a chosen gazetteer property or street; a property implies its street."""
    if uprn is not None:
        prop = session.get(Property, uprn)
        if prop is None:
            findings.error("address", f"property UPRN {uprn} is not in the gazetteer")
            return None, usrn
        return uprn, prop.usrn
    if usrn is not None and session.get(Street, usrn) is None:
        findings.error("address", f"street USRN {usrn} is not in the gazetteer")
        return None, None
    return None, usrn


def _open_case(session: Session, reference: str) -> Case:
    case = session.scalar(select(Case).where(Case.reference == reference.upper()))
    if case is None:
        raise ValidationError.single("add_to_case", f"no case {reference}")
    if CaseStatus(case.status) not in OPEN_STATUSES:
        raise ValidationError.single("add_to_case", f"{case.reference} is {case.status}, not open")
    return case


def duplicate_window(session: Session) -> timedelta:
    return timedelta(days=load_settings(session).duplicate_window_days)
