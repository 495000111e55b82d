"""Demo complaints: a few dozen over the demo span, at every stage and with every outcome.

Complaints are written in the demo's write transaction through the ORM (so the
audit listener records them as it would a desk's save), with deadlines from the
complaint rules and officers chosen so that Stage 2 and the member review panel
are handled by someone new. The oldest few are taken through Stage 2, the panel
and to the Ombudsman so every stage shows; the rest follow typical odds: most
answered on time, some extended, a few late, a few escalated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.complaints import Outcome, Stage, deadlines
from ..domain.permissions import HANDLER_ROLES
from ..domain.words import COMPLAINT_PREFIX
from ..domain.working_days import WorkingDays
from ..domain.working_time import LONDON
from ..persistence.models import Caller, Case, Complaint, ComplaintStage
from ..persistence.references import allocate_references
from ..persistence.restricted import record_stage_outcome
from .texts import FIRST_NAMES, SURNAMES


@dataclass(frozen=True)
class _Template:
    service: str  # service code
    description: str
    wants: str
    lessons: str  # for upheld and partly upheld
    not_upheld: str  # what the answer said when not upheld (the report's lessons column)
    remedy: str


_TEMPLATES = (
    _Template("local_taxation", "Charged council tax on a property that has been empty and "
              "unfurnished since the tenant left.", "Wants the charge removed for the empty months.",
              "Exemption letters now say plainly which discounts have ended and from when.",
              "None: the charge follows the legislation; recovery action held to give time to pay.",
              "Recovery action paused for 30 days and a payment plan offered."),
    _Template("local_taxation", "Summons costs added although the customer says the instalment "
              "was paid on time by standing order.", "Wants the costs refunded and an apology.",
              "Payments received on the due date are now matched before the reminder run.",
              "None: the instalment arrived four days late; costs were correctly added.",
              "Summons costs of £70 withdrawn and an apology sent."),
    _Template("local_taxation", "Third-party review company promised a call back about the "
              "single person discount and never rang.", "Wants the call back and the discount restored.",
              "The review contractor's managers have reminded staff to log and keep call-back "
              "promises; we now check a sample of their call-backs monthly.",
              "None: the discount was removed because a second adult was found at the address.",
              "Discount restored from the date it was removed."),
    _Template("benefits", "Housing benefit claim delayed for seven weeks; rent arrears building up.",
              "Wants the claim decided and benefit backdated.",
              "Claims waiting on landlord evidence are now chased after 10 working days, not 20.",
              "None: the claim was decided within 5 days of the missing evidence arriving; "
              "benefit was backdated because of the particular circumstances.",
              "Benefit backdated to the date of claim and the landlord told."),
    _Template("benefits", "Council tax reduction stopped without a letter explaining why.",
              "Wants an explanation in writing and the reduction reinstated.",
              "Stop notices are now sent the same day a reduction ends, with the reason.",
              "None: a letter was sent on the day the reduction ended (copy enclosed).",
              "Reduction reinstated while the new evidence is checked."),
    _Template("streetpride", "Bin missed three weeks running on the same street despite "
              "reports each week.", "Wants the bins emptied on the right day from now on.",
              "The crew's round sheet was missing the cul-de-sac; round sheets are now checked "
              "against the gazetteer when routes change.",
              "None: the bins were presented after the collection time on each occasion.",
              "Bins emptied the next day; the street added to the crew's check list."),
    _Template("streetpride", "Fly tipping reported twice at the end of the lane and still not "
              "removed after a fortnight.", "Wants the rubbish removed and the lane watched.",
              "Repeat reports at the same place now go straight to the supervisor.",
              "None: the land is privately owned; the owner has been served notice to clear it.",
              "Rubbish cleared within two days; camera considered for the site."),
    _Template("streetpride", "Grass cutting contractor damaged a garden wall and left debris on "
              "the path.", "Wants the wall repaired.",
              "Contractors now photograph verges next to walls before and after cutting.",
              "None: photographs taken before the cut show the damage was already there.",
              "Wall repaired by the contractor at no cost to the resident."),
    _Template("streetpride", "Street light outside the house out for five weeks; the resident "
              "feels unsafe walking home.", "Wants the light fixed and a date for the repair.",
              "Faults needing the power company now get a date given to the caller.",
              "None: the fault is in the power company's cable; they have a date to repair it.",
              "Temporary lighting column installed until the cable is repaired."),
    _Template("housing", "Damp and mould in the back bedroom reported in the autumn; nobody has "
              "been to look.", "Wants an inspection and the mould treated.",
              "Damp reports are now inspected within 10 working days, with a follow-up call.",
              "None: two appointments were offered and the tenant was out at both.",
              "Inspection done; mould wash and extractor fan fitted; £150 for redecoration."),
    _Template("housing", "Repair operative was rude and left without finishing the job.",
              "Wants an apology and the repair finished.",
              "The operative has had customer care training; jobs are now signed off with the "
              "tenant before leaving.",
              "None: the job needed a part; a return visit was booked at the time.",
              "Apology given; repair completed the following week."),
    _Template("parking", "Penalty charge notice issued while the permit was on display.",
              "Wants the PCN cancelled.",
              "Civil enforcement officers now photograph both windscreen corners before issuing.",
              "None: the permit shown had expired the week before.",
              "PCN cancelled."),
    _Template("parking", "Resident's permit renewal paid for but the permit never arrived.",
              "Wants the permit and no tickets meanwhile.",
              "Permits are now posted by tracked mail and the dispatch date shown online.",
              "None: the permit was delivered; a copy of the proof of delivery was sent.",
              "Replacement permit issued and a PCN cancelled."),
    _Template("social_care", "Care package for an elderly parent delayed after hospital "
              "discharge.", "Wants the care to start and a named contact.",
              "Discharge referrals now get a named worker on the day they arrive.",
              "None: care started on the agreed date; the family had been told of the wait.",
              "Care started the next day; named social worker confirmed."),
    _Template("customer_services", "Waited 40 minutes on the phone and was then cut off.",
              "Wants a call back and an apology.",
              "A call-back option is offered when the wait passes 10 minutes.",
              "None: the line dropped on the caller's side; call records show no fault at our end.",
              "Apology and a call back the same day."),
    _Template("customer_services", "Contact centre adviser gave wrong information about the "
              "bulky waste charge.", "Wants the difference refunded.",
              "The adviser script for bulky waste has been corrected and all advisers briefed.",
              "None: the adviser quoted the charge correctly; the item count changed on the day.",
              "£18 refunded."),
    _Template("business_rates", "Business rates refund promised in the spring still not paid.",
              "Wants the refund paid with interest.",
              "Refunds over £500 are now authorised within 5 working days of approval.",
              "None: the refund was paid on the date promised (remittance enclosed).",
              "Refund paid within two days; £25 for the time spent chasing."),
)

_EXTENSION_REASONS = (
    "Waiting for records from the contractor.",
    "Officer needs to visit the property before answering.",
    "Statements needed from two teams.",
    "Complainant asked for a meeting, arranged for next week.",
)
_ESCALATION_REASONS = (
    "Complainant says the Stage 1 answer did not deal with the missed call backs.",
    "Complainant disagrees with the findings and wants a review.",
    "Complainant wants the remedy reconsidered.",
    "Complainant unhappy with the time the repair is taking.",
)
_OUTCOMES = ((Outcome.NOT_UPHELD, 42), (Outcome.PARTLY_UPHELD, 26), (Outcome.UPHELD, 24),
             (Outcome.WITHDRAWN, 8))
_ESCALATE_ODDS = {Stage.STAGE_1: 0.22, Stage.STAGE_2: 0.3, Stage.PANEL: 0.45}
_CHANNELS = (("phone", 55), ("email", 25), ("web", 12), ("letter", 5), ("face_to_face", 3))


def add_demo_complaints(session: Session, world, rng: random.Random, today: date,
                        days: int) -> int:
    """Add demo complaints received over the ``days`` before ``today``; how many were added.

    ``world`` is the demo's ``World`` after the plan was written (its users have
    ids). The oldest complaints start up to 100 days before the span, so some
    have reached Stage 2, the panel and the Ombudsman by ``today``.
    """
    services = {code: service_id for code, (service_id, _name) in world.services.items()}
    templates = [t for t in _TEMPLATES if t.service in services]
    handlers = [u for u in world.users if u.role in HANDLER_ROLES and u.id is not None]
    loggers = [u for u in world.users if u.role == "agent" and u.id is not None] or handlers
    if not templates or len(handlers) < 2:
        return 0
    calendar = WorkingDays(world.hours.weekdays & frozenset(range(5)) or frozenset(range(5)),
                           world.hours.holiday_region)
    count = min(150, max(30, days + days // 5))
    span_start = today - timedelta(days=days)
    cases = _cases_by_service(session, span_start)
    references = allocate_references(session, COMPLAINT_PREFIX, count)
    received = sorted(_received_days(rng, count, span_start, today))
    for number, (reference, day) in enumerate(zip(references, received, strict=True)):
        # The three oldest go the distance, so every stage appears.
        depth = {0: 4, 1: 3, 2: 2}.get(number)
        template = rng.choice(templates)
        _add_one(session, rng, calendar, today, reference, day, template,
                 services[template.service], handlers, rng.choice(loggers),
                 cases.get(services[template.service], []), depth)
    session.flush()
    return count


def _received_days(rng: random.Random, count: int, span_start: date, today: date) -> list[date]:
    older = span_start - timedelta(days=100)
    days = [older + timedelta(days=i * 4) for i in range(3)]  # the ones that go the distance
    while len(days) < count:
        if rng.random() < 0.7:
            day = span_start + timedelta(days=rng.randrange(max((today - span_start).days, 1)))
        else:
            day = older + timedelta(days=rng.randrange(100))
        if day.weekday() < 5 or rng.random() < 0.15:  # weekend ones came by email or the web
            days.append(day)
    return days


def _cases_by_service(session: Session, since: date) -> dict[int, list[tuple]]:
    start = datetime.combine(since, time(), LONDON).astimezone(UTC)
    found: dict[int, list[tuple]] = {}
    for row in session.execute(select(Case.id, Case.service_id, Case.received_at, Case.caller_id)
                               .where(Case.received_at >= start).order_by(Case.id)):
        found.setdefault(row.service_id, []).append((row.id, row.received_at, row.caller_id))
    return found


def _add_one(session: Session, rng: random.Random, calendar: WorkingDays, today: date,
             reference: str, received: date, template: _Template, service_id: int,
             handlers: list, logger, cases: list[tuple], depth: int | None) -> None:
    name, phone, email, address, case_id, caller_id = _complainant(session, rng, received, cases)
    channel = _weighted(rng, _CHANNELS) if received.weekday() < 5 else rng.choice(("email", "web"))
    logged_at = _moment(rng, received)
    complaint = Complaint(
        reference=reference, service_id=service_id, complainant_name=name,
        complainant_phone=phone, complainant_email=email, complainant_address=address,
        caller_id=caller_id, case_id=case_id, description=template.description,
        desired_outcome=template.wants, channel=channel, received_on=received, status="open",
        current_stage=Stage.STAGE_1.value, logged_by_id=logger.id, created_at=logged_at,
        updated_by_id=logger.id, updated_at=logged_at, idempotency_key=f"demo-{reference}")
    session.add(complaint)
    session.flush()
    stage, opened, reason, level, used = Stage.STAGE_1, received, None, 1, []
    while True:
        choices = [h for h in handlers if not (stage.rule.independent and h.id in used)]
        if not choices:
            break
        officer = rng.choice(choices)
        if stage is Stage.STAGE_1 and calendar.count(received, today) <= 2 and rng.random() < 0.5:
            officer = None  # logged in the last two days: not assigned yet
        keep_going = depth is not None and depth > level
        row = _stage(rng, calendar, today, complaint.id, stage, opened, officer, reason, template,
                     decide=keep_going)
        _add_stage(session, row)
        complaint.current_stage = stage.value
        if officer is not None:
            used.append(officer.id)
            complaint.updated_by_id = officer.id
        if row.outcome is None:
            complaint.status, complaint.closed_on = "open", None
            break
        complaint.status, complaint.closed_on = "closed", row.response_on
        complaint.updated_at = _moment(rng, row.response_on)
        outcome = Outcome(row.outcome)
        going_on = keep_going if depth is not None else rng.random() < _ESCALATE_ODDS.get(stage, 0)
        if not (outcome.is_decision and stage.rule.next_stages and going_on):
            break
        following = stage.rule.next_stages[0] if depth is not None or rng.random() < 0.7 \
            else stage.rule.next_stages[-1]
        next_opened = calendar.add(row.response_on, rng.randint(2, 8))
        if next_opened >= today:
            break
        stage, opened, level = following, next_opened, level + 1
        reason = rng.choice(_ESCALATION_REASONS)
        complaint.updated_at = _moment(rng, opened)


def _add_stage(session: Session, row: ComplaintStage) -> None:
    """A stage goes in open and gets its outcome as the app records one (on PostgreSQL only
    the owner's function may write an outcome)."""
    answer = (row.outcome, row.lessons_learnt, row.remedy, row.response_on, row.recorded_by_id)
    row.outcome = row.lessons_learnt = row.remedy = row.response_on = row.recorded_by_id = None
    session.add(row)
    if answer[0] is not None:
        session.flush()
        record_stage_outcome(session, row, *answer)


def _stage(rng: random.Random, calendar: WorkingDays, today: date, complaint_id: int,
           stage: Stage, opened: date, officer, reason: str | None, template: _Template, *,
           decide: bool) -> ComplaintStage:
    """One stage: acknowledged, perhaps extended, answered if its answer falls before today."""
    rule = stage.rule
    due = deadlines(stage, opened, calendar)
    row = ComplaintStage(
        complaint_id=complaint_id, stage=stage.value, officer_id=officer.id if officer else None,
        opened_on=opened, escalation_reason=reason, acknowledge_by=due.acknowledge_by,
        respond_by=due.respond_by, extension_days=0)
    if due.acknowledge_by is not None:
        ack = calendar.add(opened, _weighted(rng, ((1, 30), (2, 25), (3, 15), (4, 10), (5, 12),
                                                    (7, 8))))
        if ack < today:
            row.acknowledged_on = ack
    if rule.respond_days is None:  # the Ombudsman keeps its own timetable
        take = rng.randint(25, 80)
    else:
        if rule.max_extension_days and calendar.count(opened, today) >= 6 and rng.random() < 0.18:
            row.extension_days = rng.choice((5, 7, 10, 10))
            row.extension_reason = rng.choice(_EXTENSION_REASONS)
            row.respond_by = deadlines(stage, opened, calendar, row.extension_days).respond_by
        limit = rule.respond_days + row.extension_days
        take = rng.randint(max(1, limit // 3), limit) if rng.random() < 0.8 \
            else limit + rng.randint(1, 6)
    answer = calendar.add(opened, take)
    if answer >= today or officer is None:
        return row
    outcome = _weighted(rng, _OUTCOMES)
    if decide and not outcome.is_decision:
        outcome = Outcome.NOT_UPHELD
    row.outcome, row.response_on, row.recorded_by_id = outcome.value, answer, officer.id
    if row.acknowledged_on is not None and row.acknowledged_on > answer:
        row.acknowledged_on = answer  # acknowledged with the answer
    if outcome.needs_lessons:
        row.lessons_learnt = template.lessons
        if outcome is Outcome.UPHELD or rng.random() < 0.6:
            row.remedy = template.remedy
    elif outcome is Outcome.NOT_UPHELD:
        row.lessons_learnt = template.not_upheld
    return row


def _complainant(session: Session, rng: random.Random, received: date, cases: list[tuple]):
    """Name, phone, email, address, case id and caller id: a case's caller now and then."""
    earlier = [c for c in cases if c[1].astimezone(LONDON).date() < received]
    if earlier and rng.random() < 0.35:
        case_id, _received_at, caller_id = rng.choice(earlier)
        caller = session.get(Caller, caller_id) if caller_id is not None else None
        if caller is not None and caller.name:
            return (caller.name, caller.phone_e164, caller.email, caller.address, case_id,
                    caller.id)
    first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    email = f"{first.lower()}.{surname.lower()}@example.com" if rng.random() < 0.4 else None
    return (f"{first} {surname}", f"+447700900{rng.randrange(1000):03d}",
            email, None, None, None)


def _moment(rng: random.Random, day: date) -> datetime:
    local = datetime.combine(day, time(rng.randint(8, 16), rng.randrange(60)), LONDON)
    return local.astimezone(UTC)


def _weighted(rng: random.Random, options):
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights)[0]
