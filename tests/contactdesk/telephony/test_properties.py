"""Property tests: generated Asterisk queue logs give the figures of a plain reference.

Hypothesis generates queue attempts (1-2 queues, call ids that overflow from a timeout
in one queue into the other, entry times around London midnights and the BST/GMT
changes, every outcome including none yet, waits 0-300 s with exactly T and S often),
renders them to queue_log lines in time order (ring, DID, agent and system events, stray
trailing '|', the old 1.4 layout without the wait field, ATTENDEDTRANSFER method data
holding '|'), imports them and checks:

1. ``call_stats`` for random definitions equals ``reference.figures`` in total, for a
   queue, and per hour, day, queue and agent group; the histogram sums (no grouping)
   equal the raw attempt sums (sum of the hour groups).
2. Importing the log in two appends of one file (split at a random line) stores the
   same attempts and figures as one import of the whole file; attempts left waiting by
   the first import are closed by the second; importing again (same file, or the whole
   file under another name) adds nothing.

The reference is in ``reference.py``; it does not use the code under test.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from contactdesk.domain.call_metrics import CallCounts, CallFigures, Definition
from contactdesk.persistence.database import Database
from contactdesk.persistence.models import CallAttempt
from contactdesk.services.call_stats import StatsQuery, call_stats
from contactdesk.telephony.importer import import_call_log
from tests.helpers.contexts import context_for

from . import reference as ref
from .reference import LONDON, RefAttempt

QUEUES = ("council-main", "revs-bens")
AGENTS = ("PJSIP/201", "PJSIP/202", "PJSIP/205", "Local/2005@agents")
SOURCE = "asterisk"
CALL_TABLES = ("call_attempts", "call_wait_days", "daily_call_rollup", "agent_events",
               "telephony_feeds")

# Days the generated spans are built around: both 2024 clock changes, a BST and a GMT day.
BASE_DAYS = (date(2024, 3, 31), date(2024, 10, 27), date(2024, 5, 14), date(2025, 1, 6))
CLOCK_CHANGES = (1711846800, 1729990800)  # 2024-03-31 and 2024-10-27, 01:00 UTC

TALK_EVENTS = ("COMPLETECALLER", "COMPLETEAGENT", "BLINDTRANSFER", "TRANSFER",
               "ATTENDEDTRANSFER")
# ATTENDEDTRANSFER method and method data, as Asterisk 12+ writes them (LINK: two channels).
TRANSFER_METHODS = (
    ("BRIDGE", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
    ("LINK", "PJSIP/202-0000001a|PJSIP/2005-0000001b"),
    ("APP", "Voicemail"),
    ("THREEWAY", "PJSIP/201-00000031"),
    ("LINK", "Local/2005@from-internal-00000004;1|17155873"),
)
AGENT_EVENTS = ("ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "AGENTLOGIN", "AGENTLOGOFF")
SYSTEM_EVENTS = ("QUEUESTART", "CONFIGRELOAD")


# --- Generated logs ------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How one attempt is written to the log (nothing here changes its figures)."""

    old: bool = False  # 1.4 layout: exits without the waittime field, no origposition
    stray: bool = False  # a stray '|' at the end of each of its lines
    rings: tuple[int, ...] = ()  # seconds after entry of RINGNOANSWER lines
    did: bool = False  # a DID line before ENTERQUEUE
    end_event: str = "COMPLETECALLER"  # how an answered call ended (when it did)
    method: int = 0  # ATTENDEDTRANSFER method, index into TRANSFER_METHODS
    position: int = 1


@dataclass(frozen=True)
class Body:
    outcome: str | None
    wait: int | None
    talk: int | None
    agent: str | None
    style: Style


@dataclass(frozen=True)
class Spec:
    entered: int
    queue_index: int
    body: Body
    overflow: tuple[int, Body] | None  # (seconds after the timeout, attempt in the other queue)


@dataclass(frozen=True)
class AgentLine:
    epoch: int
    queue_index: int
    agent: str
    event: str
    data: str
    stray: bool


@dataclass(frozen=True)
class Scenario:
    definitions: tuple[Definition, ...]
    queues: tuple[str, ...]
    days: tuple[date, ...]  # the span the entry times were drawn around
    date_from: date
    date_to: date
    attempts: tuple[RefAttempt, ...]
    styles: tuple[Style, ...]
    agent_lines: tuple[AgentLine, ...]

    def lines(self) -> list[str]:
        return render(self.attempts, self.styles, self.agent_lines, self.queues)


def london_midnight(day: date) -> int:
    return int(datetime.combine(day, time(0), LONDON).timestamp())


thresholds = st.one_of(
    st.sampled_from([0, 10, 19.8, 20, 20.5, 21, 30, 60, 120]),
    st.integers(0, 300),
    st.floats(0, 300).map(lambda x: round(x, 1)),
)
short_abandons = st.one_of(st.just(0), st.sampled_from([3, 4.5, 5, 10]), st.integers(0, 60))
definitions = st.builds(Definition, thresholds, st.sampled_from(ref.BASES), short_abandons)


def special_waits(defs) -> list[int]:
    """Waits at and either side of each threshold and short-abandon limit."""
    values = {0, 1, 299, 300}
    for d in defs:
        for limit in (d.threshold_seconds, d.short_abandon_seconds):
            values |= {math.floor(limit) - 1, math.floor(limit), math.ceil(limit),
                       math.floor(limit) + 1}
    return sorted(v for v in values if 0 <= v <= 300)


@st.composite
def styles(draw) -> Style:
    return Style(
        old=draw(st.booleans()),
        stray=draw(st.booleans()),
        rings=tuple(draw(st.lists(st.integers(0, 300), max_size=2))),
        did=draw(st.booleans()),
        end_event=draw(st.sampled_from(TALK_EVENTS)),
        method=draw(st.integers(0, len(TRANSFER_METHODS) - 1)),
        position=draw(st.integers(1, 9)),
    )


@st.composite
def bodies(draw, waits) -> Body:
    outcome = draw(st.sampled_from((ref.ANSWERED, ref.ANSWERED, *ref.OUTCOMES, None)))
    wait = None if outcome is None else draw(waits)
    talk = agent = None
    if outcome == ref.ANSWERED:
        still_talking = draw(st.integers(0, 3)) == 0  # when the log ends
        talk = None if still_talking else draw(st.integers(0, 900))
        agent = draw(st.sampled_from(AGENTS))
    return Body(outcome, wait, talk, agent, draw(styles()))


@st.composite
def specs(draw, window: tuple[int, int], anchors: list[int], n_queues: int, waits) -> Spec:
    entered = draw(st.one_of(
        st.integers(*window),
        st.builds(lambda a, d: a + d, st.sampled_from(anchors), st.integers(-3700, 3700)),
    ))
    body = draw(bodies(waits))
    overflow = None
    if n_queues == 2 and draw(st.integers(0, 3)) == 0:  # timed out, then the other queue
        body = Body(ref.TIMEOUT, draw(waits), None, None, body.style)
        overflow = (draw(st.integers(0, 5)), draw(bodies(waits)))
    return Spec(entered, draw(st.integers(0, n_queues - 1)), body, overflow)


@st.composite
def scenarios(draw, max_attempts: int = 25) -> Scenario:
    defs = tuple(draw(st.lists(definitions, min_size=1, max_size=3)))
    waits = st.one_of(st.integers(0, 300), st.sampled_from(special_waits(defs)))
    base = draw(st.sampled_from(BASE_DAYS))
    n_days = draw(st.integers(1, 3))
    first = base - timedelta(days=draw(st.integers(0, n_days - 1)))
    days = tuple(first + timedelta(days=i) for i in range(n_days))
    midnights = [london_midnight(first + timedelta(days=i)) for i in range(n_days + 1)]
    window = (midnights[0] - 3600, midnights[-1] + 3600)
    anchors = midnights + [c for c in CLOCK_CHANGES if window[0] <= c <= window[1]]
    n_queues = draw(st.integers(1, 2))
    queues = QUEUES[:n_queues]

    attempts: list[RefAttempt] = []
    attempt_styles: list[Style] = []
    size = draw(st.one_of(st.integers(0, 4), st.integers(0, max_attempts)))
    for i, spec in enumerate(draw(st.lists(specs(window, anchors, n_queues, waits),
                                           min_size=size, max_size=size))):
        callid = f"{spec.entered - 2}.{1000 + i}"
        b = spec.body
        attempts.append(RefAttempt(callid, queues[spec.queue_index], spec.entered, b.outcome,
                                   b.wait, b.talk, b.agent))
        attempt_styles.append(b.style)
        if spec.overflow:  # timed out, then entered the other queue with the same call id
            delay, o = spec.overflow
            attempts.append(RefAttempt(callid, queues[1 - spec.queue_index],
                                       spec.entered + b.wait + delay, o.outcome, o.wait, o.talk,
                                       o.agent))
            attempt_styles.append(o.style)

    agent_lines = tuple(draw(st.lists(st.builds(
        AgentLine, st.integers(*window), st.integers(0, n_queues), st.sampled_from(AGENTS),
        st.sampled_from(AGENT_EVENTS + SYSTEM_EVENTS), st.sampled_from(["", "PAUSED", "Lunch"]),
        st.booleans()), max_size=6)))

    date_from, date_to = draw(st.one_of(
        st.just((days[0] - timedelta(days=1), days[-1] + timedelta(days=1))),
        st.tuples(st.integers(-1, n_days), st.integers(0, n_days)).map(
            lambda p: (first + timedelta(days=p[0]), first + timedelta(days=p[0] + p[1]))),
    ))
    return Scenario(defs, queues, days, date_from, date_to, tuple(attempts),
                    tuple(attempt_styles), agent_lines)


def render(attempts, attempt_styles, agent_lines, queues) -> list[str]:
    """queue_log lines in time order (the events of one attempt keep their order)."""
    events: list[tuple[int, int, int, str]] = []
    for order, (a, s) in enumerate(zip(attempts, attempt_styles, strict=True)):
        events += _attempt_lines(order, a, s)
    for n, line in enumerate(agent_lines):
        if line.event in SYSTEM_EVENTS:
            text_ = f"{line.epoch}|NONE|NONE|NONE|{line.event}|"
        else:
            queue = queues[line.queue_index] if line.queue_index < len(queues) else "NONE"
            text_ = f"{line.epoch}|CLI|{queue}|{line.agent}|{line.event}|{line.data}"
        events.append((line.epoch, len(attempts) + n, 0, text_ + ("|" if line.stray else "")))
    events.sort()
    return [e[3] for e in events]


def _attempt_lines(order: int, a: RefAttempt, s: Style) -> list[tuple[int, int, int, str]]:
    out: list[tuple[int, int, int, str]] = []

    def put(epoch: int, agent: str, event: str, *data) -> None:
        line = "|".join([str(epoch), a.callid, a.queue, agent, event, *map(str, data)])
        out.append((epoch, order, len(out), line + ("|" if s.stray else "")))

    pos = s.position
    caller = f"0163296{order % 10000:04d}"
    if s.did:
        put(a.entered, "NONE", "DID", "01709382121")
    if s.old:
        put(a.entered, "NONE", "ENTERQUEUE", "", caller)
    else:
        put(a.entered, "NONE", "ENTERQUEUE", "", caller, pos)
    for k in s.rings:
        if a.wait is not None:
            k = min(k, a.wait)
        put(a.entered + k, AGENTS[k % len(AGENTS)], "RINGNOANSWER", 15000)
    if a.outcome is None:
        return out
    end = a.entered + a.wait  # the terminal event: wait from timestamps agrees with waittime
    if a.outcome == ref.ANSWERED:
        member = f"{end - 3}.{order + 5000}"
        if s.old:
            put(end, a.agent, "CONNECT", a.wait, member)
        else:
            put(end, a.agent, "CONNECT", a.wait, member, min(a.wait, 3))
        if a.talk is None:
            return out
        done, tail = end + a.talk, (() if s.old else (pos,))
        if s.end_event.startswith("COMPLETE"):
            put(done, a.agent, s.end_event, a.wait, a.talk, *tail)
        elif s.end_event in ("BLINDTRANSFER", "TRANSFER"):
            put(done, a.agent, s.end_event, "2005", "from-internal", a.wait, a.talk, *tail)
        else:  # ATTENDEDTRANSFER exists from Asterisk 12 only: always with origposition
            method, method_data = TRANSFER_METHODS[s.method]
            put(done, a.agent, "ATTENDEDTRANSFER", method, method_data, a.wait, a.talk, pos)
    elif a.outcome == ref.ABANDONED:
        if s.rings:
            put(end, AGENTS[0], "RINGCANCELED", 1500)
        put(end, "NONE", "ABANDON", pos, pos, *(() if s.old else (a.wait,)))
    elif a.outcome == ref.TIMEOUT:
        put(end, "NONE", "EXITWITHTIMEOUT", *((pos,) if s.old else (pos, pos, a.wait)))
    elif a.outcome == "key":
        put(end, "NONE", "EXITWITHKEY", *(("1", pos) if s.old else ("1", pos, pos, a.wait)))
    elif a.outcome == "empty":
        put(end, "NONE", "EXITEMPTY", pos, pos, *(() if s.old else (a.wait,)))
    elif a.outcome == "withdrawn":  # Asterisk 13+: always with waittime; info may be empty
        put(end, "NONE", "WITHDRAW", pos, pos, a.wait, "" if s.old else "callback")
    elif a.outcome == "failed":
        put(end, "NONE", "SYSCOMPAT")
    else:
        raise AssertionError(a.outcome)
    return out


def write_lines(path: Path, lines: list[str], mode: str = "w") -> None:
    with open(path, mode, encoding="utf-8", newline="") as handle:
        handle.write("".join(line + "\n" for line in lines))


# --- Comparing -----------------------------------------------------------------------


def assert_figures(actual: dict, expected: dict, where: str) -> None:
    assert set(ref.FIGURE_KEYS) <= set(actual), where
    for key in ref.FIGURE_KEYS:
        got, want = actual[key], expected[key]
        if want is None or got is None:
            assert got is None and want is None, f"{where}: {key} = {got!r}, reference {want!r}"
        elif isinstance(want, float) or isinstance(got, float):
            assert math.isclose(got, want, rel_tol=0, abs_tol=1e-9), (
                f"{where}: {key} = {got!r}, reference {want!r}")
        else:
            assert got == want, f"{where}: {key} = {got!r}, reference {want!r}"


def expected(attempts, d: Definition) -> dict:
    return ref.figures(attempts, d.threshold_seconds, d.basis.value, d.short_abandon_seconds)


def stats(ctx, sc: Scenario, d: Definition, source: str = SOURCE, **kw):
    return call_stats(ctx, StatsQuery(sc.date_from, sc.date_to, d, source, **kw))


def check_figures(ctx, sc: Scenario, source: str = SOURCE, groupings=("hour", "day",
                                                                        "queue", "agent")):
    """Every figure query for every definition of ``sc`` against the reference."""
    chosen = ref.within_days(sc.attempts, sc.date_from, sc.date_to)
    for d in sc.definitions:
        where = f"{d} {sc.date_from}..{sc.date_to} source {source}"
        total = stats(ctx, sc, d, source)
        assert_figures(total.figures.as_dict(), expected(chosen, d), f"{where} total")
        for queue in sc.queues:
            one = stats(ctx, sc, d, source, queue=queue)
            assert_figures(one.figures.as_dict(),
                           expected(ref.within_days(chosen, sc.date_from, sc.date_to, queue), d),
                           f"{where} queue={queue}")
        for by in groupings:
            result = stats(ctx, sc, d, source, by=by)
            want = ref.grouped(chosen, by)
            got = dict(result.groups)
            assert set(got) == set(want), f"{where} by {by}: groups {sorted(got, key=str)} " \
                                          f"reference {sorted(want, key=str)}"
            for key, group in want.items():
                assert_figures(got[key].as_dict(), expected(group, d), f"{where} by {by} = {key}")
            # The raw attempts (hour, agent) and the histogram (day, queue, none) agree.
            assert result.figures.as_dict() == total.figures.as_dict(), f"{where} by {by}: total"
            if by == "hour":
                summed = sum((f.counts for _, f in result.groups), CallCounts())
                assert CallFigures(sc.date_from, sc.date_to, d, summed).as_dict() == \
                    total.figures.as_dict(), f"{where}: histogram vs sum of hour groups"


def stored_attempts(ctx, source: str = SOURCE) -> dict:
    t = CallAttempt.__table__
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(
            t.c.callid, t.c.queue, t.c.entered_epoch, t.c.outcome, t.c.wait_seconds,
            t.c.talk_seconds, t.c.agent, t.c.ended_epoch, t.c.local_day, t.c.local_hour,
        ).where(t.c.source == source)).all()
    return {tuple(r[:3]): tuple(r[3:]) for r in rows}


def expected_rows(attempts) -> dict:
    return {(a.callid, a.queue, a.entered): (
        a.outcome, a.wait, a.talk, a.agent if a.outcome == ref.ANSWERED else None, a.ended,
        a.local_day, a.local_hour) for a in attempts}


def note_features(sc: Scenario) -> None:
    """Hypothesis statistics (--hypothesis-show-statistics): what the examples held."""
    attempts = sc.attempts
    event(f"attempts: {min(len(attempts), 30) // 10 * 10}+")
    if any(a.outcome is None for a in attempts):
        event("an unresolved attempt")
    if any(a.outcome == ref.ANSWERED and a.talk is None for a in attempts):
        event("an answered call still talking")
    if any(a.wait == d.threshold_seconds for a in attempts for d in sc.definitions):
        event("a wait of exactly T")
    if any(0 < d.short_abandon_seconds for d in sc.definitions):
        event("short abandons excluded")
    if len({a.callid for a in attempts}) < len(attempts):
        event("a call id in two queues")
    if any(a.local_day != datetime.fromtimestamp(a.entered - 3600, LONDON).date()
           for a in attempts):
        event("an attempt in the first hour of a London day")
    if {date(2024, 3, 31), date(2024, 10, 27)} & set(sc.days):
        event("a clock-change day")
    if any(s.old for s in sc.styles):
        event("1.4 layout")


def clear_call_tables(ctx) -> None:
    with ctx.engine.begin() as conn:
        for table in CALL_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))


# --- Fixtures ------------------------------------------------------------------------


@pytest.fixture
def sqlite_ctx(fresh_database_url):
    """One migrated SQLite file per test; the call tables are emptied per example."""
    database = Database.open(fresh_database_url("sqlite"))
    yield context_for(database, "admin", "test.admin", "Test Admin")
    database.dispose()


EXAMPLES = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


# --- Properties ----------------------------------------------------------------------


@EXAMPLES
@given(sc=scenarios())
def test_figures_equal_reference(sqlite_ctx, tmp_path, sc: Scenario):
    note_features(sc)
    clear_call_tables(sqlite_ctx)
    log = tmp_path / "queue_log"
    write_lines(log, sc.lines())
    summary = import_call_log(sqlite_ctx, log)
    assert summary.bad_lines == 0, summary.problems
    assert summary.attempts_created == len(sc.attempts)
    assert stored_attempts(sqlite_ctx) == expected_rows(sc.attempts)
    check_figures(sqlite_ctx, sc)


@EXAMPLES
@given(sc=scenarios(), data=st.data())
def test_split_import_equals_whole_import(sqlite_ctx, tmp_path, sc: Scenario, data):
    note_features(sc)
    clear_call_tables(sqlite_ctx)
    lines = sc.lines()
    # Anywhere, or often just after a queue entry or an answer (the outcome or the talk
    # time then comes in the append).
    entries = [n + 1 for n, line in enumerate(lines) if "|ENTERQUEUE|" in line] or [0]
    answers = [n + 1 for n, line in enumerate(lines) if "|CONNECT|" in line] or [0]
    split = data.draw(st.one_of(st.integers(0, len(lines)), st.sampled_from(entries),
                                st.sampled_from(answers)), label="split")
    log = tmp_path / "queue_log"

    write_lines(log, lines[:split])
    first = import_call_log(sqlite_ctx, log)
    stored_first = stored_attempts(sqlite_ctx)
    waiting = {k for k, v in stored_first.items() if v[0] is None}
    write_lines(log, lines[split:], mode="a")
    second = import_call_log(sqlite_ctx, log)

    assert first.bad_lines == second.bad_lines == 0, (first.problems, second.problems)
    assert second.first_line == (split + 1 if split else 1)
    assert second.lines_read == len(lines) - split
    rows = stored_attempts(sqlite_ctx)
    assert rows == expected_rows(sc.attempts)
    resolved = {(a.callid, a.queue, a.entered) for a in sc.attempts if a.outcome is not None}
    assert all(rows[k][0] is not None for k in waiting & resolved)  # closed by the second
    if waiting & resolved:
        event("the second import closes an attempt the first left waiting")
    talking = {k for k, v in stored_first.items() if v[0] == ref.ANSWERED and v[2] is None}
    if any(rows[k][2] is not None for k in talking):
        event("the second import adds the talk time of a call answered before the split")
    assert first.attempts_created + second.attempts_created == len(sc.attempts)
    assert first.attempts_closed + second.attempts_closed == len(resolved)

    # The whole file in one import, under another source, in the same database.
    whole = tmp_path / "whole_queue_log"
    shutil.copy(log, whole)
    import_call_log(sqlite_ctx, whole, source="whole")
    assert stored_attempts(sqlite_ctx, "whole") == rows
    check_figures(sqlite_ctx, sc, SOURCE, groupings=("hour", "queue"))
    for d in sc.definitions:
        assert stats(sqlite_ctx, sc, d).figures.as_dict() == \
            stats(sqlite_ctx, sc, d, "whole").figures.as_dict()

    # Importing again adds nothing: the same file (nothing new), and the whole file
    # read afresh under another name (every attempt a duplicate).
    before = [stats(sqlite_ctx, sc, d).figures.as_dict() for d in sc.definitions]
    again = import_call_log(sqlite_ctx, log)
    assert (again.lines_read, again.attempts_created, again.attempts_closed) == (0, 0, 0)
    renamed = tmp_path / "queue_log.1"
    shutil.copy(log, renamed)
    afresh = import_call_log(sqlite_ctx, renamed)
    assert afresh.lines_read == len(lines)
    assert (afresh.attempts_created, afresh.attempts_closed, afresh.agent_events) == (0, 0, 0)
    assert afresh.duplicates_skipped >= len(sc.attempts)
    assert stored_attempts(sqlite_ctx) == rows
    assert [stats(sqlite_ctx, sc, d).figures.as_dict() for d in sc.definitions] == before


# --- One fixed log on PostgreSQL -----------------------------------------------------


def _fixed_scenario() -> Scenario:
    """Every outcome and layout, around the October 2024 clock change and midnights."""
    fall = CLOCK_CHANGES[1]  # 2024-10-27 01:00 UTC: 02:00 BST becomes 01:00 GMT
    midnight = london_midnight(date(2024, 10, 27))
    next_day = london_midnight(date(2024, 10, 28))
    rows = (  # queue, entered, outcome, wait, talk, agent
        ("council-main", midnight - 2, "answered", 21, 183, "PJSIP/201"),
        ("council-main", midnight + 100, "abandoned", 3, None, None),
        ("council-main", midnight + 200, "timeout", 300, None, None),
        ("revs-bens", midnight + 502, "answered", 20, 95, "PJSIP/205"),  # same call: overflow
        ("council-main", fall - 1800, "answered", 19, None, "PJSIP/202"),  # 01:30 BST
        ("revs-bens", fall + 1800, "abandoned", 21, None, None),  # 01:30 GMT, the same hour
        ("council-main", fall + 1900, "key", 15, None, None),
        ("council-main", fall + 2000, "empty", 0, None, None),
        ("revs-bens", fall + 2100, "withdrawn", 44, None, None),
        ("council-main", fall + 2200, "failed", 7, None, None),
        ("council-main", fall + 2300, None, None, None, None),
        ("council-main", fall + 9202, "answered", 0, 0, "Local/2005@agents"),
        ("revs-bens", fall + 9302, "answered", 300, 60, "PJSIP/201"),
        ("council-main", next_day - 30, "abandoned", 48, None, None),
        ("council-main", next_day + 30, None, None, None, None),
    )
    attempts, callid = [], ""
    for n, (queue, entered, *rest) in enumerate(rows, start=1):
        if n != 4:  # the fourth is the third call again, after its timeout
            callid = f"{entered - 2}.{n}"
        attempts.append(RefAttempt(callid, queue, entered, *rest))
    attempts = tuple(attempts)
    plain = Style()
    attempt_styles = (
        Style(rings=(4,), did=True), Style(old=True, stray=True), Style(old=True),
        Style(end_event="ATTENDEDTRANSFER", method=1, stray=True),
        plain, Style(rings=(5, 20)), Style(old=True), plain, Style(old=True), plain,
        Style(rings=(30,)), Style(end_event="BLINDTRANSFER", old=True),
        Style(end_event="ATTENDEDTRANSFER", method=4), Style(stray=True), plain,
    )
    agent_lines = (
        AgentLine(midnight - 600, 0, "PJSIP/201", "ADDMEMBER", "", False),
        AgentLine(midnight - 500, 0, "PJSIP/202", "PAUSE", "Lunch", True),
        AgentLine(fall, 2, "PJSIP/201", "QUEUESTART", "", False),
    )
    defs = (Definition(20), Definition(21, "offered", 5), Definition(19.8, "exclude-short-abandons", 4.5),
            Definition(21, "include-abandons-within-threshold"),
            Definition(0, "exclude-abandons-within-threshold", 10))
    return Scenario(defs, QUEUES, (date(2024, 10, 27),), date(2024, 10, 26), date(2024, 10, 28),
                    attempts, attempt_styles, agent_lines)


def test_reference_on_the_fixed_log_by_hand():
    """The reference itself, against figures counted by hand from the fixed log."""
    sc = _fixed_scenario()
    span = ref.within_days(sc.attempts, date(2024, 10, 26), date(2024, 10, 28))
    got = ref.figures(span, 20, "answered", 0)
    assert got == {
        "offered": 13, "answered": 5, "answered_within_threshold": 3,  # waits 20, 19, 0
        "abandoned": 3, "abandoned_within_threshold": 1, "short_abandoned": 0,
        "timed_out": 1, "other_exits": 4, "unresolved": 2,
        "service_level": 3 / 5, "abandon_rate": 3 / 13,
        "asa_seconds": (21 + 20 + 19 + 0 + 300) / 5, "average_abandon_seconds": (3 + 21 + 48) / 3,
        "longest_wait_seconds": 300, "average_talk_seconds": (183 + 95 + 0 + 60) / 4,
    }
    short = ref.figures(span, 21, "exclude-short-abandons", 5)
    assert (short["answered_within_threshold"], short["abandoned_within_threshold"]) == (4, 2)
    assert short["service_level"] == 4 / (5 + 3 - 1)
    assert short["abandon_rate"] == (3 - 1) / (13 - 1)
    assert ref.figures(span, 21, "include-abandons-within-threshold", 0)["service_level"] == 6 / 8
    # 26 October holds only the call a second before midnight; 28 October one still waiting.
    assert [a.local_day for a in span].count(date(2024, 10, 26)) == 1
    assert [a.local_day for a in span].count(date(2024, 10, 28)) == 1
    # 01:30 BST and 01:30 GMT are both in hour 1 of 27 October: seven attempts in all.
    day = ref.within_days(sc.attempts, date(2024, 10, 27), date(2024, 10, 27))
    assert {h: len(g) for h, g in ref.grouped(day, "hour").items()} == {0: 3, 1: 7, 3: 2, 23: 1}


def test_fixed_log_on_postgresql(fresh_database_url, tmp_path):
    sc = _fixed_scenario()
    database = Database.open(fresh_database_url("postgresql"))
    ctx = context_for(database, "admin", "test.admin", "Test Admin")
    try:
        lines = sc.lines()
        log = tmp_path / "queue_log"
        write_lines(log, lines)
        summary = import_call_log(ctx, log)
        assert (summary.bad_lines, summary.attempts_created) == (0, len(sc.attempts))
        assert stored_attempts(ctx) == expected_rows(sc.attempts)
        check_figures(ctx, sc)
        for day in (date(2024, 10, 26), date(2024, 10, 27), date(2024, 10, 28)):
            one_day = Scenario(sc.definitions, sc.queues, sc.days, day, day, sc.attempts,
                               sc.styles, sc.agent_lines)
            check_figures(ctx, one_day, groupings=("hour",))

        # The same log in two appends, under another source name.
        split_log = tmp_path / "split" / "queue_log"
        split_log.parent.mkdir()
        write_lines(split_log, lines[:9])  # the third call waiting, the first still talking
        first = import_call_log(ctx, split_log, source="split")
        write_lines(split_log, lines[9:], mode="a")
        second = import_call_log(ctx, split_log, source="split")
        assert (first.attempts_created, first.attempts_waiting) == (3, 1)
        assert (second.first_line, second.attempts_created, second.attempts_closed) == (10, 12, 11)
        assert stored_attempts(ctx, "split") == expected_rows(sc.attempts)
        check_figures(ctx, sc, "split", groupings=("hour", "queue"))
    finally:
        database.dispose()
