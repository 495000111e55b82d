"""The planner: from the seed, the world and ``today``, decides every call, caller, case,
status change and note of the run, in order and with no database access, so the same seed and
the same ``today`` give the same plan (every random choice comes from one
``random.Random(seed)`` and every time is derived from ``today``, never the wall clock;
everything happens before midnight at the start of ``today`` in Europe/London).
"""

from __future__ import annotations

import math
import random
import re
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

import phonenumbers

from ..domain.case_status import FINISHED_STATUSES, OPEN_STATUSES, CaseStatus
from ..domain.working_time import LONDON, TargetUnit
from .plan import CallerPlan, CallPlan, CasePlan, Plan, Step
from .profile import (
    ABOUT_A_HOME,
    ANONYMOUS_SHARE,
    AT_HOME,
    BASE_CALLS_PER_DAY,
    CALLER_NOTE_SHARE,
    CATEGORY_WEIGHTS,
    CHANNELS,
    CLOSE_AFTER_RESOLVE,
    DAY_NOISE,
    DUPLICATE_SHARE,
    DUPLICATE_WINDOW,
    FIRST_DAY_BACK,
    FORGOTTEN_SHARE,
    HALF_HOUR_SHAPE,
    MIN_CASES_PER_CATEGORY,
    NEW_CALLER_SHARE,
    NOTE_COUNTS,
    OTHER_HALF_HOURS,
    OUTCOMES,
    OVERRIDE_SHARE,
    OVERRIDES,
    SERVICE_LEVEL_SECONDS,
    TALK_MEDIAN,
    WEEKDAY_FACTOR,
    WITHDRAWN_SHARE,
)
from .progress import Progress
from .texts import (
    CALLER_NOTES_DONE,
    CALLER_NOTES_OPEN,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    INTERNAL_NOTES,
    MOBILE_PREFIXES,
    RESOLUTIONS,
    SURNAMES,
    TITLES,
    WITHDRAWALS,
    case_description,
    enquiry_summary,
    short_date,
    template_makers,
    template_values,
)
from .world import Category, World


class Planner:
    """Decides one run: ``Planner(rng, world, today, days).run()`` gives the :class:`Plan`."""

    def __init__(self, rng: random.Random, world: World, today: date, days: int):
        self.rng = rng
        self.world = world
        self.hours = world.hours
        self.today = today
        self.days = days
        self.now = datetime.combine(today, time(0), tzinfo=LONDON).astimezone(UTC)
        self.callers: list[CallerPlan] = []
        self.calls: list[CallPlan] = []
        self.cases: list[CasePlan] = []
        users = world.users
        agents = [i for i, u in enumerate(users) if u.role == "agent"] or list(range(len(users)))
        self.agents = agents
        self.supervisors = [i for i, u in enumerate(users) if u.role == "supervisor"] or agents
        self.workers = sorted(set(agents) | set(self.supervisors))
        self.day_hours = world.hours.day_length.total_seconds() / 3600
        cats = world.categories
        self.case_cum = list(accumulate(CATEGORY_WEIGHTS.get(c.code, (1, 1))[0] for c in cats))
        self.enquiry_cum = list(accumulate(CATEGORY_WEIGHTS.get(c.code, (1, 1))[1] for c in cats))
        self.channel_cum = list(accumulate(w for _, w in CHANNELS))
        self.outcome_cum = list(accumulate(w for _, w in OUTCOMES))
        self.recent_by_category: dict[int, list[int]] = defaultdict(list)
        self.makers = template_makers(rng, world.streets)

    # -- the whole run ----------------------------------------------------

    def run(self, progress: Progress | None = None) -> Plan:
        progress = progress or Progress()
        first = self.today - timedelta(days=self.days)
        for offset in range(self.days):
            day = first + timedelta(days=offset)
            if self.hours.is_working_day(day):
                self._plan_day(day)
            progress.part(offset + 1, 2 * self.days)  # days: the first half of planning
        self._ensure_every_category()
        for index, call in enumerate(self.calls):
            if call.outcome == "case_created":
                self._plan_case(index, call)
            else:
                call.summary = self._enquiry_summary(call)
            if index % 2000 == 0:
                progress.part(len(self.calls) + index, 2 * len(self.calls))
        return Plan(self.callers, self.calls, self.cases, self.now)

    # -- calls ------------------------------------------------------------

    def _day_factor(self, day: date) -> float:
        if not self.hours.is_working_day(day - timedelta(days=1)):
            return FIRST_DAY_BACK
        return WEEKDAY_FACTOR[day.weekday()]

    def _slots(self, day: date) -> list[tuple[datetime, int, float]]:
        """(start, length in seconds, weight) per half hour of the day's opening hours."""
        opens = datetime.combine(day, self.hours.opens, tzinfo=LONDON)
        closes = datetime.combine(day, self.hours.closes, tzinfo=LONDON)
        slots = []
        start = opens
        while start < closes:
            boundary = start.replace(minute=0 if start.minute < 30 else 30, second=0, microsecond=0)
            end = min(closes, boundary + timedelta(minutes=30))
            key = start.hour * 2 + (1 if start.minute >= 30 else 0)
            slots.append((start.astimezone(UTC), int((end - start).total_seconds()),
                          HALF_HOUR_SHAPE.get(key, OTHER_HALF_HOURS)))
            start = end
        return slots

    def _plan_day(self, day: date) -> None:
        rng = self.rng
        factor = self._day_factor(day)
        total = round(BASE_CALLS_PER_DAY * factor * rng.uniform(1 - DAY_NOISE, 1 + DAY_NOISE))
        slots = self._slots(day)
        # Scale the shape by the slot's length, so a short last slot gets fewer calls.
        cum = list(accumulate(weight * length for _, length, weight in slots))
        picks = rng.choices(range(len(slots)), cum_weights=cum, k=total)
        moments = sorted((slot, int(rng.random() * slots[slot][1])) for slot in picks)
        for slot, seconds in moments:
            start, _, weight = slots[slot]
            self._plan_call(start + timedelta(seconds=seconds), weight * factor)

    def _plan_call(self, started: datetime, busy: float) -> None:
        rng = self.rng
        channel = CHANNELS[_pick(rng, self.channel_cum)][0]
        outcome = OUTCOMES[_pick(rng, self.outcome_cum)][0]
        cum = self.case_cum if outcome == "case_created" else self.enquiry_cum
        category = self.world.categories[_pick(rng, cum)]
        if channel == "phone":
            wait = float(self._wait_seconds(busy))
            answered = started + timedelta(seconds=wait)
        else:
            wait, answered = None, started
        talk = rng.lognormvariate(math.log(TALK_MEDIAN[outcome]), 0.45)
        ended = answered + timedelta(seconds=int(min(max(talk, 25), 2400)))
        if channel == "phone" and rng.random() < ANONYMOUS_SHARE:
            caller = None
        elif not self.callers or rng.random() < NEW_CALLER_SHARE:
            caller = len(self.callers)
            self.callers.append(self._new_caller(answered))
        else:
            caller = rng.randrange(len(self.callers))
        agent = rng.choice(self.supervisors if rng.random() < 0.05 else self.agents)
        self.calls.append(CallPlan(channel, agent, caller, category, started, answered, ended,
                                    wait, outcome, self._uuid()))

    def _wait_seconds(self, busy: float) -> int:
        """Queue wait: mostly short, a busier half hour gives a longer tail."""
        rng = self.rng
        if rng.random() < 0.01 + 0.035 * busy:
            return SERVICE_LEVEL_SECONDS + 1 + min(int(rng.expovariate(1 / 50)), 400)
        while True:
            wait = rng.expovariate(1 / 6)
            if wait <= SERVICE_LEVEL_SECONDS:
                return int(wait)

    def _ensure_every_category(self) -> None:
        """Give every active category at least a few cases, taken from the most common ones."""
        case_calls = [c for c in self.calls if c.outcome == "case_created"]
        if not case_calls:
            return
        counts = Counter(c.category.code for c in case_calls)
        for category in self.world.categories:
            while counts[category.code] < MIN_CASES_PER_CATEGORY:
                common = max(counts, key=lambda code: (counts[code], code))
                if counts[common] <= MIN_CASES_PER_CATEGORY:
                    return
                candidates = [c for c in case_calls if c.category.code == common]
                chosen = self.rng.choice(candidates)
                chosen.category = category
                counts[common] -= 1
                counts[category.code] += 1

    # -- callers ----------------------------------------------------------

    def _new_caller(self, at: datetime) -> CallerPlan:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        name = f"{rng.choice(TITLES)} {last}" if rng.random() < 0.08 else f"{first} {last}"
        e164, raw = self._phone()
        email = None
        if rng.random() < 0.3:
            local = re.sub(r"[^a-z]", "", last.lower())
            local = f"{first[0].lower()}.{local}" if rng.random() < 0.5 else f"{first.lower()}.{local}"
            if rng.random() < 0.3:
                local += str(rng.randint(1, 99))
            email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        home = rng.choice(self.world.properties) if rng.random() < 0.85 else None
        return CallerPlan(name, e164, raw, email, home, at)

    def _phone(self) -> tuple[str, str]:
        """A valid, unused UK number in E.164 and as a caller would give it."""
        rng = self.rng
        while True:
            if rng.random() < 0.58:
                national = "07" + rng.choice(MOBILE_PREFIXES) + "".join(
                    rng.choice("0123456789") for _ in range(8))
                head, tail = national[:5], national[5:]
            else:
                national = "01709" + str(rng.randint(200_000, 899_999))
                head, tail = national[:5], national[5:]
            e164 = "+44" + national[1:]
            if e164 in self.world.phones_in_use:
                continue
            if not phonenumbers.is_valid_number(phonenumbers.parse(e164)):
                continue
            self.world.phones_in_use.add(e164)
            style = rng.random()
            if style < 0.6:
                raw = f"{head} {tail}"
            elif style < 0.85:
                raw = national
            elif style < 0.95 and head == "01709":
                raw = f"({head}) {tail}"
            else:
                raw = f"+44 {head[1:]} {tail}"
            return e164, raw

    # -- cases ------------------------------------------------------------

    def _plan_case(self, call_index: int, call: CallPlan) -> None:
        rng = self.rng
        category = call.category
        caller = self.callers[call.caller] if call.caller is not None else None
        received = call.ended_at
        original = None
        if (category.group == "streetpride" and category.location_required
                and rng.random() < DUPLICATE_SHARE):
            original = self._duplicate_candidate(category, received)
        withdrawn = original is None and rng.random() < WITHDRAWN_SHARE

        place = None
        if original is not None:
            place = self.cases[original].place
        elif category.location_required:
            home = caller.home if caller else None
            at_home = category.code in AT_HOME and rng.random() < 0.95
            if home is not None and (at_home or rng.random() < 0.3):
                place = home
            else:
                place = rng.choice(self.world.properties)
        elif (category.group in ABOUT_A_HOME and caller is not None and caller.home is not None
              and rng.random() < 0.6):
            place = caller.home
        values = template_values(self.makers, place, category)
        description = case_description(rng, values, category.code)
        service_id, reason = category.service_id, None
        override = OVERRIDES.get(category.code)
        if override and override[0] in self.world.services and rng.random() < OVERRIDE_SHARE:
            target = self.world.services[override[0]][0]
            if target != category.service_id:
                service_id, reason = target, override[1]
        due = self.hours.due_at(received, category.target_amount, category.target_unit)
        case = CasePlan(
            call=call_index, category=category, service_id=service_id, routing_reason=reason,
            priority=self._priority(category.code), description=description, place=place,
            location=place.address if place else None, postcode=place.postcode if place else None,
            usrn=place.usrn if place else None, uprn=place.uprn if place else None,
            caller=call.caller, received_at=received, due_at=due, creator=call.agent, key=call.key,
        )
        case.steps.append(Step(CaseStatus.NEW, received, call.agent))
        self._plan_steps(case, original, withdrawn)
        self._plan_notes(case)
        call.summary = description
        call.case = len(self.cases)
        if case.status is not CaseStatus.DUPLICATE:
            self.recent_by_category[category.id].append(len(self.cases))
        self.cases.append(case)

    def _duplicate_candidate(self, category: Category, received: datetime) -> int | None:
        """A recent case in the same category, not a duplicate, still open now."""
        recent = self.recent_by_category[category.id][-25:]
        candidates = [i for i in recent
                      if received - self.cases[i].received_at <= DUPLICATE_WINDOW
                      and self.cases[i].status_at(received) in OPEN_STATUSES]
        return self.rng.choice(candidates) if candidates else None

    def _priority(self, code: str) -> str:
        r = self.rng.random()
        if code == "housing_emergency":
            return "urgent" if r < 0.4 else "high"
        if code in ("offensive_graffiti", "social_care_referral"):
            return "high" if r < 0.6 else "normal"
        if code == "compliment":
            return "low"
        return "high" if r < 0.06 else "low" if r < 0.12 else "normal"

    def _plan_steps(self, case: CasePlan, original: int | None, withdrawn: bool) -> None:
        """The case's status changes up to now, in working time after it was received."""
        rng = self.rng
        category = case.category
        target = category.target_amount
        if TargetUnit(category.target_unit) is TargetUnit.WORKING_DAYS:
            target *= self.day_hours
        planned: list[tuple[CaseStatus, float, int, str | None]] = []
        if original is not None:
            planned.append((CaseStatus.DUPLICATE, rng.uniform(0.05, 3.0), rng.choice(self.workers), None))
            case.duplicate_of = original
        else:
            spread = rng.lognormvariate(math.log(0.5), 0.65)
            if rng.random() < FORGOTTEN_SHARE:
                spread *= 3
            finish = max(0.05, spread * target)
            # Most cases are picked up within the hour or two; some wait for the next shift.
            route = rng.uniform(0.02, 1.5) if rng.random() < 0.8 else rng.uniform(1.5, 10.0)
            route = min(route, finish * 0.3)
            planned.append((CaseStatus.ROUTED, route, rng.choice(self.supervisors), None))
            if withdrawn:
                planned.append((CaseStatus.WITHDRAWN, route + rng.uniform(0.1, max(0.2, finish)),
                                rng.choice(self.agents), rng.choice(WITHDRAWALS)))
            else:
                progress = route + (finish - route) * rng.uniform(0.1, 0.6)
                planned.append((CaseStatus.IN_PROGRESS, progress, rng.choice(self.workers), None))
                resolution = RESOLUTIONS.get(category.group)
                why = rng.choice(resolution) if resolution and rng.random() < 0.7 else None
                planned.append((CaseStatus.RESOLVED, finish, rng.choice(self.workers), why))
                if rng.random() < CLOSE_AFTER_RESOLVE:
                    planned.append((CaseStatus.CLOSED, finish + rng.uniform(1.0, 30.0),
                                    rng.choice(self.workers), None))
        for status, hours, user, reason in planned:
            at = self._after(case.received_at, hours)
            if at >= self.now:
                break
            case.steps.append(Step(status, at, user, reason, hours))
        if case.status is not CaseStatus.DUPLICATE:
            case.duplicate_of = None

    def _plan_notes(self, case: CasePlan) -> None:
        rng = self.rng
        count = rng.choices([n for n, _ in NOTE_COUNTS], weights=[w for _, w in NOTE_COUNTS])[0]
        if not count:
            return
        if case.status in FINISHED_STATUSES:
            end, span = case.steps[-1].at, case.steps[-1].hours
        else:
            end, span = self.now, self._working_hours(case.received_at, self.now)
        if span < 0.05:
            return
        done_at = next((s.at for s in case.steps if s.status in FINISHED_STATUSES), None)
        service = self.world.service_names.get(case.service_id, "the service")
        due = case.due_at.astimezone(LONDON)
        values = {"service": service, "due": short_date(due)}
        # Notes are written in working hours, between receipt and the end (or now).
        offsets = sorted(rng.uniform(0.01, span) for _ in range(count))
        for hours in offsets:
            at = self._after(case.received_at, hours)
            if at >= end:
                continue
            if rng.random() < CALLER_NOTE_SHARE:
                pool = CALLER_NOTES_DONE if done_at is not None and at >= done_at else CALLER_NOTES_OPEN
                visibility = "caller"
            else:
                pool, visibility = INTERNAL_NOTES, "internal"
            body = rng.choice(pool).format_map(values)
            case.notes.append((rng.choice(self.workers), visibility, body, at))

    def _after(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` working hours after ``start``, to the whole second, in UTC."""
        return self.hours.add_working_hours(start, hours).astimezone(UTC).replace(microsecond=0)

    def _working_hours(self, start: datetime, end: datetime) -> float:
        """Opening hours between two moments."""
        total = 0.0
        day = start.astimezone(LONDON).date()
        last = end.astimezone(LONDON).date()
        while day <= last:
            if self.hours.is_working_day(day):
                opens = datetime.combine(day, self.hours.opens, tzinfo=LONDON)
                closes = datetime.combine(day, self.hours.closes, tzinfo=LONDON)
                span = (min(end, closes) - max(start, opens)).total_seconds()
                if span > 0:
                    total += span / 3600
            day += timedelta(days=1)
        return total

    # -- text -------------------------------------------------------------

    def _enquiry_summary(self, call: CallPlan) -> str:
        category = call.category
        caller = self.callers[call.caller] if call.caller is not None else None
        values = template_values(self.makers, caller.home if caller else None, category)
        return enquiry_summary(self.rng, values, category.group, call.outcome)

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def _pick(rng: random.Random, cum: list[float]) -> int:
    return rng.choices(range(len(cum)), cum_weights=cum)[0]

