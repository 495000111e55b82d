"""The input rules as the services apply them, on SQLite and PostgreSQL.

A NUL (PostgreSQL cannot keep it) or half of a surrogate pair (no database
driver can encode it) in any text is a field error before anything is saved,
never a raw driver error; phone numbers keep their extension as typed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contactdesk.domain.errors import ValidationError
from contactdesk.persistence.models import Call, Caller, Case, Complaint
from contactdesk.services import callers, cases
from contactdesk.services import complaints as cp
from contactdesk.services.calls import CallInput, log_call

FLY_TIP = dict(caller_phone="01709 823456", caller_name="Ann Jones", caller_email="ann@example.org",
               address="14 Wellgate, Rotherham", postcode="S60 2TH", category="Fly tipping",
               description="Mattress dumped on verge")
COMPLAINT = dict(complainant_name="Mr Ali Khan", complainant_phone="01709 823456",
                 complainant_email="ali@example.org", complainant_address="3 Moorgate Road",
                 service="Local Taxation", description="Charged council tax on an empty house",
                 desired_outcome="Charge removed")

NUL = "contains an invisible control character (NUL) at position {}: retype it"
BROKEN = "contains a broken character at position {}: retype it"
DRIVER_WORDS = ("psycopg", "sqlite", "dataerror", "unicodeencodeerror", "0x00", "surrogate",
                "codec", "traceback")


@pytest.fixture
def agent(make_ctx):
    return make_ctx("agent", "agent1", "Priya Shah")


def rows_saved(engine) -> tuple[int, int, int, int]:
    with engine.connect() as connection:
        return tuple(connection.scalar(select(func.count()).select_from(table))
                     for table in (Call, Case, Caller, Complaint))


def assert_refused_in_plain_words(raised, field: str, message: str) -> None:
    assert [(i.field, i.message) for i in raised.value.issues] == [(field, message)]
    shown = str(raised.value)
    assert shown == f"{field}: {message}"
    shown.encode("utf-8")  # a console or log can print it
    assert not any(word in shown.lower() for word in DRIVER_WORDS)


@pytest.mark.parametrize("field, typed, message", [
    ("description", "Mattress on\x00 verge", NUL.format(12)),
    ("description", "Mattress \ud83d on verge", BROKEN.format(10)),
    ("caller_name", "Ann \udc9dJones", BROKEN.format(5)),
    ("address", "14 Well\x00gate", NUL.format(8)),
    ("caller_email", "ann\x00@example.org", NUL.format(4)),
    ("postcode", "S60\ud8002TH", BROKEN.format(4)),
    ("caller_phone", "01709\x00823456", NUL.format(6)),
    ("routing_reason", "Sent on\x00", NUL.format(8)),
])
def test_log_call_refuses_unstorable_text_naming_the_field_and_saves_nothing(
        engine, agent, field, typed, message):
    with pytest.raises(ValidationError) as raised:
        log_call(agent, CallInput(**{**FLY_TIP, field: typed}))
    assert_refused_in_plain_words(raised, field, message)
    assert rows_saved(engine) == (0, 0, 0, 0)


@pytest.mark.parametrize("field, typed, message", [
    ("description", "Charged council tax\x00", NUL.format(20)),
    ("desired_outcome", "Refund \udc9d", BROKEN.format(8)),
    ("complainant_address", "3\x00 Moorgate Road", NUL.format(2)),
    ("complainant_email", "ali@example.org\x00", NUL.format(16)),
    ("complainant_phone", "01709 \udc9d823456", BROKEN.format(7)),
])
def test_log_complaint_refuses_unstorable_text_naming_the_field_and_saves_nothing(
        engine, agent, field, typed, message):
    with pytest.raises(ValidationError) as raised:
        cp.log_complaint(agent, cp.ComplaintInput(**{**COMPLAINT, field: typed}))
    assert_refused_in_plain_words(raised, field, message)
    assert rows_saved(engine) == (0, 0, 0, 0)


def test_a_broken_complainant_name_is_refused_and_nothing_saved(engine, agent):
    with pytest.raises(ValidationError) as raised:
        cp.log_complaint(agent, cp.ComplaintInput(**{**COMPLAINT,
                                                     "complainant_name": "Mr \ud83dAli Khan"}))
    # The service adds its own "is required" for a name it did not get; ours comes first.
    assert (raised.value.issues[0].field, raised.value.issues[0].message) == (
        "complainant_name", BROKEN.format(4))
    str(raised.value).encode("utf-8")
    assert rows_saved(engine) == (0, 0, 0, 0)


def test_whole_emoji_and_accents_are_stored_and_read_back_unchanged(agent):
    text = "Mattress \U0001F6CF and a sofa outside Siân's, again"
    saved = log_call(agent, CallInput(**{**FLY_TIP, "description": text,
                                         "caller_name": "Siân O'Connor"}))
    detail = cases.get_case(agent, saved.reference)
    assert (detail.description, detail.caller_name) == (text, "Siân O'Connor")
    reference = cp.log_complaint(agent, cp.ComplaintInput(**{**COMPLAINT,
                                                             "description": text})).reference
    assert cp.get_complaint(agent, reference).description == text


def test_a_phone_with_letters_is_refused_by_the_service_and_nothing_saved(engine, agent):
    with pytest.raises(ValidationError) as raised:
        log_call(agent, CallInput(**{**FLY_TIP, "caller_phone": "01709 82345O"}))
    assert_refused_in_plain_words(raised, "caller_phone", "'O' is not allowed in a phone "
                                  "number: digits, spaces and a leading + only")
    with pytest.raises(ValidationError) as raised:
        cp.log_complaint(agent, cp.ComplaintInput(**{**COMPLAINT, "complainant_phone":
                                                     "020 7946 012"}))
    assert_refused_in_plain_words(raised, "complainant_phone", "020 7946 012 is too short: "
                                  "numbers in 020 have 11 digits")
    assert rows_saved(engine) == (0, 0, 0, 0)


def test_an_extension_is_stored_as_typed_and_the_caller_found_by_the_number(agent):
    log_call(agent, CallInput(**{**FLY_TIP, "caller_phone": "01709 823456 ext. 204"}))
    caller = callers.find_by_phone(agent, "+441709823456")
    assert (caller.phone_e164, caller.phone_raw) == ("+441709823456", "01709 823456 ext. 204")


@pytest.mark.parametrize("field, typed, message", [
    ("category", "Fly\x00 tipping", NUL.format(4)),
    ("service", "Street\ud83dpride", BROKEN.format(7)),
    ("add_to_case", "SP-2026\x00", NUL.format(8)),
])
def test_names_looked_up_are_checked_before_the_database_sees_them(agent, engine, field, typed,
                                                                    message):
    with pytest.raises(ValidationError) as raised:
        log_call(agent, CallInput(**dict(FLY_TIP, **{field: typed})))
    assert_refused_in_plain_words(raised, field, message)
    assert rows_saved(engine) == (0, 0, 0, 0)


@pytest.mark.parametrize("field, typed", [("service", "Local\x00 Taxation"),
                                          ("case_reference", "SP-2026-\udc9d")])
def test_a_complaints_looked_up_names_are_checked_too(agent, engine, field, typed):
    with pytest.raises(ValidationError) as raised:
        cp.log_complaint(agent, cp.ComplaintInput(**dict(COMPLAINT, **{field: typed})))
    assert [i.field for i in raised.value.issues] == [field]
    assert rows_saved(engine) == (0, 0, 0, 0)
