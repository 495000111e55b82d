"""The daily rollup gives the figures of the wait histogram, kept right by every import.

Hand-made queue_log attempts across days, two queues, two sources and the financial
year boundary (31 March / 1 April) are imported; the figures summed from the rollup
must equal those summed from the histogram (today's path, forced) and a plain count
of the attempts written here, after a first import, an import of appended lines that
closes attempts left waiting, a re-import, and a day whose attempts are replaced.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import delete, func, select, update

from contactdesk.domain.call_metrics import CallCounts, Definition
from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.stats import StatsQuery
from contactdesk.persistence.database import Database
from contactdesk.persistence.models import CallAttempt, DailyCallRollup
from contactdesk.services import call_stats as call_stats_module
from contactdesk.services.call_stats import call_stats, compare_with_year_earlier, year_to_date
from contactdesk.telephony.importer import import_call_log
from contactdesk.telephony.records import Attempt, ReadResult
from contactdesk.telephony.store import refresh_wait_days, store_read
from tests.helpers.contexts import context_for

QUEUES = ("council-main", "revs-bens")
AS_OF = date(2025, 3, 31)  # this year 2024-04-01..2025-03-31, last year 2023-04-01..2024-03-31
DAYS = (date(2023, 4, 1), date(2023, 11, 6), date(2024, 3, 31), date(2024, 4, 1),
        date(2024, 11, 6), date(2025, 3, 31), date(2025, 4, 1))


@dataclass(frozen=True)
class Call:
    day: date
    minute: int  # after 09:00 London time
    queue: str
    outcome: str | None  # answered, abandoned, timeout, key; None: still waiting
    wait: int
    talk: int = 0

    @property
    def entered(self) -> int:
        return int(datetime.combine(self.day, time(9), LONDON).timestamp()) + 60 * self.minute

    @property
    def callid(self) -> str:
        return f"{self.day:%Y%m%d}-{self.minute}-{self.queue}"

    def lines(self, closed: bool = True) -> list[str]:
        t, c, q = self.entered, self.callid, self.queue
        opened = [f"{t}|{c}|{q}|NONE|ENTERQUEUE||07700900123|1"]
        return opened + (self.closing() if closed else [])

    def closing(self) -> list[str]:
        t, c, q, w = self.entered, self.callid, self.queue, self.wait
        match self.outcome:
            case "answered":
                return [f"{t + w}|{c}|{q}|PJSIP/201|CONNECT|{w}|{c}.1|2",
                        f"{t + w + self.talk}|{c}|{q}|PJSIP/201|COMPLETECALLER|{w}|{self.talk}|1"]
            case "abandoned":
                return [f"{t + w}|{c}|{q}|NONE|ABANDON|1|1|{w}"]
            case "timeout":
                return [f"{t + w}|{c}|{q}|NONE|EXITWITHTIMEOUT|1|1|{w}"]
            case "key":
                return [f"{t + w}|{c}|{q}|NONE|EXITWITHKEY|5|1|1|{w}"]
        return []


def hand_made() -> list[Call]:
    """Every outcome, waits either side of 21 s (and exactly 21), on every day and queue."""
    shapes = [("answered", 0, 40), ("answered", 21, 95), ("answered", 22, 300),
              ("answered", 75, 12), ("abandoned", 3, 0), ("abandoned", 21, 0),
              ("abandoned", 140, 0), ("timeout", 300, 0), ("key", 9, 0), (None, 0, 0)]
    calls = []
    for d, day in enumerate(DAYS):
        for q, queue in enumerate(QUEUES):
            for s, (outcome, wait, talk) in enumerate(shapes[(d + q) % 3:]):
                calls.append(Call(day, 10 * s + q, queue, outcome, wait + d, talk + q))
    return calls


def write_log(path: Path, calls: list[Call], closed=lambda call: True) -> Path:
    lines = sorted((line for call in calls for line in call.lines(closed(call))),
                   key=lambda line: int(line.split("|", 1)[0]))
    path.write_text("\n".join(lines) + "\n")
    return path


def expected(calls: list[Call], first: date, last: date, queue: str | None = None) -> CallCounts:
    """The default definition's counts written out from the calls themselves."""
    kept = [c for c in calls if first <= c.day <= last and queue in (None, c.queue)]
    answered = [c for c in kept if c.outcome == "answered"]
    abandoned = [c for c in kept if c.outcome == "abandoned"]
    resolved = [c for c in kept if c.outcome is not None]
    return CallCounts(
        offered=len(resolved), answered=len(answered),
        answered_within=sum(c.wait <= 21 for c in answered), abandoned=len(abandoned),
        abandoned_within=sum(c.wait <= 21 for c in abandoned), short_abandoned=0,
        timed_out=sum(c.outcome == "timeout" for c in kept),
        other_exits=sum(c.outcome == "key" for c in kept),
        unresolved=len(kept) - len(resolved),
        answered_wait_total=sum(c.wait for c in answered), answered_wait_count=len(answered),
        abandon_wait_total=sum(c.wait for c in abandoned), abandon_wait_count=len(abandoned),
        longest_wait=max((c.wait for c in resolved), default=None),
        talk_total=sum(c.talk for c in answered), talk_count=len(answered))


def by_histogram(monkeypatch, run):
    """``run()`` with the rollup turned away: today's path, summed from the histogram."""
    with monkeypatch.context() as patched:
        patched.setattr(call_stats_module, "_rollup_serves", lambda source, query: False)
        return run()


QUERIES = [
    StatsQuery(date(2024, 4, 1), AS_OF),
    StatsQuery(date(2023, 4, 1), date(2024, 3, 31), source="asterisk"),
    StatsQuery(DAYS[0], DAYS[-1], source="telephony", queue="revs-bens"),
    StatsQuery(DAYS[0], DAYS[-1], by="day"),
    StatsQuery(DAYS[0], DAYS[-1], source="pbx-b", by="queue"),
]


def assert_rollup_equals_histogram(ctx, monkeypatch) -> None:
    for query in QUERIES:
        rolled = call_stats(ctx, query)
        assert rolled == by_histogram(monkeypatch, lambda query=query: call_stats(ctx, query))
    ytd = year_to_date(ctx, AS_OF)
    assert ytd == by_histogram(monkeypatch, lambda: year_to_date(ctx, AS_OF))
    span = compare_with_year_earlier(ctx, date(2024, 11, 1), date(2025, 4, 1), queue="council-main")
    assert span == by_histogram(monkeypatch, lambda: compare_with_year_earlier(
        ctx, date(2024, 11, 1), date(2025, 4, 1), queue="council-main"))


def rollup_rows(ctx, source: str) -> int:
    with ctx.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(DailyCallRollup)
                                  .where(DailyCallRollup.source == source))


def test_the_rollup_gives_the_histograms_figures_through_imports(ctx, tmp_path, monkeypatch):
    calls = hand_made()
    waiting_at_first = {c.callid for c in calls if c.day == date(2024, 3, 31)}
    log = write_log(tmp_path / "queue_log", calls, lambda c: c.callid not in waiting_at_first)
    import_call_log(ctx, log)
    import_call_log(ctx, write_log(tmp_path / "other_log", calls[::3]), source="pbx-b")
    # A row per source, day and queue.
    assert rollup_rows(ctx, "asterisk") == len({(c.day, c.queue) for c in calls})
    assert rollup_rows(ctx, "pbx-b") == len({(c.day, c.queue) for c in calls[::3]})
    assert_rollup_equals_histogram(ctx, monkeypatch)
    first = year_to_date(ctx, AS_OF, source="asterisk")
    still_waiting = [Call(c.day, c.minute, c.queue, None, c.wait) if c.callid in waiting_at_first
                     else c for c in calls]
    assert first.this_year.figures.counts == expected(still_waiting, date(2024, 4, 1), AS_OF)
    assert first.last_year.figures.counts == expected(still_waiting, date(2023, 4, 1),
                                                      date(2024, 3, 31))

    # Appended lines close the attempts left waiting on the year's last day.
    closing = sorted((line for c in calls if c.callid in waiting_at_first for line in c.closing()),
                     key=lambda line: int(line.split("|", 1)[0]))
    with log.open("a") as handle:
        handle.write("\n".join(closing) + "\n")
    assert import_call_log(ctx, log).attempts_closed == sum(
        c.outcome is not None for c in calls if c.callid in waiting_at_first)
    # A re-import of the whole file under another name adds nothing.
    (tmp_path / "copy").write_bytes(log.read_bytes())
    assert import_call_log(ctx, tmp_path / "copy").attempts_created == 0
    assert_rollup_equals_histogram(ctx, monkeypatch)
    later = year_to_date(ctx, AS_OF, source="asterisk")
    assert later.this_year.figures.counts == expected(calls, date(2024, 4, 1), AS_OF)
    assert later.last_year.figures.counts == expected(calls, date(2023, 4, 1), date(2024, 3, 31))
    assert later.last_year.figures.counts != first.last_year.figures.counts


def test_year_to_date_reads_the_rollup_under_the_default_definition_only(ctx, tmp_path):
    calls = hand_made()
    import_call_log(ctx, write_log(tmp_path / "queue_log", calls))
    other = Definition(threshold_seconds=30)
    before = year_to_date(ctx, AS_OF), year_to_date(ctx, AS_OF, other)
    assert before[0].this_year.figures.counts == expected(calls, date(2024, 4, 1), AS_OF)
    with ctx.uow(write=True) as uow:
        uow.session.execute(delete(DailyCallRollup))
        uow.commit()
    after = year_to_date(ctx, AS_OF), year_to_date(ctx, AS_OF, other)
    assert after[0].this_year.figures.counts == CallCounts()  # summed from the (emptied) rollup
    assert after[1] == before[1]  # another threshold: summed from the histogram


def test_a_replaced_day_is_summed_anew(ctx, tmp_path, monkeypatch):
    calls = hand_made()
    import_call_log(ctx, write_log(tmp_path / "queue_log", calls))
    import_call_log(ctx, write_log(tmp_path / "other_log", calls[::3]), source="pbx-b")
    day = date(2024, 11, 6)
    a = CallAttempt
    with ctx.uow(write=True) as uow:
        uow.session.execute(delete(a).where(a.source == "asterisk", a.local_day == day,
                                            a.queue == "revs-bens"))
        uow.session.execute(update(a).where(a.source == "asterisk", a.local_day == day,
                                            a.outcome == "abandoned")
                            .values(outcome="answered", talk_seconds=30))
        refresh_wait_days(uow.session, "asterisk", {day})
        uow.commit()
    replaced = [c for c in calls if not (c.day == day and c.queue == "revs-bens")]
    replaced = [Call(c.day, c.minute, c.queue, "answered", c.wait, 30)
                if c.day == day and c.outcome == "abandoned" else c for c in replaced]
    assert rollup_rows(ctx, "asterisk") == 2 * len(DAYS) - 1  # the emptied queue's row is gone
    assert_rollup_equals_histogram(ctx, monkeypatch)
    assert call_stats(ctx, StatsQuery(day, day, source="asterisk")).figures.counts == expected(
        replaced, day, day)
    by_hour = call_stats(ctx, StatsQuery(date(2024, 4, 1), AS_OF, by="hour"))
    summed = sum((figures.counts for _hour, figures in by_hour.groups), CallCounts())
    assert year_to_date(ctx, AS_OF).this_year.figures.counts == summed


def test_two_imports_of_one_source_at_once_lose_no_counts(fresh_database_url, monkeypatch):
    """On PostgreSQL two files of one source may be imported at once (a feed is a file)."""
    database = Database.open(fresh_database_url("postgresql"))
    try:
        ctx = context_for(database, "admin", "test.admin")
        calls = hand_made()
        reads = [ReadResult(attempts=[
            Attempt(callid=c.callid, queue=c.queue, entered_epoch=c.entered, line=n,
                    outcome=c.outcome, wait_seconds=None if c.outcome is None else c.wait,
                    talk_seconds=c.talk if c.outcome == "answered" else None)
            for n, c in enumerate(part)])
            for part in (calls[::2], calls[1::2])]  # two files' batches of one source
        outcome: dict = {}

        def second() -> None:
            try:
                with ctx.uow(write=True) as uow:
                    store_read(uow.session, "asterisk", reads[1])
                    uow.commit()
            except Exception as exc:  # handed to the test below
                outcome["error"] = exc

        with ctx.uow(write=True) as uow:
            store_read(uow.session, "asterisk", reads[0])  # its days rebuilt, not yet committed
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(1.0)
            assert thread.is_alive()  # the second rebuild waits for the first to commit
            uow.commit()
        thread.join(30)
        assert "error" not in outcome, outcome
        ytd = year_to_date(ctx, AS_OF)
        assert ytd.this_year.figures.counts == expected(calls, date(2024, 4, 1), AS_OF)
        assert ytd == by_histogram(monkeypatch, lambda: year_to_date(ctx, AS_OF))
    finally:
        database.dispose()
