"""The phone at the desk: each person's device, the call's queue call id, the AMI secret.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-05 03:30:00

``users.device_interface`` is the queue member interface a person answers (PJSIP/1001),
unique when set. ``calls.queue_call_id`` is the caller channel's Uniqueid for a call taken
through the screen pop, the queue_log's callid, indexed for the join with call_attempts.
``telephony_secrets`` holds the manager interface account's secret in one row; its host,
port and account name are rows of ``settings``. Grants (persistence/grants.py) let every
desk read both and only administrators change them.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_interface', sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_device_interface'),
                                          ['device_interface'])
        batch_op.create_check_constraint(batch_op.f('ck_users_device_interface_length'),
                                         'length(device_interface) <= 80')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_call_id', sa.String(length=80), nullable=True))
        batch_op.create_index('ix_calls_queue_call_id', ['queue_call_id'], unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_calls_queue_call_id_length'),
                                         'length(queue_call_id) <= 80')
    op.create_table(
        'telephony_secrets',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('ami_secret', sa.String(length=2000), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_telephony_secrets_single_row')),
        sa.CheckConstraint('length(ami_secret) <= 2000',
                           name=op.f('ck_telephony_secrets_ami_secret_length')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_telephony_secrets')),
    )


def downgrade() -> None:
    op.drop_table('telephony_secrets')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_calls_queue_call_id_length'), type_='check')
        batch_op.drop_index('ix_calls_queue_call_id')
        batch_op.drop_column('queue_call_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_device_interface_length'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_users_device_interface'), type_='unique')
        batch_op.drop_column('device_interface')
