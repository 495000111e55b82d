"""Retention's one change to the audit: replacing the personal values of an anonymised case's rows.

Only rows about the case itself, its notes, status changes, holds and call
links, its calls once every case they were logged against is anonymised, and
its caller once the caller is anonymised are touched. Each keeps its action,
field and every value in ``KEPT_FIELDS`` (what statistics and the case history
need); every other value becomes ``REMOVED``. The row's salt is dropped, so the
chain still verifies (audit_chain.py) and the old digest cannot be tried
against guessed values. On PostgreSQL no app role may update the audit, so a
database function owned by the schema's owner applies the change, after
checking the case is anonymised and each row belongs to it.
"""

from __future__ import annotations

import json

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

REMOVED = "[removed]"

# Values that say nothing about who a person is: kept so the history still reads.
KEPT_FIELDS = frozenset({
    "id", "reference", "status", "from_status", "to_status", "category_id", "service_id",
    "priority", "received_at", "due_at", "closed_at", "created_at", "updated_at", "started_at",
    "answered_at", "ended_at", "wait_seconds", "outcome", "channel", "link", "case_id", "call_id",
    "agent_id", "created_by_id", "updated_by_id", "changed_by_id", "changed_at",
    "author_id", "visibility", "duplicate_of_id", "version", "anonymised_at", "due_before",
    "due_after", "started_by_id", "ended_by_id", "idempotency_key",
    # callbacks and their tries
    "as_soon_as_possible", "failed_attempts", "requested_by_id", "requested_at",
    "claimed_by_id", "claimed_at", "callback_id", "at",
})

# The calls of one case that served only anonymised cases (retention clears them).
_CLEARED_CALLS = """SELECT mine.call_id FROM call_cases mine
            WHERE mine.case_id = :case_id AND NOT EXISTS (
                  SELECT 1 FROM call_cases other JOIN cases c ON c.id = other.case_id
                   WHERE other.call_id = mine.call_id AND c.anonymised_at IS NULL)"""
# Callbacks on the case, or asked for on one of those calls with no case.
_CASE_CALLBACKS = ("SELECT b.id FROM callbacks b WHERE b.case_id = :case_id OR "
                   f"(b.case_id IS NULL AND b.call_id IN ({_CLEARED_CALLS}))")
CALLBACK_ROWS = f"""
    OR (a.entity = 'callbacks' AND a.entity_id IN
          (SELECT CAST(id AS TEXT) FROM ({_CASE_CALLBACKS}) theirs))
    OR (a.entity = 'callback_attempts' AND a.entity_id IN
          (SELECT CAST(t.id AS TEXT) FROM callback_attempts t
            WHERE t.callback_id IN ({_CASE_CALLBACKS})))"""

# The audit rows about one case (``:case_id``) that still hold their values; ``{callbacks}``
# is CALLBACK_ROWS since db/versions/0016 (0007 made the database function without it).
# db/versions/0007 and 0016 keep a copy in the database function that checks the rows given.
_RELATED_ROWS = """
SELECT a.id, a.action, a.field, a.old_value, a.new_value FROM audit_log a
 WHERE a.values_salt IS NOT NULL AND (
       (a.entity = 'cases' AND a.entity_id = CAST(:case_id AS TEXT))
    OR (a.entity = 'case_notes' AND a.entity_id IN
          (SELECT CAST(id AS TEXT) FROM case_notes WHERE case_id = :case_id))
    OR (a.entity = 'case_status_history' AND a.entity_id IN
          (SELECT CAST(id AS TEXT) FROM case_status_history WHERE case_id = :case_id))
    OR (a.entity = 'case_holds' AND a.entity_id IN
          (SELECT CAST(id AS TEXT) FROM case_holds WHERE case_id = :case_id))
    OR (a.entity = 'call_cases' AND a.entity_id IN
          (SELECT CAST(call_id AS TEXT) || ',' || CAST(case_id AS TEXT)
             FROM call_cases WHERE case_id = :case_id))
    OR (a.entity = 'calls' AND a.entity_id IN
          (SELECT CAST(mine.call_id AS TEXT) FROM call_cases mine
            WHERE mine.case_id = :case_id AND NOT EXISTS (
                  SELECT 1 FROM call_cases other JOIN cases c ON c.id = other.case_id
                   WHERE other.call_id = mine.call_id AND c.anonymised_at IS NULL)))
    OR (a.entity = 'callers' AND a.entity_id IN
          (SELECT CAST(c.caller_id AS TEXT) FROM cases c JOIN callers p ON p.id = c.caller_id
            WHERE c.id = :case_id AND p.anonymised_at IS NOT NULL)){callbacks})
 ORDER BY a.id
"""
RELATED_ROWS = _RELATED_ROWS.format(callbacks=CALLBACK_ROWS)
RELATED_ROWS_BEFORE_CALLBACKS = _RELATED_ROWS.format(callbacks="")


def pseudonymised(field: str | None, value: str | None) -> str | None:
    """The value with everything personal replaced: a snapshot's keys one by one."""
    if value is None:
        return None
    if field is None:  # a create or delete snapshot (JSON of every column)
        try:
            snapshot = json.loads(value)
        except ValueError:
            return REMOVED
        if not isinstance(snapshot, dict):
            return REMOVED
        return json.dumps({key: (v if key in KEPT_FIELDS or v is None else REMOVED)
                           for key, v in snapshot.items()}, sort_keys=True)
    return value if field in KEPT_FIELDS else REMOVED


def redact_case_audit(session: Session, case_id: int) -> int:
    """Pseudonymise the audit rows about an anonymised case; returns how many were changed.

    Call after the case (and, where it applies, its caller) has been anonymised and
    flushed, in the same transaction.
    """
    session.flush()
    connection = session.connection()
    rows = connection.execute(text(RELATED_ROWS), {"case_id": case_id}).all()
    changes = [(row.id, pseudonymised(row.field, row.old_value),
                pseudonymised(row.field, row.new_value)) for row in rows]
    if not changes:
        return 0
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT contactdesk_redact_case_audit(:case_id, :ids, :olds, :news)"),
            {"case_id": case_id, "ids": [c[0] for c in changes],
             "olds": [c[1] for c in changes], "news": [c[2] for c in changes]})
    else:
        connection.execute(
            text("UPDATE audit_log SET old_value = :old, new_value = :new, values_salt = NULL "
                 "WHERE id = :id").bindparams(bindparam("id"), bindparam("old"), bindparam("new")),
            [{"id": i, "old": old, "new": new} for i, old, new in changes])
    return len(changes)
