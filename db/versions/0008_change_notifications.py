"""Other desks hear about changes: a notification per changed table at commit (PostgreSQL).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 23:20:00

A statement-level trigger on each table the screens show sends
``pg_notify('contactdesk_changes', <table>)``; PostgreSQL delivers it when the
transaction commits (once per table per transaction), and each desk's change
feed (contactdesk/persistence/change_feed.py) refreshes what shows that table.
Nothing on SQLite, where desks watch the file's data version instead.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("cases", "case_notes", "case_holds", "case_status_history", "calls", "call_cases",
          "complaints", "complaint_stages", "call_attempts", "agent_events", "users", "services",
          "categories", "category_groups")

FUNCTION = """
CREATE FUNCTION contactdesk_notify_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
    PERFORM pg_notify('contactdesk_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION contactdesk_notify_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
    op.execute("DROP FUNCTION IF EXISTS contactdesk_notify_change()")
