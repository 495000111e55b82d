"""Complaints through the services on both databases: logging, handling, register, figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from contactdesk.domain.errors import (
    ConflictError,
    PermissionDenied,
    TransitionError,
    ValidationError,
)
from contactdesk.persistence.models import AuditEntry, Complaint, ComplaintStage, Service
from contactdesk.services import complaints as cp
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.complaint_register import RegisterQuery, complaint_report, search_register

RECEIVED = date(2026, 12, 18)  # a Friday before Christmas
TODAY = date(2026, 12, 21)


@pytest.fixture
def people(make_ctx):
    """Each person's context: an agent who logs complaints, three who handle them."""
    return {
        "agent": make_ctx("agent", "priya", "Priya Shah"),
        "janet": make_ctx("supervisor", "janet", "Janet Crookes"),
        "andrew": make_ctx("supervisor", "andrew", "Andrew Bramall"),
        "helen": make_ctx("admin", "helen", "Helen Firth"),
    }


def uid(ctx) -> int:
    return ctx.actor.user_id


def complaint(people, **fields) -> str:
    data = dict(complainant_name="Mr Ali Khan", complainant_phone="01709 823456",
                service="Local Taxation", description="Charged council tax on an empty house",
                desired_outcome="Charge removed", channel="phone", received_on=RECEIVED)
    saved = cp.log_complaint(people["agent"], cp.ComplaintInput(**{**data, **fields}),
                             today=TODAY)
    return saved.reference


def count(engine, column) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count(column)))


def fields(raised) -> list[str]:
    return [issue.field for issue in raised.value.issues]


def test_an_agent_logs_a_complaint_at_stage_one_with_working_day_deadlines(people):
    reference = complaint(people)
    assert reference.startswith("CMP-") and reference.endswith("-000001")
    detail = cp.get_complaint(people["agent"], reference, today=TODAY)
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
        cp.log_complaint(people["agent"], cp.ComplaintInput(
            complainant_phone="12345", complainant_email="not-an-email", description=" ",
            channel="pigeon", received_on=date(2026, 12, 22)), today=TODAY)
    assert set(fields(raised)) == {"complainant_phone", "complainant_email", "description",
                                   "channel", "received_on", "service", "complainant_name"}
    with pytest.raises(ValidationError) as raised:
        complaint(people, complainant_name="", complainant_phone="", service="Zoo")
    assert set(fields(raised)) == {"service", "complainant_name"}
    assert count(engine, Complaint.id) == 0


def test_a_retried_save_does_not_duplicate(people):
    data = cp.ComplaintInput(complainant_name="Ann Jones", service="streetpride",
                             description="Bins missed three weeks running")
    first = cp.log_complaint(people["agent"], data, today=TODAY)
    again = cp.log_complaint(people["agent"], data, today=TODAY)
    assert first.reference == again.reference


def test_converting_a_case_takes_its_caller_and_service(people):
    agent = people["agent"]
    saved = log_call(agent, CallInput(caller_phone="01709 336003", caller_name="Joan Beever",
                                      address="14 Wellgate, Rotherham", category="Fly tipping",
                                      description="Mattress on the verge"))
    reference = cp.log_complaint(agent, cp.ComplaintInput(
        case_reference=saved.reference.lower(), description="Reported twice, still not cleared",
        call_id=saved.call_id), today=TODAY).reference
    detail = cp.get_complaint(agent, reference, today=TODAY)
    assert detail.case_reference == saved.reference and detail.service == "Streetpride"
    assert detail.complainant_name == "Joan Beever"
    assert detail.complainant_phone == "+441709336003" and detail.call_id == saved.call_id
    with pytest.raises(ValidationError) as raised:
        cp.log_complaint(agent, cp.ComplaintInput(case_reference="SP-2026-999999",
                                                  complainant_name="Joan Beever",
                                                  description="x"), today=TODAY)
    assert fields(raised) == ["case_reference"]


def test_stage_one_with_extension_then_stage_two_by_another_officer(people):
    ref = complaint(people)
    janet, andrew = people["janet"], people["andrew"]
    d = cp.get_complaint(janet, ref, today=TODAY)
    d = cp.assign_officer(janet, ref, uid(janet), expected_version=d.version)
    d = cp.acknowledge(janet, ref, date(2026, 12, 21), expected_version=d.version, today=TODAY)
    assert d.current.acknowledged_on == date(2026, 12, 21) and "acknowledge" not in d.actions
    with pytest.raises(ValidationError) as raised:
        cp.extend(janet, ref, 10, "", expected_version=d.version, today=TODAY)
    assert fields(raised) == ["extension_reason"]
    d = cp.extend(janet, ref, 10, "Waiting for the empty-property inspection",
                  expected_version=d.version, today=TODAY)
    assert d.current.respond_by == date(2027, 1, 20) and "extend" not in d.actions
    with pytest.raises(TransitionError, match="already been extended once"):
        cp.extend(janet, ref, 2, "again", expected_version=d.version, today=TODAY)

    answered = date(2027, 1, 15)
    with pytest.raises(ValidationError) as raised:
        cp.record_outcome(janet, ref, "Upheld", answered, expected_version=d.version,
                          today=answered)
    assert fields(raised) == ["lessons_learnt"]
    d = cp.record_outcome(janet, ref, "Upheld", answered, expected_version=d.version,
                          lessons_learnt="Inspections booked within 5 days of a claim",
                          remedy="Charge cancelled", today=answered)
    assert (d.status, d.closed_on, d.current.outcome_label) == ("closed", answered, "Upheld")
    assert (d.current.working_days_taken, d.current.calendar_days_taken) == (17, 28)
    assert d.current.within_deadline is True and d.actions == ("escalate",)

    with pytest.raises(ValidationError) as raised:
        cp.escalate(janet, ref, uid(janet), "Wants compensation too",
                    expected_version=d.version, today=date(2027, 1, 18))
    assert fields(raised) == ["officer"] and "Janet Crookes handled Stage 1" in str(raised.value)
    d = cp.escalate(janet, ref, uid(andrew), "Wants compensation too",
                    expected_version=d.version, today=date(2027, 1, 18))
    assert (d.status, d.current_stage, d.current.officer) == ("open", "stage_2", "Andrew Bramall")
    assert d.current.opened_on == date(2027, 1, 18) and d.current.respond_by == date(2027, 2, 15)
    assert [s.stage for s in d.stages] == ["stage_1", "stage_2"]
    # Stage 2 cannot be extended and a new officer there must still be new.
    assert "extend" not in d.actions
    with pytest.raises(ValidationError):
        cp.assign_officer(janet, ref, uid(janet), expected_version=d.version)


def test_only_supervisors_and_administrators_handle_complaints(engine, people):
    agent = people["agent"]
    ref = complaint(people)
    version = cp.get_complaint(agent, ref, today=TODAY).version
    with pytest.raises(PermissionDenied, match="may not handle complaints"):
        cp.record_outcome(agent, ref, "Not upheld", TODAY, expected_version=version, today=TODAY)
    with pytest.raises(PermissionDenied):
        cp.assign_officer(agent, ref, uid(people["janet"]))
    with pytest.raises(PermissionDenied):
        complaint(people, officer_id=uid(people["janet"]))  # an agent naming the officer
    # Refused before anything was written.
    d = cp.get_complaint(agent, ref, today=TODAY)
    assert (d.version, d.status, d.current.officer) == (version, "open", None)
    assert count(engine, Complaint.id) == 1


def test_an_account_without_complaints_may_not_read_or_log_them(people, make_ctx):
    ref = complaint(people)
    telephony = make_ctx("telephony", "pbx.import")
    with pytest.raises(PermissionDenied):
        cp.get_complaint(telephony, ref, today=TODAY)
    with pytest.raises(PermissionDenied):
        cp.log_complaint(telephony, cp.ComplaintInput(complainant_name="Ann Jones",
                                                      service="streetpride", description="x"))


def test_a_stale_version_is_refused_and_nothing_changes(people):
    ref = complaint(people)
    janet, andrew, helen = people["janet"], people["andrew"], people["helen"]
    seen = cp.get_complaint(andrew, ref, today=TODAY).version
    cp.assign_officer(andrew, ref, uid(janet), expected_version=seen)
    with pytest.raises(ConflictError, match="changed by someone else"):
        cp.assign_officer(helen, ref, uid(helen), expected_version=seen)
    assert cp.get_complaint(helen, ref, today=TODAY).current.officer == "Janet Crookes"


def test_withdrawn_needs_no_officer_or_lessons_and_cannot_be_escalated(people):
    ref = complaint(people)
    janet = people["janet"]
    d = cp.record_outcome(janet, ref, "withdrawn", TODAY, today=TODAY)
    assert d.status == "closed" and d.current.within_deadline is None and d.actions == ()
    with pytest.raises(TransitionError, match="withdrawn complaint cannot be escalated"):
        cp.escalate(janet, ref, uid(people["andrew"]), "changed their mind", today=TODAY)


def test_every_change_is_audited_in_the_name_of_who_made_it(engine, people):
    agent, janet = people["agent"], people["janet"]
    ref = complaint(people)
    cp.assign_officer(janet, ref, uid(janet))
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.entity, AuditEntry.action, AuditEntry.field,
                                   AuditEntry.user_id, AuditEntry.actor)
                            .where(AuditEntry.entity.in_(("complaints", "complaint_stages")))
                            .order_by(AuditEntry.id)).all()
    assert ("complaints", "create", None, uid(agent), agent.actor.username) in rows
    assert ("complaint_stages", "update", "officer_id", uid(janet), janet.actor.username) in rows
    assert {row.actor for row in rows} == {"priya", "janet"}


def test_the_days_and_times_of_an_action_come_from_the_context_clock(engine, make_ctx):
    moment = datetime(2026, 12, 21, 23, 30, tzinfo=UTC)  # still the 21st in London
    agent = make_ctx("agent", "priya", "Priya Shah", clock=lambda: moment)
    ref = cp.log_complaint(agent, cp.ComplaintInput(
        complainant_name="Ann Jones", service="streetpride", description="Bins missed")).reference
    detail = cp.get_complaint(agent, ref)
    assert detail.received_on == date(2026, 12, 21) == detail.current.opened_on
    assert detail.countdown.text == "Acknowledge: 5 working days left"
    with engine.connect() as conn:
        created = conn.scalar(select(Complaint.created_at).where(Complaint.reference == ref))
    assert created == moment


def test_the_register_filters_by_stage_service_outcome_and_deadline(engine, people):
    janet, andrew = people["janet"], people["andrew"]
    late = complaint(people, received_on=date(2026, 11, 2))  # answer due 16 Nov
    soon = complaint(people, received_on=date(2026, 12, 4), service="Streetpride")
    cp.acknowledge(janet, soon, date(2026, 12, 7), today=TODAY)  # answer due 18 Dec
    answered = complaint(people, received_on=date(2026, 12, 1))
    cp.assign_officer(janet, answered, uid(janet))
    cp.record_outcome(janet, answered, "Not upheld", date(2026, 12, 10), today=TODAY)
    cp.escalate(janet, answered, uid(andrew), "Disagrees", opened_on=date(2026, 12, 14),
                today=TODAY)

    def refs(today=date(2026, 12, 16), **query):
        return [r.reference for r in search_register(janet, RegisterQuery(**query),
                                                     today=today).rows]

    everything = search_register(janet, today=date(2026, 12, 16))
    assert [r.reference for r in everything.rows] == [late, soon, answered]  # most urgent first
    assert everything.late == 1 and everything.due_soon == 1  # soon: due Fri 18 Dec
    assert refs(overdue_only=True) == [late]
    assert refs(due_soon_only=True) == [soon]
    assert refs(stage="stage_2") == [answered]
    assert refs(service_id=_service_id(engine, "Streetpride")) == [soon]
    assert refs(outcome="open") == [late, soon, answered]
    assert refs(officer_id=uid(andrew)) == [answered]
    assert refs(text="CMP") == [late, soon, answered] and refs(text="empty house") != []
    assert refs(text="nothing like it") == []
    row = everything.rows[0]
    assert row.countdown.text == "Acknowledge: 27 working days late"


def _service_id(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(Service.id).where(Service.name == name))


def test_period_figures_count_received_closed_outcomes_and_deadlines(engine, people):
    janet, andrew = people["janet"], people["andrew"]
    on_time = complaint(people, received_on=date(2026, 11, 2))
    late = complaint(people, received_on=date(2026, 11, 2), service="Streetpride")
    withdrawn = complaint(people, received_on=date(2026, 11, 3))
    complaint(people, received_on=date(2026, 11, 4))  # still open
    for ref in (on_time, late):
        cp.assign_officer(janet, ref, uid(janet))
    cp.record_outcome(janet, on_time, "Upheld", date(2026, 11, 10),
                      lessons_learnt="Letters clearer", today=TODAY)
    cp.record_outcome(janet, late, "Not upheld", date(2026, 11, 20), today=TODAY)
    cp.record_outcome(janet, withdrawn, "Withdrawn", date(2026, 11, 5), today=TODAY)
    cp.escalate(janet, on_time, uid(andrew), "Wants more", opened_on=date(2026, 11, 12),
                today=TODAY)
    cp.record_outcome(andrew, on_time, "Partly upheld", date(2026, 11, 26),
                      lessons_learnt="Refunds faster", today=TODAY)

    report = complaint_report(janet, date(2026, 11, 1), date(2026, 11, 30))
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
    assert count(engine, ComplaintStage.id) == 5
    with pytest.raises(ValidationError):
        complaint_report(janet, date(2026, 12, 1), date(2026, 11, 1))


def test_demo_complaints_cover_every_stage_and_outcome_and_keep_the_rules(database, engine):
    from contactdesk.context import Actor, ServiceContext
    from contactdesk.demo.generator import generate_demo_data
    from contactdesk.domain.complaints import Outcome, Stage, deadlines
    from contactdesk.domain.permissions import Role
    from contactdesk.domain.working_days import WorkingDays

    today = date(2026, 11, 24)
    # An operating-system account: no users row, so the demo adds its own staff.
    ctx = ServiceContext(database, Actor("os:tester", Role.ADMIN, "Tester"))
    generate_demo_data(ctx, days=10, today=today, telephony=False)
    st = ComplaintStage
    with engine.connect() as conn:
        rows = conn.execute(select(st.complaint_id, st.stage, st.officer_id, st.opened_on,
                                   st.acknowledge_by, st.respond_by, st.extension_days,
                                   st.extension_reason, st.outcome, st.lessons_learnt,
                                   st.response_on).order_by(st.id)).all()
    complaints = count(engine, Complaint.id)
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
    register = search_register(ctx, today=today)
    assert len(register.rows) == complaints
    assert complaint_report(ctx, today.replace(day=1), today).total.closed > 0


def test_an_extension_must_come_before_the_deadline(people):
    ref = complaint(people)
    janet = people["janet"]
    d = cp.get_complaint(janet, ref, today=TODAY)
    due = d.current.respond_by
    with pytest.raises(TransitionError, match="must be agreed before the deadline"):
        cp.extend(janet, ref, 10, "Inspection delayed", expected_version=d.version,
                  today=date.fromordinal(due.toordinal() + 1))
    d = cp.extend(janet, ref, 10, "Inspection delayed", expected_version=d.version,
                  today=due)  # on the day it is due is still in time
    assert d.current.respond_by > due


def test_stage_two_needs_someone_who_never_handled_stage_one(people):
    janet, andrew, helen = people["janet"], people["andrew"], people["helen"]
    for first, recorder in ((andrew, janet), (janet, andrew)):
        ref = complaint(people)
        d = cp.get_complaint(janet, ref, today=TODAY)
        d = cp.assign_officer(janet, ref, uid(first), expected_version=d.version)
        if first is andrew:  # andrew handled it first, then janet took it over
            d = cp.assign_officer(janet, ref, uid(janet), expected_version=d.version)
        # Whoever records the outcome is the acting person, not a parameter.
        d = cp.record_outcome(recorder, ref, "Not upheld", TODAY,
                              expected_version=d.version, today=TODAY)
        with pytest.raises(ValidationError, match="Andrew Bramall handled Stage 1"):
            cp.escalate(janet, ref, uid(andrew), "Still unhappy", expected_version=d.version,
                        today=TODAY)
        d = cp.escalate(janet, ref, uid(helen), "Still unhappy", expected_version=d.version,
                        today=TODAY)
        assert d.current.officer == "Helen Firth"
