"""Demo telephony: a council contact centre's queue attempts, as rows and as a queue_log.

One model gives two outputs with the same calls in them: rows for a Core insert into
``call_attempts`` (``CallCentre.rows``) and the Asterisk queue_log lines a PBX would
have written for them (``CallCentre.queue_log``), in the format of
``/work/shared/samples/asterisk_queue_log.sample``. Importing the lines gives the same
figures as inserting the rows.

The model, per working day of the opening hours (08:00-20:00 Monday to Friday in
Europe/London by default, no bank holidays):

* volume: ``calls_per_day`` times the weekday (Monday, or the first day back after a
  bank holiday, busiest), the month (annual bills in March and April, quiet August and
  December), a slow decline as people move online and a little noise;
* through the day: the demo's half-hour shape (09:00-11:00 peak, lunchtime dip, a
  second smaller peak early in the afternoon, a quiet evening);
* two queues: ``council-main`` (about 85%) and ``revs-bens`` (about 15%, revenues
  and benefits: answered by a quarter of the agents, the others standing in, longer
  calls);
* waits: most callers are answered within a few seconds (ring time included); the
  share who wait beyond 21 seconds grows with the half hour's load, and on a few bad
  days (sickness, a system down) with a staffing shortfall. Callers who wait long run
  out of patience and hang up (abandoned), a few press 1 for a call back (exit with
  key), a very few reach the queue timeout, and a queue with nobody free to log in
  to it sends callers away (exit empty). Service level (answered basis, 21 s) comes out at about
  90-95%, the abandon rate at 1-3%;
* talk: lognormal, median about 200 seconds (revs-bens about 260);
* staff: each agent works an early or a late shift most days, with a lunch and two
  short breaks; calls go round the agents on shift and not on a break (Asterisk's
  ``rrmemory`` strategy), so agent names and their log-ins, pauses and log-outs agree.

Every day has its own ``random.Random`` seeded from (seed, day) (the queue_log's extra
detail a second one), so a day's calls do not depend on which span is generated and the
same seed gives the same calls. The per-call work is plain arithmetic on Unix seconds
(no datetime per call), so a million attempts take a few seconds.
"""

from __future__ import annotations

import heapq
import math
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import NormalDist

from ..domain.working_time import LONDON, OpeningHours
from ..telephony.store import local_day_and_hour
from .profile import DAY_NOISE, FIRST_DAY_BACK, HALF_HOUR_SHAPE, OTHER_HALF_HOURS, WEEKDAY_FACTOR

SOURCE = "demo-pbx"
MAIN, REVS = "council-main", "revs-bens"
QUEUES = (MAIN, REVS)
REVS_SHARE = 0.15
REVS_GROUPS = frozenset({"council_tax", "business_rates", "benefits"})
CALLS_PER_DAY = 1100  # an average weekday
ATTEMPT_COLUMNS = ("source", "callid", "queue", "entered_epoch", "local_day", "local_hour",
                   "outcome", "wait_seconds", "talk_seconds", "agent", "ended_epoch", "call_id")
ANSWERED, ABANDONED, TIMEOUT, KEY, EMPTY = "answered", "abandoned", "timeout", "key", "empty"

# Month of the year (annual bills go out in March; August and December are quiet).
MONTH_FACTOR = {1: 1.08, 2: 1.0, 3: 1.14, 4: 1.12, 5: 0.98, 6: 0.96, 7: 0.96, 8: 0.88,
                9: 1.0, 10: 1.02, 11: 1.0, 12: 0.86}
YEARLY_TREND = 0.96  # calls per year relative to the year before (channel shift)
TREND_BASE = date(2026, 4, 1)

# Waits. A caller is answered within a few seconds unless the half hour is short of
# staff: the chance of a long wait (beyond 21 s) is LONG_BASE + LONG_LOAD * load**2,
# load being the half hour's calls relative to an average half hour of an average day.
LONG_BASE, LONG_LOAD = 0.010, 0.040
LONG_MEAN = 40.0  # seconds beyond 22 a long wait lasts on average, plus LONG_MEAN_LOAD * load
LONG_MEAN_LOAD = 60.0
BAD_DAY_SHARE, BAD_DAY_FACTOR = 0.05, (1.8, 3.2)
SHORT_ABANDON = 0.006  # callers who hang up within their (short) wait anyway
EMPTY_SHARE = 0.0008  # the queue briefly with nobody logged in (all at a briefing, a glitch)
SHORT_GONE = SHORT_ABANDON + EMPTY_SHARE
ANSWERED_SHARE = 0.975  # of the callers, about, that the model answers
PATIENCE_MEAN = 420.0  # seconds a caller waits at most, on average (exponential)
KEY_SHARE = 0.12  # of callers out of patience after a minute: press 1 for a call back
TIMEOUT_SECONDS = {MAIN: 900, REVS: 600}
REVS_LONG_FACTOR = 1.3  # fewer agents: a bit more waiting

TALK_MEDIAN = {MAIN: 200.0, REVS: 260.0}
TALK_SIGMA = 0.55
TALK_RANGE = (15, 3600)
_TALK_BITS = 12

# Staff: shifts (start, end) in seconds after opening; the day's late shift ends at closing.
LEAVE_SHARE = 0.1
SHIFT_HOURS = 8.5
# Every agent logs in to both queues; this share of them (revenues and benefits trained)
# take revs-bens calls, the others only when none of those is free (a penalty).
REVS_MEMBER_SHARE = 0.25
QUARTER = 900
RING_TIMEOUT = 15  # seconds an agent's phone rings before the next agent is tried

PAUSE_REASONS = ("Break", "Lunch", "Break")


@dataclass(frozen=True, slots=True)
class Shift:
    agent: str
    start: int  # seconds after opening
    end: int
    breaks: tuple[tuple[int, int, str], ...]  # (start, end, reason), seconds after opening
    queues: tuple[str, ...]


@dataclass(slots=True)
class Day:
    """One day's calls, in order of queue entry, and who was on shift."""

    day: date
    opens: int  # Unix time of opening
    calls: list[tuple]  # (entered, queue, outcome, wait, talk, agent, ended)
    shifts: list[Shift]


def call_id(index: int, entered: int) -> str:
    """The Asterisk uniqueid of the ``index``-th caller of a day: the caller's channel is made
    a few seconds before the queue (in the IVR); the agent's channel takes the next number."""
    return f"{entered - 4 - (index * 7) % 31}.{1000 + 2 * index}"


def _talk_table(median: float) -> tuple[int, ...]:
    normal, size = NormalDist(), 1 << _TALK_BITS
    low, high = TALK_RANGE
    return tuple(min(high, max(low, round(median * math.exp(TALK_SIGMA * normal.inv_cdf((i + 0.5) / size)))))
                 for i in range(size))


class CallCentre:
    """The demo contact centre's telephony: ``CallCentre(seed, agents)``, then ``day(d)``,
    ``rows(days)`` or ``queue_log(days)``.

    ``agents`` are the names the PBX knows agents by (the demo uses usernames).
    """

    def __init__(self, seed: int, agents: Sequence[str], *, hours: OpeningHours | None = None,
                 calls_per_day: float = CALLS_PER_DAY) -> None:
        if not agents:
            raise ValueError("a call centre needs at least one agent")
        self.seed = seed
        self.agents = tuple(agents)
        self.hours = hours or OpeningHours()
        self.calls_per_day = calls_per_day
        members = max(2, round(len(self.agents) * REVS_MEMBER_SHARE))
        self.revs_agents = frozenset(self.agents[-members:])
        self._talk = {MAIN: _talk_table(TALK_MEDIAN[MAIN]), REVS: _talk_table(TALK_MEDIAN[REVS])}
        self._slots()

    # -- the day's shape ----------------------------------------------------

    def _slots(self) -> None:
        """Half-hour slots of the opening hours: start (s after opening), length, weight."""
        opens, closes = self.hours.opens, self.hours.closes
        self.open_seconds = opens.hour * 3600 + opens.minute * 60 + opens.second
        self.length = closes.hour * 3600 + closes.minute * 60 + closes.second - self.open_seconds
        starts, weights, cum = [], [], []
        total = 0.0
        moment = self.open_seconds
        end = self.open_seconds + self.length
        while moment < end:
            boundary = min(end, (moment // 1800 + 1) * 1800)
            weight = HALF_HOUR_SHAPE.get(moment // 1800, OTHER_HALF_HOURS)
            starts.append(moment - self.open_seconds)
            weights.append(weight)
            total += weight * (boundary - moment)
            cum.append(total)
            moment = boundary
        self.slot_starts, self.slot_weights, self.slot_cum = starts, weights, cum
        # The average weight of a call's half hour: load 1.0 is a typical call's half hour.
        self.mean_weight = sum(w * w * (b - a) for w, a, b in zip(
            weights, starts, starts[1:] + [self.length], strict=True)) / total

    def working_days(self, first: date, last: date) -> list[date]:
        """The opening hours' working days from ``first`` to ``last``, both included."""
        days, day = [], first
        while day <= last:
            if self.hours.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def _rng(self, day: date, part: str) -> random.Random:
        return random.Random(f"contactdesk-demo-telephony:{self.seed}:{day.isoformat()}:{part}")

    def _volume(self, day: date, rng: random.Random) -> int:
        if not self.hours.is_working_day(day - timedelta(days=1)):
            factor = FIRST_DAY_BACK
        else:
            factor = WEEKDAY_FACTOR[day.weekday()]
        trend = YEARLY_TREND ** ((day - TREND_BASE).days / 365.25)
        noise = rng.uniform(1 - DAY_NOISE, 1 + DAY_NOISE)
        return round(self.calls_per_day * factor * MONTH_FACTOR[day.month] * trend * noise)

    def _opening_epoch(self, day: date) -> int:
        return int(datetime.combine(day, self.hours.opens, tzinfo=LONDON).timestamp())

    # -- staff --------------------------------------------------------------

    def _roster(self, rng: random.Random) -> list[Shift]:
        """Who works today: early and late shifts, each with a lunch and two short breaks."""
        length = self.length
        shift = min(length, int(SHIFT_HOURS * 3600))
        present = [a for a in self.agents if rng.random() >= LEAVE_SHARE]
        if len(present) < min(4, len(self.agents)):
            present = list(self.agents[:4])
        rng.shuffle(present)
        shifts = []
        for i, agent in enumerate(present):
            if len(present) == 1:
                start, end = 0, length
            elif i % 2 == 0:
                start, end = 0, shift  # early: from opening
            else:
                start, end = length - shift, length  # late: to closing
            # Breaks on quarter hours: a short break, lunch in the middle, another short break.
            quarters = (end - start) // QUARTER
            first = start + QUARTER * max(1, quarters // 4 + rng.randint(-1, 1))
            lunch = start + QUARTER * max(3, quarters // 2 + rng.randint(-2, 1))
            last = start + QUARTER * max(6, quarters * 3 // 4 + rng.randint(0, 2))
            breaks = tuple((b, b + span, reason) for b, span, reason in (
                (first, QUARTER, PAUSE_REASONS[0]), (lunch, 2 * QUARTER, PAUSE_REASONS[1]),
                (last, QUARTER, PAUSE_REASONS[2])) if b + span <= end - QUARTER)
            shifts.append(Shift(agent, start, end, breaks, QUEUES))
        return shifts

    def _on_duty(self, shifts: list[Shift]) -> dict[str, list[list[str]]]:
        """Per queue, per quarter hour after opening: the agents logged in and not paused."""
        quarters = -(-self.length // QUARTER)
        duty: dict[str, list[list[str]]] = {q: [[] for _ in range(quarters)] for q in QUEUES}
        for s in shifts:
            for k in range(s.start // QUARTER, min(quarters, -(-s.end // QUARTER))):
                moment = k * QUARTER
                if any(b <= moment < e for b, e, _ in s.breaks):
                    continue
                duty[MAIN][k].append(s.agent)
                if s.agent in self.revs_agents:
                    duty[REVS][k].append(s.agent)
        # Everyone is a member of revs-bens too, with a penalty: they get its calls only
        # when none of its own agents is free.
        for k, agents in enumerate(duty[REVS]):
            if not agents:
                duty[REVS][k] = duty[MAIN][k]
        return duty

    # -- calls ----------------------------------------------------------------

    def volume(self, day: date) -> int:
        """How many callers ``day(day)`` has, without making them."""
        if not self.hours.is_working_day(day):
            return 0
        rng = self._rng(day, "calls")
        self._roster(rng)
        return self._volume(day, rng)

    def day(self, day: date, volume: int | None = None) -> Day:
        """The calls of ``day`` (none when it is not a working day); ``volume`` callers
        instead of the model's number for the day."""
        opens = self._opening_epoch(day)
        if not self.hours.is_working_day(day):
            return Day(day, opens, [], [])
        rng = self._rng(day, "calls")
        shifts = self._roster(rng)
        duty = self._on_duty(shifts)
        n = self._volume(day, rng) if volume is None else volume
        shortfall = rng.uniform(*BAD_DAY_FACTOR) if rng.random() < BAD_DAY_SHARE else 1.0
        load_scale = n / (self.calls_per_day * self.mean_weight)
        long_chance = [min(0.6, (LONG_BASE + LONG_LOAD * (w * load_scale) ** 2) * shortfall)
                       for w in self.slot_weights]
        long_mean = [LONG_MEAN + LONG_MEAN_LOAD * w * load_scale * shortfall
                     for w in self.slot_weights]
        starts, weights, cum = self.slot_starts, self.slot_weights, self.slot_cum
        total, slots = cum[-1], len(cum)
        main_duty, revs_duty = duty[MAIN], duty[REVS]
        last_quarter = len(main_duty) - 1
        talk_main, talk_revs = self._talk[MAIN], self._talk[REVS]
        timeout_main, timeout_revs = TIMEOUT_SECONDS[MAIN], TIMEOUT_SECONDS[REVS]
        turn_main = turn_revs = 0  # rrmemory: each queue rings the next agent after the last
        rand, bits, log = rng.random, rng.getrandbits, math.log
        calls: list[tuple] = []
        append = calls.append
        slot, ceiling = 0, cum[0]
        base, inverse, begins = 0.0, 1.0 / weights[0], starts[0]
        chance_main, mean = long_chance[0], long_mean[0]
        for x in sorted([rand() * total for _ in range(n)]):
            if x >= ceiling and slot < slots - 1:
                while x >= cum[slot] and slot < slots - 1:
                    slot += 1
                ceiling, base = cum[slot], cum[slot - 1]
                inverse, begins = 1.0 / weights[slot], starts[slot]
                chance_main, mean = long_chance[slot], long_mean[slot]
            offset = int(begins + (x - base) * inverse)
            entered = opens + offset
            u = rand()
            revs = u < REVS_SHARE
            if revs:
                queue, chance = REVS, chance_main * REVS_LONG_FACTOR
            else:
                queue, chance = MAIN, chance_main
            if rand() < chance:
                wait = 22 + int(-log(1.0 - rand()) * mean)
                patience = -log(1.0 - rand()) * PATIENCE_MEAN
                timeout = timeout_revs if revs else timeout_main
                if wait >= timeout and patience >= timeout:
                    append((entered, queue, TIMEOUT, timeout, None, None, entered + timeout))
                    continue
                if patience < wait:
                    waited = int(patience)
                    outcome = KEY if waited >= 60 and rand() < KEY_SHARE else ABANDONED
                    append((entered, queue, outcome, waited, None, None, entered + waited))
                    continue
            else:
                wait = 1 + int(20.0 * rand() * rand())
                r = rand()
                if r < SHORT_GONE:
                    if r < SHORT_ABANDON:
                        waited = int(wait * r / SHORT_ABANDON)
                        append((entered, queue, ABANDONED, waited, None, None, entered + waited))
                    else:
                        waited = wait % 12
                        append((entered, queue, EMPTY, waited, None, None, entered + waited))
                    continue
            quarter = (offset + wait) // QUARTER
            if quarter > last_quarter:
                quarter = last_quarter
            if revs:
                free = revs_duty[quarter]
                turn_revs += 1
                turn = turn_revs
                talk = talk_revs[bits(_TALK_BITS)]
            else:
                free = main_duty[quarter]
                turn_main += 1
                turn = turn_main
                talk = talk_main[bits(_TALK_BITS)]
            if not free:
                waited = int(wait * rand()) % 12
                append((entered, queue, EMPTY, waited, None, None, entered + waited))
                continue
            append((entered, queue, ANSWERED, wait, talk, free[turn % len(free)],
                    entered + wait + talk))
        return Day(day, opens, calls, shifts)

    def day_with_calls(self, day: date, answered: Iterable[tuple[int, int, int, str | None, bool]],
                       unlogged: float = 0.0) -> Day:
        """``day`` with its answered callers given (the demo's logged phone calls), as
        (entered, wait, talk, agent, about revenues or benefits) each; the model adds the
        callers who were not answered, about as many as it would have for that volume.

        Of the calls about council tax, business rates or benefits, enough go to
        ``revs-bens`` to make it about 15% of the day's calls; the rest came in through
        ``council-main``. ``unlogged`` keeps that share of the model's own answered callers:
        calls an agent answered and logged nothing for.
        """
        given = list(answered)
        revenues = sum(1 for *_, about in given if about)
        share = min(1.0, REVS_SHARE * len(given) / revenues) if revenues else 0.0
        rand = self._rng(day, "queues").random
        calls = [(entered, REVS if about and rand() < share else MAIN, ANSWERED, wait, talk, agent,
                  entered + wait + talk) for entered, wait, talk, agent, about in given]
        model = self.day(day, volume=round(len(given) / ANSWERED_SHARE))
        calls += [c for c in model.calls if c[2] != ANSWERED or (unlogged and rand() < unlogged)]
        calls.sort(key=lambda c: c[0])
        return Day(day, model.opens, calls, model.shifts)

    # -- outputs ------------------------------------------------------------

    def rows(self, days: Iterable[Day], source: str = SOURCE) -> list[dict]:
        """``call_attempts`` rows for a Core insert, in order of queue entry."""
        return [dict(zip(ATTEMPT_COLUMNS, (*r[:4], date.fromisoformat(r[4]), *r[5:]), strict=True))
                for r in self.records(days, source)]

    def records(self, days: Iterable[Day], source: str = SOURCE) -> list[tuple]:
        """The same rows as tuples in ``ATTEMPT_COLUMNS`` order, the day as ISO text (what
        SQLAlchemy stores for a date on SQLite, and PostgreSQL reads in a COPY): for a bulk
        insert straight through the driver."""
        records: list[tuple] = []
        append = records.append
        iso: dict[date, str] = {}
        for d in days:
            for index, (entered, queue, outcome, wait, talk, agent, ended) in enumerate(d.calls):
                local_day, hour = local_day_and_hour(entered)
                text = iso.get(local_day)
                if text is None:
                    text = iso[local_day] = local_day.isoformat()
                append((source, f"{entered - 4 - (index * 7) % 31}.{1000 + 2 * index}", queue,
                        entered, text, hour, outcome, wait, talk, agent, ended, None))  # call_id()
        return records

    def queue_log(self, days: Iterable[Day]) -> Iterator[str]:
        """The days' queue_log lines (each ending in a newline), in time order."""
        for d in days:
            yield from self.log_lines(d)

    def log_lines(self, d: Day) -> list[str]:
        rng = self._rng(d.day, "log")
        rand, randint = rng.random, rng.randint
        opens = d.opens
        events: list[tuple[int, str]] = []
        add = events.append
        order = 0  # keeps a call's events (and equal times) in the order they happened

        def put(epoch: int, line: str) -> None:
            nonlocal order
            order += 1
            add((epoch << 24 | order, line))

        for s in d.shifts:
            start = opens + s.start - randint(60, 420)
            for q in s.queues:
                put(start, f"{start}|CLI|{q}|{s.agent}|ADDMEMBER|\n")
            for b, e, reason in s.breaks:
                paused, back = opens + b + randint(0, 50), opens + e + randint(0, 90)
                for q in s.queues:
                    put(paused, f"{paused}|NONE|{q}|{s.agent}|PAUSE|{reason}\n")
                    put(back, f"{back}|NONE|{q}|{s.agent}|UNPAUSE|\n")
            end = opens + s.end + randint(30, 600)
            for q in s.queues:
                put(end, f"{end}|CLI|{q}|{s.agent}|REMOVEMEMBER|\n")

        waiting: dict[str, list[int]] = {q: [] for q in QUEUES}
        others = {q: [s.agent for s in d.shifts if q in s.queues] or list(self.agents) for q in QUEUES}
        for index, (entered, queue, outcome, wait, talk, agent, _ended) in enumerate(d.calls):
            callid = call_id(index, entered)
            heap = waiting[queue]
            while heap and heap[0] <= entered:
                heapq.heappop(heap)
            position = len(heap) + 1
            heapq.heappush(heap, entered + wait)
            r = rand()
            if r < 0.04:
                caller = "anonymous"
            elif r < 0.55:
                caller = f"01709{randint(200000, 899999)}"
            else:
                caller = f"07{randint(100000000, 999999999)}"
            put(entered, f"{entered}|{callid}|{queue}|NONE|ENTERQUEUE||{caller}|{position}\n")
            head = f"|{callid}|{queue}|"
            if outcome == ANSWERED:
                ring = min(wait, randint(1, 6))
                connected = entered + wait
                if wait - ring >= RING_TIMEOUT and rand() < 0.35:
                    missed = others[queue][index % len(others[queue])]
                    if missed != agent:
                        rang = entered + RING_TIMEOUT + randint(0, wait - ring - RING_TIMEOUT)
                        put(rang, f"{rang}{head}{missed}|RINGNOANSWER|{RING_TIMEOUT * 1000}\n")
                put(connected, f"{connected}{head}{agent}|CONNECT|{wait}|"
                               f"{connected - ring}.{1001 + 2 * index}|{ring}\n")
                done = connected + talk
                r = rand()
                if r < 0.55:
                    tail = f"COMPLETECALLER|{wait}|{talk}|{position}"
                elif r < 0.92:
                    tail = f"COMPLETEAGENT|{wait}|{talk}|{position}"
                elif r < 0.97:
                    tail = f"BLINDTRANSFER|{randint(2001, 2099)}|from-internal|{wait}|{talk}|{position}"
                else:
                    bridge = uuid.UUID(int=rng.getrandbits(128), version=4)
                    tail = f"ATTENDEDTRANSFER|BRIDGE|{bridge}|{wait}|{talk}|{position}"
                put(done, f"{done}{head}{agent}|{tail}\n")
                continue
            left = entered + wait
            now = randint(1, position)
            if outcome == ABANDONED:
                if wait >= 3 and rand() < 0.3:
                    rang = others[queue][index % len(others[queue])]
                    ms = min(wait, RING_TIMEOUT) * 1000 - randint(1, 999)
                    put(left, f"{left}{head}{rang}|RINGCANCELED|{ms}\n")
                put(left, f"{left}{head}NONE|ABANDON|{now}|{position}|{wait}\n")
            elif outcome == TIMEOUT:
                put(left, f"{left}{head}NONE|EXITWITHTIMEOUT|{now}|{position}|{wait}\n")
            elif outcome == KEY:
                put(left, f"{left}{head}NONE|EXITWITHKEY|1|{now}|{position}|{wait}\n")
            else:
                put(left, f"{left}{head}NONE|EXITEMPTY|{now}|{position}|{wait}\n")
        events.sort()
        return [line for _, line in events]


def write_queue_log(path, centre: CallCentre, days: Iterable[Day]) -> int:
    """Write the days' queue_log to ``path``; the number of lines written."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for d in days:
            lines = centre.log_lines(d)
            handle.writelines(lines)
            count += len(lines)
    return count

