"""An audit that cannot be rewritten; what retention needs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 22:00:00

Every ``audit_log`` row gets a salted digest of its values and a hash chained
to the row before (``audit_chain`` holds the chain's end); rows already there
are sealed in id order. Reads and exports become audit actions. On SQLite,
triggers refuse to delete audit rows or change them other than retention's
redaction (values replaced, salt dropped). On PostgreSQL the database writes
the audit itself: a trigger on every audited table records each change with
the login that made it and the database clock, and a trigger on ``audit_log``
stamps each row and a trigger deferred to commit seals it into the chain under
a lock; edits and deletes are refused.
``category_groups.retention_months`` and ``anonymised_at`` on cases and
callers are for retention.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from contactdesk.persistence import audit_chain

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ACTIONS = "action IN ('create', 'update', 'delete')"
NEW_ACTIONS = "action IN ('create', 'update', 'delete', 'read', 'export', 'anonymise')"

# The audited tables and their key columns, as of this revision.
AUDITED = {
    "users": ("id",), "services": ("id",), "category_groups": ("id",), "categories": ("id",),
    "callers": ("id",), "calls": ("id",), "call_cases": ("call_id", "case_id"),
    "cases": ("id",), "case_notes": ("id",), "case_status_history": ("id",),
    "case_holds": ("id",), "complaints": ("id",), "complaint_stages": ("id",),
    "settings": ("key",), "streets": ("usrn",), "properties": ("uprn",),
}

_SAME_ROW = (
    "NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.user_id IS OLD.user_id "
    "AND NEW.actor IS OLD.actor AND NEW.db_login IS OLD.db_login AND NEW.entity = OLD.entity "
    "AND NEW.entity_id = OLD.entity_id AND NEW.action = OLD.action AND NEW.field IS OLD.field "
    "AND NEW.values_digest = OLD.values_digest")
# Retention's redaction: new values, salt dropped, everything else as it was.
_REDACTION_ONLY = (
    "OLD.values_salt IS NOT NULL AND NEW.values_salt IS NULL AND NEW.seq IS OLD.seq "
    f"AND NEW.row_hash IS OLD.row_hash AND {_SAME_ROW}")
# Sealing at commit (PostgreSQL): only the place and hash are set, once.
_SEALING_ONLY = (
    "OLD.seq IS NULL AND OLD.row_hash IS NULL AND NEW.seq IS NOT NULL "
    "AND NEW.row_hash IS NOT NULL AND NEW.values_salt IS OLD.values_salt "
    f"AND NEW.old_value IS OLD.old_value AND NEW.new_value IS OLD.new_value AND {_SAME_ROW}")


def _pg(condition: str) -> str:
    return condition.replace(" IS OLD.", " IS NOT DISTINCT FROM OLD.")


SQLITE_GUARDS = [
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'audit rows cannot be deleted'); END",
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN NOT ({_REDACTION_ONLY}) "
    "BEGIN SELECT RAISE(ABORT, 'audit rows cannot be changed'); END",
]

PG_FUNCTIONS = r"""
CREATE FUNCTION contactdesk_enc(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog
AS $$ SELECT CASE WHEN value IS NULL THEN '-' ELSE length(value)::text || ':' || value END $$;

CREATE FUNCTION contactdesk_sha256(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog
AS $$ SELECT encode(sha256(convert_to(value, 'UTF8')), 'hex') $$;

-- Who is acting: the person whose own login this is; otherwise (the owner, a
-- superuser, an operating-system account's connection) the name the app gave.
CREATE FUNCTION contactdesk_who(OUT who_id integer, OUT who text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    SELECT id, username INTO who_id, who FROM users WHERE username = session_user;
    IF who_id IS NULL THEN
        who := nullif(current_setting('contactdesk.actor', true), '');
        who_id := nullif(current_setting('contactdesk.user_id', true), '')::integer;
    END IF;
END $$;

-- Every new audit row: the database clock, the login, a salted digest of its values.
CREATE FUNCTION contactdesk_audit_stamp() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    NEW.at := now();
    NEW.db_login := session_user;
    NEW.seq := NULL;
    NEW.row_hash := NULL;
    NEW.values_salt := replace(gen_random_uuid()::text, '-', '');
    NEW.values_digest := contactdesk_sha256(
        NEW.values_salt || contactdesk_enc(NEW.old_value) || contactdesk_enc(NEW.new_value));
    RETURN NEW;
END $$;

-- At commit, the transaction's new rows take the next places in the chain and their hashes;
-- the chain's lock is the last the transaction takes, so writers never deadlock over it.
-- The first firing seals every unsealed row it can see (its own: others' are uncommitted)
-- and notes how far it got; the later firings for those rows return at once.
CREATE FUNCTION contactdesk_audit_seal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET timezone = 'UTC'
AS $$
DECLARE
    last record;
    r record;
    place bigint;
    hash text;
    up_to bigint := NEW.id;
BEGIN
    IF NEW.id <= coalesce(nullif(current_setting('contactdesk.sealed_up_to', true), ''),
                          '0')::bigint THEN
        RETURN NULL;
    END IF;
    SELECT last_seq, last_hash INTO last FROM audit_chain WHERE id = 1 FOR UPDATE;
    place := last.last_seq;
    hash := last.last_hash;
    FOR r IN SELECT id, at, user_id, actor, db_login, entity, entity_id, action, field,
                    values_digest
               FROM audit_log WHERE seq IS NULL ORDER BY id LOOP
        place := place + 1;
        hash := contactdesk_sha256(hash || '|'
            || contactdesk_enc(place::text) || contactdesk_enc(r.id::text)
            || contactdesk_enc((extract(epoch FROM r.at) * 1000000)::bigint::text)
            || contactdesk_enc(r.user_id::text) || contactdesk_enc(r.actor)
            || contactdesk_enc(r.db_login) || contactdesk_enc(r.entity)
            || contactdesk_enc(r.entity_id) || contactdesk_enc(r.action)
            || contactdesk_enc(r.field) || contactdesk_enc(r.values_digest));
        UPDATE audit_log SET seq = place, row_hash = hash WHERE id = r.id;
        up_to := greatest(up_to, r.id);
    END LOOP;
    UPDATE audit_chain SET last_seq = place, last_hash = hash WHERE id = 1;
    PERFORM set_config('contactdesk.sealed_up_to', up_to::text, true);
    RETURN NULL;
END $$;

CREATE FUNCTION contactdesk_audit_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (""" + _pg(_REDACTION_ONLY) + r""") OR (""" + _pg(_SEALING_ONLY) + r""") THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit rows cannot be changed or deleted' USING ERRCODE = 'insufficient_privilege';
END $$;

-- Records each change to an audited table (its key columns are the trigger's arguments):
-- a snapshot for inserts and deletes, one row per changed field for updates.
CREATE FUNCTION contactdesk_audit_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET timezone = 'UTC'
AS $$
DECLARE
    new_row jsonb;
    old_row jsonb;
    row_key text;
    actor record;
BEGIN
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
    SELECT string_agg(coalesce(new_row, old_row) ->> key_column, ',' ORDER BY position)
      INTO row_key FROM unnest(TG_ARGV) WITH ORDINALITY AS k(key_column, position);
    SELECT * INTO actor FROM contactdesk_who();
    IF TG_OP = 'INSERT' OR TG_OP = 'DELETE' THEN
        INSERT INTO audit_log (user_id, actor, entity, entity_id, action, old_value, new_value)
        SELECT actor.who_id, actor.who, TG_TABLE_NAME, row_key,
               CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'delete' END,
               CASE TG_OP WHEN 'DELETE' THEN snapshot END,
               CASE TG_OP WHEN 'INSERT' THEN snapshot END
          FROM (SELECT jsonb_object_agg(f.key, CASE WHEN f.key = 'password_hash'
                       AND f.value IS NOT NULL THEN '(hidden)' ELSE f.value END)::text AS snapshot
                  FROM jsonb_each_text(coalesce(new_row, old_row)) f) s;
    ELSE
        INSERT INTO audit_log (user_id, actor, entity, entity_id, action, field, old_value,
                               new_value)
        SELECT actor.who_id, actor.who, TG_TABLE_NAME, row_key, 'update', n.key,
               CASE WHEN n.key = 'password_hash' AND o.value IS NOT NULL THEN '(hidden)'
                    ELSE o.value END,
               CASE WHEN n.key = 'password_hash' AND n.value IS NOT NULL THEN '(hidden)'
                    ELSE n.value END
          FROM jsonb_each_text(new_row) n JOIN jsonb_each_text(old_row) o USING (key)
         WHERE n.value IS DISTINCT FROM o.value
           AND n.key NOT IN ('version', 'updated_at', 'updated_by_id')
         ORDER BY n.key;
    END IF;
    RETURN NULL;
END $$;

-- A read or export of personal data, recorded by the database for whoever asks.
CREATE FUNCTION contactdesk_record_access(p_action text, p_entity text, p_entity_id text,
                                          p_detail text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    actor record;
BEGIN
    IF p_action NOT IN ('read', 'export', 'anonymise') THEN
        RAISE EXCEPTION 'only reads, exports and anonymising are recorded this way' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO actor FROM contactdesk_who();
    INSERT INTO audit_log (user_id, actor, entity, entity_id, action, new_value)
    VALUES (actor.who_id, actor.who, left(p_entity, 40), left(p_entity_id, 40), p_action, p_detail);
END $$;

CREATE TRIGGER audit_log_stamp BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION contactdesk_audit_stamp();
CREATE CONSTRAINT TRIGGER audit_log_seal AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION contactdesk_audit_seal();
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION contactdesk_audit_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION contactdesk_audit_guard();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
DROP TRIGGER IF EXISTS audit_log_guard ON audit_log;
DROP TRIGGER IF EXISTS audit_log_seal ON audit_log;
DROP TRIGGER IF EXISTS audit_log_stamp ON audit_log;
DROP FUNCTION IF EXISTS contactdesk_record_access(text, text, text, text);
DROP FUNCTION IF EXISTS contactdesk_audit_change();
DROP FUNCTION IF EXISTS contactdesk_audit_guard();
DROP FUNCTION IF EXISTS contactdesk_audit_seal();
DROP FUNCTION IF EXISTS contactdesk_audit_stamp();
DROP FUNCTION IF EXISTS contactdesk_who();
DROP FUNCTION IF EXISTS contactdesk_sha256(text);
DROP FUNCTION IF EXISTS contactdesk_enc(text);
"""


def _seal_existing_rows() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, at, user_id, actor, db_login, entity, entity_id, action, field, old_value, "
        "new_value FROM audit_log ORDER BY id")).mappings()
    last_seq, last_hash = audit_chain.rechain(
        connection, (audit_chain._as_written(dict(row)) for row in rows.all()))
    connection.execute(sa.text("INSERT INTO audit_chain (id, last_seq, last_hash) "
                               "VALUES (1, :s, :h)"), {"s": last_seq, "h": last_hash})


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('category_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_category_groups_retention_months_range'),
            'retention_months IS NULL OR retention_months BETWEEN 1 AND 1200')
    op.add_column('cases', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('callers', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        'audit_chain',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_seq', sa.BigInteger(), nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_single_row')),
        sa.CheckConstraint('length(last_hash) <= 64', name=op.f('ck_audit_chain_last_hash_length')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain')),
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('db_login', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('values_salt', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('values_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    _seal_existing_rows()
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('values_digest', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_seq'), ['seq'])
        batch_op.create_index('ix_audit_log_unsealed', ['id'], unique=False,
                              sqlite_where=sa.text('seq IS NULL'),
                              postgresql_where=sa.text('seq IS NULL'))
        batch_op.drop_constraint(batch_op.f('ck_audit_log_action_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_log_action_known'), NEW_ACTIONS)
        for column, length in (('db_login', 64), ('values_salt', 32), ('values_digest', 64),
                               ('row_hash', 64)):
            batch_op.create_check_constraint(batch_op.f(f'ck_audit_log_{column}_length'),
                                             f'length({column}) <= {length}')

    if dialect == "sqlite":
        for statement in SQLITE_GUARDS:
            op.execute(statement)
        return
    op.execute(PG_FUNCTIONS)
    for table, keys in AUDITED.items():
        arguments = ", ".join(f"'{k}'" for k in keys)
        op.execute(f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION contactdesk_audit_change({arguments})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        for table in AUDITED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_audit ON {table}")
        op.execute(PG_DROP)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        for column in ('db_login', 'values_salt', 'values_digest', 'row_hash'):
            batch_op.drop_constraint(batch_op.f(f'ck_audit_log_{column}_length'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_audit_log_action_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_log_action_known'), OLD_ACTIONS)
        batch_op.drop_index('ix_audit_log_unsealed')
        batch_op.drop_constraint(batch_op.f('uq_audit_log_seq'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('values_digest')
        batch_op.drop_column('values_salt')
        batch_op.drop_column('db_login')
    op.drop_table('audit_chain')
    op.drop_column('callers', 'anonymised_at')
    op.drop_column('cases', 'anonymised_at')
    with op.batch_alter_table('category_groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_category_groups_retention_months_range'),
                                 type_='check')
        batch_op.drop_column('retention_months')
