"""The audit log, written for every change made through an ORM session.

After each flush, every inserted, updated or deleted row of an audited table
gets audit rows: one per changed field for updates, one summary row for
inserts and deletes. Writing them here rather than in each service means no
service can forget to.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session

from .base import utcnow
from .models import AuditEntry, ReferenceCounter, SignInFailure, TelephonyFeed

# Bookkeeping tables whose changes are not user changes.
_NOT_AUDITED = {AuditEntry, ReferenceCounter, SignInFailure, TelephonyFeed}
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
        if type(obj) not in _NOT_AUDITED:
            add(obj, "create", new=_snapshot(obj))
    for obj in session.dirty:
        if type(obj) in _NOT_AUDITED or not session.is_modified(obj):
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
        if type(obj) not in _NOT_AUDITED:
            add(obj, "delete", old=_snapshot(obj))
    return rows


def write_audit_rows(session: Session, _flush_context) -> None:
    """After-flush listener of the app's session factories (persistence/database.py)."""
    rows = audit_rows(session)
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
