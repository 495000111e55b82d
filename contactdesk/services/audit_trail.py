"""Checking the audit trail's hash chain and what the database lets each role reach."""

from __future__ import annotations

from ..context import ServiceContext, operation
from ..domain.permissions import Permission
from ..dtos.audit import AuditCheck
from ..persistence import audit_chain
from ..persistence import grant_check as grant_check_module


@operation(Permission.CHECK_AUDIT)
def verify_audit(ctx: ServiceContext) -> AuditCheck:
    """Walk every audit row in order; name the first one that was altered, removed or added."""
    with ctx.uow() as uow:
        report = audit_chain.verify(uow.session.connection())
    return AuditCheck(report.rows, report.redacted, report.last_hash, report.broken_at,
                      report.problem)


@operation(Permission.CHECK_AUDIT)
def grant_check(ctx: ServiceContext) -> tuple[str, ...] | None:
    """What any PostgreSQL role can reach beyond the permission matrix (None on SQLite)."""
    if ctx.database.backend != "postgresql":
        return None
    with ctx.uow() as uow:
        return tuple(grant_check_module.check(uow.session.connection()))
