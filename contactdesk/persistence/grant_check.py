"""``db grant-check``: everything a role can reach beyond the matrix (grants.py), in plain words.

Asks PostgreSQL itself (has_*_privilege, which counts PUBLIC and inherited
grants), so a grant made by hand with psql shows as surely as one in a migration.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from . import grants

_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
_COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")


def check(connection: Connection) -> list[str]:
    """One sentence per thing reachable beyond the matrix; empty when all is as it should be."""
    findings: list[str] = []
    for group in grants.GROUPS:
        if not connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :g"), {"g": group}):
            findings.append(f"the group role {group} does not exist: run `contactdesk db upgrade`")
            continue
        allowed = grants.expected(group)
        findings += _tables(connection, group, allowed)
        findings += _columns(connection, group, allowed)
        findings += _sequences(connection, group, allowed)
        findings += _functions(connection, group)
        findings += _schema_and_database(connection, group)
    findings += _roles(connection)
    findings += _direct_grants(connection)
    findings += [f"row-level security is off on {table}" for table in connection.scalars(text(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
        "AND relname = ANY(:t) AND NOT relrowsecurity"), {"t": list(grants.ROW_SECURED)})]
    return findings


def _tables(connection: Connection, group: str, allowed: dict) -> list[str]:
    rows = connection.execute(text(
        "SELECT c.relname, p FROM pg_class c, unnest(CAST(:privileges AS text[])) p "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') "
        "AND has_table_privilege(:g, c.oid, p) ORDER BY 1, 2"),
        {"g": group, "privileges": list(_TABLE_PRIVILEGES)}).all()
    return [f"{group} may {privilege} on the whole of {table}" for table, privilege in rows
            if allowed.get((table, privilege)) != grants.ALL]


def _columns(connection: Connection, group: str, allowed: dict) -> list[str]:
    rows = connection.execute(text(
        "SELECT c.relname, a.attname, p FROM pg_class c "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped, "
        "unnest(CAST(:privileges AS text[])) p "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') "
        "AND NOT has_table_privilege(:g, c.oid, p) "
        "AND has_column_privilege(:g, c.oid, a.attnum, p) ORDER BY 1, 2, 3"),
        {"g": group, "privileges": list(_COLUMN_PRIVILEGES)}).all()
    out = []
    for table, column, privilege in rows:
        columns = allowed.get((table, privilege))
        if columns != grants.ALL and column not in (columns or ()):
            out.append(f"{group} may {privilege} the column {table}.{column}")
    return out


def _sequences(connection: Connection, group: str, allowed: dict) -> list[str]:
    inserts = {table for (table, privilege) in allowed if privilege == "INSERT"}
    rows = connection.execute(text(
        "SELECT s.relname, t.relname AS owner, p FROM pg_class s "
        "LEFT JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
        "LEFT JOIN pg_class t ON t.oid = d.refobjid, "
        "unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) p "
        "WHERE s.relnamespace = 'public'::regnamespace AND s.relkind = 'S' "
        "AND has_sequence_privilege(:g, s.oid, p) ORDER BY 1, 3"), {"g": group}).all()
    return [f"{group} may {privilege} the sequence {sequence}" for sequence, owner, privilege in rows
            if not (privilege == "USAGE" and owner in inserts)]


def _functions(connection: Connection, group: str) -> list[str]:
    may = {name.replace(" ", "") for name, groups in grants.FUNCTIONS.items() if group in groups}
    rows = connection.scalars(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.pronamespace = 'public'::regnamespace "
        "AND has_function_privilege(:g, p.oid, 'EXECUTE') ORDER BY 1"), {"g": group}).all()
    return [f"{group} may call the function {name}" for name in rows if name not in may]


def _schema_and_database(connection: Connection, group: str) -> list[str]:
    row = connection.execute(text(
        "SELECT has_schema_privilege(:g, 'public', 'CREATE') AS objects, "
        "has_database_privilege(:g, current_database(), 'CREATE') AS schemas, "
        "has_database_privilege(:g, current_database(), 'TEMPORARY') AS temporary"),
        {"g": group}).one()
    return ([f"{group} may create objects in the schema"] if row.objects else []) + \
        ([f"{group} may create schemas in the database"] if row.schemas else []) + \
        ([f"{group} may create temporary tables"] if row.temporary else [])


def _roles(connection: Connection) -> list[str]:
    """Groups are plain and apart; the people in them are plain logins owning nothing."""
    out = []
    for a, b in connection.execute(text(
            "SELECT a, b FROM unnest(CAST(:g AS text[])) a, unnest(CAST(:g AS text[])) b "
            "WHERE a <> b AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = a) "
            "AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = b) "
            "AND pg_has_role(a, b, 'MEMBER')"), {"g": list(grants.GROUPS)}):
        out.append(f"the group {a} is a member of {b}, so it may act as {b}")
    members = connection.execute(text(
        "SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, "
        "array_agg(g.rolname ORDER BY g.rolname) AS groups, "
        "EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
        "        AND c.relowner = r.oid) AS owns "
        "FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
        "JOIN pg_roles g ON g.oid = m.roleid AND g.rolname = ANY(:g) "
        "GROUP BY r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.oid ORDER BY 1"),
        {"g": list(grants.GROUPS)}).all()
    for row in members:
        if row.rolname in grants.GROUPS:
            continue
        for flag, words in ((row.rolsuper, "is a superuser"),
                            (row.rolbypassrls, "bypasses row-level security"),
                            (row.rolcreaterole, "may create roles"),
                            (row.owns, "owns tables"),
                            (len(row.groups) > 1, f"is in several groups ({', '.join(row.groups)})")):
            if flag:
                out.append(f"the login {row.rolname} {words}")
    return out


def _direct_grants(connection: Connection) -> list[str]:
    """Grants on tables to anyone but the groups and the owner (a login given rights by hand)."""
    rows = connection.execute(text(
        "SELECT DISTINCT c.relname, CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
        "ELSE pg_get_userbyid(a.grantee) END AS grantee "
        "FROM pg_class c, aclexplode(c.relacl) a "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
        "AND a.grantee <> c.relowner "
        "AND (a.grantee = 0 OR pg_get_userbyid(a.grantee) <> ALL(:g)) ORDER BY 2, 1"),
        {"g": list(grants.GROUPS)}).all()
    return [f"{grantee} was given rights on {table} directly, outside the groups"
            for table, grantee in rows]
