"""People who use the app and their roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from ..domain import limits
from ..domain.errors import NotFoundError, ValidationError
from ..domain.validation import Findings, clean_text
from ..persistence.base import utcnow
from ..persistence.models import ROLES, User
from ..persistence.uow import UnitOfWork

_USERNAME = re.compile(r"[a-z][a-z0-9._-]*")


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    role: str
    active: bool


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.username, user.full_name, user.role, user.active)


def add_user(engine: Engine, username: str, role: str, full_name: str,
             acting_user_id: int | None = None) -> UserInfo:
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
    with UnitOfWork(engine, acting_user_id, write=True) as uow:
        if uow.session.scalar(select(User.id).where(User.username == name)) is not None:
            raise ValidationError.single("username", f"'{name}' already exists")
        user = User(username=name, role=role, full_name=full, active=True, created_at=utcnow())
        uow.session.add(user)
        try:
            uow.commit()
        except IntegrityError:
            raise ValidationError.single("username", f"'{name}' already exists") from None
        return _info(user)


def get_user(engine: Engine, username: str) -> UserInfo:
    with UnitOfWork(engine) as uow:
        user = uow.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise NotFoundError(f"no user called '{username}': add one with `contactdesk users add`")
        return _info(user)


def list_users(engine: Engine) -> list[UserInfo]:
    with UnitOfWork(engine) as uow:
        return [_info(u) for u in uow.session.scalars(select(User).order_by(User.username))]
