"""The audit log: every change to an audited table, and every read or export of personal data.

On PostgreSQL the database writes change rows itself, by triggers on each
audited table (db/versions/0006), with its own clock and the login that made
the change, so no desk can skip or backdate them. On SQLite the app writes
them after each flush of its own sessions, in the same shape: one row per
changed field for updates, one snapshot row for inserts and deletes. Either
way every row is sealed into the hash chain (audit_chain.py), and no service
can forget to audit.
"""

from __future__ import annotations

import json
import os
from datetime import datetime

from sqlalchemy import Connection, insert, inspect, text
from sqlalchemy.orm import Session

from . import audit_chain
from .base import utcnow
from .models import AuditEntry

# The tables whose every change is audited, with their key columns (the trigger's
# arguments on PostgreSQL). Telephony facts, search words and counters are bulk
# data or bookkeeping, not anyone's change to a record.
AUDITED_TABLES: dict[str, tuple[str, ...]] = {
    "users": ("id",), "services": ("id",), "category_groups": ("id",), "categories": ("id",),
    "callers": ("id",), "calls": ("id",), "call_cases": ("call_id", "case_id"),
    "cases": ("id",), "case_notes": ("id",), "case_status_history": ("id",),
    "case_holds": ("id",), "complaints": ("id",), "complaint_stages": ("id",),
    "callbacks": ("id",), "callback_attempts": ("id",),
    "settings": ("key",), "streets": ("usrn",), "properties": ("uprn",),
}
# Reads and exports of personal data, and retention's anonymising (record_access).
ACCESS_ACTIONS = ("read", "export", "anonymise")
# Bookkeeping columns every audit row already implies (who, when, which version).
_IMPLIED_FIELDS = {"version", "updated_at", "updated_by_id"}
# Recorded as changed, never with their value.
_SECRET_FIELDS = {"password_hash"}
_HIDDEN = "(hidden)"


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):  # as PostgreSQL's triggers write it
        return "true" if value else "false"
    return str(value)


def _entity_id(obj) -> str:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _snapshot(obj) -> str:
    mapper = inspect(obj).mapper
    return snapshot_text({attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs})


def _hidden(field: str, value):
    return _HIDDEN if field in _SECRET_FIELDS and value is not None else value


def snapshot_text(values: dict) -> str:
    """The JSON a create or delete audit row keeps: every column value as text."""
    return json.dumps({key: _text(_hidden(key, value)) for key, value in values.items()},
                      sort_keys=True)


def create_entry(entity: str, entity_id, values: dict, *, at: datetime,
                 user_id: int | None, actor: str) -> dict:
    """An audit_log row, ready for a Core insert, recording that a row was created.

    For bulk Core inserts (demo data, importers), which the ORM listener below
    never sees: the row matches what the listener writes for a new object.
    """
    return {"at": at, "user_id": user_id, "actor": actor, "entity": entity,
            "entity_id": str(entity_id), "action": "create", "field": None, "old_value": None,
            "new_value": snapshot_text(values)}


def update_entry(entity: str, entity_id, field: str, old, new, *, at: datetime,
                 user_id: int | None, actor: str) -> dict:
    """An audit_log row, ready for a Core insert, recording one changed field."""
    return {"at": at, "user_id": user_id, "actor": actor, "entity": entity, "entity_id": str(entity_id),
            "action": "update", "field": field, "old_value": _text(old), "new_value": _text(new)}


def audit_rows(session: Session) -> list[dict]:
    user_id = session.info.get("user_id")
    actor = session.info.get("actor_name")
    now = utcnow()
    rows: list[dict] = []

    def add(obj, action, field=None, old=None, new=None):
        rows.append({
            "at": now, "user_id": user_id, "actor": actor, "entity": obj.__tablename__,
            "entity_id": _entity_id(obj), "action": action, "field": field,
            "old_value": old, "new_value": new,
        })

    for obj in session.new:
        if obj.__tablename__ in AUDITED_TABLES:
            add(obj, "create", new=_snapshot(obj))
    for obj in session.dirty:
        if obj.__tablename__ not in AUDITED_TABLES or not session.is_modified(obj):
            continue
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key in _IMPLIED_FIELDS:
                continue
            history = state.attrs[attr.key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if old != new:
                    add(obj, "update", attr.key, _text(_hidden(attr.key, old)),
                        _text(_hidden(attr.key, new)))
    for obj in session.deleted:
        if obj.__tablename__ in AUDITED_TABLES:
            add(obj, "delete", old=_snapshot(obj))
    return rows


def write_audit_rows(session: Session, _flush_context) -> None:
    """After-flush listener of the app's SQLite session factories (persistence/database.py)."""
    rows = audit_rows(session)
    if rows:
        write_audit(session.connection(), rows)


def write_audit(connection: Connection, rows: list[dict]) -> None:
    """Seal ``rows`` into the chain and store them (SQLite); PostgreSQL's triggers write its own.

    Call inside the write transaction that made the changes: SQLite's write lock
    keeps the chain in order.
    """
    if connection.dialect.name == "postgresql" or not rows:
        return
    login = _os_login()
    for row in rows:
        row.setdefault("db_login", login)
    last_id = connection.scalar(text("SELECT coalesce(max(id), 0) FROM audit_log"))
    last_seq, last_hash = audit_chain.seal(rows, *audit_chain.head(connection), last_id)
    connection.execute(insert(AuditEntry), rows)
    audit_chain.move_head(connection, last_seq, last_hash)


def record_access(session: Session, action: str, entity: str, entity_id: str,
                  detail: str) -> None:
    """Audit a read or export of personal data (or an anonymisation): who, when, what.

    ``detail`` says what, e.g. the search terms or the file written. Runs in the
    caller's write unit of work; on PostgreSQL a database function writes the row
    (no app role may insert into the audit log directly).
    """
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"not an access action: {action}")
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT contactdesk_record_access(:a, :e, :i, :d)"),
                           {"a": action, "e": entity, "i": entity_id, "d": detail})
        return
    write_audit(connection, [{
        "at": utcnow(), "user_id": session.info.get("user_id"),
        "actor": session.info.get("actor_name"), "entity": entity, "entity_id": entity_id,
        "action": action, "field": None, "old_value": None, "new_value": detail}])


def _os_login() -> str | None:
    # The operating-system account writing the file: SQLite's nearest thing to a login.
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USERNAME")
