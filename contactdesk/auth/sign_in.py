"""Signing in: credentials in, the acting person out, or a refusal in one plain sentence.

SQLite: each person has an Argon2id password in ``users``; repeated failures
slow further attempts for that name down (known or not, so the delay tells
nothing). PostgreSQL: each person connects with their own login, and the login
maps to the ``users`` row of the same name.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ..context import Actor
from ..domain import limits
from ..domain.password_policy import throttle_delay
from ..domain.permissions import Role
from ..persistence.database import Database
from ..persistence.engine import LoginNotAllowed, explain_connection_error
from ..persistence.migrations import require_current_schema
from ..persistence.models import SignInFailure, User
from ..persistence.uow import UnitOfWork
from .credentials import REFUSED, Credentials, OperatingSystemAccount, Password, SignInRefused
from .hashing import hash_password, needs_rehash, verify_password

# What PostgreSQL says for a wrong password, an unknown login and a disabled one: all alike here.
_REFUSED_BY_SERVER = ("password authentication failed", "is not permitted to log in")


def connect(url: str, credentials: Credentials) -> Database:
    """Open the database as ``credentials`` allow: on PostgreSQL with the person's own login."""
    if not (isinstance(credentials, Password) and make_url(url).get_backend_name() == "postgresql"):
        return Database.open(url)
    database = Database.open(make_url(url).set(
        username=credentials.username.strip(), password=credentials.password,
    ).render_as_string(hide_password=False))
    try:
        with database.engine.connect() as connection:
            asked = connection.connection.driver_connection.pgconn.used_password
    except DBAPIError as exc:
        database.dispose()
        if any(why in str(exc.orig) for why in _REFUSED_BY_SERVER):
            raise SignInRefused(REFUSED) from None
        raise explain_connection_error(url, exc) from None
    if not asked:
        # A server that lets a login in without its password (trust, peer) checks nobody.
        database.dispose()
        raise SignInRefused(
            "The PostgreSQL server did not ask for a password, so it cannot tell who you are: "
            "ask the database administrator to require scram-sha-256 in pg_hba.conf.")
    return database


def require_schema(database: Database) -> None:
    """The schema must be current; a login that may not even read it has no user here."""
    try:
        require_current_schema(database.engine)
    except LoginNotAllowed:
        raise SignInRefused(_no_user_message(database.engine.url.username)) from None


def _no_user_message(login: str | None) -> str:
    return (f"The PostgreSQL login '{login}' has no ContactDesk user: ask an administrator to "
            f"run `contactdesk users add {login} --role agent --name \"Full Name\"`.")


def sign_in(database: Database, credentials: Credentials, now: datetime) -> Actor:
    if isinstance(credentials, OperatingSystemAccount):
        if database.backend == "postgresql":
            return _postgres_login(database)
        return os_actor(credentials)
    if database.backend == "postgresql":
        return _postgres_login(database)
    return _local(database, credentials, now)


def os_actor(account: OperatingSystemAccount) -> Actor:
    # Whoever can read a local database file can read and change all of it with any
    # tool, so the account that owns it acts with every permission, audited by name.
    name = f"os:{account.name}"[:limits.ACTOR]
    return Actor(name, Role.ADMIN, f"{account.name} (operating-system account)")


def _local(database: Database, credentials: Password, now: datetime) -> Actor:
    name = credentials.username.strip().lower()[:limits.USERNAME]
    with UnitOfWork(database, None, f"sign-in:{name}"[:limits.ACTOR], write=True) as uow:
        s = uow.session
        failure = s.get(SignInFailure, name)
        if failure is not None:
            wait = throttle_delay(failure.failures) - (now - failure.last_failed_at)
            if wait.total_seconds() > 0:
                raise SignInRefused(
                    f"Too many failed attempts for this name: wait "
                    f"{math.ceil(wait.total_seconds())} seconds and try again.")
        user = s.scalar(select(User).where(User.username == name))
        stored = user.password_hash if user is not None else None
        matches = verify_password(stored, credentials.password)  # costs the same for anyone
        if not matches or user is None or not user.active:
            if failure is None:
                s.add(SignInFailure(username=name, failures=1, last_failed_at=now))
            else:
                failure.failures += 1
                failure.last_failed_at = now
            uow.commit()
            raise SignInRefused(REFUSED)
        if failure is not None:
            s.delete(failure)
        if needs_rehash(stored):
            user.password_hash = hash_password(credentials.password)
        uow.commit()
        return Actor(user.username, Role(user.role), user.full_name, user.id)


def _group_of(database: Database, login: str) -> Role | None:
    """The group role the login is a member of: what the database lets it do decides."""
    with database.engine.connect() as connection:
        groups = [role for role in Role if connection.scalar(text(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :g) "
            "AND pg_has_role(:login, :g, 'MEMBER')"), {"g": role.value, "login": login})]
    return groups[0] if len(groups) == 1 else None


def _postgres_login(database: Database) -> Actor:
    try:
        with database.engine.connect() as connection:
            login = connection.scalar(text("SELECT current_user"))
            owner = connection.scalar(text(
                "SELECT rolsuper OR pg_has_role(current_user, d.datdba, 'MEMBER') "
                "FROM pg_roles r, pg_database d "
                "WHERE r.rolname = current_user AND d.datname = current_database()"))
    except DBAPIError as exc:
        if any(why in str(exc.orig) for why in _REFUSED_BY_SERVER):
            raise SignInRefused(REFUSED) from None
        raise explain_connection_error(str(database.engine.url), exc) from None
    no_user = SignInRefused(_no_user_message(login))
    try:
        with UnitOfWork(database, None, f"pg:{login}"[:limits.ACTOR]) as uow:
            user = uow.session.execute(
                select(User.id, User.username, User.role, User.full_name, User.active)
                .where(User.username == login)).one_or_none()
    except DBAPIError as exc:
        if "permission denied" in str(exc.orig):
            raise no_user from None
        raise explain_connection_error(str(database.engine.url), exc) from None
    if user is not None:
        if not user.active:
            raise SignInRefused(REFUSED)
        return Actor(user.username, _group_of(database, login) or Role(user.role),
                     user.full_name, user.id)
    if owner:
        # The database's owner (or a superuser) with no ContactDesk user of its own: the
        # one who runs upgrades and adds people.
        return Actor(f"pg:{login}"[:limits.ACTOR], Role.ADMIN, f"{login} (database owner)")
    raise no_user
