"""Callers: recognising a repeat caller by phone, keeping their details current, and
what they are told when their call is saved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.case_status import OPEN_STATUSES
from ..domain.permissions import Permission
from ..domain.validation import Phone
from ..dtos.calls import CallerHistory, CallerInfo, KnownPlace, PastContact
from ..persistence.models import Call, CallCase, Caller, Case, Category, Property


def _info(caller: Caller) -> CallerInfo:
    return CallerInfo(caller.id, caller.name, caller.phone_e164, caller.phone_raw,
                      caller.email, caller.address, caller.postcode)


@operation(Permission.READ_CASES)
def find_by_phone(ctx: ServiceContext, e164: str) -> CallerInfo | None:
    with ctx.uow() as uow:
        caller = _latest_by_phone(uow.session, e164)
        return _info(caller) if caller else None


def _latest_by_phone(session: Session, e164: str, *, for_update: bool = False) -> Caller | None:
    query = (select(Caller).where(Caller.phone_e164 == e164)
             .order_by(Caller.updated_at.desc()).limit(1))
    # A desk about to refresh the caller's details waits for another desk doing the same,
    # then reads what it saved, rather than failing on a version neither agent typed over.
    return session.scalar(query.with_for_update() if for_update else query)


def match_or_create(session: Session, phone: Phone | None, name: str | None, email: str | None,
                    address: str | None, postcode: str | None, uprn: int | None, *,
                    now: datetime, lock: bool = False) -> Caller | None:
    """The known caller with this phone (details refreshed), a new caller, or None if anonymous.

    ``now`` is the time of the action that brought the caller in (it stamps their row).
    With ``lock`` (one call's save) the caller's row is held until the save ends.
    """
    if phone is None and not name:
        return None
    caller = _latest_by_phone(session, phone.e164, for_update=lock) if phone else None
    if caller is None:
        caller = Caller(name=name, phone_e164=phone.e164 if phone else None,
                        phone_raw=phone.raw if phone else None, email=email, address=address,
                        postcode=postcode, uprn=uprn, created_at=now, updated_at=now)
        session.add(caller)
        session.flush()
        return caller
    # Only what the agent typed replaces what was known: a blank field keeps the old value.
    changed = False
    for field, value in (("name", name), ("email", email), ("address", address),
                         ("postcode", postcode), ("uprn", uprn)):
        if value and getattr(caller, field) != value:
            setattr(caller, field, value)
            changed = True
    if changed:
        caller.updated_at = now
    return caller


@operation(Permission.READ_CASES)
def caller_history(ctx: ServiceContext, e164: str, limit: int = 10) -> CallerHistory | None:
    with ctx.uow() as uow:
        s = uow.session
        caller = _latest_by_phone(s, e164)
        if caller is None:
            return None
        same_phone = select(Caller.id).where(Caller.phone_e164 == e164)
        calls = s.execute(
            select(Call.id, Call.started_at, Call.outcome, Category.name, Case.reference)
            .outerjoin(Category, Category.id == Call.category_id)
            .outerjoin(CallCase, CallCase.call_id == Call.id)
            .outerjoin(Case, Case.id == CallCase.case_id)
            .where(Call.caller_id.in_(same_phone))
            .order_by(Call.started_at.desc()).limit(limit)
        ).all()
        cases = s.execute(
            select(Case.reference, Category.name, Case.status)
            .join(Category, Category.id == Case.category_id)
            .where(and_(Case.caller_id.in_(same_phone),
                        Case.status.in_([st.value for st in OPEN_STATUSES])))
            .order_by(Case.received_at.desc()).limit(limit)
        ).all()
        return CallerHistory(
            _info(caller),
            tuple(PastContact(r[0], r[1], r[2], r[3], r[4]) for r in calls),
            tuple((r[0], r[1], r[2]) for r in cases),
            None if caller.address else _last_case_place(s, same_phone),
        )


def _last_case_place(session: Session, same_phone) -> KnownPlace | None:
    """Where the caller's most recent case with an address was (callers brought in by
    imports or demo data often have no address of their own)."""
    row = session.execute(
        select(Case.location, func.coalesce(Case.postcode, Property.postcode).label("postcode"),
               Case.uprn, Case.usrn)
        .outerjoin(Property, Property.uprn == Case.uprn)
        .where(Case.caller_id.in_(same_phone), Case.location.is_not(None), Case.location != "")
        .order_by(Case.received_at.desc(), Case.id.desc()).limit(1)
    ).first()
    return KnownPlace(row.location, row.postcode, row.uprn, row.usrn) if row else None


@operation(Permission.READ_CASES)
def case_due_at(ctx: ServiceContext, reference: str) -> datetime | None:
    """When the case is due to be dealt with (None: no target, or on hold)."""
    with ctx.uow() as uow:
        return uow.session.scalar(
            select(Case.due_at).where(Case.reference == reference.strip().upper()))
