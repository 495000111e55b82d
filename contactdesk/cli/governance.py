"""Commands that keep the records honest: checking the audit trail and the database's grants."""

from __future__ import annotations

from .commands import open_workspace


def register(sub, db_sub) -> None:
    db_sub.add_parser(
        "grant-check", help="list anything a PostgreSQL role can reach beyond the permission "
        "table (exit 1 if there is anything)").set_defaults(handler=grant_check)
    audit = sub.add_parser("audit", help="the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", parser_class=type(audit),
                                     metavar="ACTION", required=True)
    audit_sub.add_parser(
        "verify", help="check that no audit row was altered, removed or added out of turn "
        "(exit 1 if one was)").set_defaults(handler=audit_verify)


def audit_verify(args) -> int:
    workspace = open_workspace(args)
    try:
        check = workspace.audit.verify_audit()
    finally:
        workspace.close()
    if not check.intact:
        print(f"The audit trail is broken at row {check.broken_at}: {check.problem}. "
              f"{check.rows - 1} rows before it verify.")
        return 1
    redacted = (f", {check.redacted} of them with values removed by retention"
                if check.redacted else "")
    print(f"The audit trail is intact: {check.rows} rows{redacted}.")
    print(f"Last hash: {check.last_hash} (keep it elsewhere: a later check that still passes "
          "and shows this hash in its chain proves nothing before it changed)")
    return 0


def grant_check(args) -> int:
    workspace = open_workspace(args)
    try:
        findings = workspace.audit.grant_check()
    finally:
        workspace.close()
    if findings is None:
        print("SQLite has no database roles to check: a local file is guarded by its file "
              "permissions (whoever can read it can read all of it).")
        return 0
    if not findings:
        print("Every role reaches exactly what the permission table allows.")
        return 0
    print(f"{len(findings)} things reachable beyond the permission table:")
    for finding in findings:
        print(f"- {finding}")
    return 1
