"""Callbacks: asked for, listed soonest due first, claimed by one agent, rung, and counted."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from contactdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from contactdesk.dtos.callbacks import KEPT_ON_TIME_DEFINITION, CallbackRequest
from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.models import CallbackAttempt, CaseNote
from contactdesk.persistence.uow import UnitOfWork
from contactdesk.services import callbacks, reports
from contactdesk.services.calls import log_call

MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # Europe/London is on UTC in December


class Clock:
    def __init__(self, at: datetime = MONDAY_10):
        self.at = at

    def __call__(self):
        return self.at


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def priya(make_ctx, clock):
    return make_ctx("agent", "priya", "Priya Shah", clock=clock)


@pytest.fixture
def sam(make_ctx, clock):
    return make_ctx("agent", "sam", "Sam Taylor", clock=clock)


@pytest.fixture
def case_ref(priya):
    return log_call(priya, CallInput(caller_name="Ann Jones", caller_phone="07700 900123",
                                     category="Fly tipping", address="14 Wellgate",
                                     description="Sofa on the verge")).reference


def _ask(ctx, reference="", *, phone="07700 900123", due=None, reason="Wants an update"):
    return callbacks.request_callback(ctx, CallbackRequest(phone, reason, due, reference))


def test_as_soon_as_possible_is_due_two_working_hours_on_and_a_time_is_kept(priya, case_ref, clock):
    asap = _ask(priya, case_ref)
    assert asap.due_at == MONDAY_10 + timedelta(hours=2) and asap.as_soon_as_possible
    assert asap.phone_e164 == "+447700900123" and asap.phone_national == "07700 900123"
    assert asap.case_reference == case_ref and asap.requested_by == "Priya Shah"
    assert asap.status == "waiting" and not asap.overdue
    # Asked for at 19:30 (closing at 20:00): half an hour tonight, 90 minutes tomorrow.
    clock.at = MONDAY_10.replace(hour=19, minute=30)
    assert _ask(priya, case_ref).due_at == MONDAY_10.replace(day=8, hour=9, minute=30)
    later = MONDAY_10 + timedelta(days=1, hours=5)
    assert _ask(priya, case_ref, due=later).due_at == later


def test_a_bad_number_an_empty_reason_and_a_past_time_are_refused(priya, case_ref):
    with pytest.raises(ValidationError) as refused:
        _ask(priya, case_ref, phone="0770", reason=" ", due=MONDAY_10 - timedelta(hours=1))
    assert {issue.field for issue in refused.value.issues} == {"phone", "reason", "due_at"}
    assert callbacks.waiting_callbacks(priya) == []


def test_the_list_puts_the_overdue_first_then_by_due_time(priya, case_ref, clock):
    tomorrow = _ask(priya, case_ref, due=MONDAY_10 + timedelta(days=1), reason="tomorrow")
    soon = _ask(priya, case_ref, due=MONDAY_10 + timedelta(minutes=30), reason="soon")
    earliest = _ask(priya, case_ref, due=MONDAY_10 + timedelta(minutes=10), reason="earliest")
    clock.at = MONDAY_10 + timedelta(minutes=20)
    rows = callbacks.waiting_callbacks(priya)
    assert [r.id for r in rows] == [earliest.id, soon.id, tomorrow.id]
    assert [r.overdue for r in rows] == [True, False, False]


def test_two_agents_never_ring_the_same_caller(priya, sam, case_ref, clock):
    asked = _ask(priya, case_ref)
    taken = callbacks.claim_callback(priya, asked.id)
    assert taken.claimed_by == "Priya Shah"
    with pytest.raises(ConflictError, match="Priya Shah is already ringing this caller"):
        callbacks.claim_callback(sam, asked.id)
    with pytest.raises(ConflictError, match="Priya Shah is ringing"):
        callbacks.record_outcome(sam, asked.id, "spoke")
    callbacks.release_callback(priya, asked.id)
    assert callbacks.claim_callback(sam, asked.id).claimed_by == "Sam Taylor"
    # A desk that went quiet mid-call does not keep the caller for ever.
    clock.at += callbacks.CLAIM_LAPSES_AFTER + timedelta(seconds=1)
    assert callbacks.claim_callback(priya, asked.id).claimed_by == "Priya Shah"


def test_outcomes_are_noted_on_the_case_and_three_failures_close_it(priya, case_ref, database):
    asked = _ask(priya, case_ref)
    callbacks.claim_callback(priya, asked.id)
    after_one = callbacks.record_outcome(priya, asked.id, "no_answer", "the line was busy")
    assert (after_one.status, after_one.failed_attempts, after_one.claimed_by) == (
        "waiting", 1, None)
    assert callbacks.record_outcome(priya, asked.id, "left_message").status == "waiting"
    third = callbacks.record_outcome(priya, asked.id, "no_answer")
    assert (third.status, third.failed_attempts) == ("failed", 3)
    assert callbacks.waiting_callbacks(priya) == []
    with UnitOfWork(database, None, "test") as uow:
        notes = list(uow.session.scalars(select(CaseNote.body).order_by(CaseNote.id)))
        attempts = list(uow.session.scalars(select(CallbackAttempt.outcome)
                                            .order_by(CallbackAttempt.id)))
    assert notes[-3:] == [
        "Callback to 07700 900123: no answer (failed attempt 1 of 3); the phone system said: "
        "the line was busy.",
        "Callback to 07700 900123: left a message (failed attempt 2 of 3).",
        "Callback to 07700 900123: no answer (failed attempt 3 of 3); closed as failed."]
    assert attempts == ["no_answer", "left_message", "no_answer"]


def test_speaking_to_the_caller_closes_it_and_a_wrong_number_fails_it_at_once(priya, case_ref):
    spoken = _ask(priya, case_ref)
    assert callbacks.record_outcome(priya, spoken.id, "spoke").status == "done"
    wrong = _ask(priya, case_ref)
    assert callbacks.record_outcome(priya, wrong.id, "wrong_number").status == "failed"


def test_the_dial_plan_uses_national_digits_and_the_context_setting(priya, case_ref):
    asked = _ask(priya, case_ref)
    plan = callbacks.dial_plan(priya, asked.id, "PJSIP/1001")
    assert (plan.channel, plan.exten, plan.context) == ("PJSIP/1001", "07700900123",
                                                        "from-internal")
    assert plan.caller_id == f'"Callback {case_ref}" <07700900123>'


def test_kept_on_time_on_a_hand_made_set(priya, case_ref, clock):
    day = MONDAY_10
    kept = _ask(priya, case_ref, due=day + timedelta(hours=1))          # spoken at 10:30: kept
    late = _ask(priya, case_ref, due=day + timedelta(minutes=15))       # spoken at 10:30: late
    failed = _ask(priya, case_ref, due=day + timedelta(hours=2))        # wrong number: not kept
    cancelled = _ask(priya, case_ref, due=day + timedelta(hours=3))     # left out
    missed = _ask(priya, case_ref, due=day + timedelta(hours=4))        # never rung: not kept
    _ask(priya, case_ref, due=day + timedelta(days=1, hours=1))         # due after the day
    clock.at = day + timedelta(minutes=30)
    callbacks.record_outcome(priya, kept.id, "spoke")
    callbacks.record_outcome(priya, late.id, "spoke")
    callbacks.record_outcome(priya, failed.id, "wrong_number")
    callbacks.cancel_callback(priya, cancelled.id)
    assert missed.status == "waiting"
    monday = date(2026, 12, 7)
    # At 10:30 the one due by then and the two closed early count; the one not yet due and
    # still waiting does not, until its time passes.
    early = callbacks.callbacks_kept_on_time(priya, monday, monday)
    assert (early.due, early.kept) == (3, 1)
    clock.at = day.replace(hour=21)
    figure = callbacks.callbacks_kept_on_time(priya, monday, monday)
    assert (figure.due, figure.kept, figure.share) == (4, 1, 0.25)


def test_the_telephony_account_may_not_touch_callbacks(make_ctx, priya, case_ref):
    importer = make_ctx("telephony", "feed")
    with pytest.raises(PermissionDenied):
        callbacks.waiting_callbacks(importer)
    with pytest.raises(PermissionDenied):
        callbacks.request_callback(importer, CallbackRequest("07700 900123", "x"))
    asked = _ask(priya, case_ref)
    with pytest.raises(PermissionDenied):
        callbacks.claim_callback(importer, asked.id)


def _pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return " ".join(text.split())  # lines joined: the definition wraps


def test_the_pdfs_print_the_figure_with_its_definition(make_ctx, case_ref, priya, clock, tmp_path):
    supervisor = make_ctx("supervisor", "sue", "Sue Grant", clock=clock)
    kept = _ask(priya, case_ref, due=MONDAY_10 + timedelta(hours=1))
    _ask(priya, case_ref, due=MONDAY_10 + timedelta(hours=2))  # never rung
    callbacks.record_outcome(priya, kept.id, "spoke")
    # The same day a year earlier: one callback, rung late.
    clock.at = MONDAY_10 - timedelta(days=365)
    late = _ask(priya, case_ref, due=clock.at + timedelta(minutes=5))
    clock.at += timedelta(hours=1)
    callbacks.record_outcome(priya, late.id, "spoke")
    clock.at = MONDAY_10.replace(hour=21)
    monday = date(2026, 12, 7)
    daily = _pdf_text(reports.daily_report(supervisor, monday, tmp_path / "daily.pdf"))
    assert "Callbacks kept on time 50.00% (1 of 2)" in daily
    assert KEPT_ON_TIME_DEFINITION in daily
    performance = _pdf_text(reports.performance_report(supervisor, monday, monday,
                                                       tmp_path / "performance.pdf"))
    # This year, last year, the difference: on one row (the indicator's words wrap beside it).
    assert re.search(r"Callbacks kept on time \(higher 50\.00% \(1 of 2\) 0\.00% \(0 of 1\) "
                     r"\+50\.00 pts better performance is better\)", performance)
    assert KEPT_ON_TIME_DEFINITION in performance


def test_an_agents_own_postgresql_login_rings_back_within_its_grants(postgres_server):
    from tests.contactdesk.front_door.test_database_refuses import CALL, Council, refused

    council = Council(postgres_server)
    agent = council.workspace("agent")
    try:
        reference = agent.calls.log_call(CallInput(**CALL)).reference
        asked = agent.callbacks.request_callback(CallbackRequest("07700 900123", "Update",
                                                                 None, reference))
        agent.callbacks.claim_callback(asked.id)
        assert agent.callbacks.record_outcome(asked.id, "spoke").status == "done"
    finally:
        agent.close()
    with council.sql("agent") as connection:
        refused(connection, "DELETE FROM callbacks")
        refused(connection, "UPDATE callbacks SET reason = 'x'")
        refused(connection, "UPDATE callback_attempts SET outcome = 'no_answer'")
    with council.sql(council.owner) as owner:  # the audit triggers wrote these
        audited = owner.execute("SELECT entity, action FROM audit_log WHERE entity LIKE "
                                "'callback%' ORDER BY id").fetchall()
    assert ("callbacks", "create") in audited and ("callback_attempts", "create") in audited
    assert ("callbacks", "update") in audited
