"""Exporting calls: the calls logged in the app and the telephony feeds' queue attempts."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from contactdesk.domain.errors import PermissionDenied
from contactdesk.services.call_export import (
    ATTEMPT_COLUMNS,
    CALL_COLUMNS,
    export_attempts,
    export_calls,
)
from contactdesk.services.calls import CallInput, log_call
from contactdesk.telephony.importer import import_call_log

from ..telephony.test_sample_figures import SAMPLE

DAY = date(2024, 5, 13)  # the sample log's day


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_queue_attempts_of_the_feeds_by_day(ctx, tmp_path):
    import_call_log(ctx, SAMPLE)
    out = tmp_path / "attempts.csv"
    assert export_attempts(ctx, out, DAY, DAY) == 11
    rows = read(out)
    assert rows[0] == list(ATTEMPT_COLUMNS)
    assert {row[0] for row in rows[1:]} == {"asterisk"}
    assert {row[3] for row in rows[1:]} == {"2024-05-13"}
    assert export_attempts(ctx, out, date(2024, 5, 14), None) == 0


def test_calls_logged_in_the_app_name_their_agent(make_ctx, tmp_path):
    agent = make_ctx("agent", "sam.agent", "Sam Agent")
    log_call(agent, CallInput(caller_phone="01709 823456", outcome="information_given",
                              category="Litter", description="Asked about bins", wait_seconds=12))
    out = tmp_path / "calls.csv"
    supervisor = make_ctx("supervisor", "jo.super")
    assert export_calls(supervisor, out) == 1
    header, row = read(out)
    assert header == list(CALL_COLUMNS)
    call = dict(zip(CALL_COLUMNS, row, strict=True))
    assert (call["agent"], call["caller_phone"], float(call["wait_seconds"])) == (
        "Sam Agent", "+441709823456", 12)
    # The app's own call timer is not a telephony feed: it is no queue attempt here.
    assert export_attempts(supervisor, tmp_path / "attempts.csv") == 0


def test_an_agent_may_export_neither_calls_nor_attempts(make_ctx, tmp_path):
    agent = make_ctx("agent")
    for export in (export_calls, export_attempts):
        out = tmp_path / f"{export.__name__}.csv"
        with pytest.raises(PermissionDenied):
            export(agent, out)
        assert not out.exists()
