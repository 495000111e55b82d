"""Call-handling figures from stored queue attempts, summed by the database.

Two fact tables hold the same numbers at different grain: ``call_attempts``
(one row per attempt, with hour and agent) and ``call_wait_days`` (a wait
histogram per day and queue, telephony sources only). A figure that needs no
hour or agent is summed from the histogram, about ten times fewer rows; both
give the same sums (a test holds them to it). Under the default definition the
same figures are summed from ``daily_call_rollup`` (one row per source, day and
queue, a hundred times fewer again): a year to date reads a few thousand rows.

Sources: imported telephony feeds, or the app's own call timer (calls logged in
ContactDesk; it never sees a caller who hung up in the queue). ``auto`` takes
the telephony feeds when they hold any attempt in the span, else the app.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.call_metrics import (
    CallCounts,
    CallFigures,
    Definition,
    compare,
    year_earlier,
    ytd_spans,
)
from ..domain.errors import ValidationError
from ..domain.permissions import Permission
from ..domain.words import APP_SOURCE
from ..dtos.stats import AUTO, TELEPHONY, CallStats, StatsQuery, YearToDate
from ..dtos.stats import GROUPINGS as GROUPINGS  # re-exported
from ..persistence.models import CallAttempt, CallWaitDay, DailyCallRollup, TelephonyFeed
from ..telephony.daily_rollup import COUNT_COLUMNS, serves
from ..telephony.records import ABANDONED, ANSWERED, OTHER_EXITS, TIMEOUT


def source_label(source: str) -> str:
    if source == APP_SOURCE:
        return ("the app's call timer (calls logged in ContactDesk: answered calls only, "
                "callers who hung up in the queue are not seen)")
    if source == TELEPHONY:
        return "telephony logs (all imported feeds)"
    return f"telephony log '{source}'"


@operation(Permission.VIEW_STATISTICS)
def call_stats(ctx: ServiceContext, query: StatsQuery) -> CallStats:
    with ctx.uow() as uow:
        return stats_in(uow.session, query)


@operation(Permission.VIEW_STATISTICS)
def year_to_date(ctx: ServiceContext, as_of: date, definition: Definition | None = None,
                 source: str = AUTO, queue: str | None = None) -> YearToDate:
    """The financial year to ``as_of`` beside the same span a year earlier."""
    with ctx.uow() as uow:
        return year_to_date_in(uow.session, as_of, definition, source, queue)


def year_to_date_in(session: Session, as_of: date, definition: Definition | None = None,
                    source: str = AUTO, queue: str | None = None) -> YearToDate:
    (this_from, this_to), _last = ytd_spans(as_of)
    return compare_with_year_earlier_in(session, this_from, this_to, definition, source, queue)


@operation(Permission.VIEW_STATISTICS)
def compare_with_year_earlier(ctx: ServiceContext, date_from: date, date_to: date,
                              definition: Definition | None = None, source: str = AUTO,
                              queue: str | None = None) -> YearToDate:
    """A span beside the same span a year earlier (one source for both)."""
    with ctx.uow() as uow:
        return compare_with_year_earlier_in(uow.session, date_from, date_to, definition, source,
                                            queue)


def compare_with_year_earlier_in(session: Session, date_from: date, date_to: date,
                                 definition: Definition | None = None, source: str = AUTO,
                                 queue: str | None = None) -> YearToDate:
    definition = definition or Definition()
    last_from, last_to = year_earlier(date_from), year_earlier(date_to)
    chosen = _choose_source(session, source, last_from, date_to)
    this = stats_in(session, StatsQuery(date_from, date_to, definition, chosen, queue))
    last = stats_in(session, StatsQuery(last_from, last_to, definition, chosen, queue))
    return YearToDate(date_to, this, last, tuple(compare(this.figures, last.figures)))


def stats_in(session: Session, query: StatsQuery) -> CallStats:
    source = _choose_source(session, query.source, query.date_from, query.date_to)
    if _rollup_serves(source, query):
        facts, sums = _ROLLUP, _ROLLUP_SUMS
        where = [_source_filter(facts.c.source, source)]
    else:
        facts = _facts(source, query)
        sums, where = _sums(facts, query.definition), []
    where.append(facts.c.local_day.between(query.date_from, query.date_to))
    if query.queue:
        where.append(facts.c.queue == query.queue)
    total = _counts(session.execute(select(*sums).where(*where)).one())
    figures = CallFigures(query.date_from, query.date_to, query.definition, total)
    groups: list[tuple[object, CallFigures]] = []
    if query.by:
        key = facts.c[_GROUP_COLUMNS[query.by]]
        rows = session.execute(select(key, *sums).where(*where).group_by(key).order_by(key))
        for row in rows:
            groups.append((row[0], CallFigures(query.date_from, query.date_to, query.definition,
                                               _counts(row[1:]))))
    return CallStats(figures, source, source_label(source), tuple(groups))


_GROUP_COLUMNS = {"hour": "local_hour", "day": "local_day", "queue": "queue", "agent": "agent"}


def _choose_source(session: Session, source: str, date_from: date, date_to: date) -> str:
    if source not in (AUTO, TELEPHONY, APP_SOURCE):
        known = sorted({*session.scalars(select(CallWaitDay.source).distinct()),
                        *session.scalars(select(TelephonyFeed.source).distinct())})
        if source not in known:
            raise ValidationError.single("source", f"no telephony feed is called '{source}' "
                                         f"(use auto, telephony, app{''.join(', ' + k for k in known)})")
    if source != AUTO:
        return source
    a = CallAttempt
    telephony = session.scalar(select(exists().where(
        a.local_day.between(date_from, date_to), a.source != APP_SOURCE)))
    return TELEPHONY if telephony else APP_SOURCE


@operation(Permission.VIEW_STATISTICS)
def check_queue(ctx: ServiceContext, source: str, queue: str) -> None:
    """Raise when no call of ``source`` was ever in ``queue``: for a person who typed the
    name, that is a typing mistake rather than a quiet day."""
    with ctx.uow() as uow:
        check_queue_in(uow.session, source, queue)


def check_queue_in(session: Session, source: str, queue: str) -> None:
    places = []  # (table, conditions) that may hold the queue
    if source in (AUTO, APP_SOURCE):
        places.append((CallAttempt, [CallAttempt.source == APP_SOURCE]))
    if source != APP_SOURCE:
        places.append((CallWaitDay, [] if source in (AUTO, TELEPHONY)
                       else [CallWaitDay.source == source]))
    known: set[str] = set()
    for table, where in places:
        if session.scalar(select(exists().where(table.queue == queue, *where))):
            return
        known.update(session.scalars(select(table.queue).where(*where).distinct().limit(20)))
    raise ValidationError.single("queue", f"no calls were ever in a queue called '{queue}' "
                                 f"(queues: {', '.join(sorted(known)) or 'none yet'})")


def _source_filter(column, source: str):
    if source == TELEPHONY:
        return column != APP_SOURCE
    return column == source


def _facts(source: str, query: StatsQuery):
    """A subquery of (day, hour, queue, agent, outcome, wait, n, talk_total, talk_count)."""
    if query.by in ("hour", "agent") or source == APP_SOURCE:
        a = CallAttempt.__table__
        return (select(a.c.local_day, a.c.local_hour, a.c.queue, a.c.agent, a.c.outcome,
                       a.c.wait_seconds.label("wait"), literal(1).label("n"),
                       func.coalesce(a.c.talk_seconds, 0).label("talk_total"),
                       case((a.c.talk_seconds.is_(None), 0), else_=1).label("talk_count"))
                .where(_source_filter(a.c.source, source))
                .subquery("facts"))
    w = CallWaitDay.__table__
    return (select(w.c.local_day, w.c.queue, w.c.outcome, w.c.wait_seconds.label("wait"),
                   w.c.attempts.label("n"), w.c.talk_total, w.c.talk_count)
            .where(_source_filter(w.c.source, source))
            .subquery("facts"))


def _rollup_serves(source: str, query: StatsQuery) -> bool:
    """The rollup holds telephony figures by day and queue under the default definition."""
    return source != APP_SOURCE and query.by in (None, "day", "queue") and serves(query.definition)


def _rollup_sums(r) -> list:
    """The sums of ``_sums`` in the same order, from the rollup's columns."""
    sums = []
    for column in COUNT_COLUMNS:
        if column is None:
            sums.append(literal(0))
        elif column == "longest_wait":
            sums.append(func.max(r.c.longest_wait))
        else:
            sums.append(func.coalesce(func.sum(r.c[column]), 0))
    return sums


# Built once: at a few thousand rows a year, building the statement costs more than running it.
_ROLLUP = DailyCallRollup.__table__
_ROLLUP_SUMS = _rollup_sums(_ROLLUP)


def _sums(f, definition: Definition) -> list:
    n, wait, outcome = f.c.n, f.c.wait, f.c.outcome
    threshold, short = definition.threshold_seconds, definition.short_abandon_seconds
    answered, abandoned = outcome == ANSWERED, outcome == ABANDONED

    def count(condition):
        return func.coalesce(func.sum(case((condition, n), else_=0)), 0)

    def total(condition, value):
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    return [
        count(outcome.is_not(None)),
        count(answered),
        count(and_(answered, wait <= threshold)),
        count(abandoned),
        count(and_(abandoned, wait <= threshold)),
        count(and_(abandoned, wait < short)),
        count(outcome == TIMEOUT),
        count(outcome.in_(OTHER_EXITS)),
        count(outcome.is_(None)),
        total(and_(answered, wait.is_not(None)), wait * n),
        count(and_(answered, wait.is_not(None))),
        total(and_(abandoned, wait.is_not(None)), wait * n),
        count(and_(abandoned, wait.is_not(None))),
        func.max(case((outcome.is_not(None), wait))),
        total(answered, f.c.talk_total),
        total(answered, f.c.talk_count),
    ]


def _counts(row) -> CallCounts:
    values = [None if v is None else int(v) for v in row]
    longest = values[13]
    return CallCounts(*values[:13], longest, *values[14:])
