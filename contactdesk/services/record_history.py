"""A record's history as people read it: the audit rows about it, oldest first."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..dtos.cases import HistoryEntry
from ..persistence.models import AuditEntry, User


def history_of(session: Session, rows: Iterable[tuple[str, object]]) -> tuple[HistoryEntry, ...]:
    """The changes to each (table, key) in ``rows``; a change by an account without a users
    row (an operating-system account) is shown under the name it signed in with."""
    wanted = [(entity, str(key)) for entity, key in rows]
    if not wanted:
        return ()
    return tuple(
        HistoryEntry(a.at, name, a.action, a.field, a.old_value, a.new_value)
        for a, name in session.execute(
            select(AuditEntry, func.coalesce(User.full_name, AuditEntry.actor))
            .outerjoin(User, User.id == AuditEntry.user_id)
            .where(AuditEntry.action.in_(("create", "update", "delete")),
                   or_(*((AuditEntry.entity == entity) & (AuditEntry.entity_id == key)
                         for entity, key in wanted)))
            .order_by(AuditEntry.id)))
