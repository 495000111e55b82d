"""Callers: recognising a repeat caller by phone and keeping their details current."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..domain.validation import Phone
from ..persistence.base import utcnow
from ..persistence.models import Caller
from ..persistence.uow import UnitOfWork


@dataclass(frozen=True)
class CallerInfo:
    id: int
    name: str | None
    phone_e164: str | None
    phone_raw: str | None
    email: str | None
    address: str | None
    postcode: str | None


def _info(caller: Caller) -> CallerInfo:
    return CallerInfo(caller.id, caller.name, caller.phone_e164, caller.phone_raw,
                      caller.email, caller.address, caller.postcode)


def find_by_phone(engine: Engine, e164: str) -> CallerInfo | None:
    with UnitOfWork(engine) as uow:
        caller = _latest_by_phone(uow.session, e164)
        return _info(caller) if caller else None


def _latest_by_phone(session: Session, e164: str) -> Caller | None:
    return session.scalar(
        select(Caller).where(Caller.phone_e164 == e164).order_by(Caller.updated_at.desc()).limit(1)
    )


def match_or_create(session: Session, phone: Phone | None, name: str | None, email: str | None,
                    address: str | None, postcode: str | None, uprn: int | None) -> Caller | None:
    """The known caller with this phone (details refreshed), a new caller, or None if anonymous."""
    if phone is None and not name:
        return None
    now = utcnow()
    caller = _latest_by_phone(session, phone.e164) if phone else None
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
