"""A desk hears what other desks save, from the database itself, within a couple of seconds."""

from __future__ import annotations

import threading

from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.changes import Changed
from contactdesk.persistence.database import Database
from contactdesk.workspace import ELSEWHERE, Workspace
from tests.helpers.contexts import person

CALL = dict(caller_phone="01709 823456", caller_name="Ann Jones", address="14 Wellgate, Rotherham",
            category="Fly tipping", description="Mattress dumped on verge")


def desk(url: str, name: str) -> Workspace:
    database = Database.open(url)
    return Workspace(database, person(database, "agent", name))


def test_another_desks_save_reaches_this_desk(db_url):
    here, there = desk(db_url, "priya"), desk(db_url, "sam")
    heard, arrived = [], threading.Event()
    here.subscribe(lambda changes: (heard.append(changes), arrived.set()))
    try:
        here.watch_other_desks()
        threading.Event().wait(1.5)  # the feed is listening
        there.calls.log_call(CallInput(**CALL))
        assert arrived.wait(8), "no word of the other desk's save"
    finally:
        here.close()
        there.close()
    elsewhere = [c for c in heard if c.operation == ELSEWHERE]
    assert elsewhere and elsewhere[0].touches(Changed.CASES) and elsewhere[0].actor == "another desk"


def test_a_closed_desk_stops_listening(db_url):
    here = desk(db_url, "priya")
    here.watch_other_desks()
    feed = here._feed
    here.close()
    assert here._feed is None and not feed._thread.is_alive()
