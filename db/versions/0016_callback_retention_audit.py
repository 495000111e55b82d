"""Retention redacts the audit of an anonymised case's callbacks and their tries too.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 04:40:00

Replaces ``contactdesk_redact_case_audit`` (0007) so the rows it accepts are those of
``RELATED_ROWS`` (persistence/audit_redaction.py), which now include the audit rows of the
case's callbacks (and of callbacks asked for on its calls with no case) and of their tries.
The downgrade puts back the function as 0007 made it. Nothing on SQLite.
"""
from collections.abc import Sequence

from alembic import op

from contactdesk.persistence.audit_redaction import (
    RELATED_ROWS,
    RELATED_ROWS_BEFORE_CALLBACKS,
)

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _redact_function(related_rows: str) -> str:
    rows = related_rows.replace(":case_id", "p_case_id").replace("ORDER BY a.id", "")
    return f"""
CREATE OR REPLACE FUNCTION contactdesk_redact_case_audit(p_case_id integer, p_ids bigint[],
                                                         p_olds text[], p_news text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF NOT (pg_has_role(session_user, (SELECT relowner FROM pg_class
                                        WHERE oid = 'public.users'::regclass), 'MEMBER')
            OR pg_has_role(session_user, 'admin', 'MEMBER')) THEN
        RAISE EXCEPTION 'only administrators run retention' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM cases WHERE id = p_case_id AND anonymised_at IS NOT NULL) THEN
        RAISE EXCEPTION 'case % is not anonymised: its audit is kept as it is', p_case_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT unnest(p_ids) EXCEPT SELECT id FROM ({rows}) related) THEN
        RAISE EXCEPTION 'only the audit rows of case % may be redacted', p_case_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE audit_log a SET old_value = c.old_value, new_value = c.new_value, values_salt = NULL
      FROM unnest(p_ids, p_olds, p_news) AS c(id, old_value, new_value)
     WHERE a.id = c.id;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_redact_function(RELATED_ROWS))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_redact_function(RELATED_ROWS_BEFORE_CALLBACKS))
