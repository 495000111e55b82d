"""The complaint code's rules: stages, extensions, outcomes, officers, countdowns."""

from __future__ import annotations

from datetime import date

import pytest

from contactdesk.domain.complaints import (
    Outcome,
    Stage,
    Urgency,
    check_escalation,
    check_extension,
    check_officer,
    check_outcome,
    countdown,
    outcome_from,
    time_taken,
)
from contactdesk.domain.errors import TransitionError, ValidationError
from contactdesk.domain.working_days import WorkingDays

CALENDAR = WorkingDays()


def fields(raised) -> list[str]:
    return [issue.field for issue in raised.value.issues]


def test_stages_follow_the_code_and_the_council():
    assert [s.label for s in Stage] == ["Stage 1", "Stage 2", "Member review panel", "Ombudsman"]
    assert Stage.STAGE_1.rule.acknowledge_days == 5 and Stage.STAGE_1.rule.respond_days == 10
    assert Stage.STAGE_1.rule.max_extension_days == 10
    assert Stage.STAGE_2.rule.respond_days == 20 and Stage.STAGE_2.rule.independent
    assert Stage.STAGE_1.rule.next_stages == (Stage.STAGE_2,)
    assert Stage.OMBUDSMAN.rule.respond_days is None and Stage.OMBUDSMAN.rule.next_stages == ()


def test_outcomes_read_as_people_type_them():
    assert outcome_from("Partly upheld") is Outcome.PARTLY_UPHELD
    assert outcome_from("not-upheld") is Outcome.NOT_UPHELD
    with pytest.raises(ValidationError, match="outcome: 'maybe' is not an outcome"):
        outcome_from("maybe")
    assert [o.needs_lessons for o in Outcome] == [True, True, False, False]


def test_one_extension_of_up_to_ten_days_with_a_reason():
    check_extension(Stage.STAGE_1, 10, "Waiting for the contractor's records",
                    already_extended=False, answered=False)
    with pytest.raises(ValidationError) as raised:
        check_extension(Stage.STAGE_1, 11, "  ", already_extended=False, answered=False)
    assert fields(raised) == ["extension_days", "extension_reason"]
    with pytest.raises(TransitionError, match="already been extended once"):
        check_extension(Stage.STAGE_1, 5, "again", already_extended=True, answered=False)
    with pytest.raises(TransitionError, match="cannot be extended"):
        check_extension(Stage.STAGE_2, 5, "more time", already_extended=False, answered=False)
    with pytest.raises(TransitionError, match="has been answered"):
        check_extension(Stage.STAGE_1, 5, "late", already_extended=False, answered=True)


def test_upheld_outcomes_need_lessons_learnt_and_a_sensible_date():
    opened, today = date(2026, 11, 2), date(2026, 11, 20)
    assert check_outcome(Outcome.UPHELD, "Train the crews", today, opened, today,
                         has_officer=True) == []
    issues = check_outcome(Outcome.PARTLY_UPHELD, " ", date(2026, 11, 1), opened, today,
                           has_officer=True)
    assert [i.field for i in issues] == ["lessons_learnt", "response_on"]
    assert check_outcome(Outcome.NOT_UPHELD, None, today, opened, today, has_officer=True) == []
    future = check_outcome(Outcome.NOT_UPHELD, None, date(2026, 11, 21), opened, today,
                           has_officer=True)
    assert [i.message for i in future] == ["cannot be in the future"]
    # A decision needs the officer who made it; a withdrawal does not.
    assert [i.field for i in check_outcome(Outcome.UPHELD, "x", today, opened, today,
                                           has_officer=False)] == ["officer"]
    assert check_outcome(Outcome.WITHDRAWN, None, today, opened, today, has_officer=False) == []


def test_escalation_goes_one_stage_on_after_a_decision():
    check_escalation(Stage.STAGE_1, Stage.STAGE_2, Outcome.NOT_UPHELD)
    check_escalation(Stage.STAGE_2, Stage.OMBUDSMAN, Outcome.PARTLY_UPHELD)
    with pytest.raises(TransitionError, match="record the Stage 1 outcome"):
        check_escalation(Stage.STAGE_1, Stage.STAGE_2, None)
    with pytest.raises(TransitionError, match="withdrawn complaint cannot be escalated"):
        check_escalation(Stage.STAGE_1, Stage.STAGE_2, Outcome.WITHDRAWN)
    with pytest.raises(TransitionError, match="cannot go to Member review panel"):
        check_escalation(Stage.STAGE_1, Stage.PANEL, Outcome.UPHELD)


def test_stage_two_and_the_panel_need_a_new_officer():
    earlier = [(Stage.STAGE_1, 7)]
    with pytest.raises(ValidationError) as raised:
        check_officer(Stage.STAGE_2, 7, "Janet Crookes", earlier)
    assert fields(raised) == ["officer"]
    assert "Janet Crookes handled Stage 1" in str(raised.value)
    check_officer(Stage.STAGE_2, 8, "Andrew Bramall", earlier)
    with pytest.raises(ValidationError):
        check_officer(Stage.PANEL, 8, "Andrew Bramall", earlier + [(Stage.STAGE_2, 8)])
    check_officer(Stage.OMBUDSMAN, 7, "Janet Crookes", earlier)  # the council's link officer


def test_time_taken_in_working_and_calendar_days():
    taken = time_taken(date(2026, 12, 18), date(2027, 1, 6), CALENDAR)
    assert (taken.working_days, taken.calendar_days) == (10, 19)


@pytest.mark.parametrize("today, urgency, text", [
    (date(2026, 11, 9), Urgency.ON_TRACK, "Answer: 5 working days left"),
    (date(2026, 11, 12), Urgency.DUE_SOON, "Answer: 2 working days left"),
    (date(2026, 11, 16), Urgency.DUE_SOON, "Answer: due today"),
    (date(2026, 11, 18), Urgency.LATE, "Answer: 2 working days late"),
    (date(2026, 11, 21), Urgency.LATE, "Answer: 4 working days late"),  # a Saturday
])
def test_countdown_to_the_answer(today, urgency, text):
    clock = countdown(today, CALENDAR, acknowledge_by=date(2026, 11, 9), acknowledged=True,
                      respond_by=date(2026, 11, 16))
    assert (clock.urgency, clock.text) == (urgency, text)


def test_an_overdue_acknowledgement_comes_first():
    clock = countdown(date(2026, 11, 10), CALENDAR, acknowledge_by=date(2026, 11, 9),
                      acknowledged=False, respond_by=date(2026, 11, 16))
    assert clock.what == "acknowledge" and clock.urgency is Urgency.LATE
    assert clock.text == "Acknowledge: 1 working day late"
    none = countdown(date(2026, 11, 10), CALENDAR, acknowledge_by=None, acknowledged=False,
                     respond_by=None)
    assert none.urgency is Urgency.NO_DEADLINE and none.text == "No council deadline"
