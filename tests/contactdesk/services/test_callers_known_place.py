"""What a known caller brings to the call form, and what a caller is told after a save."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from contactdesk.dtos.calls import CallInput, KnownPlace
from contactdesk.persistence.models import Caller
from contactdesk.services import callers, cases
from contactdesk.services.calls import log_call

ANN = dict(caller_phone="01709 823456", caller_name="Ann Jones", postcode="S60 2TH",
           description="Mattress dumped on verge")


@pytest.fixture
def agent(make_ctx):
    return make_ctx("agent", "agent1", "Priya Shah")


def forget_caller_addresses(engine) -> None:
    """As for callers brought in without an address of their own (imports, demo data)."""
    with engine.begin() as connection:
        connection.execute(update(Caller).values(address=None, postcode=None))


def test_a_caller_without_an_address_is_offered_their_most_recent_case_place(engine, agent):
    log_call(agent, CallInput(**ANN, address="1 Old Road", category="Graffiti"))
    log_call(agent, CallInput(**ANN, address="14 Wellgate", category="Fly tipping"))
    log_call(agent, CallInput(**{**ANN, "outcome": "information_given", "description": "",
                                 "postcode": ""}, category=""))
    forget_caller_addresses(engine)
    history = callers.caller_history(agent, "+441709823456")
    assert history.caller.address is None
    assert history.last_case_place == KnownPlace("14 Wellgate", "S60 2TH", None, None)


def test_a_caller_with_an_address_of_their_own_is_offered_no_case_place(agent):
    log_call(agent, CallInput(**ANN, address="14 Wellgate", category="Fly tipping"))
    history = callers.caller_history(agent, "+441709823456")
    assert history.caller.address == "14 Wellgate"
    assert history.last_case_place is None


def test_a_caller_whose_cases_have_no_address_is_offered_none(engine, agent):
    log_call(agent, CallInput(**ANN, category="Fly tipping"))
    forget_caller_addresses(engine)
    assert callers.caller_history(agent, "+441709823456").last_case_place is None


def test_the_due_time_of_a_saved_case_is_given_by_its_reference(agent):
    saved = log_call(agent, CallInput(**ANN, address="14 Wellgate", category="Fly tipping"))
    due = callers.case_due_at(agent, saved.reference.lower())
    assert due is not None and due.tzinfo is not None
    assert due == cases.get_case(agent, saved.reference).summary.due_at
    assert due > datetime.now(UTC)
    assert callers.case_due_at(agent, "SP-1999-000001") is None
