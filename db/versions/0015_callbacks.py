"""Callbacks: a caller to ring back, asked for from a call or a case, and each try at it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 03:50:00

``callbacks`` holds the number, the reason, the due time (a time asked for, or two working
hours of opening time for "as soon as possible"), the status (waiting, done, failed,
cancelled), the failed attempts so far and who is ringing it now (``claimed_by_id``).
``callback_attempts`` holds each try with its outcome. Both are audited like cases (on
PostgreSQL by the audit triggers of 0006) and granted to the desk (persistence/grants.py).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AUDITED = ('callbacks', 'callback_attempts')


def upgrade() -> None:
    op.create_table(
        'callbacks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('call_id', sa.Integer(), nullable=True),
        sa.Column('phone_e164', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('as_soon_as_possible', sa.Boolean(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('failed_attempts', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_by_id', sa.Integer(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('waiting', 'done', 'failed', 'cancelled')",
                           name=op.f('ck_callbacks_status_known')),
        sa.CheckConstraint('failed_attempts >= 0',
                           name=op.f('ck_callbacks_failed_attempts_not_negative')),
        sa.CheckConstraint('length(phone_e164) <= 16', name=op.f('ck_callbacks_phone_e164_length')),
        sa.CheckConstraint('length(reason) <= 500', name=op.f('ck_callbacks_reason_length')),
        sa.CheckConstraint('length(status) <= 12', name=op.f('ck_callbacks_status_length')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE',
                                name=op.f('fk_callbacks_case_id_cases')),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='SET NULL',
                                name=op.f('fk_callbacks_call_id_calls')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_callbacks_requested_by_id_users')),
        sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'],
                                name=op.f('fk_callbacks_claimed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callbacks')),
    )
    op.create_index('ix_callbacks_case_id', 'callbacks', ['case_id'], unique=False)
    op.create_index('ix_callbacks_status_due_at', 'callbacks', ['status', 'due_at'], unique=False)
    op.create_index('ix_callbacks_due_at', 'callbacks', ['due_at'], unique=False)
    op.create_table(
        'callback_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('callback_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=12), nullable=False),
        sa.Column('dial_result', sa.String(length=500), nullable=True),
        sa.CheckConstraint("outcome IN ('spoke', 'no_answer', 'wrong_number', 'left_message')",
                           name=op.f('ck_callback_attempts_outcome_known')),
        sa.CheckConstraint('length(outcome) <= 12',
                           name=op.f('ck_callback_attempts_outcome_length')),
        sa.CheckConstraint('length(dial_result) <= 500',
                           name=op.f('ck_callback_attempts_dial_result_length')),
        sa.ForeignKeyConstraint(['callback_id'], ['callbacks.id'], ondelete='CASCADE',
                                name=op.f('fk_callback_attempts_callback_id_callbacks')),
        sa.ForeignKeyConstraint(['agent_id'], ['users.id'],
                                name=op.f('fk_callback_attempts_agent_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_attempts')),
    )
    op.create_index('ix_callback_attempts_callback_id', 'callback_attempts', ['callback_id'],
                    unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for table in _AUDITED:
            op.execute(f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION contactdesk_audit_change('id')")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in _AUDITED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_audit ON {table}")
    op.drop_index('ix_callback_attempts_callback_id', table_name='callback_attempts')
    op.drop_table('callback_attempts')
    op.drop_index('ix_callbacks_due_at', table_name='callbacks')
    op.drop_index('ix_callbacks_status_due_at', table_name='callbacks')
    op.drop_index('ix_callbacks_case_id', table_name='callbacks')
    op.drop_table('callbacks')
