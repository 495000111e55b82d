"""Who has a case open: so a desk can say "also open by ..." before two people collide.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:30:00

``case_viewers`` holds one row per person and case they have open, refreshed
by their desk every 20 seconds; rows older than a minute are ignored. On
PostgreSQL everyone may read it and each login may write only its own rows.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POLICIES = """
ALTER TABLE case_viewers ENABLE ROW LEVEL SECURITY;
CREATE POLICY viewers_read ON case_viewers FOR SELECT TO agent, supervisor, admin USING (true);
CREATE POLICY viewers_own ON case_viewers FOR ALL TO agent, supervisor, admin
    USING (username = session_user) WITH CHECK (username = session_user);
"""


def upgrade() -> None:
    op.create_table(
        'case_viewers',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('full_name', sa.String(length=120), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length(username) <= 64', name=op.f('ck_case_viewers_username_length')),
        sa.CheckConstraint('length(full_name) <= 120',
                           name=op.f('ck_case_viewers_full_name_length')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_viewers_case_id_cases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', 'username', name=op.f('pk_case_viewers')),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POLICIES)


def downgrade() -> None:
    op.drop_table('case_viewers')
