"""Logging calls and working cases through the core services, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contactdesk.domain.errors import ConflictError, TransitionError, ValidationError
from contactdesk.persistence.models import AuditEntry, Call, Caller, Case, CaseStatusChange
from contactdesk.persistence.uow import UnitOfWork
from contactdesk.services import cases
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.users import add_user

FLY_TIP = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate, Rotherham",
               postcode="s60 2th", category="Fly tipping", description="Mattress dumped on verge")


@pytest.fixture
def agent(engine):
    return add_user(engine, "agent1", "agent", "Priya Shah").id


def count(engine, *what):
    with UnitOfWork(engine) as uow:
        return uow.session.scalar(select(func.count()).select_from(*what))


def test_a_call_creates_a_routed_case_with_reference_due_time_and_caller(engine, agent):
    saved = log_call(engine, CallInput(**FLY_TIP), agent)
    assert saved.created_case and saved.reference.startswith("SP-") and saved.reference.endswith("-000001")
    detail = cases.get_case(engine, saved.reference)
    assert detail.summary.service == "Streetpride" and detail.summary.status == "new"
    assert detail.summary.postcode == "S60 2TH"
    assert detail.caller_phone == "+441709823456" and detail.caller_name == "Ann Jones"
    assert detail.summary.due_at > detail.summary.received_at
    assert [link for _, _, link in detail.calls] == ["created"]
    assert detail.history[0].action == "create" and detail.history[0].user == "Priya Shah"
    # An unknown postcode is a warning only.
    assert [w.field for w in saved.warnings] == ["postcode"]


def test_a_repeat_caller_is_recognised_by_phone_in_any_format(engine, agent):
    log_call(engine, CallInput(**FLY_TIP), agent)
    log_call(engine, CallInput(**{**FLY_TIP, "caller_phone": "+44 1709 823-456",
                                  "caller_name": ""}), agent)
    assert count(engine, Caller) == 1 and count(engine, Call) == 2 and count(engine, Case) == 2


def test_the_save_is_all_or_nothing(engine, agent):
    bad = CallInput(**{**FLY_TIP, "caller_phone": "12345"})
    with pytest.raises(ValidationError) as raised:
        log_call(engine, bad, agent)
    assert [i.field for i in raised.value.issues] == ["caller_phone"]
    assert count(engine, Call) == 0 and count(engine, Case) == 0 and count(engine, Caller) == 0


def test_every_error_names_its_field(engine, agent):
    with pytest.raises(ValidationError) as raised:
        log_call(engine, CallInput(caller_phone="abc", postcode="nowhere", description="",
                                   category=""), agent)
    assert {i.field for i in raised.value.issues} == {"caller_phone", "postcode", "description",
                                                      "category"}


def test_a_location_is_required_where_the_category_says_so(engine, agent):
    with pytest.raises(ValidationError) as raised:
        log_call(engine, CallInput(category="Broken street light", description="Lamp out",
                                   caller_phone="01709 823456"), agent)
    assert [i.field for i in raised.value.issues] == ["address"]
    assert count(engine, Call) == 0


def test_other_outcomes_log_the_call_without_a_case(engine, agent):
    saved = log_call(engine, CallInput(outcome="information_given", category="Council tax payment",
                                       caller_phone="07911 123456"), agent)
    assert saved.reference is None and not saved.created_case
    assert count(engine, Call) == 1 and count(engine, Case) == 0


def test_a_retried_save_with_the_same_key_does_not_duplicate(engine, agent):
    data = CallInput(**FLY_TIP)
    first = log_call(engine, data, agent)
    again = log_call(engine, data, agent)
    assert again.reference == first.reference and again.call_id == first.call_id
    assert count(engine, Case) == 1 and count(engine, Call) == 1


def test_routing_override_needs_a_reason(engine, agent):
    with pytest.raises(ValidationError) as raised:
        log_call(engine, CallInput(**{**FLY_TIP, "service": "Housing"}), agent)
    assert [i.field for i in raised.value.issues] == ["routing_reason"]
    saved = log_call(engine, CallInput(**{**FLY_TIP, "service": "Housing",
                                          "routing_reason": "On a council estate"}), agent)
    assert cases.get_case(engine, saved.reference).summary.service == "Housing"


def test_a_duplicate_report_adds_the_caller_to_the_open_case(engine, agent):
    first = log_call(engine, CallInput(**FLY_TIP), agent)
    found = cases.find_duplicates(engine, "fly_tipping", postcode="S60 2TH")
    assert [c.reference for c in found] == [first.reference]
    assert cases.find_duplicates(engine, "graffiti", postcode="S60 2TH") == []
    second = log_call(engine, CallInput(caller_phone="07911 123456", caller_name="Bob Lee",
                                        add_to_case=first.reference), agent)
    assert second.reference == first.reference and not second.created_case
    assert count(engine, Case) == 1
    links = sorted(link for _, _, link in cases.get_case(engine, first.reference).calls)
    assert links == ["added", "created"]


def test_working_a_case_through_its_statuses_with_notes_and_audit(engine, agent):
    ref = log_call(engine, CallInput(**FLY_TIP), agent).reference
    for status in ("routed", "in_progress", "resolved", "closed", "in_progress", "resolved"):
        summary = cases.change_status(engine, ref, status, agent, reason=f"to {status}")
        assert summary.status == status
    cases.add_note(engine, ref, "Crew cleared it", agent, visibility="caller")
    detail = cases.get_case(engine, ref)
    assert detail.closed_at is not None and set(detail.allowed_statuses) == {"closed", "in_progress"}
    assert [(n.body, n.visibility, n.author) for n in detail.notes] == [
        ("Crew cleared it", "caller", "Priya Shah")]
    status_changes = [(h.old_value, h.new_value) for h in detail.history if h.field == "status"]
    assert status_changes[0] == ("new", "routed") and len(status_changes) == 6
    with UnitOfWork(engine) as uow:
        history = uow.session.scalars(select(CaseStatusChange.to_status).order_by(CaseStatusChange.id)).all()
        notes_audited = uow.session.scalar(select(func.count()).select_from(AuditEntry)
                                           .where(AuditEntry.entity == "case_notes"))
    assert history == ["new", "routed", "in_progress", "resolved", "closed", "in_progress", "resolved"]
    assert notes_audited == 1


def test_invalid_transitions_are_refused_and_nothing_changes(engine, agent):
    ref = log_call(engine, CallInput(**FLY_TIP), agent).reference
    with pytest.raises(TransitionError, match="cannot become closed"):
        cases.change_status(engine, ref, "closed", agent)
    assert cases.get_case(engine, ref).summary.status == "new"


def test_marking_a_duplicate_points_at_the_original(engine, agent):
    first = log_call(engine, CallInput(**FLY_TIP), agent).reference
    second = log_call(engine, CallInput(**FLY_TIP), agent).reference
    with pytest.raises(ValidationError, match="duplicate_of"):
        cases.change_status(engine, second, "duplicate", agent)
    with pytest.raises(ValidationError, match="itself"):
        cases.change_status(engine, second, "duplicate", agent, duplicate_of=second)
    cases.change_status(engine, second, "duplicate", agent, duplicate_of=first)
    assert cases.get_case(engine, second).duplicate_of == first


def test_a_stale_edit_is_refused_not_overwritten(engine, agent):
    ref = log_call(engine, CallInput(**FLY_TIP), agent).reference
    seen = cases.get_case(engine, ref).summary.version
    cases.change_status(engine, ref, "routed", agent, expected_version=seen)  # a colleague saves first
    with pytest.raises(ConflictError, match="changed by someone else"):
        cases.change_status(engine, ref, "withdrawn", agent, expected_version=seen)
    assert cases.get_case(engine, ref).summary.status == "routed"


def test_reassigning_records_the_reason(engine, agent):
    ref = log_call(engine, CallInput(**FLY_TIP), agent).reference
    cases.reassign(engine, ref, "Housing", "Council-owned land", agent)
    detail = cases.get_case(engine, ref)
    assert detail.summary.service == "Housing"
    assert any(h.field == "routing_reason" and h.new_value == "Council-owned land" for h in detail.history)
    with pytest.raises(ValidationError, match="routing_reason"):
        cases.reassign(engine, ref, "Parking Services", "", agent)
