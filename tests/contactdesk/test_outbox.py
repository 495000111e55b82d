"""The outbox keeps calls on this PC, privately, in order, until the database has them."""

from __future__ import annotations

import stat
import time
from datetime import UTC, datetime

from contactdesk.dtos.calls import CallInput
from contactdesk.outbox import Outbox


def test_calls_are_kept_privately_and_come_back_oldest_first(tmp_path):
    outbox = Outbox("priya", "postgresql://db/council", tmp_path)
    first = CallInput(caller_name="Ann Jones", description="Sofa on the verge",
                      started_at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    second = CallInput(caller_name="Bob Hale", description="Bin missed")
    outbox.add(first)
    time.sleep(0.01)
    outbox.add(second)
    assert len(outbox) == 2
    assert [c.idempotency_key for c in outbox.waiting()] == [first.idempotency_key,
                                                            second.idempotency_key]
    assert outbox.waiting()[0] == first  # every field back as typed, times included
    assert stat.S_IMODE(outbox.folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in outbox.folder.iterdir())
    outbox.sent(first.idempotency_key)
    assert [c.caller_name for c in outbox.waiting()] == ["Bob Hale"]


def test_each_person_and_database_has_its_own_outbox(tmp_path):
    Outbox("priya", "postgresql://db/council", tmp_path).add(CallInput(caller_name="Ann"))
    assert len(Outbox("sam", "postgresql://db/council", tmp_path)) == 0
    assert len(Outbox("priya", "sqlite:///other.sqlite3", tmp_path)) == 0


def test_a_damaged_file_is_left_for_a_person_and_the_rest_still_send(tmp_path):
    outbox = Outbox("priya", "postgresql://db/council", tmp_path)
    outbox.add(CallInput(caller_name="Ann Jones"))
    (outbox.folder / "broken.json").write_text("{not json")
    assert [c.caller_name for c in outbox.waiting()] == ["Ann Jones"]
    assert (outbox.folder / "broken.json").exists()


def test_a_refused_call_is_set_aside_with_its_reason_and_no_longer_waits(tmp_path):
    outbox = Outbox("priya", "postgresql://db/council", tmp_path)
    refused = CallInput(caller_name="Ann Jones", category="Rats",
                        answered_at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    outbox.add(refused)
    outbox.add(CallInput(caller_name="Bob Hale"))
    outbox.refuse(refused.idempotency_key, "Category: 'Rats' is not a category")
    assert [c.caller_name for c in outbox.waiting()] == ["Bob Hale"]
    assert len(outbox) == 1
    assert outbox.refused() == [(refused, "Category: 'Rats' is not a category")]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in outbox.folder.iterdir())
    outbox.forget_refused(refused.idempotency_key)
    assert outbox.refused() == []
