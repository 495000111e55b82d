"""Who else has a case open, so two agents find out before their saves collide.

A desk showing a case calls ``mark_viewing`` every 20 seconds; it records the
person against that case only (opening another case moves them) and answers
with everyone else whose desk said so within the last minute. Nothing here is
audited: it is who is looking, not a change to a record.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from ..context import ServiceContext, operation
from ..domain.errors import NotFoundError
from ..domain.permissions import Permission
from ..persistence.models import Case, CaseViewer

FRESH_FOR = timedelta(minutes=1)


@operation(Permission.READ_CASES)
def mark_viewing(ctx: ServiceContext, reference: str) -> tuple[str, ...]:
    """Record that the signed-in person has ``reference`` open; the others who have it too."""
    now, me = ctx.now(), ctx.actor.username
    with ctx.uow(write=True) as uow:
        s = uow.session
        case_id = s.scalar(select(Case.id).where(Case.reference == reference.strip().upper()))
        if case_id is None:
            raise NotFoundError(f"no case with reference {reference}")
        s.execute(delete(CaseViewer).where(CaseViewer.username == me,
                                           CaseViewer.case_id != case_id))
        mine = s.get(CaseViewer, (case_id, me))
        if mine is None:
            s.add(CaseViewer(case_id=case_id, username=me, full_name=ctx.actor.full_name,
                             seen_at=now))
        else:
            mine.seen_at = now
        others = tuple(s.scalars(
            select(CaseViewer.full_name).where(
                CaseViewer.case_id == case_id, CaseViewer.username != me,
                CaseViewer.seen_at >= now - FRESH_FOR).order_by(CaseViewer.full_name)))
        uow.commit()
        return others


@operation(Permission.READ_CASES)
def stop_viewing(ctx: ServiceContext) -> None:
    """The person closed the case (or signed out): nobody is told they have it open."""
    with ctx.uow(write=True) as uow:
        uow.session.execute(delete(CaseViewer).where(CaseViewer.username == ctx.actor.username))
        uow.commit()
