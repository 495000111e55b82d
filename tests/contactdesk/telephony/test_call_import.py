"""Importing telephony logs: re-imports, appended logs, late outcomes, bad lines, CSV."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from contactdesk.domain.errors import ContactDeskError, PermissionDenied, ValidationError
from contactdesk.domain.working_time import LONDON
from contactdesk.persistence.database import Database
from contactdesk.persistence.models import AgentEvent, CallAttempt, TelephonyFeed
from contactdesk.services.call_stats import StatsQuery, call_stats
from contactdesk.telephony.importer import import_call_log
from tests.helpers.contexts import context_for

from .test_sample_figures import DAY, SAMPLE

LINES = SAMPLE.read_text().splitlines(keepends=True)


@pytest.fixture
def sqlite_ctx(fresh_database_url):
    database = Database.open(fresh_database_url("sqlite"))
    yield context_for(database, "admin", "test.admin", "Test Admin")
    database.dispose()


def figures(ctx, day=DAY):
    return call_stats(ctx, StatsQuery(day, day)).figures.as_dict()


def count(ctx, model=CallAttempt) -> int:
    with ctx.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_importing_the_same_file_again_adds_nothing(ctx, tmp_path):
    first = import_call_log(ctx, SAMPLE)
    again = import_call_log(ctx, SAMPLE)
    assert (again.lines_read, again.attempts_created, again.bad_lines) == (0, 0, 0)
    copy = tmp_path / "queue_log.1"  # the same lines under another name: read whole, all known
    shutil.copy(SAMPLE, copy)
    renamed = import_call_log(ctx, copy)
    assert renamed.lines_read == 39 and renamed.attempts_created == 0
    assert renamed.duplicates_skipped == first.attempts_created + first.agent_events == 19
    assert count(ctx) == 11 and count(ctx, AgentEvent) == 8
    assert figures(ctx)["offered"] == 11


def test_an_appended_log_imports_only_the_new_lines_and_closes_waiting_attempts(ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("".join(LINES[:20]))  # ends with 1007 and 1008 waiting, 1010 not yet in
    first = import_call_log(ctx, log)
    assert first.attempts_waiting == 2 and figures(ctx)["unresolved"] == 2
    with log.open("a") as handle:
        handle.write("".join(LINES[20:]))
    second = import_call_log(ctx, log)
    assert (second.first_line, second.lines_read) == (21, 19)
    assert second.attempts_closed >= 1 and second.bad_lines == 0
    whole = tmp_path / "whole.db"
    other = Database.open(f"sqlite:///{whole}")
    try:
        from contactdesk.persistence.migrations import upgrade

        upgrade(other.engine)
        other_ctx = context_for(other, "admin", "test.admin")
        import_call_log(other_ctx, SAMPLE)
        assert figures(ctx) == figures(other_ctx)
    finally:
        other.dispose()
    assert figures(ctx)["unresolved"] == 0
    assert figures(ctx)["average_talk_seconds"] == pytest.approx(168.6)  # completions after the split


def test_a_log_rewritten_from_the_start_is_read_whole_and_deduplicated(sqlite_ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("".join(LINES[:30]))
    import_call_log(sqlite_ctx, log)
    log.write_text("1715580000|NONE|NONE|NONE|QUEUESTART|\n" + "".join(LINES))  # not a prefix any more
    again = import_call_log(sqlite_ctx, log)
    assert again.first_line == 1 and again.lines_read == 40
    assert figures(sqlite_ctx)["offered"] == 11 and count(sqlite_ctx) == 11


def test_an_outcome_with_no_queue_entry_anywhere_is_a_bad_line(sqlite_ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("1715587200|x1|main|NONE|ENTERQUEUE||1|1\n"
                   "1715587203|x1|main|NONE|ABANDON|1|1|3\n"
                   "1715587300|ghost|main|NONE|ABANDON|1|1|9\n")
    summary = import_call_log(sqlite_ctx, log)
    assert summary.bad_lines == 1
    assert summary.problems == ((3, "ABANDON for call ghost in queue main, which never entered it "
                                    "(no ENTERQUEUE in this file or an earlier import)"),)
    assert figures(sqlite_ctx)["abandoned"] == 1


def test_bad_lines_never_stop_the_import_nor_make_a_figure(sqlite_ctx, tmp_path):
    log = tmp_path / "queue_log"
    bad = ["not a line\n", "1715587999|a|b\n", "abc|x|main|NONE|ABANDON|1|1|3\n"]
    log.write_text(LINES[0] + bad[0] + "".join(LINES[1:10]) + bad[1] + "".join(LINES[10:]) + bad[2])
    summary = import_call_log(sqlite_ctx, log)
    assert summary.bad_lines == 3 and [line for line, _ in summary.problems] == [2, 12, 42]
    assert summary.lines()[-3].startswith("line 2: ")
    assert figures(sqlite_ctx)["offered"] == 11


def test_talk_time_reported_after_an_earlier_import_answered_the_call(sqlite_ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("1715587200|c|main|NONE|ENTERQUEUE||1|1\n1715587210|c|main|SIP/1|CONNECT|10|c.1|2\n")
    import_call_log(sqlite_ctx, log)
    assert figures(sqlite_ctx)["average_talk_seconds"] is None
    with log.open("a") as handle:
        handle.write("1715587400|c|main|SIP/1|COMPLETECALLER|10|190|1\n")
    import_call_log(sqlite_ctx, log)
    assert figures(sqlite_ctx)["average_talk_seconds"] == 190


def test_two_sources_are_kept_apart_and_the_app_name_is_refused(sqlite_ctx):
    assert import_call_log(sqlite_ctx, SAMPLE, source="pbx-a").also_in is None
    twice = import_call_log(sqlite_ctx, SAMPLE, source="pbx-b")
    assert twice.also_in == "pbx-a" and "count twice" in "\n".join(twice.lines())
    assert count(sqlite_ctx) == 22
    one = call_stats(sqlite_ctx, StatsQuery(DAY, DAY, source="pbx-a")).figures
    assert one.counts.offered == 11
    with pytest.raises(ValidationError, match="kept for calls logged in the app"):
        import_call_log(sqlite_ctx, SAMPLE, source="app")
    with pytest.raises(ValidationError, match="is not a source name"):
        import_call_log(sqlite_ctx, SAMPLE, source="my pbx!")
    with pytest.raises(ValidationError, match="is not a format"):
        import_call_log(sqlite_ctx, SAMPLE, fmt="xml")
    with pytest.raises(ContactDeskError, match="does not exist"):
        import_call_log(sqlite_ctx, SAMPLE.with_name("missing.log"))


CSV = """call_id,queue,entered,answered,ended,outcome,wait_seconds,talk_seconds,agent
c1,main,2024-05-13T09:00:00+01:00,2024-05-13T09:00:08+01:00,2024-05-13T09:03:08+01:00,answered,,,Sam
c2,main,2024-05-13 09:01:00,,2024-05-13 09:01:30,abandoned,,,
c3,main,2024-05-13T08:02:00Z,,,answered,21,100,Ann
c4,main,2024-05-13T09:03:00,,,,,,
c5,main,13/05/2024 09:04,,,answered,5,5,Sam
c6,main,2024-05-13T09:05:00,,,resolved,5,5,Sam
c7,main,2024-05-13T09:06:00,,,abandoned,,,
"""


def test_a_csv_export_from_another_system(ctx, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(CSV)
    summary = import_call_log(ctx, path, fmt="csv")
    assert summary.source == "csv" and summary.attempts_created == 4 and summary.bad_lines == 3
    assert [line for line, _ in summary.problems] == [6, 7, 8]
    assert "entered: '13/05/2024 09:04' is not a date and time" in summary.problems[0][1]
    assert "outcome: 'resolved' is not one of" in summary.problems[1][1]
    assert "wait_seconds: missing, and no ended time" in summary.problems[2][1]
    d = figures(ctx)
    assert (d["offered"], d["answered"], d["abandoned"], d["unresolved"]) == (3, 2, 1, 1)
    assert d["answered_within_threshold"] == 2 and d["asa_seconds"] == pytest.approx(14.5)
    assert d["average_talk_seconds"] == pytest.approx(140)  # 180 from the times, 100 given
    again = import_call_log(ctx, path, fmt="csv")
    assert again.attempts_created == 0 and again.duplicates_skipped == 4


def test_a_file_that_is_not_a_csv_is_refused(sqlite_ctx, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ContactDeskError, match="not a CSV file"):
        import_call_log(sqlite_ctx, path, fmt="csv")


def test_calls_logged_in_the_app_are_the_source_when_no_feed_exists(sqlite_ctx):
    from contactdesk.services.calls import CallInput, log_call

    agent = context_for(sqlite_ctx.database, "agent", "sam.agent")
    log_call(agent, CallInput(caller_phone="01709 823456", outcome="information_given",
                              category="Litter", description="Asked about bins", wait_seconds=12))
    today = datetime.now(LONDON).date()
    stats = call_stats(sqlite_ctx, StatsQuery(today, today))
    assert stats.source == "app" and "call timer" in stats.source_label
    assert (stats.figures.counts.answered, stats.figures.asa_seconds) == (1, 12)
    assert stats.figures.counts.abandoned == 0


def test_a_last_line_still_being_written_is_left_for_the_next_import(sqlite_ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("1715587303|c|main|NONE|ENTERQUEUE||1|2\n1715587351|c|main|NONE|ABANDON|1|2|4")
    first = import_call_log(sqlite_ctx, log)
    assert first.lines_read == 1 and first.unfinished_line and first.bad_lines == 0
    assert "the next import reads it from line 2" in first.lines()[-1]
    with log.open("a") as handle:
        handle.write("8\n")  # the writer finishes the line: a wait of 48, not 4
    second = import_call_log(sqlite_ctx, log)
    assert (second.first_line, second.lines_read, second.bad_lines) == (2, 1, 0)
    assert figures(sqlite_ctx)["average_abandon_seconds"] == 48


def test_a_finished_log_without_a_last_line_end_imports_whole_with_complete(sqlite_ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("1715587303|c|main|NONE|ENTERQUEUE||1|2\n1715587351|c|main|NONE|ABANDON|1|2|48")
    assert import_call_log(sqlite_ctx, log).unfinished_line
    again = import_call_log(sqlite_ctx, log, complete=True)
    assert (again.first_line, again.lines_read, again.unfinished_line) == (2, 1, False)
    assert figures(sqlite_ctx)["average_abandon_seconds"] == 48


def test_numbers_no_log_could_hold_are_bad_lines_not_a_failed_import(sqlite_ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("1715587200|a|main|NONE|ENTERQUEUE||1|1\n"
                   "1715587203|a|main|NONE|ABANDON|1|1|99999999999999999999999\n"
                   "99999999999999999999|b|main|NONE|ENTERQUEUE||1|1\n"
                   "1000000000000000|c|main|NONE|ENTERQUEUE||1|1\n"
                   "1715587210|a|main|NONE|ABANDON|1|1|\u00b2\n"
                   "1715587300|d|main|NONE|ENTERQUEUE||1|1\n"
                   "1715587309|d|main|SIP/1|CONNECT||d.1|3\n")
    summary = import_call_log(sqlite_ctx, log)
    assert [line for line, _ in summary.problems] == [2, 3, 4, 5]
    assert summary.problems[0][1].startswith("waittime ")
    d = figures(sqlite_ctx)
    # a: both its ABANDON lines were bad, so it is still waiting; d: answered, the wait of 9 s
    # from the timestamps (an empty holdtime).
    assert (d["offered"], d["unresolved"], d["answered"], d["asa_seconds"]) == (1, 1, 1, 9)


def test_csv_times_that_cannot_be_are_bad_rows(sqlite_ctx, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("call_id,queue,entered,answered,outcome\n"
                    "c1,main,2024-05-13T09:05:00,2099-05-13T09:05:10,answered\n"
                    "c2,main,0001-01-01T00:00:00,,\n"
                    "c3,main,2024-05-13T09:06:00,2024-05-13T09:06:07,answered\n")
    summary = import_call_log(sqlite_ctx, path, fmt="csv")
    assert summary.attempts_created == 1 and [line for line, _ in summary.problems] == [2, 3]
    assert "not a possible number of seconds" in summary.problems[0][1]
    assert "not a possible date" in summary.problems[1][1]


def test_only_roles_that_may_import_calls_do_and_importing_grants_no_figures(sqlite_ctx):
    agent = context_for(sqlite_ctx.database, "agent", "sam.agent")
    with pytest.raises(PermissionDenied):
        import_call_log(agent, SAMPLE)
    assert count(sqlite_ctx) == 0
    pbx = context_for(sqlite_ctx.database, "telephony", "pbx.import")
    assert import_call_log(pbx, SAMPLE).attempts_created == 11
    with pytest.raises(PermissionDenied):
        call_stats(pbx, StatsQuery(DAY, DAY))
    with pytest.raises(PermissionDenied):
        call_stats(agent, StatsQuery(DAY, DAY))
    assert figures(sqlite_ctx)["offered"] == 11


def test_the_feed_position_is_stamped_with_the_contexts_clock(fresh_database_url):
    database = Database.open(fresh_database_url("sqlite"))
    try:
        moment = datetime(2024, 5, 13, 18, 0, tzinfo=UTC)
        ctx = context_for(database, "supervisor", "jo.super", clock=lambda: moment)
        import_call_log(ctx, SAMPLE)
        with ctx.uow() as uow:
            feed = uow.session.execute(
                select(TelephonyFeed.source, TelephonyFeed.imported_at)).one()
        assert tuple(feed) == ("asterisk", moment)
    finally:
        database.dispose()
