"""Recording that personal data left the database: an export or report file written."""

from __future__ import annotations

from pathlib import Path

from ..context import ServiceContext
from ..persistence.audit import record_access


def record_export(ctx: ServiceContext, what: str, out: Path | str, detail: str = "") -> None:
    """One audit row: who wrote which file of what, and when (after the file is in place)."""
    name = Path(out).name
    with ctx.uow(write=True) as uow:
        record_access(uow.session, "export", what, name[:40],
                      f"{Path(out).resolve()}{'; ' + detail if detail else ''}")
        uow.commit()
