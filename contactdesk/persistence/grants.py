"""What each PostgreSQL group role may touch: the permission matrix, as the database enforces it.

Every person's login is a member of exactly one group (agent, supervisor,
admin, telephony). The groups get exactly these grants, applied by every
``db upgrade`` (``apply``) and compared with what the database really allows
by ``db grant-check`` (``check``). What grants cannot say row by row (closed
complaint stages, anonymised cases, whose audit rows one may read) row-level
security says (db/versions/0007); what no group may do directly (record a
complaint outcome, manage logins, redact the audit) only the owner's
SECURITY DEFINER functions do, after their own checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

GROUPS = ("agent", "supervisor", "admin", "telephony")
# Tables with row-level security (db/versions/0007 and 0009).
ROW_SECURED = ("cases", "complaint_stages", "audit_log", "case_viewers")
DESK = ("agent", "supervisor", "admin")
SUPERVISION = ("supervisor", "admin")
ADMIN = ("admin",)

ALL = "*"  # every column

# Columns nobody changes after insert (or only retention, through admin's grant).
_CASE_FIXED = ("id", "reference", "idempotency_key", "created_at", "created_by_id",
               "received_at", "anonymised_at")
_CASE_COLUMNS = ("category_id", "service_id", "routing_reason", "status", "priority",
                 "description", "location", "postcode", "usrn", "uprn", "caller_id",
                 "duplicate_of_id", "due_at", "closed_at", "updated_by_id", "updated_at",
                 "version")
_CALLER_COLUMNS = ("name", "phone_e164", "phone_raw", "email", "address", "postcode", "uprn",
                   "updated_at", "version")
_STAGE_HANDLING = ("officer_id", "acknowledge_by", "acknowledged_on", "respond_by",
                   "extension_days", "extension_reason", "escalation_reason")
_COMPLAINT_HANDLING = ("status", "current_stage", "closed_on", "updated_by_id", "updated_at",
                       "version")
_TELEPHONY = ("call_attempts", "agent_events", "telephony_feeds", "call_wait_days",
              "daily_call_rollup")


@dataclass(frozen=True)
class Grant:
    table: str
    privilege: str            # SELECT, INSERT, UPDATE, DELETE
    groups: tuple[str, ...]
    columns: tuple[str, ...] | str = ALL


def _grants() -> list[Grant]:
    g: list[Grant] = []

    def add(tables, privilege, groups, columns=ALL):
        for table in (tables,) if isinstance(tables, str) else tables:
            g.append(Grant(table, privilege, groups, columns))

    # Everyone signed in reads the schema version (sign-in checks it) and who uses the app.
    add(("alembic_version", "users"), "SELECT", GROUPS)
    # The catalogue and the gazetteer.
    add(("services", "category_groups", "categories", "streets", "properties", "settings"),
        "SELECT", DESK)
    # Cases, callers and calls: read, log and work (the matrix's desk permissions).
    case_tables = ("callers", "caller_name_words", "calls", "call_cases", "cases",
                   "case_location_words", "case_notes", "case_status_history", "case_holds",
                   "reference_counters")
    add(case_tables, "SELECT", DESK)
    add(case_tables, "INSERT", DESK)
    add(("caller_name_words", "case_location_words"), "DELETE", DESK)  # search-word triggers
    add("reference_counters", "UPDATE", DESK)
    add("cases", "UPDATE", DESK, _CASE_COLUMNS)
    add("callers", "UPDATE", DESK, _CALLER_COLUMNS)
    add("case_holds", "UPDATE", DESK, ("ended_at", "due_after", "ended_by_id"))
    add("call_cases", "UPDATE", DESK, ("link",))
    # Callbacks: asked for, claimed and rung by the desk; each try is a new row.
    add(("callbacks", "callback_attempts"), "SELECT", DESK)
    add(("callbacks", "callback_attempts"), "INSERT", DESK)
    add("callbacks", "UPDATE", DESK, ("status", "failed_attempts", "claimed_by_id", "claimed_at",
                                      "closed_at", "version"))
    # Who has which case open: everyone reads, each login writes its own rows (row security).
    for privilege in ("SELECT", "INSERT", "DELETE"):
        add("case_viewers", privilege, DESK)
    add("case_viewers", "UPDATE", DESK, ("full_name", "seen_at"))
    # Statistics: the reports everyone prints read them; the app's call timer writes attempts.
    add(_TELEPHONY, "SELECT", GROUPS)
    add("call_attempts", "INSERT", GROUPS)
    add("call_attempts", "UPDATE", SUPERVISION + ("telephony",),
        ("outcome", "wait_seconds", "talk_seconds", "agent", "ended_epoch", "call_id"))
    add(("agent_events", "telephony_feeds", "call_wait_days", "daily_call_rollup"), "INSERT",
        SUPERVISION + ("telephony",))
    add("telephony_feeds", "UPDATE", SUPERVISION + ("telephony",),
        ("bytes_read", "lines_read", "prefix_sha256", "imported_at"))
    add(("call_wait_days", "daily_call_rollup"), "DELETE", SUPERVISION + ("telephony",))
    # Complaints: everyone logs; handling (not the outcome) is for supervisors and admins.
    add(("complaints", "complaint_stages"), "SELECT", DESK)
    add(("complaints", "complaint_stages"), "INSERT", DESK)
    add("complaints", "UPDATE", SUPERVISION, _COMPLAINT_HANDLING)
    add("complaint_stages", "UPDATE", SUPERVISION, _STAGE_HANDLING)
    # The audit: the case and complaint history (row security narrows it), the chain's end.
    add("audit_log", "SELECT", DESK)
    add("audit_chain", "SELECT", ADMIN)
    # Administration: people, the catalogue, settings, retention and demo data.
    add("users", "INSERT", ADMIN)
    add("users", "UPDATE", ADMIN, ("full_name", "role", "active", "password_hash",
                                   "password_changed_at", "device_interface"))
    # The phone system account: every desk logs in to it with the secret; admins change it.
    add("telephony_secrets", "SELECT", DESK)
    add("telephony_secrets", "INSERT", ADMIN)
    add("telephony_secrets", "UPDATE", ADMIN)
    add(("services", "category_groups", "categories", "settings", "streets", "properties"),
        "INSERT", ADMIN)
    add(("services", "categories", "settings", "streets", "properties"), "UPDATE", ADMIN)
    add("category_groups", "UPDATE", ADMIN, ("name", "sort_order", "retention_months"))
    add(("streets", "properties"), "DELETE", ADMIN)
    # Retention anonymises: the personal columns of cases, callers, notes, calls, reasons.
    add("cases", "UPDATE", ADMIN, ("anonymised_at",))
    add("callers", "UPDATE", ADMIN, ("anonymised_at",))
    add("case_notes", "UPDATE", ADMIN, ("body",))
    add("case_status_history", "UPDATE", ADMIN, ("reason",))
    add("case_holds", "UPDATE", ADMIN, ("reason",))
    add("calls", "UPDATE", ADMIN, ("summary", "caller_id"))
    add("callbacks", "UPDATE", ADMIN, ("phone_e164", "reason"))
    add("callback_attempts", "UPDATE", ADMIN, ("dial_result",))
    return g


GRANTS = _grants()

# Functions each group may call (all others: only the owner).
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "contactdesk_record_access(text, text, text, text)": GROUPS,
    "contactdesk_record_complaint_outcome(integer, text, text, text, date, integer)": SUPERVISION,
    "contactdesk_redact_case_audit(integer, bigint[], text[], text[])": ADMIN,
    "contactdesk_create_login(text, text, text)": ADMIN,
    "contactdesk_set_login_password(text, text)": ADMIN,
    "contactdesk_disable_login(text)": ADMIN,
}


def expected(group: str) -> dict[tuple[str, str], tuple[str, ...] | str]:
    """(table, privilege) -> the columns ``group`` may use (ALL for the whole table)."""
    result: dict[tuple[str, str], tuple[str, ...] | str] = {}
    for grant in GRANTS:
        if group not in grant.groups:
            continue
        key = (grant.table, grant.privilege)
        have = result.get(key)
        if have == ALL or grant.columns == ALL:
            result[key] = ALL
        else:
            result[key] = tuple(sorted(set(have or ()) | set(grant.columns)))
    return result


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def statements() -> list[str]:
    """Revoke everything from PUBLIC and the groups, then grant exactly the matrix."""
    groups = ", ".join(GROUPS)
    out = [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {groups}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {groups}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {groups}",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, {groups}",
    ]
    for grant in GRANTS:
        columns = "" if grant.columns == ALL else "(" + ", ".join(grant.columns) + ")"
        out.append(f"GRANT {grant.privilege} {columns} ON {_quote(grant.table)} "
                   f"TO {', '.join(grant.groups)}")
    for function, who in FUNCTIONS.items():
        out.append(f"GRANT EXECUTE ON FUNCTION {function} TO {', '.join(who)}")
    return out


def apply(connection: Connection) -> None:
    """Bring the groups' grants to the matrix (PostgreSQL; run by the owner at each upgrade)."""
    database = connection.scalar(text("SELECT current_database()"))
    connection.exec_driver_sql(f"REVOKE ALL ON DATABASE {_quote(database)} FROM PUBLIC")
    connection.exec_driver_sql(
        f"GRANT CONNECT ON DATABASE {_quote(database)} TO {', '.join(GROUPS)}")
    for statement in statements():
        connection.exec_driver_sql(statement)
    _logins_into_their_groups(connection)
    # Inserting needs the id sequences of the tables a group inserts into.
    for group in GROUPS:
        for (table, privilege), _columns in expected(group).items():
            if privilege != "INSERT":
                continue
            sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                         {"t": table}) if _has_id(connection, table) else None
            if sequence:
                connection.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {sequence} TO {group}")


def _logins_into_their_groups(connection: Connection) -> None:
    """Logins made before the groups existed: their own grants go, their group's come."""
    logins = connection.execute(text(
        "SELECT u.username, u.role FROM users u JOIN pg_roles r ON r.rolname = u.username "
        "WHERE shobj_description(r.oid, 'pg_authid') = 'ContactDesk user'")).all()
    for login, role in logins:
        name = _quote(login)
        connection.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}")
        connection.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}")
        in_a_group = connection.scalar(text(
            "SELECT bool_or(pg_has_role(:login, g, 'MEMBER')) FROM unnest(CAST(:groups AS text[])) g"),
            {"login": login, "groups": list(GROUPS)})
        if not in_a_group and role in GROUPS:
            connection.exec_driver_sql(f"GRANT {role} TO {name}")


def _has_id(connection: Connection, table: str) -> bool:
    return bool(connection.scalar(text(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = :t AND column_name = 'id'"), {"t": table}))
