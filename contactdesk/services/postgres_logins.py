"""Each person's own PostgreSQL login, created and changed with their ContactDesk user.

Role statements take no bind parameters, so names are quoted as identifiers
and the password is sent already hashed (SCRAM, computed by libpq here), so it
never appears in the server's logs. Logins are server-wide: one that another
ContactDesk database on the server made (marked by its comment) is reused;
any other existing role is refused rather than taken over.
"""

from __future__ import annotations

from psycopg import errors, sql
from sqlalchemy.orm import Session

from ..domain.errors import PermissionDenied, ValidationError

MARK = "ContactDesk user"


def _run(session: Session, statement: sql.Composable) -> None:
    raw = session.connection().connection.driver_connection
    try:
        with raw.cursor() as cursor:
            cursor.execute(statement)
    except errors.InsufficientPrivilege:
        raise PermissionDenied(
            "only the database's owner (a login allowed to create roles) can add, change or "
            "disable logins: run this command as that login") from None


def _encrypted(session: Session, login: str, password: str) -> str:
    raw = session.connection().connection.driver_connection
    return raw.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()


def create_login(session: Session, login: str, password: str) -> None:
    existing = session.connection().exec_driver_sql(
        "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %(login)s",
        {"login": login}).one_or_none()
    if existing is not None and existing[0] != MARK:
        raise ValidationError.single(
            "username", f"'{login}' is already a login on this PostgreSQL server, not one "
            "ContactDesk made: choose another username")
    verb = "ALTER" if existing else "CREATE"
    _run(session, sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
        sql.SQL(verb), sql.Identifier(login), sql.Literal(_encrypted(session, login, password))))
    _run(session, sql.SQL("COMMENT ON ROLE {} IS {}").format(
        sql.Identifier(login), sql.Literal(MARK)))
    # Until the database refuses by role itself, each login may use the app's tables and
    # the app's checks are the only guard (see the README).
    _run(session, sql.SQL(
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {0}; "
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {0}").format(
            sql.Identifier(login)))


def set_password(session: Session, login: str, password: str) -> None:
    _run(session, sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        sql.Identifier(login), sql.Literal(_encrypted(session, login, password))))


def disable_login(session: Session, login: str) -> None:
    _run(session, sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(login)))
