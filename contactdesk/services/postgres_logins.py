"""Each person's own PostgreSQL login, created and changed with their ContactDesk user.

The login joins the group role of the person's role (agent, supervisor, admin,
telephony), which carries every grant. Logins are made by the schema owner's
functions (db/versions/0007): an administrator needs no right to create roles,
and the functions refuse to touch any role ContactDesk did not make. The
password is sent already hashed (SCRAM, computed by libpq here), so it never
appears in the server's logs.
"""

from __future__ import annotations

from psycopg import errors
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..domain.errors import PermissionDenied, ValidationError


def _call(session: Session, statement: str, values: dict) -> None:
    try:
        with session.begin_nested():
            session.execute(text(statement), values)
    except DBAPIError as exc:
        if isinstance(exc.orig, errors.DuplicateObject):
            raise ValidationError.single(
                "username", f"'{values['login']}' is already a login on this PostgreSQL server, "
                "not one ContactDesk made: choose another username") from None
        if isinstance(exc.orig, errors.InsufficientPrivilege):
            raise PermissionDenied(
                "the database refused to change this login: only administrators may, and only "
                "logins ContactDesk made") from None
        raise


def _encrypted(session: Session, login: str, password: str) -> str:
    raw = session.connection().connection.driver_connection
    return raw.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()


def create_login(session: Session, login: str, password: str, role: str) -> None:
    _call(session, "SELECT contactdesk_create_login(:login, :verifier, :role)",
          {"login": login, "verifier": _encrypted(session, login, password), "role": role})


def set_password(session: Session, login: str, password: str) -> None:
    _call(session, "SELECT contactdesk_set_login_password(:login, :verifier)",
          {"login": login, "verifier": _encrypted(session, login, password)})


def disable_login(session: Session, login: str) -> None:
    _call(session, "SELECT contactdesk_disable_login(:login)", {"login": login})
