from __future__ import annotations

import pytest

from contactdesk.domain.case_status import (
    OPEN_STATUSES,
    CaseStatus,
    allowed_transitions,
    check_transition,
    is_reopen,
)
from contactdesk.domain.errors import TransitionError

S = CaseStatus


@pytest.mark.parametrize("path", [
    [S.NEW, S.ROUTED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED],
    [S.NEW, S.RESOLVED, S.IN_PROGRESS, S.RESOLVED],
    [S.ROUTED, S.DUPLICATE, S.IN_PROGRESS],
    [S.IN_PROGRESS, S.WITHDRAWN, S.IN_PROGRESS, S.ROUTED],
    [S.CLOSED, S.IN_PROGRESS],
])
def test_allowed_paths(path):
    for current, target in zip(path, path[1:], strict=False):
        assert check_transition(current, target) is target


@pytest.mark.parametrize("current, target", [
    (S.NEW, S.CLOSED), (S.CLOSED, S.RESOLVED), (S.CLOSED, S.NEW), (S.RESOLVED, S.ROUTED),
    (S.DUPLICATE, S.CLOSED), (S.WITHDRAWN, S.RESOLVED), (S.IN_PROGRESS, S.IN_PROGRESS),
    (S.ROUTED, S.NEW),
])
def test_refused_transitions_say_what_is_allowed(current, target):
    with pytest.raises(TransitionError) as raised:
        check_transition(current, target)
    message = str(raised.value)
    assert current.value in message and target.value in message and "allowed:" in message


def test_unknown_status_is_refused_with_the_list():
    with pytest.raises(TransitionError, match="not a case status"):
        check_transition(S.NEW, "done")


def test_every_status_can_leave_and_reopen_goes_back_to_work():
    for status in S:
        assert allowed_transitions(status), status
    assert is_reopen(S.CLOSED, S.IN_PROGRESS) and not is_reopen(S.ROUTED, S.IN_PROGRESS)
    assert OPEN_STATUSES == {S.NEW, S.ROUTED, S.IN_PROGRESS}
