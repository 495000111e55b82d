"""Logging a call: caller, location, category, routing and the case, in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from ..domain import limits
from ..domain.case_status import OPEN_STATUSES, CaseStatus
from ..domain.errors import FieldIssue, ValidationError
from ..domain.validation import (
    Findings,
    check_email,
    check_postcode,
    clean_text,
    parse_phone,
)
from ..persistence.base import utcnow
from ..persistence.models import (
    CALL_OUTCOMES,
    CHANNELS,
    PRIORITIES,
    Call,
    CallAttempt,
    CallCase,
    Case,
    CaseStatusChange,
    Property,
    Street,
    User,
)
from ..persistence.references import allocate_references
from ..persistence.uow import UnitOfWork
from ..telephony.app_calls import app_attempt_row
from . import callers, catalogue
from .settings import load_settings


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


@dataclass(frozen=True)
class CallSaved:
    call_id: int
    reference: str | None  # the case the caller is given (new or existing)
    created_case: bool
    warnings: tuple[FieldIssue, ...]


@dataclass(frozen=True)
class CleanCall:
    phone: object
    name: str | None
    email: str | None
    address: str | None
    postcode: str | None
    description: str | None
    routing_reason: str | None


def check_call(data: CallInput, findings: Findings) -> CleanCall:
    """Field rules that need no database: shared by the form and the service."""
    if data.outcome not in CALL_OUTCOMES:
        findings.error("outcome", f"'{data.outcome}' is not an outcome (one of: {', '.join(CALL_OUTCOMES)})")
    if data.channel not in CHANNELS:
        findings.error("channel", f"'{data.channel}' is not a channel")
    if data.priority not in PRIORITIES:
        findings.error("priority", f"'{data.priority}' is not a priority")
    phone = parse_phone(data.caller_phone, findings, "caller_phone")
    clean = CleanCall(
        phone=phone,
        name=clean_text(data.caller_name, limits.PERSON_NAME, findings, "caller_name"),
        email=check_email(data.caller_email, findings, "caller_email"),
        address=clean_text(data.address, limits.ADDRESS, findings, "address"),
        postcode=check_postcode(data.postcode, findings),
        description=clean_text(data.description, limits.DESCRIPTION, findings, "description",
                               required=data.outcome == "case_created" and not data.add_to_case),
        routing_reason=clean_text(data.routing_reason, limits.REASON, findings, "routing_reason"),
    )
    if data.outcome == "case_created" and not data.add_to_case and not data.category.strip():
        findings.error("category", "is required to create a case")
    if data.wait_seconds is not None and data.wait_seconds < 0:
        findings.error("wait_seconds", "cannot be negative")
    return clean


def log_call(engine: Engine, data: CallInput, agent_id: int | None) -> CallSaved:
    """Save the call and, for outcome case_created, its case: all or nothing.

    A retried save with the same idempotency key returns the first result.
    """
    findings = Findings()
    clean = check_call(data, findings)
    findings.raise_if_errors()
    with UnitOfWork(engine, agent_id, write=True) as uow:
        s = uow.session
        earlier = _earlier_save(s, data.idempotency_key)
        if earlier is not None:
            return earlier
        now = utcnow()
        category = catalogue.find_category(s, data.category) if data.category.strip() else None
        uprn, usrn = _locate(s, data.uprn, data.usrn, findings)
        if clean.postcode and findings_ok(findings):
            known = s.scalar(select(Property.uprn).where(Property.postcode == clean.postcode).limit(1))
            check_postcode(clean.postcode, findings, known=known is not None)
        caller = callers.match_or_create(s, clean.phone, clean.name, clean.email, clean.address,
                                         clean.postcode, uprn)
        call = Call(
            channel=data.channel, agent_id=agent_id, caller_id=caller.id if caller else None,
            category_id=category.id if category else None,
            started_at=data.started_at or now, answered_at=data.answered_at or data.started_at or now,
            ended_at=now, wait_seconds=data.wait_seconds, outcome=data.outcome,
            summary=clean.description, idempotency_key=data.idempotency_key,
        )
        s.add(call)
        s.flush()
        if call.channel == "phone":
            _record_app_attempt(s, call)
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
            )
            s.add(CallCase(call_id=call.id, case_id=case.id, link="created"))
            reference, created = case.reference, True
        findings.raise_if_errors()
        uow.commit()
        return CallSaved(call.id, reference, created, tuple(findings.warnings))


def _record_app_attempt(session: Session, call: Call) -> None:
    """The call as the app's own call timer sees it (a source of call figures)."""
    agent = session.get(User, call.agent_id).username if call.agent_id else None
    session.execute(insert(CallAttempt.__table__), [app_attempt_row(
        call.id, call.started_at, call.answered_at, call.ended_at, call.wait_seconds, agent)])


def findings_ok(findings: Findings) -> bool:
    return not findings.errors


def create_case(session: Session, *, category, service_id: int, routing_reason: str | None,
                description: str, location: str | None, postcode: str | None, usrn: int | None,
                uprn: int | None, caller_id: int | None, received_at: datetime, priority: str,
                user_id: int | None, idempotency_key: str,
                status: CaseStatus = CaseStatus.NEW) -> Case:
    """Insert a case with a fresh reference and its first status entry (caller commits)."""
    settings = load_settings(session)
    due = settings.opening_hours.due_at(received_at, category.target_amount, category.target_unit)
    now = utcnow()
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
