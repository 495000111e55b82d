"""People who use the app: their roles, passwords and (on PostgreSQL) their logins."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..auth.hashing import hash_password
from ..context import ServiceContext, operation
from ..domain import limits
from ..domain.errors import NotFoundError, PermissionDenied, ValidationError
from ..domain.password_policy import check_new_password
from ..domain.permissions import Permission
from ..domain.validation import Findings, clean_text
from ..domain.words import ROLES
from ..dtos.changes import Changed
from ..dtos.users import UserInfo
from ..persistence.database import Database
from ..persistence.models import User
from ..persistence.uow import UnitOfWork
from . import postgres_logins

_USERNAME = re.compile(r"[a-z][a-z0-9._-]*")


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.username, user.full_name, user.role, user.active)


def _check_new_user(username: str, role: str, full_name: str, password: str) -> tuple[str, str, str]:
    findings = Findings()
    name = (username or "").strip().lower()
    if not name:
        findings.error("username", "is required")
    elif len(name) > limits.USERNAME:
        findings.error("username", f"is longer than {limits.USERNAME} characters")
    elif not _USERNAME.fullmatch(name):
        findings.error("username", "use lower-case letters, digits, '.', '_' or '-', starting with a letter")
    if role not in ROLES:
        findings.error("role", f"'{role}' is not a role (one of: {', '.join(ROLES)})")
    full = clean_text(full_name, limits.PERSON_NAME, findings, "name", required=True)
    findings.raise_if_errors()
    return name, full, check_new_password(password, username=name, full_name=full)


@operation(Permission.MANAGE_USERS, changes=(Changed.USERS,))
def add_user(ctx: ServiceContext, username: str, role: str, full_name: str,
             password: str) -> UserInfo:
    """Add a person; on PostgreSQL also their login, with the same password."""
    name, full, password = _check_new_user(username, role, full_name, password)
    with ctx.uow(write=True) as uow:
        user = _insert(uow.session, name, role, full, password, ctx)
        uow.commit()
        return _info(user)


def add_first_admin(database: Database, username: str, full_name: str, password: str,
                    actor_name: str) -> UserInfo:
    """The first administrator of a database with no users (the first-run dialog)."""
    name, full, password = _check_new_user(username, "admin", full_name, password)
    with UnitOfWork(database, None, actor_name, write=True) as uow:
        if uow.session.scalar(select(func.count(User.id))):
            raise PermissionDenied("this database already has users: sign in as one of them")
        user = _insert(uow.session, name, "admin", full, password, None)
        uow.commit()
        return _info(user)


def _insert(session: Session, name: str, role: str, full: str, password: str,
            ctx: ServiceContext | None) -> User:
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise ValidationError.single("username", f"'{name}' already exists")
    postgres = session.get_bind().dialect.name == "postgresql"
    now = ctx.now() if ctx else _now()
    user = User(username=name, role=role, full_name=full, active=True, created_at=now,
                password_hash=None if postgres else hash_password(password),
                password_changed_at=now)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise ValidationError.single("username", f"'{name}' already exists") from None
    if postgres:
        postgres_logins.create_login(session, name, password, role)
    return user


def _now():
    from ..context import utc_now

    return utc_now()


@operation(Permission.READ_USERS, changes=(Changed.USERS,))
def set_password(ctx: ServiceContext, username: str, password: str) -> UserInfo:
    """Anyone may change their own password; administrators anyone's."""
    name = username.strip().lower()
    if name != ctx.actor.username:
        ctx.require(Permission.MANAGE_USERS)
    with ctx.uow(write=True) as uow:
        user = _find(uow.session, name)
        password = check_new_password(password, username=user.username, full_name=user.full_name)
        if uow.session.get_bind().dialect.name == "postgresql":
            postgres_logins.set_password(uow.session, user.username, password)
        else:
            user.password_hash = hash_password(password)
        user.password_changed_at = ctx.now()
        uow.commit()
        return _info(user)


@operation(Permission.MANAGE_USERS, changes=(Changed.USERS,))
def disable_user(ctx: ServiceContext, username: str) -> UserInfo:
    """The person can no longer sign in; their name stays on everything they did."""
    with ctx.uow(write=True) as uow:
        user = _find(uow.session, username.strip().lower())
        if user.username == ctx.actor.username:
            raise ValidationError.single("username", "you cannot disable yourself")
        user.active = False
        if uow.session.get_bind().dialect.name == "postgresql":
            postgres_logins.disable_login(uow.session, user.username)
        uow.commit()
        return _info(user)


def _find(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        raise NotFoundError(f"no user called '{name}': add one with `contactdesk users add`")
    return user


@operation(Permission.READ_USERS)
def get_user(ctx: ServiceContext, username: str) -> UserInfo:
    with ctx.uow() as uow:
        return _info(_find(uow.session, username.strip().lower()))


@operation(Permission.READ_USERS)
def list_users(ctx: ServiceContext) -> list[UserInfo]:
    with ctx.uow() as uow:
        return [_info(u) for u in uow.session.scalars(select(User).order_by(User.username))]



@operation(Permission.MANAGE_USERS, changes=(Changed.USERS,))
def set_device(ctx: ServiceContext, username: str, interface: str | None) -> UserInfo:
    """The phone the person answers (a queue member interface, e.g. PJSIP/1001), or None to
    clear it; one person per device, so a call pops up at one desk only."""
    from .telephony_settings import check_interface

    device = check_interface(interface) if interface is not None else None
    with ctx.uow(write=True) as uow:
        s = uow.session
        user = _find(s, username.strip().lower())
        if device is not None:
            holder = s.scalar(select(User.username).where(
                func.lower(User.device_interface) == device.lower(), User.id != user.id))
            if holder is not None:
                raise ValidationError.single(
                    "interface", f"{device} is already {holder}'s device: clear it there first "
                                 f"(contactdesk users set-device {holder} --clear).")
        user.device_interface = device
        try:
            uow.commit()
        except IntegrityError:
            raise ValidationError.single("interface", f"{device} is already another person's "
                                                      "device: clear it there first.") from None
        return _info(user)
