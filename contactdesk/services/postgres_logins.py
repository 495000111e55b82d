"""Each person's own PostgreSQL login, created and changed with their ContactDesk user.

Role statements take no bind parameters, so names are quoted as identifiers
and the password is sent already hashed (SCRAM, computed by libpq here), so it
never appears in the server's logs. Logins are cluster-wide: one that exists
already (another ContactDesk database on the server) is given the new password.
"""

from __future__ import annotations

from psycopg import sql
from sqlalchemy.orm import Session


def _run(session: Session, statement: sql.Composable) -> None:
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(statement)


def _encrypted(session: Session, login: str, password: str) -> str:
    raw = session.connection().connection.driver_connection
    return raw.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()


def create_login(session: Session, login: str, password: str) -> None:
    exists = session.connection().exec_driver_sql(
        "SELECT 1 FROM pg_roles WHERE rolname = %(login)s", {"login": login}).scalar()
    verb = "ALTER" if exists else "CREATE"
    _run(session, sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
        sql.SQL(verb), sql.Identifier(login), sql.Literal(_encrypted(session, login, password))))
    # The privileges per role (agent, supervisor, admin) are granted by the schema's
    # owner; until then each login may use the app's tables.
    _run(session, sql.SQL(
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {0}; "
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {0}").format(
            sql.Identifier(login)))


def set_password(session: Session, login: str, password: str) -> None:
    _run(session, sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        sql.Identifier(login), sql.Literal(_encrypted(session, login, password))))


def disable_login(session: Session, login: str) -> None:
    _run(session, sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(login)))
