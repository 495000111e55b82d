"""Logging calls and working cases through the core services, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from contactdesk.context import Actor, ServiceContext
from contactdesk.domain.errors import (
    ConflictError,
    PermissionDenied,
    TransitionError,
    ValidationError,
)
from contactdesk.domain.permissions import Role
from contactdesk.persistence.models import AuditEntry, Call, Caller, Case, CaseStatusChange
from contactdesk.services import callers, cases
from contactdesk.services.calls import CallInput, log_call

FLY_TIP = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate, Rotherham",
               postcode="s60 2th", category="Fly tipping", description="Mattress dumped on verge")


@pytest.fixture
def agent(make_ctx):
    return make_ctx("agent", "agent1", "Priya Shah")


def count(engine, *what):
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(*what))


def test_a_call_creates_a_routed_case_with_reference_due_time_and_caller(agent):
    saved = log_call(agent, CallInput(**FLY_TIP))
    assert saved.created_case and saved.reference.startswith("SP-") and saved.reference.endswith("-000001")
    detail = cases.get_case(agent, saved.reference)
    assert detail.summary.service == "Streetpride" and detail.summary.status == "new"
    assert detail.summary.postcode == "S60 2TH"
    assert detail.caller_phone == "+441709823456" and detail.caller_name == "Ann Jones"
    assert detail.summary.due_at > detail.summary.received_at
    assert [link for _, _, link in detail.calls] == ["created"]
    assert detail.history[0].action == "create" and detail.history[0].user == "Priya Shah"
    # An unknown postcode is a warning only.
    assert [w.field for w in saved.warnings] == ["postcode"]


def test_a_repeat_caller_is_recognised_by_phone_in_any_format(engine, agent):
    log_call(agent, CallInput(**FLY_TIP))
    log_call(agent, CallInput(**{**FLY_TIP, "caller_phone": "+44 1709 823-456",
                                  "caller_name": ""}))
    assert count(engine, Caller) == 1 and count(engine, Call) == 2 and count(engine, Case) == 2


def test_the_save_is_all_or_nothing(engine, agent):
    bad = CallInput(**{**FLY_TIP, "caller_phone": "12345"})
    with pytest.raises(ValidationError) as raised:
        log_call(agent, bad)
    assert [i.field for i in raised.value.issues] == ["caller_phone"]
    assert count(engine, Call) == 0 and count(engine, Case) == 0 and count(engine, Caller) == 0


def test_every_error_names_its_field(agent):
    with pytest.raises(ValidationError) as raised:
        log_call(agent, CallInput(caller_phone="abc", postcode="nowhere", description="",
                                   category=""))
    assert {i.field for i in raised.value.issues} == {"caller_phone", "postcode", "description",
                                                      "category"}


def test_a_location_is_required_where_the_category_says_so(engine, agent):
    with pytest.raises(ValidationError) as raised:
        log_call(agent, CallInput(category="Broken street light", description="Lamp out",
                                   caller_phone="01709 823456"))
    assert [i.field for i in raised.value.issues] == ["address"]
    assert count(engine, Call) == 0


def test_other_outcomes_log_the_call_without_a_case(engine, agent):
    saved = log_call(agent, CallInput(outcome="information_given", category="Council tax payment",
                                       caller_phone="07911 123456"))
    assert saved.reference is None and not saved.created_case
    assert count(engine, Call) == 1 and count(engine, Case) == 0


def test_a_retried_save_with_the_same_key_does_not_duplicate(engine, agent):
    data = CallInput(**FLY_TIP)
    first = log_call(agent, data)
    again = log_call(agent, data)
    assert again.reference == first.reference and again.call_id == first.call_id
    assert count(engine, Case) == 1 and count(engine, Call) == 1


def test_routing_override_needs_a_reason(agent):
    with pytest.raises(ValidationError) as raised:
        log_call(agent, CallInput(**{**FLY_TIP, "service": "Housing"}))
    assert [i.field for i in raised.value.issues] == ["routing_reason"]
    saved = log_call(agent, CallInput(**{**FLY_TIP, "service": "Housing",
                                          "routing_reason": "On a council estate"}))
    assert cases.get_case(agent, saved.reference).summary.service == "Housing"


def test_a_duplicate_report_adds_the_caller_to_the_open_case(engine, agent):
    first = log_call(agent, CallInput(**FLY_TIP))
    found = cases.find_duplicates(agent, "fly_tipping", postcode="S60 2TH")
    assert [c.reference for c in found] == [first.reference]
    assert cases.find_duplicates(agent, "graffiti", postcode="S60 2TH") == []
    second = log_call(agent, CallInput(caller_phone="07911 123456", caller_name="Bob Lee",
                                        add_to_case=first.reference))
    assert second.reference == first.reference and not second.created_case
    assert count(engine, Case) == 1
    links = sorted(link for _, _, link in cases.get_case(agent, first.reference).calls)
    assert links == ["added", "created"]


def test_working_a_case_through_its_statuses_with_notes_and_audit(engine, agent):
    ref = log_call(agent, CallInput(**FLY_TIP)).reference
    for status in ("routed", "in_progress", "resolved", "closed", "in_progress", "resolved"):
        summary = cases.change_status(agent, ref, status, reason=f"to {status}")
        assert summary.status == status
    cases.add_note(agent, ref, "Crew cleared it", visibility="caller")
    detail = cases.get_case(agent, ref)
    assert detail.closed_at is not None and set(detail.allowed_statuses) == {"closed", "in_progress"}
    assert [(n.body, n.visibility, n.author) for n in detail.notes] == [
        ("Crew cleared it", "caller", "Priya Shah")]
    status_changes = [(h.old_value, h.new_value) for h in detail.history if h.field == "status"]
    assert status_changes[0] == ("new", "routed") and len(status_changes) == 6
    with engine.connect() as connection:
        history = connection.scalars(select(CaseStatusChange.to_status)
                                     .order_by(CaseStatusChange.id)).all()
        notes_audited = connection.scalar(select(func.count()).select_from(AuditEntry)
                                          .where(AuditEntry.entity == "case_notes"))
    assert history == ["new", "routed", "in_progress", "resolved", "closed", "in_progress", "resolved"]
    assert notes_audited == 1


def test_invalid_transitions_are_refused_and_nothing_changes(agent):
    ref = log_call(agent, CallInput(**FLY_TIP)).reference
    with pytest.raises(TransitionError, match="cannot become closed"):
        cases.change_status(agent, ref, "closed")
    assert cases.get_case(agent, ref).summary.status == "new"


def test_marking_a_duplicate_points_at_the_original(agent):
    first = log_call(agent, CallInput(**FLY_TIP)).reference
    second = log_call(agent, CallInput(**FLY_TIP)).reference
    with pytest.raises(ValidationError, match="duplicate_of"):
        cases.change_status(agent, second, "duplicate")
    with pytest.raises(ValidationError, match="itself"):
        cases.change_status(agent, second, "duplicate", duplicate_of=second)
    cases.change_status(agent, second, "duplicate", duplicate_of=first)
    assert cases.get_case(agent, second).duplicate_of == first


def test_a_stale_edit_is_refused_not_overwritten(agent):
    ref = log_call(agent, CallInput(**FLY_TIP)).reference
    seen = cases.get_case(agent, ref).summary.version
    cases.change_status(agent, ref, "routed", expected_version=seen)  # a colleague saves first
    with pytest.raises(ConflictError, match="changed by someone else"):
        cases.change_status(agent, ref, "withdrawn", expected_version=seen)
    assert cases.get_case(agent, ref).summary.status == "routed"


def test_reassigning_records_the_reason(agent):
    ref = log_call(agent, CallInput(**FLY_TIP)).reference
    cases.reassign(agent, ref, "Housing", "Council-owned land")
    detail = cases.get_case(agent, ref)
    assert detail.summary.service == "Housing"
    assert any(h.field == "routing_reason" and h.new_value == "Council-owned land" for h in detail.history)
    with pytest.raises(ValidationError, match="routing_reason"):
        cases.reassign(agent, ref, "Parking Services", "")


def test_the_caller_is_known_by_phone_with_their_calls_and_open_cases(agent):
    first = log_call(agent, CallInput(**FLY_TIP)).reference
    log_call(agent, CallInput(outcome="information_given", category="Council tax payment",
                              caller_phone="+44 1709 823456"))
    found = callers.find_by_phone(agent, "+441709823456")
    assert found is not None and found.name == "Ann Jones" and found.postcode == "S60 2TH"
    history = callers.caller_history(agent, "+441709823456")
    assert [c.outcome for c in history.recent_calls] == ["information_given", "case_created"]
    assert history.open_cases == ((first, "Fly tipping", "new"),)
    assert callers.find_by_phone(agent, "+447911123456") is None
    assert callers.caller_history(agent, "+447911123456") is None


def test_a_role_without_the_permission_is_refused_before_anything_is_read_or_saved(
        engine, agent, make_ctx):
    ref = log_call(agent, CallInput(**FLY_TIP)).reference
    feed = make_ctx("telephony", "telephony.feed")  # may import call logs, nothing else
    with pytest.raises(PermissionDenied, match="telephony.feed"):
        log_call(feed, CallInput(**FLY_TIP))
    with pytest.raises(PermissionDenied):
        cases.change_status(feed, ref, "routed")
    with pytest.raises(PermissionDenied):
        cases.get_case(feed, ref)
    with pytest.raises(PermissionDenied):
        callers.caller_history(feed, "+441709823456")
    assert count(engine, Call) == 1
    assert cases.get_case(agent, ref).summary.status == "new"


def test_audit_rows_name_the_person_acting(engine, agent, make_ctx):
    def audited_since(mark: int) -> set[tuple[str, str, str]]:
        with engine.connect() as connection:
            return set(connection.execute(
                select(AuditEntry.entity, AuditEntry.action, AuditEntry.actor)
                .where(AuditEntry.id > mark)).all())

    def last_id() -> int:
        with engine.connect() as connection:
            return connection.scalar(select(func.max(AuditEntry.id))) or 0

    mark = last_id()
    ref = log_call(agent, CallInput(**FLY_TIP)).reference
    logged = audited_since(mark)
    assert {"calls", "callers", "cases"} <= {entity for entity, _, _ in logged}
    assert {actor for _, _, actor in logged} == {agent.actor.username}

    supervisor = make_ctx("supervisor", "sam.lead", "Sam Lead")
    mark = last_id()
    cases.change_status(supervisor, ref, "routed")
    cases.add_note(supervisor, ref, "Chased the crew")
    worked = audited_since(mark)
    assert {("cases", "update"), ("case_notes", "create")} <= {(e, a) for e, a, _ in worked}
    assert {actor for _, _, actor in worked} == {"sam.lead"}


def test_an_account_without_a_users_row_is_named_in_the_history(database, engine):
    os_account = ServiceContext(database, Actor("os:jo", Role.AGENT, "Jo Bloggs"))
    ref = log_call(os_account, CallInput(**FLY_TIP)).reference
    cases.change_status(os_account, ref, "routed")
    detail = cases.get_case(os_account, ref)
    assert {h.user for h in detail.history} == {"os:jo"}
    with engine.connect() as connection:
        assert connection.scalar(select(Case.created_by_id)) is None


def test_the_context_clock_dates_the_call_the_case_and_its_changes(make_ctx):
    at = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    desk = make_ctx("agent", "clocked", clock=lambda: at)
    ref = log_call(desk, CallInput(**FLY_TIP)).reference
    assert cases.get_case(desk, ref).summary.received_at == at
    note = cases.add_note(desk, ref, "Called back")
    assert note.created_at == at and note.author == "Clocked"
    assert cases.hold(desk, ref, "Waiting for photos").due_at is None
    assert cases.get_case(desk, ref).hold.started_at == at
