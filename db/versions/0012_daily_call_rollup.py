"""A daily rollup of the telephony figures, so a year to date sums a few thousand rows.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 03:10:00

``daily_call_rollup`` holds the sums of ``call_wait_days`` per source, day and queue
(see the model); the import rebuilds it with the histogram from now on. It is filled
here from the histogram already stored, in one statement.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The outcomes as the importer stores them (records.py), written out: a migration keeps
# the meaning it had when it was written.
_OTHER_EXITS = "('key', 'empty', 'withdrawn', 'failed')"
_FILL = f"""
INSERT INTO daily_call_rollup (
    source, local_day, queue, offered, answered, answered_within_21s, abandoned,
    abandoned_within_21s, timed_out, other_exits, unresolved, answered_wait_total,
    answered_wait_count, abandon_wait_total, abandon_wait_count, longest_wait, talk_total,
    talk_count)
SELECT source, local_day, queue,
    sum(CASE WHEN outcome IS NOT NULL THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'answered' THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'answered' AND wait_seconds <= 21 THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'abandoned' THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'abandoned' AND wait_seconds <= 21 THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'timeout' THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome IN {_OTHER_EXITS} THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome IS NULL THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'answered' AND wait_seconds IS NOT NULL
             THEN wait_seconds * attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'answered' AND wait_seconds IS NOT NULL THEN attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'abandoned' AND wait_seconds IS NOT NULL
             THEN wait_seconds * attempts ELSE 0 END),
    sum(CASE WHEN outcome = 'abandoned' AND wait_seconds IS NOT NULL THEN attempts ELSE 0 END),
    max(CASE WHEN outcome IS NOT NULL THEN wait_seconds END),
    sum(CASE WHEN outcome = 'answered' THEN talk_total ELSE 0 END),
    sum(CASE WHEN outcome = 'answered' THEN talk_count ELSE 0 END)
FROM call_wait_days
GROUP BY source, local_day, queue
"""


def upgrade() -> None:
    op.create_table('daily_call_rollup',
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('local_day', sa.Date(), nullable=False),
    sa.Column('queue', sa.String(length=80), nullable=False),
    sa.Column('offered', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('answered_within_21s', sa.Integer(), nullable=False),
    sa.Column('abandoned', sa.Integer(), nullable=False),
    sa.Column('abandoned_within_21s', sa.Integer(), nullable=False),
    sa.Column('timed_out', sa.Integer(), nullable=False),
    sa.Column('other_exits', sa.Integer(), nullable=False),
    sa.Column('unresolved', sa.Integer(), nullable=False),
    sa.Column('answered_wait_total', sa.BigInteger(), nullable=False),
    sa.Column('answered_wait_count', sa.Integer(), nullable=False),
    sa.Column('abandon_wait_total', sa.BigInteger(), nullable=False),
    sa.Column('abandon_wait_count', sa.Integer(), nullable=False),
    sa.Column('longest_wait', sa.Integer(), nullable=True),
    sa.Column('talk_total', sa.BigInteger(), nullable=False),
    sa.Column('talk_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(queue) <= 80', name=op.f('ck_daily_call_rollup_queue_length')),
    sa.CheckConstraint('length(source) <= 40', name=op.f('ck_daily_call_rollup_source_length')),
    sa.PrimaryKeyConstraint('source', 'local_day', 'queue', name=op.f('pk_daily_call_rollup'))
    )
    op.create_index('ix_daily_call_rollup_day', 'daily_call_rollup', ['local_day'], unique=False)
    op.execute(_FILL)


def downgrade() -> None:
    op.drop_index('ix_daily_call_rollup_day', table_name='daily_call_rollup')
    op.drop_table('daily_call_rollup')
