"""PostgreSQL enforces the roles: group roles, row-level security, the owner's functions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 22:40:00

Creates the group roles ``agent``, ``supervisor``, ``admin`` and ``telephony``
(NOLOGIN, no attributes, members of nothing; each person's login joins one).
Their grants are applied after every upgrade from contactdesk/persistence/
grants.py. Row-level security: complaint stages are inserted without an
outcome and, once answered, change only through
``contactdesk_record_complaint_outcome``; anonymised cases are read-only; the
audit shows desk roles the history of records, not who read or exported what
nor changes to users. SECURITY DEFINER functions (owned by the schema's owner,
fixed search_path, checking who calls) record complaint outcomes, manage
logins and redact the audit of anonymised cases. Nothing on SQLite.
"""
from collections.abc import Sequence

from alembic import op

from contactdesk.persistence.audit_redaction import RELATED_ROWS_BEFORE_CALLBACKS as RELATED_ROWS

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("agent", "supervisor", "admin", "telephony")
DESK = "agent, supervisor, admin"

CREATE_GROUPS = """
DO $$
DECLARE
    name text;
    existing record;
BEGIN
    FOREACH name IN ARRAY ARRAY['agent', 'supervisor', 'admin', 'telephony'] LOOP
        SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole INTO existing
          FROM pg_roles WHERE rolname = name;
        IF NOT FOUND THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', name);
            EXECUTE format('COMMENT ON ROLE %I IS %L', name, 'ContactDesk group');
        ELSIF existing.rolcanlogin OR existing.rolsuper OR existing.rolbypassrls OR existing.rolcreaterole THEN
            RAISE EXCEPTION 'the role % exists and can log in or has special attributes: ContactDesk needs it as a plain group role', name;
        END IF;
    END LOOP;
END $$;
"""

POLICIES = f"""
ALTER TABLE complaint_stages ENABLE ROW LEVEL SECURITY;
CREATE POLICY stages_read ON complaint_stages FOR SELECT TO {DESK} USING (true);
CREATE POLICY stages_open_without_outcome ON complaint_stages FOR INSERT TO {DESK}
    WITH CHECK (outcome IS NULL AND response_on IS NULL AND recorded_by_id IS NULL
                AND lessons_learnt IS NULL AND remedy IS NULL);
CREATE POLICY stages_handle_until_answered ON complaint_stages FOR UPDATE TO supervisor, admin
    USING (outcome IS NULL) WITH CHECK (outcome IS NULL);

ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY cases_read ON cases FOR SELECT TO {DESK} USING (true);
CREATE POLICY cases_log ON cases FOR INSERT TO {DESK} WITH CHECK (anonymised_at IS NULL);
CREATE POLICY cases_work_until_anonymised ON cases FOR UPDATE TO agent, supervisor
    USING (anonymised_at IS NULL) WITH CHECK (anonymised_at IS NULL);
CREATE POLICY cases_admin_until_anonymised ON cases FOR UPDATE TO admin
    USING (anonymised_at IS NULL) WITH CHECK (true);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_history ON audit_log FOR SELECT TO agent, supervisor
    USING (action IN ('create', 'update', 'delete') AND entity <> 'users');
CREATE POLICY audit_everything ON audit_log FOR SELECT TO admin USING (true);
"""

# Who may call a restricted function: a member of one of ``groups`` or the schema's owner.
_CALLER_CHECK = """
    IF NOT (pg_has_role(session_user, (SELECT relowner FROM pg_class
                                        WHERE oid = 'public.users'::regclass), 'MEMBER')
            OR {groups}) THEN
        RAISE EXCEPTION '{what}' USING ERRCODE = 'insufficient_privilege';
    END IF;
"""


def _may(groups: tuple[str, ...], what: str) -> str:
    members = " OR ".join(f"pg_has_role(session_user, '{g}', 'MEMBER')" for g in groups)
    return _CALLER_CHECK.format(groups=members, what=what)


FUNCTIONS = f"""
CREATE FUNCTION contactdesk_record_complaint_outcome(
    p_stage_id integer, p_outcome text, p_lessons text, p_remedy text, p_response_on date,
    p_recorded_by integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
{_may(("supervisor", "admin"), "only supervisors and administrators record complaint outcomes")}
    UPDATE complaint_stages
       SET outcome = p_outcome, lessons_learnt = p_lessons, remedy = p_remedy,
           response_on = p_response_on, recorded_by_id = p_recorded_by
     WHERE id = p_stage_id AND outcome IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this complaint stage already has its outcome' USING ERRCODE = 'check_violation';
    END IF;
END $$;

CREATE FUNCTION contactdesk_redact_case_audit(p_case_id integer, p_ids bigint[],
                                              p_olds text[], p_news text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
{_may(("admin",), "only administrators run retention")}
    IF NOT EXISTS (SELECT 1 FROM cases WHERE id = p_case_id AND anonymised_at IS NOT NULL) THEN
        RAISE EXCEPTION 'case % is not anonymised: its audit is kept as it is', p_case_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT unnest(p_ids) EXCEPT SELECT id FROM ({RELATED_ROWS.replace(":case_id", "p_case_id").replace("ORDER BY a.id", "")}) related) THEN
        RAISE EXCEPTION 'only the audit rows of case % may be redacted', p_case_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE audit_log a SET old_value = c.old_value, new_value = c.new_value, values_salt = NULL
      FROM unnest(p_ids, p_olds, p_news) AS c(id, old_value, new_value)
     WHERE a.id = c.id;
END $$;

CREATE FUNCTION contactdesk_login_is_ours(p_login text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog
AS $$ SELECT shobj_description(oid, 'pg_authid') = 'ContactDesk user'
        FROM pg_roles WHERE rolname = p_login $$;

CREATE FUNCTION contactdesk_create_login(p_login text, p_verifier text, p_group text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    other text;
BEGIN
{_may(("admin",), "only administrators add logins")}
    IF p_group NOT IN ('agent', 'supervisor', 'admin', 'telephony') THEN
        RAISE EXCEPTION 'unknown group %', p_group USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'the password must arrive hashed' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        IF NOT coalesce(contactdesk_login_is_ours(p_login), false) THEN
            RAISE EXCEPTION 'the login % exists and is not a ContactDesk user', p_login
                USING ERRCODE = 'duplicate_object';
        END IF;
        EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L',
                       p_login, p_verifier);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L',
                       p_login, p_verifier);
        EXECUTE format('COMMENT ON ROLE %I IS %L', p_login, 'ContactDesk user');
    END IF;
    FOREACH other IN ARRAY ARRAY['agent', 'supervisor', 'admin', 'telephony'] LOOP
        IF other <> p_group AND pg_has_role(p_login, other, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', other, p_login);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', p_group, p_login);
END $$;

CREATE FUNCTION contactdesk_set_login_password(p_login text, p_verifier text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
{_may(("admin",), "only administrators set passwords")}
    IF NOT coalesce(contactdesk_login_is_ours(p_login), false) THEN
        RAISE EXCEPTION 'the login % is not a ContactDesk user', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'the password must arrive hashed' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', p_login, p_verifier);
END $$;

CREATE FUNCTION contactdesk_disable_login(p_login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
{_may(("admin",), "only administrators disable logins")}
    IF NOT coalesce(contactdesk_login_is_ours(p_login), false) THEN
        RAISE EXCEPTION 'the login % is not a ContactDesk user', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_login);
END $$;
"""

DROP = """
DROP FUNCTION IF EXISTS contactdesk_disable_login(text);
DROP FUNCTION IF EXISTS contactdesk_set_login_password(text, text);
DROP FUNCTION IF EXISTS contactdesk_create_login(text, text, text);
DROP FUNCTION IF EXISTS contactdesk_login_is_ours(text);
DROP FUNCTION IF EXISTS contactdesk_redact_case_audit(integer, bigint[], text[], text[]);
DROP FUNCTION IF EXISTS contactdesk_record_complaint_outcome(integer, text, text, text, date, integer);
DROP POLICY IF EXISTS audit_everything ON audit_log;
DROP POLICY IF EXISTS audit_history ON audit_log;
ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS cases_admin_until_anonymised ON cases;
DROP POLICY IF EXISTS cases_work_until_anonymised ON cases;
DROP POLICY IF EXISTS cases_log ON cases;
DROP POLICY IF EXISTS cases_read ON cases;
ALTER TABLE cases DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS stages_handle_until_answered ON complaint_stages;
DROP POLICY IF EXISTS stages_open_without_outcome ON complaint_stages;
DROP POLICY IF EXISTS stages_read ON complaint_stages;
ALTER TABLE complaint_stages DISABLE ROW LEVEL SECURITY;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CREATE_GROUPS)
    op.execute(POLICIES)
    op.execute(FUNCTIONS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(DROP)  # the group roles are server-wide and may serve other databases
