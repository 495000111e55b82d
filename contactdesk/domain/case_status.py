"""The life of a case: which status may follow which.

new -> routed -> in_progress -> resolved -> closed, with reopen from resolved
or closed, and two ways out of any open status: duplicate (of another case)
and withdrawn (the caller no longer wants it).
"""

from __future__ import annotations

from enum import StrEnum

from .errors import TransitionError


class CaseStatus(StrEnum):
    NEW = "new"
    ROUTED = "routed"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.ROUTED, CaseStatus.IN_PROGRESS})
# Statuses that stop the clock: the case's closed_at is set on entering one.
FINISHED_STATUSES = frozenset(
    {CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.DUPLICATE, CaseStatus.WITHDRAWN}
)

_ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.ROUTED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED,
                               CaseStatus.DUPLICATE, CaseStatus.WITHDRAWN}),
    CaseStatus.ROUTED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED,
                                  CaseStatus.DUPLICATE, CaseStatus.WITHDRAWN}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.ROUTED, CaseStatus.RESOLVED,
                                       CaseStatus.DUPLICATE, CaseStatus.WITHDRAWN}),
    # Reopening sends a finished case back to work.
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED, CaseStatus.IN_PROGRESS}),
    CaseStatus.CLOSED: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.DUPLICATE: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.WITHDRAWN: frozenset({CaseStatus.IN_PROGRESS}),
}


def allowed_transitions(current: CaseStatus | str) -> frozenset[CaseStatus]:
    return _ALLOWED[CaseStatus(current)]


def is_reopen(current: CaseStatus | str, target: CaseStatus | str) -> bool:
    return CaseStatus(current) in FINISHED_STATUSES and CaseStatus(target) == CaseStatus.IN_PROGRESS


def check_transition(current: CaseStatus | str, target: CaseStatus | str) -> CaseStatus:
    """Return the target status, or raise TransitionError naming what is allowed."""
    try:
        target_status = CaseStatus(target)
    except ValueError:
        names = ", ".join(s.value for s in CaseStatus)
        raise TransitionError(f"'{target}' is not a case status (one of: {names})") from None
    current_status = CaseStatus(current)
    allowed = _ALLOWED[current_status]
    if target_status not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "none"
        raise TransitionError(
            f"a {current_status.value} case cannot become {target_status.value} "
            f"(allowed: {options})"
        )
    return target_status
