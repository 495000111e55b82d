"""What checking the audit trail found."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AuditCheck:
    rows: int
    redacted: int            # rows whose values retention replaced
    last_hash: str           # keep it elsewhere: a later check can show nothing before it changed
    broken_at: int | None    # the first row that does not verify
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None
