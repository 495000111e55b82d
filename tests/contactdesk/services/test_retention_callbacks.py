"""Retention and callbacks: anonymising a case takes the number and reason off its callbacks
(and off those asked for on its calls alone) and what the phone system said off each try,
with their audit rows; the figures and other cases' callbacks stay. Both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from contactdesk.dtos.callbacks import NO_ANSWER, SPOKE, CallbackRequest
from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.audit_redaction import REMOVED
from contactdesk.services import callbacks, cases
from contactdesk.services.audit_trail import verify_audit
from contactdesk.services.calls import log_call
from contactdesk.services.retention import run_retention, set_retention

AS_OF = date(2025, 6, 1)  # Streetpride at 12 months: cases closed by 1 June 2024 go


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def clock():
    return Clock(at("2024-03-04"))


@pytest.fixture
def desk(make_ctx, clock):
    return make_ctx("agent", "ann.agent", "Ann Agent", clock=clock)


@pytest.fixture
def admin(make_ctx, clock):
    return make_ctx("admin", "test.admin", "Test Admin", clock=clock)


def _case(desk, clock, day: str, name: str, phone: str, description: str):
    clock.at = at(day)
    return log_call(desk, CallInput(caller_name=name, caller_phone=phone, category="Litter",
                                    address="14 Wellgate", description=description))


def _close(desk, clock, reference: str, day: str) -> None:
    clock.at = at(day, 9)
    cases.change_status(desk, reference, "resolved")
    clock.at = at(day, 10)
    cases.change_status(desk, reference, "closed")


def _ask(desk, phone: str, reason: str, reference: str = "", call_id: int | None = None) -> int:
    return callbacks.request_callback(desk, CallbackRequest(phone, reason, None, reference,
                                                            call_id)).id


def _rows(engine) -> dict[int, tuple]:
    with engine.connect() as con:
        return {row.id: (row.phone_e164, row.reason, row.status) for row in con.execute(text(
            "SELECT id, phone_e164, reason, status FROM callbacks"))}


def _attempts(engine) -> list[tuple]:
    with engine.connect() as con:
        return [tuple(row) for row in con.execute(text(
            "SELECT callback_id, outcome, dial_result FROM callback_attempts ORDER BY id"))]


def _audit_holding(engine, *needles: str) -> list[tuple]:
    with engine.connect() as con:
        rows = con.execute(text("SELECT entity, field, old_value, new_value FROM audit_log")).all()
    return [row for row in rows
            if any(n in (row.old_value or "") or n in (row.new_value or "") for n in needles)]


def test_anonymising_a_case_anonymises_its_callbacks_and_their_audit(desk, admin, clock, engine):
    old = _case(desk, clock, "2024-03-04", "Margaret Oldroyd", "01709 823456",
                "Cans over the hedge")
    on_case = _ask(desk, "07700 900123", "Margaret wants news of the hedge", old.reference)
    on_call = _ask(desk, "01709 111222", "Ring Margaret on her work line", call_id=old.call_id)
    clock.at = at("2024-03-04", 12)
    callbacks.record_outcome(desk, on_case, NO_ANSWER, "Busy tone from Oldroyd line")
    callbacks.record_outcome(desk, on_case, SPOKE)
    callbacks.record_outcome(desk, on_call, SPOKE)
    _close(desk, clock, old.reference, "2024-03-06")
    recent = _case(desk, clock, "2025-05-19", "Tom Hague", "01709 447788", "Litter on Hague Road")
    kept = _ask(desk, "01709 447788", "Tom wants to know when it is swept", recent.reference)
    callbacks.record_outcome(desk, kept, NO_ANSWER, "Voicemail of Tom Hague")
    _close(desk, clock, recent.reference, "2025-05-21")
    clock.at = at("2025-06-01", 8)
    set_retention(admin, "streetpride", 12)
    figure = callbacks.callbacks_kept_on_time(admin, date(2024, 3, 1), AS_OF)

    run = run_retention(admin, as_of=AS_OF)

    assert [c.reference for c in run.cases] == [old.reference]
    rows = _rows(engine)
    assert rows[on_case] == (REMOVED, REMOVED, "done")
    assert rows[on_call] == (REMOVED, REMOVED, "done")
    assert rows[kept] == ("+441709447788", "Tom wants to know when it is swept", "waiting")
    assert _attempts(engine) == [(on_case, NO_ANSWER, REMOVED), (on_case, SPOKE, None),
                                 (on_call, SPOKE, None), (kept, NO_ANSWER, "Voicemail of Tom Hague")]
    # Nothing said about Margaret's callbacks survives in the audit; Tom's is as it was.
    assert _audit_holding(engine, "900123", "111222", "hedge", "work line", "Busy tone") == []
    assert {row[0] for row in _audit_holding(engine, "Tom wants to know")} == {"callbacks"}
    assert verify_audit(admin).intact
    # The figure counts the same callbacks as kept or not.
    assert callbacks.callbacks_kept_on_time(admin, date(2024, 3, 1), AS_OF) == figure
    assert figure.due == 3
    listed = callbacks.callbacks_of_case(admin, old.reference)
    assert [(c.phone_e164, c.reason) for c in listed] == [(REMOVED, REMOVED)]


def test_a_callback_about_a_live_case_is_kept_though_asked_on_an_anonymised_call(
        desk, admin, clock, engine):
    old = _case(desk, clock, "2024-03-04", "Margaret Oldroyd", "01709 823456", "Cans")
    live = _case(desk, clock, "2024-03-04", "Derek Bramall", "0114 496 0321", "Sofa")
    clock.at = at("2024-03-04", 11)
    about_live = _ask(desk, "0114 496 0321", "Derek asks about the sofa", live.reference,
                      call_id=old.call_id)
    _close(desk, clock, old.reference, "2024-03-06")
    clock.at = at("2025-06-01", 8)
    set_retention(admin, "streetpride", 12)

    run = run_retention(admin, as_of=AS_OF)

    assert [c.reference for c in run.cases] == [old.reference]
    assert _rows(engine)[about_live] == ("+441144960321", "Derek asks about the sofa", "waiting")
    assert {row[0] for row in _audit_holding(engine, "Derek asks")} == {"callbacks"}


def test_a_callback_still_waiting_on_an_anonymised_case_is_cancelled(desk, admin, clock, engine):
    old = _case(desk, clock, "2024-03-04", "Margaret Oldroyd", "01709 823456",
                "Cans over the hedge")
    waiting = _ask(desk, "07700 900123", "Margaret wants news of the hedge", old.reference)
    _close(desk, clock, old.reference, "2024-03-06")
    clock.at = at("2025-06-01", 8)
    set_retention(admin, "streetpride", 12)

    run_retention(admin, as_of=AS_OF)

    assert _rows(engine)[waiting] == (REMOVED, REMOVED, "cancelled")
    assert waiting not in {c.id for c in callbacks.waiting_callbacks(admin)}  # nothing to ring
