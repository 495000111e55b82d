"""Who may do what: one matrix of roles and permissions.

The front door asks it before every operation, each service asks it again
(so calling a service directly is no way round it), and the desktop app asks
it what to show. The README's permission table is tested against it.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import PermissionDenied


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    # An account for the scheduled telephony import and nothing else.
    TELEPHONY = "telephony"


ROLES = tuple(role.value for role in Role)


class Permission(StrEnum):
    READ_CATALOGUE = "read the categories, services and addresses"
    READ_CASES = "find and read cases and callers"
    LOG_CALLS = "log calls and their cases"
    WORK_CASES = "change a case's status, add notes, reassign, pause and resume"
    READ_COMPLAINTS = "read complaints"
    LOG_COMPLAINTS = "log complaints"
    HANDLE_COMPLAINTS = "handle complaints (officer, acknowledge, extend, outcome, escalate)"
    RUN_REPORTS = "print the daily call summary and the reports"
    VIEW_STATISTICS = "see call statistics, agent activity, staffing and service deadlines"
    IMPORT_CALLS = "import telephony logs"
    EXPORT_DATA = "export calls, cases and queue attempts"
    IMPORT_CASES = "import cases from a spreadsheet"
    READ_USERS = "see who uses the app"
    MANAGE_USERS = "add users, set passwords, disable users"
    MANAGE_DATA = "load the gazetteer and demo data"
    SUBJECT_ACCESS = "answer subject access requests (everything held about a person)"
    MANAGE_RETENTION = "set retention periods and anonymise closed cases past them"
    CHECK_AUDIT = "check that the audit trail has not been altered"


_DESK = frozenset({
    Permission.READ_CATALOGUE, Permission.READ_CASES, Permission.LOG_CALLS,
    Permission.WORK_CASES, Permission.READ_COMPLAINTS, Permission.LOG_COMPLAINTS,
    Permission.RUN_REPORTS, Permission.READ_USERS,
})
_SUPERVISION = _DESK | {
    Permission.HANDLE_COMPLAINTS, Permission.VIEW_STATISTICS, Permission.IMPORT_CALLS,
    Permission.EXPORT_DATA, Permission.IMPORT_CASES,
}

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.AGENT: _DESK,
    Role.SUPERVISOR: _SUPERVISION,
    Role.ADMIN: _SUPERVISION | {Permission.MANAGE_USERS, Permission.MANAGE_DATA,
                               Permission.SUBJECT_ACCESS, Permission.MANAGE_RETENTION,
                               Permission.CHECK_AUDIT},
    Role.TELEPHONY: frozenset({Permission.IMPORT_CALLS}),
}

# Roles that may be given complaints to handle.
HANDLER_ROLES = tuple(role.value for role, allowed in MATRIX.items()
                      if Permission.HANDLE_COMPLAINTS in allowed)


def allowed(role: str, permission: Permission) -> bool:
    try:
        return permission in MATRIX[Role(role)]
    except ValueError:
        return False


def require(role: str, permission: Permission, who: str = "") -> None:
    """Raise PermissionDenied naming what was refused and who may do it."""
    if not allowed(role, permission):
        may = [r.value for r in Role if permission in MATRIX[r]]
        person = f"{who} ({role})" if who else f"the role '{role}'"
        raise PermissionDenied(
            f"{person} may not {permission.value}: ask someone who is {' or '.join(may)}")


def markdown_table() -> str:
    """The matrix as the README shows it: one row per permission, one column per role."""
    roles = list(Role)
    lines = ["| may ... | " + " | ".join(role.value for role in roles) + " |",
             "|---|" + "---|" * len(roles)]
    for permission in Permission:
        marks = ["yes" if permission in MATRIX[role] else "" for role in roles]
        lines.append(f"| {permission.value} | " + " | ".join(marks) + " |")
    return "\n".join(lines)
