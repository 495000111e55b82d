"""Complaint handling to the Local Government & Social Care Ombudsman's code: pure rules.

A complaint moves through stages. Stage 1 is acknowledged within 5 working
days and answered within 10, with at most one extension of up to 10 more
working days for a recorded reason. Stage 2 is answered within 20 working
days by a different officer from Stage 1. The council's member review panel
comes next (its 20-working-day target is the council's own; the code sets
none), and beyond that the complainant may go to the Ombudsman, whose
timetable is not the council's to keep.

Each stage ends with an outcome: Upheld, Partly upheld, Not upheld or
Withdrawn. Upheld and partly upheld complaints must record the lessons learnt.
Days are working days (``working_days.WorkingDays``): the day a stage opens
is day 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from . import limits
from .errors import FieldIssue, TransitionError, ValidationError
from .working_days import WorkingDays

DUE_SOON_WORKING_DAYS = 2  # the register highlights what falls due within this many days


class Stage(StrEnum):
    STAGE_1 = "stage_1"
    STAGE_2 = "stage_2"
    PANEL = "panel"
    OMBUDSMAN = "ombudsman"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def rule(self) -> StageRule:
        return STAGE_RULES[self]


_STAGE_LABELS = {Stage.STAGE_1: "Stage 1", Stage.STAGE_2: "Stage 2",
                 Stage.PANEL: "Member review panel", Stage.OMBUDSMAN: "Ombudsman"}


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def needs_lessons(self) -> bool:
        return self in (Outcome.UPHELD, Outcome.PARTLY_UPHELD)

    @property
    def is_decision(self) -> bool:
        """Upheld, partly upheld or not upheld: the complaint was looked into and answered."""
        return self is not Outcome.WITHDRAWN


@dataclass(frozen=True)
class StageRule:
    acknowledge_days: int | None  # working days to acknowledge, None: no acknowledgement step
    respond_days: int | None  # working days to answer, None: no deadline of the council's
    max_extension_days: int  # 0: no extension allowed
    independent: bool  # handled by an officer who handled no earlier stage
    next_stages: tuple[Stage, ...]


STAGE_RULES: dict[Stage, StageRule] = {
    Stage.STAGE_1: StageRule(5, 10, 10, False, (Stage.STAGE_2,)),
    Stage.STAGE_2: StageRule(None, 20, 0, True, (Stage.PANEL, Stage.OMBUDSMAN)),
    Stage.PANEL: StageRule(None, 20, 0, True, (Stage.OMBUDSMAN,)),
    Stage.OMBUDSMAN: StageRule(None, None, 0, False, ()),
}


def stage_from(text: str, field: str = "stage") -> Stage:
    try:
        return Stage(text)
    except ValueError:
        names = ", ".join(s.value for s in Stage)
        raise ValidationError.single(field, f"'{text}' is not a stage (one of: {names})") from None


def outcome_from(text: str, field: str = "outcome") -> Outcome:
    key = (text or "").strip().lower().replace(" ", "_").replace("-", "_")
    if not key:
        raise ValidationError.single(field, "is required")
    try:
        return Outcome(key)
    except ValueError:
        names = ", ".join(o.label for o in Outcome)
        raise ValidationError.single(field, f"'{text}' is not an outcome (one of: {names})") from None


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: date | None
    respond_by: date | None


def deadlines(stage: Stage, opened_on: date, calendar: WorkingDays,
              extension_days: int = 0) -> Deadlines:
    """When a stage opened on ``opened_on`` must be acknowledged and answered."""
    rule = stage.rule
    acknowledge = calendar.add(opened_on, rule.acknowledge_days) \
        if rule.acknowledge_days is not None else None
    respond = calendar.add(opened_on, rule.respond_days + extension_days) \
        if rule.respond_days is not None else None
    return Deadlines(acknowledge, respond)


def check_extension(stage: Stage, days: int, reason: str | None, *, already_extended: bool,
                    answered: bool, respond_by: date | None = None,
                    today: date | None = None) -> None:
    """Raise unless this stage may be extended by ``days`` for ``reason`` (on ``today``,
    no later than its deadline ``respond_by``)."""
    rule = stage.rule
    if answered:
        raise TransitionError(f"{stage.label} has been answered: it can no longer be extended")
    if respond_by is not None and today is not None and today > respond_by:
        raise TransitionError(f"{stage.label} was due by {respond_by:%d/%m/%Y}: an extension must "
                              "be agreed before the deadline, and this answer is already late")
    if rule.max_extension_days == 0:
        raise TransitionError(f"{stage.label} cannot be extended under the complaint code")
    if already_extended:
        raise TransitionError(f"{stage.label} has already been extended once; the code allows "
                              "one extension")
    issues = []
    if not 1 <= days <= rule.max_extension_days:
        issues.append(FieldIssue("extension_days",
                                 f"must be 1 to {rule.max_extension_days} working days; got {days}"))
    if not (reason or "").strip():
        issues.append(FieldIssue("extension_reason",
                                 "is required: say why the answer needs more time"))
    elif len(reason.strip()) > limits.REASON:
        issues.append(FieldIssue("extension_reason",
                                 f"is longer than {limits.REASON} characters"))
    if issues:
        raise ValidationError(issues)


def check_outcome(outcome: Outcome, lessons_learnt: str | None, response_on: date | None,
                  opened_on: date, today: date, *, has_officer: bool) -> list[FieldIssue]:
    """What is wrong with recording ``outcome``: lessons for upheld ones, a sensible date."""
    issues = []
    if not has_officer and outcome.is_decision:
        issues.append(FieldIssue("officer", "assign the officer who answered this stage first"))
    if outcome.needs_lessons and not (lessons_learnt or "").strip():
        issues.append(FieldIssue("lessons_learnt",
                                 f"are required when a complaint is {outcome.label.lower()}"))
    if response_on is None:
        issues.append(FieldIssue("response_on", "is required"))
    elif response_on < opened_on:
        issues.append(FieldIssue("response_on",
                                 f"cannot be before the stage opened ({opened_on:%d/%m/%Y})"))
    elif response_on > today:
        issues.append(FieldIssue("response_on", "cannot be in the future"))
    return issues


def check_escalation(current: Stage, target: Stage, current_outcome: Outcome | None) -> None:
    """Raise unless a complaint answered at ``current`` may go on to ``target``."""
    if target not in current.rule.next_stages:
        options = ", ".join(s.label for s in current.rule.next_stages) or "none"
        raise TransitionError(f"a complaint at {current.label} cannot go to {target.label} "
                              f"(next: {options})")
    if current_outcome is None:
        raise TransitionError(f"record the {current.label} outcome before escalating")
    if current_outcome is Outcome.WITHDRAWN:
        raise TransitionError("a withdrawn complaint cannot be escalated: log a new complaint")


def check_officer(stage: Stage, officer_id: int, officer_name: str,
                  earlier: Iterable[tuple[Stage, int | None]]) -> None:
    """An independent stage needs an officer who handled none of the ``earlier`` stages."""
    if not stage.rule.independent:
        return
    for earlier_stage, earlier_officer in earlier:
        if earlier_officer == officer_id:
            raise ValidationError.single(
                "officer", f"{officer_name} handled {earlier_stage.label}; {stage.label} must be "
                           "handled by a different officer")


@dataclass(frozen=True)
class TimeTaken:
    working_days: int
    calendar_days: int


def time_taken(opened_on: date, response_on: date, calendar: WorkingDays) -> TimeTaken:
    return TimeTaken(calendar.count(opened_on, response_on), (response_on - opened_on).days)


class Urgency(StrEnum):
    LATE = "late"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    NO_DEADLINE = "no_deadline"


@dataclass(frozen=True)
class Countdown:
    """How an open stage stands against its next deadline."""

    what: str  # "acknowledge" or "respond"
    due_on: date | None
    days_left: int | None  # working days; negative when late
    urgency: Urgency

    @property
    def text(self) -> str:
        if self.due_on is None or self.days_left is None:
            return "No council deadline"
        verb = "Acknowledge" if self.what == "acknowledge" else "Answer"
        if self.days_left < 0:
            late = -self.days_left
            return f"{verb}: {late} working day{'s' if late != 1 else ''} late"
        if self.days_left == 0:
            return f"{verb}: due today"
        return f"{verb}: {self.days_left} working day{'s' if self.days_left != 1 else ''} left"


def countdown(today: date, calendar: WorkingDays, *, acknowledge_by: date | None,
              acknowledged: bool, respond_by: date | None) -> Countdown:
    """The next deadline of an open stage: the acknowledgement until it is done, then the answer."""
    if acknowledge_by is not None and not acknowledged:
        return _count(today, calendar, "acknowledge", acknowledge_by)
    if respond_by is None:
        return Countdown("respond", None, None, Urgency.NO_DEADLINE)
    return _count(today, calendar, "respond", respond_by)


def _count(today: date, calendar: WorkingDays, what: str, due_on: date) -> Countdown:
    left = calendar.days_left(today, due_on)
    if due_on < today:
        # Past the deadline is late even on the weekend straight after it.
        left, urgency = min(left, -1), Urgency.LATE
    elif left <= DUE_SOON_WORKING_DAYS:
        urgency = Urgency.DUE_SOON
    else:
        urgency = Urgency.ON_TRACK
    return Countdown(what, due_on, left, urgency)
