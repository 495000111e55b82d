"""A case open on two desks: each is told the other has it open, for as long as they do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contactdesk.dtos.calls import CallInput
from contactdesk.services import case_presence
from contactdesk.services.calls import log_call


class Clock:
    def __init__(self):
        self.at = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)

    def __call__(self):
        return self.at


def test_two_desks_on_one_case_see_each_other_until_one_moves_on(make_ctx):
    clock = Clock()
    priya = make_ctx("agent", "priya", "Priya Shah", clock=clock)
    sam = make_ctx("agent", "sam", "Sam Taylor", clock=clock)
    first = log_call(priya, CallInput(caller_name="Ann Jones", category="Fly tipping",
                                      address="14 Wellgate", description="Sofa")).reference
    second = log_call(priya, CallInput(caller_name="Bob Hale", category="Fly tipping",
                                       address="2 Moorgate", description="Tyres")).reference
    assert case_presence.mark_viewing(priya, first) == ()
    assert case_presence.mark_viewing(sam, first) == ("Priya Shah",)
    assert case_presence.mark_viewing(priya, first) == ("Sam Taylor",)
    case_presence.mark_viewing(priya, second)  # Priya opens another case
    assert case_presence.mark_viewing(sam, first) == ()
    clock.at += timedelta(minutes=2)  # Priya's desk went quiet (closed, crashed)
    assert case_presence.mark_viewing(sam, second) == ()
    case_presence.stop_viewing(sam)
    assert case_presence.mark_viewing(priya, second) == ()
