"""Sign-in: password hashes, failed attempts per name, the acting person on audit rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:40:00

``users`` gains an Argon2id ``password_hash`` (local sign-in on SQLite) and the
``telephony`` role (the scheduled import's account); ``sign_in_failures``
counts failed attempts in a row per name typed, so guessing is slowed down
whether or not the name exists; ``audit_log.actor`` names who signed in.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = "role IN ('agent', 'supervisor', 'admin')"
NEW_ROLES = "role IN ('agent', 'supervisor', 'admin', 'telephony')"


def upgrade() -> None:
    op.create_table(
        'sign_in_failures',
        sa.Column('username', sa.String(length=40), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length(username) <= 40',
                           name=op.f('ck_sign_in_failures_username_length')),
        sa.PrimaryKeyConstraint('username', name=op.f('pk_sign_in_failures')),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role_known'), NEW_ROLES)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_audit_log_actor_length'),
                                         'length(actor) <= 64')


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_log_actor_length'), type_='check')
        batch_op.drop_column('actor')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role_known'), OLD_ROLES)
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('password_hash')
    op.drop_table('sign_in_failures')
