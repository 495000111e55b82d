"""What the database already holds, as the planner needs it: the opening hours, the active
categories and services, the users who take calls and work cases (or the demo staff to add
when there are no users at all), the gazetteer's properties and streets, and the phone numbers
already in use, loaded once at the start of a run into plain records (the ORM models are
``models.X`` here, so that ``Category`` and ``Property`` are these records).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.working_time import OpeningHours
from ..persistence import models
from ..services.settings import load_settings

# The staff added when the database has no users: 12 agents, 2 supervisors, 1 admin.
_DEMO_USERS = (
    ("sarah.whitfield", "Sarah Whitfield", "agent"),
    ("gary.hobson", "Gary Hobson", "agent"),
    ("claire.outram", "Claire Outram", "agent"),
    ("dean.staniforth", "Dean Staniforth", "agent"),
    ("joanne.fretwell", "Joanne Fretwell", "agent"),
    ("lee.hirst", "Lee Hirst", "agent"),
    ("michelle.beever", "Michelle Beever", "agent"),
    ("craig.ledger", "Craig Ledger", "agent"),
    ("natalie.turton", "Natalie Turton", "agent"),
    ("imran.hussain", "Imran Hussain", "agent"),
    ("kelly.marsden", "Kelly Marsden", "agent"),
    ("paul.ogden", "Paul Ogden", "agent"),
    ("janet.crookes", "Janet Crookes", "supervisor"),
    ("andrew.bramall", "Andrew Bramall", "supervisor"),
    ("helen.firth", "Helen Firth", "admin"),
)


@dataclass(frozen=True)
class Category:
    id: int
    code: str
    name: str
    group: str
    prefix: str
    service_id: int
    target_amount: int
    target_unit: str
    location_required: bool


@dataclass(frozen=True)
class Property:
    uprn: int
    usrn: int
    address: str
    postcode: str
    street: str
    number: str | None


@dataclass
class _User:
    id: int | None  # None: a demo user still to be inserted
    username: str
    full_name: str
    role: str
    new: bool = False


@dataclass
class World:
    """What a run works with; ``load`` reads it in the run's write transaction."""

    hours: OpeningHours
    categories: list[Category]
    services: dict[str, tuple[int, str]]  # active services: code -> (id, name)
    service_names: dict[int, str]
    users: list[_User]
    new_users: bool
    properties: list[Property]
    streets: list[str]
    phones_in_use: set[str]

    @classmethod
    def load(cls, session: Session) -> World:
        settings = load_settings(session)
        category, group = models.Category, models.CategoryGroup
        categories = [
            Category(row.id, row.code, row.name, row.group, row.prefix, row.default_service_id,
                     row.target_amount, row.target_unit, row.location_required)
            for row in session.execute(
                select(category.id, category.code, category.name, group.code.label("group"),
                       group.prefix, category.default_service_id, category.target_amount,
                       category.target_unit, category.location_required)
                .join(group, group.id == category.group_id)
                .where(category.active.is_(True)).order_by(category.id))
        ]
        if not categories:
            raise RuntimeError("no active categories: run `contactdesk db upgrade` to seed them")
        service = models.Service
        services = {row.code: (row.id, row.name) for row in session.execute(
            select(service.id, service.code, service.name).where(service.active.is_(True))
            .order_by(service.id))}
        service_names = {row.id: row.name
                         for row in session.execute(select(service.id, service.name))}
        user = models.User
        users = [_User(row.id, row.username, row.full_name, row.role) for row in session.execute(
            select(user.id, user.username, user.full_name, user.role)
            .where(user.active.is_(True)).order_by(user.id))]
        have_users = session.scalar(select(user.id).limit(1)) is not None
        new_users = False
        if not have_users:
            users = [_User(None, username, name, role, new=True) for username, name, role in _DEMO_USERS]
            new_users = True
        elif not users:
            users = [_User(row.id, row.username, row.full_name, row.role) for row in session.execute(
                select(user.id, user.username, user.full_name, user.role).order_by(user.id))]
        prop, street = models.Property, models.Street
        properties = [
            Property(row.uprn, row.usrn, row.address, row.postcode, row.name,
                     _house_number(row.address))
            for row in session.execute(
                select(prop.uprn, prop.usrn, prop.address, prop.postcode, street.name)
                .join(street, street.usrn == prop.usrn).order_by(prop.uprn))
        ]
        if not properties:
            raise RuntimeError("the gazetteer has no properties: import one first")
        streets = sorted({p.street for p in properties})
        caller = models.Caller
        phones = set(session.scalars(select(caller.phone_e164)
                                     .where(caller.phone_e164.is_not(None))))
        return cls(settings.opening_hours, categories, services, service_names, users, new_users,
                   properties, streets, phones)


_NUMBER = re.compile(r"\b(\d{1,4}[A-Za-z]?)\b")


def _house_number(address: str) -> str | None:
    found = _NUMBER.search(address)
    return found.group(1) if found else None
