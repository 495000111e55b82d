"""Write operations say what they changed; reads say nothing."""

from __future__ import annotations

from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.changes import Changed
from contactdesk.workspace import Workspace
from tests.contactdesk.front_door.people import signed_in_agent


def test_writes_broadcast_what_they_changed_and_reads_do_not(fresh_database_url):
    url = fresh_database_url("sqlite")
    priya = signed_in_agent(url)
    heard = []
    priya.subscribe(heard.append)
    saved = priya.calls.log_call(CallInput(caller_phone="01709 823456", caller_name="Ann Example",
                                           category="litter", description="Bins overflowing",
                                           address="12 Main Street"))
    priya.cases.get_case(saved.reference)
    priya.catalogue.list_categories()
    assert len(heard) == 1
    logged = heard[0]
    assert logged.operation == "log_call" and logged.actor == "priya"
    assert logged.kinds == {Changed.CALLS, Changed.CASES}
    assert logged.references == (saved.reference,)
    case = priya.cases.get_case(saved.reference).summary
    priya.cases.change_status(saved.reference, "in_progress", expected_version=case.version)
    assert heard[1].kinds == {Changed.CASES} and not heard[1].touches(Changed.COMPLAINTS)
    assert heard[1].references == (saved.reference,)
    priya.close()


def test_a_closed_workspace_refuses_every_operation(fresh_database_url):
    import pytest

    from contactdesk.auth.credentials import SignedOut

    url = fresh_database_url("sqlite")
    admin = Workspace.for_this_account(url)
    admin.close()
    with pytest.raises(SignedOut, match="signed out"):
        admin.users.list_users()
