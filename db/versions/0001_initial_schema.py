"""Initial schema: users, services, categories, callers, gazetteer, calls, cases, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 06:45:00.725083

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""

    op.create_table('category_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('prefix', sa.String(length=4), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(code) <= 40', name=op.f('ck_category_groups_code_length')),
    sa.CheckConstraint('length(name) <= 120', name=op.f('ck_category_groups_name_length')),
    sa.CheckConstraint('length(prefix) <= 4', name=op.f('ck_category_groups_prefix_length')),
    sa.CheckConstraint('length(prefix) BETWEEN 2 AND 4', name=op.f('ck_category_groups_prefix_size')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_category_groups_code')),
    sa.UniqueConstraint('name', name=op.f('uq_category_groups_name'))
    )
    op.create_table('reference_counters',
    sa.Column('prefix', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_value >= 0', name=op.f('ck_reference_counters_last_value_not_negative')),
    sa.CheckConstraint('length(prefix) <= 4', name=op.f('ck_reference_counters_prefix_length')),
    sa.PrimaryKeyConstraint('prefix', 'year', name=op.f('pk_reference_counters'))
    )
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('length(code) <= 40', name=op.f('ck_services_code_length')),
    sa.CheckConstraint('length(contact_email) <= 254', name=op.f('ck_services_contact_email_length')),
    sa.CheckConstraint('length(name) <= 120', name=op.f('ck_services_name_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('code', name=op.f('uq_services_code')),
    sa.UniqueConstraint('name', name=op.f('uq_services_name'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=2000), nullable=False),
    sa.CheckConstraint('length(key) <= 40', name=op.f('ck_settings_key_length')),
    sa.CheckConstraint('length(value) <= 2000', name=op.f('ck_settings_value_length')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('streets',
    sa.Column('usrn', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('locality', sa.String(length=60), nullable=True),
    sa.Column('town', sa.String(length=60), nullable=False),
    sa.CheckConstraint('length(locality) <= 60', name=op.f('ck_streets_locality_length')),
    sa.CheckConstraint('length(name) <= 100', name=op.f('ck_streets_name_length')),
    sa.CheckConstraint('length(town) <= 60', name=op.f('ck_streets_town_length')),
    sa.PrimaryKeyConstraint('usrn', name=op.f('pk_streets'))
    )
    with op.batch_alter_table('streets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_streets_name'), ['name'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('agent', 'supervisor', 'admin')", name=op.f('ck_users_role_known')),
    sa.CheckConstraint('length(full_name) <= 120', name=op.f('ck_users_full_name_length')),
    sa.CheckConstraint('length(role) <= 20', name=op.f('ck_users_role_length')),
    sa.CheckConstraint('length(username) <= 40', name=op.f('ck_users_username_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.CheckConstraint("action IN ('create', 'update', 'delete')", name=op.f('ck_audit_log_action_known')),
    sa.CheckConstraint('length(action) <= 10', name=op.f('ck_audit_log_action_length')),
    sa.CheckConstraint('length(entity) <= 40', name=op.f('ck_audit_log_entity_length')),
    sa.CheckConstraint('length(entity_id) <= 40', name=op.f('ck_audit_log_entity_id_length')),
    sa.CheckConstraint('length(field) <= 40', name=op.f('ck_audit_log_field_length')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('default_service_id', sa.Integer(), nullable=False),
    sa.Column('target_amount', sa.Integer(), nullable=False),
    sa.Column('target_unit', sa.String(length=20), nullable=False),
    sa.Column('location_required', sa.Boolean(), nullable=False),
    sa.Column('prompts', sa.Text(), nullable=False),
    sa.Column('keywords', sa.String(length=1000), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("target_unit IN ('working_hours', 'working_days')", name=op.f('ck_categories_target_unit_known')),
    sa.CheckConstraint('length(code) <= 40', name=op.f('ck_categories_code_length')),
    sa.CheckConstraint('length(keywords) <= 1000', name=op.f('ck_categories_keywords_length')),
    sa.CheckConstraint('length(name) <= 120', name=op.f('ck_categories_name_length')),
    sa.CheckConstraint('length(target_unit) <= 20', name=op.f('ck_categories_target_unit_length')),
    sa.CheckConstraint('target_amount > 0', name=op.f('ck_categories_target_positive')),
    sa.ForeignKeyConstraint(['default_service_id'], ['services.id'], name=op.f('fk_categories_default_service_id_services')),
    sa.ForeignKeyConstraint(['group_id'], ['category_groups.id'], name=op.f('fk_categories_group_id_category_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_categories_code'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_categories_group_id'), ['group_id'], unique=False)

    op.create_table('properties',
    sa.Column('uprn', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('usrn', sa.BigInteger(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=8), nullable=False),
    sa.CheckConstraint('length(address) <= 200', name=op.f('ck_properties_address_length')),
    sa.CheckConstraint('length(postcode) <= 8', name=op.f('ck_properties_postcode_length')),
    sa.ForeignKeyConstraint(['usrn'], ['streets.usrn'], name=op.f('fk_properties_usrn_streets')),
    sa.PrimaryKeyConstraint('uprn', name=op.f('pk_properties'))
    )
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_properties_postcode'), ['postcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_properties_usrn'), ['usrn'], unique=False)

    op.create_table('callers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('phone_e164', sa.String(length=16), nullable=True),
    sa.Column('phone_raw', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('uprn', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(address) <= 200', name=op.f('ck_callers_address_length')),
    sa.CheckConstraint('length(email) <= 254', name=op.f('ck_callers_email_length')),
    sa.CheckConstraint('length(name) <= 120', name=op.f('ck_callers_name_length')),
    sa.CheckConstraint('length(phone_e164) <= 16', name=op.f('ck_callers_phone_e164_length')),
    sa.CheckConstraint('length(phone_raw) <= 40', name=op.f('ck_callers_phone_raw_length')),
    sa.CheckConstraint('length(postcode) <= 8', name=op.f('ck_callers_postcode_length')),
    sa.ForeignKeyConstraint(['uprn'], ['properties.uprn'], name=op.f('fk_callers_uprn_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callers'))
    )
    with op.batch_alter_table('callers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callers_phone_e164'), ['phone_e164'], unique=False)

    op.create_table('calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('caller_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('wait_seconds', sa.Double(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('summary', sa.String(length=4000), nullable=True),
    sa.Column('idempotency_key', sa.String(length=36), nullable=False),
    sa.CheckConstraint("channel IN ('phone', 'email', 'face_to_face', 'web', 'letter')", name=op.f('ck_calls_channel_known')),
    sa.CheckConstraint("outcome IN ('resolved_first_contact', 'case_created', 'transferred', 'information_given')", name=op.f('ck_calls_outcome_known')),
    sa.CheckConstraint('length(channel) <= 20', name=op.f('ck_calls_channel_length')),
    sa.CheckConstraint('length(idempotency_key) <= 36', name=op.f('ck_calls_idempotency_key_length')),
    sa.CheckConstraint('length(outcome) <= 30', name=op.f('ck_calls_outcome_length')),
    sa.CheckConstraint('length(summary) <= 4000', name=op.f('ck_calls_summary_length')),
    sa.CheckConstraint('wait_seconds IS NULL OR wait_seconds >= 0', name=op.f('ck_calls_wait_not_negative')),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_calls_agent_id_users')),
    sa.ForeignKeyConstraint(['caller_id'], ['callers.id'], name=op.f('fk_calls_caller_id_callers')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_calls_category_id_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_calls_idempotency_key'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_caller_id'), ['caller_id'], unique=False)
        batch_op.create_index('ix_calls_started_at', ['started_at'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('routing_reason', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('description', sa.String(length=4000), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('usrn', sa.BigInteger(), nullable=True),
    sa.Column('uprn', sa.BigInteger(), nullable=True),
    sa.Column('caller_id', sa.Integer(), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.CheckConstraint("priority IN ('low', 'normal', 'high', 'urgent')", name=op.f('ck_cases_priority_known')),
    sa.CheckConstraint("status IN ('new', 'routed', 'in_progress', 'resolved', 'closed', 'duplicate', 'withdrawn')", name=op.f('ck_cases_status_known')),
    sa.CheckConstraint('length(description) <= 4000', name=op.f('ck_cases_description_length')),
    sa.CheckConstraint('length(idempotency_key) <= 64', name=op.f('ck_cases_idempotency_key_length')),
    sa.CheckConstraint('length(location) <= 200', name=op.f('ck_cases_location_length')),
    sa.CheckConstraint('length(postcode) <= 8', name=op.f('ck_cases_postcode_length')),
    sa.CheckConstraint('length(priority) <= 10', name=op.f('ck_cases_priority_length')),
    sa.CheckConstraint('length(reference) <= 20', name=op.f('ck_cases_reference_length')),
    sa.CheckConstraint('length(routing_reason) <= 500', name=op.f('ck_cases_routing_reason_length')),
    sa.CheckConstraint('length(status) <= 20', name=op.f('ck_cases_status_length')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_cases_version_positive')),
    sa.ForeignKeyConstraint(['caller_id'], ['callers.id'], name=op.f('fk_cases_caller_id_callers')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_cases_category_id_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['cases.id'], name=op.f('fk_cases_duplicate_of_id_cases')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_cases_service_id_services')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_cases_updated_by_id_users')),
    sa.ForeignKeyConstraint(['uprn'], ['properties.uprn'], name=op.f('fk_cases_uprn_properties')),
    sa.ForeignKeyConstraint(['usrn'], ['streets.usrn'], name=op.f('fk_cases_usrn_streets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_cases_idempotency_key')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_caller_id'), ['caller_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_postcode'), ['postcode'], unique=False)
        batch_op.create_index('ix_cases_received_at', ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_service_id'), ['service_id'], unique=False)
        batch_op.create_index('ix_cases_status_due_at', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_usrn'), ['usrn'], unique=False)

    op.create_table('call_cases',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('link', sa.String(length=10), nullable=False),
    sa.CheckConstraint("link IN ('created', 'added')", name=op.f('ck_call_cases_link_known')),
    sa.CheckConstraint('length(link) <= 10', name=op.f('ck_call_cases_link_length')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_cases_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_call_cases_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', 'case_id', name=op.f('pk_call_cases'))
    )
    with op.batch_alter_table('call_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_cases_case_id'), ['case_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('body', sa.String(length=4000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("visibility IN ('internal', 'caller')", name=op.f('ck_case_notes_visibility_known')),
    sa.CheckConstraint('length(body) <= 4000', name=op.f('ck_case_notes_body_length')),
    sa.CheckConstraint('length(visibility) <= 10', name=op.f('ck_case_notes_visibility_length')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('case_status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(from_status) <= 20', name=op.f('ck_case_status_history_from_status_length')),
    sa.CheckConstraint('length(reason) <= 500', name=op.f('ck_case_status_history_reason_length')),
    sa.CheckConstraint('length(to_status) <= 20', name=op.f('ck_case_status_history_to_status_length')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_status_history_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_case_status_history_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_status_history'))
    )
    with op.batch_alter_table('case_status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_status_history_case_id'), ['case_id'], unique=False)




def downgrade() -> None:
    """Downgrade schema."""

    with op.batch_alter_table('case_status_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_status_history_case_id'))

    op.drop_table('case_status_history')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('call_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_cases_case_id'))

    op.drop_table('call_cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_usrn'))
        batch_op.drop_index('ix_cases_status_due_at')
        batch_op.drop_index(batch_op.f('ix_cases_service_id'))
        batch_op.drop_index('ix_cases_received_at')
        batch_op.drop_index(batch_op.f('ix_cases_postcode'))
        batch_op.drop_index(batch_op.f('ix_cases_category_id'))
        batch_op.drop_index(batch_op.f('ix_cases_caller_id'))

    op.drop_table('cases')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_started_at')
        batch_op.drop_index(batch_op.f('ix_calls_caller_id'))

    op.drop_table('calls')
    with op.batch_alter_table('callers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callers_phone_e164'))

    op.drop_table('callers')
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_properties_usrn'))
        batch_op.drop_index(batch_op.f('ix_properties_postcode'))

    op.drop_table('properties')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_categories_group_id'))

    op.drop_table('categories')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')
    op.drop_table('users')
    with op.batch_alter_table('streets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_streets_name'))

    op.drop_table('streets')
    op.drop_table('settings')
    op.drop_table('services')
    op.drop_table('reference_counters')
    op.drop_table('category_groups')

