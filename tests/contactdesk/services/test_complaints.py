"""Complaints through the services on both databases: logging, handling, register, figures."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from contactdesk.domain.errors import (
    ConflictError,
    PermissionDenied,
    TransitionError,
    ValidationError,
)
from contactdesk.persistence.models import AuditEntry, Complaint, ComplaintStage
from contactdesk.persistence.uow import UnitOfWork
from contactdesk.services import complaints as cp
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.complaint_register import RegisterQuery, complaint_report, search_register
from contactdesk.services.users import add_user

RECEIVED = date(2026, 12, 18)  # a Friday before Christmas
TODAY = date(2026, 12, 21)


@pytest.fixture
def people(engine):
    return {
        "agent": add_user(engine, "priya", "agent", "Priya Shah").id,
        "janet": add_user(engine, "janet", "supervisor", "Janet Crookes").id,
        "andrew": add_user(engine, "andrew", "supervisor", "Andrew Bramall").id,
        "helen": add_user(engine, "helen", "admin", "Helen Firth").id,
    }


def complaint(engine, people, **fields) -> str:
    data = dict(complainant_name="Mr Ali Khan", complainant_phone="01709 823456",
                service="Local Taxation", description="Charged council tax on an empty house",
                desired_outcome="Charge removed", channel="phone", received_on=RECEIVED)
    saved = cp.log_complaint(engine, cp.ComplaintInput(**{**data, **fields}), people["agent"],
                             today=TODAY)
    return saved.reference


def fields(raised) -> list[str]:
    return [issue.field for issue in raised.value.issues]


def test_an_agent_logs_a_complaint_at_stage_one_with_working_day_deadlines(engine, people):
    reference = complaint(engine, people)
    assert reference.startswith("CMP-") and reference.endswith("-000001")
    detail = cp.get_complaint(engine, reference, today=TODAY)
    assert (detail.status, detail.current_stage, detail.service) == ("open", "stage_1",
                                                                     "Local Taxation")
    assert detail.complainant_phone == "+441709823456" and detail.logged_by == "Priya Shah"
    stage = detail.current
    # Christmas Day, the moved Boxing Day and New Year's Day are not working days.
    assert (stage.acknowledge_by, stage.respond_by) == (date(2026, 12, 29), date(2027, 1, 6))
    assert detail.actions == ("assign", "acknowledge", "extend", "respond")
    assert detail.countdown.text == "Acknowledge: 4 working days left"


def test_bad_input_names_every_field_and_saves_nothing(engine, people):
    with pytest.raises(ValidationError) as raised:
        cp.log_complaint(engine, cp.ComplaintInput(
            complainant_phone="12345", complainant_email="not-an-email", description=" ",
            channel="pigeon", received_on=date(2026, 12, 22)), people["agent"], today=TODAY)
    assert set(fields(raised)) == {"complainant_phone", "complainant_email", "description",
                                   "channel", "received_on", "service", "complainant_name"}
    with pytest.raises(ValidationError) as raised:
        complaint(engine, people, complainant_name="", complainant_phone="", service="Zoo")
    assert set(fields(raised)) == {"service", "complainant_name"}
    with UnitOfWork(engine) as uow:
        assert uow.session.scalar(select(func.count(Complaint.id))) == 0


def test_a_retried_save_does_not_duplicate(engine, people):
    data = cp.ComplaintInput(complainant_name="Ann Jones", service="streetpride",
                             description="Bins missed three weeks running")
    first = cp.log_complaint(engine, data, people["agent"], today=TODAY)
    again = cp.log_complaint(engine, data, people["agent"], today=TODAY)
    assert first.reference == again.reference


def test_converting_a_case_takes_its_caller_and_service(engine, people):
    saved = log_call(engine, CallInput(caller_phone="01709 336003", caller_name="Joan Beever",
                                       address="14 Wellgate, Rotherham", category="Fly tipping",
                                       description="Mattress on the verge"), people["agent"])
    reference = cp.log_complaint(engine, cp.ComplaintInput(
        case_reference=saved.reference.lower(), description="Reported twice, still not cleared",
        call_id=saved.call_id), people["agent"], today=TODAY).reference
    detail = cp.get_complaint(engine, reference, today=TODAY)
    assert detail.case_reference == saved.reference and detail.service == "Streetpride"
    assert detail.complainant_name == "Joan Beever"
    assert detail.complainant_phone == "+441709336003" and detail.call_id == saved.call_id
    with pytest.raises(ValidationError) as raised:
        cp.log_complaint(engine, cp.ComplaintInput(case_reference="SP-2026-999999",
                                                   complainant_name="Joan Beever",
                                                   description="x"), people["agent"], today=TODAY)
    assert fields(raised) == ["case_reference"]


def test_stage_one_with_extension_then_stage_two_by_another_officer(engine, people):
    ref = complaint(engine, people)
    janet, andrew = people["janet"], people["andrew"]
    d = cp.get_complaint(engine, ref, today=TODAY)
    d = cp.assign_officer(engine, ref, janet, janet, expected_version=d.version)
    d = cp.acknowledge(engine, ref, date(2026, 12, 21), janet, expected_version=d.version,
                       today=TODAY)
    assert d.current.acknowledged_on == date(2026, 12, 21) and "acknowledge" not in d.actions
    with pytest.raises(ValidationError) as raised:
        cp.extend(engine, ref, 10, "", janet, expected_version=d.version, today=TODAY)
    assert fields(raised) == ["extension_reason"]
    d = cp.extend(engine, ref, 10, "Waiting for the empty-property inspection", janet,
                  expected_version=d.version, today=TODAY)
    assert d.current.respond_by == date(2027, 1, 20) and "extend" not in d.actions
    with pytest.raises(TransitionError, match="already been extended once"):
        cp.extend(engine, ref, 2, "again", janet, expected_version=d.version, today=TODAY)

    answered = date(2027, 1, 15)
    with pytest.raises(ValidationError) as raised:
        cp.record_outcome(engine, ref, "Upheld", answered, janet, expected_version=d.version,
                          today=answered)
    assert fields(raised) == ["lessons_learnt"]
    d = cp.record_outcome(engine, ref, "Upheld", answered, janet, expected_version=d.version,
                          lessons_learnt="Inspections booked within 5 days of a claim",
                          remedy="Charge cancelled", today=answered)
    assert (d.status, d.closed_on, d.current.outcome_label) == ("closed", answered, "Upheld")
    assert (d.current.working_days_taken, d.current.calendar_days_taken) == (17, 28)
    assert d.current.within_deadline is True and d.actions == ("escalate",)

    with pytest.raises(ValidationError) as raised:
        cp.escalate(engine, ref, janet, "Wants compensation too", janet,
                    expected_version=d.version, today=date(2027, 1, 18))
    assert fields(raised) == ["officer"] and "Janet Crookes handled Stage 1" in str(raised.value)
    d = cp.escalate(engine, ref, andrew, "Wants compensation too", janet,
                    expected_version=d.version, today=date(2027, 1, 18))
    assert (d.status, d.current_stage, d.current.officer) == ("open", "stage_2", "Andrew Bramall")
    assert d.current.opened_on == date(2027, 1, 18) and d.current.respond_by == date(2027, 2, 15)
    assert [s.stage for s in d.stages] == ["stage_1", "stage_2"]
    # Stage 2 cannot be extended and a new officer there must still be new.
    assert "extend" not in d.actions
    with pytest.raises(ValidationError):
        cp.assign_officer(engine, ref, janet, janet, expected_version=d.version)


def test_only_supervisors_and_administrators_handle_complaints(engine, people):
    ref = complaint(engine, people)
    version = cp.get_complaint(engine, ref, today=TODAY).version
    with pytest.raises(PermissionDenied, match="only supervisors and administrators"):
        cp.record_outcome(engine, ref, "Not upheld", TODAY, people["agent"],
                          expected_version=version, today=TODAY)
    with pytest.raises(PermissionDenied):
        cp.assign_officer(engine, ref, people["janet"], people["agent"])
    with pytest.raises(PermissionDenied):
        complaint(engine, people, officer_id=people["janet"])  # an agent naming the officer


def test_a_stale_version_is_refused_and_nothing_changes(engine, people):
    ref = complaint(engine, people)
    seen = cp.get_complaint(engine, ref, today=TODAY).version
    cp.assign_officer(engine, ref, people["janet"], people["andrew"], expected_version=seen)
    with pytest.raises(ConflictError, match="changed by someone else"):
        cp.assign_officer(engine, ref, people["helen"], people["helen"], expected_version=seen)
    assert cp.get_complaint(engine, ref, today=TODAY).current.officer == "Janet Crookes"


def test_withdrawn_needs_no_officer_or_lessons_and_cannot_be_escalated(engine, people):
    ref = complaint(engine, people)
    d = cp.record_outcome(engine, ref, "withdrawn", TODAY, people["janet"], today=TODAY)
    assert d.status == "closed" and d.current.within_deadline is None and d.actions == ()
    with pytest.raises(TransitionError, match="withdrawn complaint cannot be escalated"):
        cp.escalate(engine, ref, people["andrew"], "changed their mind", people["janet"],
                    today=TODAY)


def test_every_change_is_audited(engine, people):
    ref = complaint(engine, people)
    cp.assign_officer(engine, ref, people["janet"], people["janet"])
    with UnitOfWork(engine) as uow:
        rows = uow.session.execute(select(AuditEntry.entity, AuditEntry.action, AuditEntry.field,
                                          AuditEntry.user_id)
                                   .where(AuditEntry.entity.in_(("complaints", "complaint_stages")))
                                   .order_by(AuditEntry.id)).all()
    assert ("complaints", "create", None, people["agent"]) in rows
    assert ("complaint_stages", "update", "officer_id", people["janet"]) in rows


def test_the_register_filters_by_stage_service_outcome_and_deadline(engine, people):
    janet, andrew = people["janet"], people["andrew"]
    late = complaint(engine, people, received_on=date(2026, 11, 2))  # answer due 16 Nov
    soon = complaint(engine, people, received_on=date(2026, 12, 4), service="Streetpride")
    cp.acknowledge(engine, soon, date(2026, 12, 7), janet, today=TODAY)  # answer due 18 Dec
    answered = complaint(engine, people, received_on=date(2026, 12, 1))
    cp.assign_officer(engine, answered, janet, janet)
    cp.record_outcome(engine, answered, "Not upheld", date(2026, 12, 10), janet, today=TODAY)
    cp.escalate(engine, answered, andrew, "Disagrees", janet, opened_on=date(2026, 12, 14),
                today=TODAY)

    def refs(today=date(2026, 12, 16), **query):
        return [r.reference for r in search_register(engine, RegisterQuery(**query),
                                                     today=today).rows]

    everything = search_register(engine, today=date(2026, 12, 16))
    assert [r.reference for r in everything.rows] == [late, soon, answered]  # most urgent first
    assert everything.late == 1 and everything.due_soon == 1  # soon: due Fri 18 Dec
    assert refs(overdue_only=True) == [late]
    assert refs(due_soon_only=True) == [soon]
    assert refs(stage="stage_2") == [answered]
    assert refs(service_id=_service_id(engine, "Streetpride")) == [soon]
    assert refs(outcome="open") == [late, soon, answered]
    assert refs(officer_id=andrew) == [answered]
    assert refs(text="CMP") == [late, soon, answered] and refs(text="empty house") != []
    assert refs(text="nothing like it") == []
    row = everything.rows[0]
    assert row.countdown.text == "Acknowledge: 27 working days late"


def _service_id(engine, name: str) -> int:
    from contactdesk.services.catalogue import list_services

    return next(s.id for s in list_services(engine) if s.name == name)


def test_period_figures_count_received_closed_outcomes_and_deadlines(engine, people):
    janet, andrew = people["janet"], people["andrew"]
    on_time = complaint(engine, people, received_on=date(2026, 11, 2))
    late = complaint(engine, people, received_on=date(2026, 11, 2), service="Streetpride")
    withdrawn = complaint(engine, people, received_on=date(2026, 11, 3))
    complaint(engine, people, received_on=date(2026, 11, 4))  # still open
    for ref in (on_time, late):
        cp.assign_officer(engine, ref, janet, janet)
    cp.record_outcome(engine, on_time, "Upheld", date(2026, 11, 10), janet,
                      lessons_learnt="Letters clearer", today=TODAY)
    cp.record_outcome(engine, late, "Not upheld", date(2026, 11, 20), janet, today=TODAY)
    cp.record_outcome(engine, withdrawn, "Withdrawn", date(2026, 11, 5), janet, today=TODAY)
    cp.escalate(engine, on_time, andrew, "Wants more", janet, opened_on=date(2026, 11, 12),
                today=TODAY)
    cp.record_outcome(engine, on_time, "Partly upheld", date(2026, 11, 26), andrew,
                      lessons_learnt="Refunds faster", today=TODAY)

    report = complaint_report(engine, date(2026, 11, 1), date(2026, 11, 30))
    total = report.total
    assert (total.received, total.closed, total.decided) == (4, 4, 3)
    assert (total.upheld, total.partly_upheld, total.not_upheld, total.withdrawn) == (1, 1, 1, 1)
    # Working days: Stage 1 6 (on time) and 14 (late, due 16 Nov); Stage 2 10.
    assert total.average_working_days == pytest.approx((6 + 14 + 10) / 3)
    assert total.within_deadline_share == pytest.approx(2 / 3)
    assert report.open_at_end == 1
    assert [t.name for t in report.by_service] == ["Local Taxation", "Streetpride"]
    assert [(t.name, t.received, t.closed) for t in report.by_stage] == [
        ("Stage 1", 4, 3), ("Stage 2", 1, 1)]
    assert [(a.reference, a.stage, a.within_deadline) for a in report.answered] == [
        (withdrawn, "stage_1", None), (on_time, "stage_1", True), (late, "stage_1", False),
        (on_time, "stage_2", True)]
    with UnitOfWork(engine) as uow:
        assert uow.session.scalar(select(func.count(ComplaintStage.id))) == 5
    with pytest.raises(ValidationError):
        complaint_report(engine, date(2026, 12, 1), date(2026, 11, 1))


def test_demo_complaints_cover_every_stage_and_outcome_and_keep_the_rules(engine):
    from contactdesk.demo.generator import generate_demo_data
    from contactdesk.domain.complaints import Outcome, Stage, deadlines
    from contactdesk.domain.working_days import WorkingDays

    today = date(2026, 11, 24)
    generate_demo_data(engine, days=10, today=today, telephony=False)
    with UnitOfWork(engine) as uow:
        stages = uow.session.execute(select(ComplaintStage).order_by(ComplaintStage.id)) \
            .scalars().all()
        rows = [(s.complaint_id, s.stage, s.officer_id, s.opened_on, s.acknowledge_by,
                 s.respond_by, s.extension_days, s.extension_reason, s.outcome, s.lessons_learnt,
                 s.response_on) for s in stages]
        complaints = uow.session.scalar(select(func.count(Complaint.id)))
    assert complaints >= 30
    assert {r[1] for r in rows} == {s.value for s in Stage}
    assert {r[8] for r in rows} >= {o.value for o in Outcome}
    calendar, officers = WorkingDays(), {}
    for (cid, stage, officer, opened, ack_by, respond_by, extension, reason, outcome, lessons,
         answered) in rows:
        due = deadlines(Stage(stage), opened, calendar, extension)
        assert (ack_by, respond_by) == (due.acknowledge_by, due.respond_by)
        assert (extension == 0) == (reason is None)
        if outcome in ("upheld", "partly_upheld"):
            assert lessons
        if answered is not None:
            assert opened <= answered < today
        if Stage(stage).rule.independent:
            assert officer not in officers.get(cid, []), (cid, stage)
        officers.setdefault(cid, []).append(officer)
    register = search_register(engine, today=today)
    assert len(register.rows) == complaints
    assert complaint_report(engine, today.replace(day=1), today).total.closed > 0


def test_an_extension_must_come_before_the_deadline(engine, people):
    ref = complaint(engine, people)
    janet = people["janet"]
    d = cp.get_complaint(engine, ref, today=TODAY)
    due = d.current.respond_by
    with pytest.raises(TransitionError, match="must be agreed before the deadline"):
        cp.extend(engine, ref, 10, "Inspection delayed", janet, expected_version=d.version,
                  today=date.fromordinal(due.toordinal() + 1))
    d = cp.extend(engine, ref, 10, "Inspection delayed", janet, expected_version=d.version,
                  today=due)  # on the day it is due is still in time
    assert d.current.respond_by > due


def test_stage_two_needs_someone_who_never_handled_stage_one(engine, people):
    janet, andrew, helen = people["janet"], people["andrew"], people["helen"]
    for first, recorder in ((andrew, janet), (janet, andrew)):
        ref = complaint(engine, people)
        d = cp.get_complaint(engine, ref, today=TODAY)
        d = cp.assign_officer(engine, ref, first, janet, expected_version=d.version)
        if first == andrew:  # andrew handled it first, then janet took it over
            d = cp.assign_officer(engine, ref, janet, janet, expected_version=d.version)
        d = cp.record_outcome(engine, ref, "Not upheld", TODAY, recorder,
                              expected_version=d.version, today=TODAY)
        with pytest.raises(ValidationError, match="Andrew Bramall handled Stage 1"):
            cp.escalate(engine, ref, andrew, "Still unhappy", janet, expected_version=d.version,
                        today=TODAY)
        d = cp.escalate(engine, ref, helen, "Still unhappy", janet, expected_version=d.version,
                        today=TODAY)
        assert d.current.officer == "Helen Firth"
