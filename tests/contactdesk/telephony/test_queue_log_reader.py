"""Reading queue_log lines into attempts: every event, both layouts, bad lines, junk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contactdesk.telephony import queue_log
from contactdesk.telephony.queue_log import (
    MAX_LINE_BYTES,
    QueueLogReader,
    read_batches,
    read_queue_log,
)
from contactdesk.telephony.records import PROBLEMS_KEPT

T0 = 1_715_587_200  # 2024-05-13 09:00 BST; the lines below are stamped in seconds after it


def at(line: str) -> str:
    """``line`` with its leading seconds counted from T0 (other lines as they are)."""
    head, separator, rest = line.partition("|")
    return f"{T0 + int(head)}{separator}{rest}" if head.isdigit() else line


def read(*lines: str, first_line: int = 1):
    reader = QueueLogReader(first_line)
    reader.feed(map(at, lines))
    return reader.result


def attempts(result):
    return {(a.callid, a.queue): (a.outcome, a.wait_seconds, a.talk_seconds, a.agent)
            for a in result.attempts}


def test_answered_call_takes_its_wait_from_connect_and_talk_from_complete():
    r = read("100|c1|main|NONE|ENTERQUEUE||07700900001|1",
             "104|c1|main|PJSIP/201|RINGNOANSWER|4000",
             "109|c1|main|PJSIP/202|CONNECT|9|c1.2|3",
             "300|c1|main|PJSIP/202|COMPLETEAGENT|9|191|1")
    assert attempts(r) == {("c1", "main"): ("answered", 9, 191, "PJSIP/202")}
    assert (r.events, r.ignored, r.bad_lines) == (4, 1, 0)


def test_each_exit_event_with_the_new_layout():
    r = read("100|a|q|NONE|ENTERQUEUE||1|1", "103|a|q|NONE|ABANDON|1|1|3",
             "100|b|q|NONE|ENTERQUEUE||1|1", "400|b|q|NONE|EXITWITHTIMEOUT|1|1|300",
             "100|c|q|NONE|ENTERQUEUE||1|1", "115|c|q|NONE|EXITWITHKEY|5|1|1|15",
             "100|d|q|NONE|ENTERQUEUE||1|1", "111|d|q|NONE|EXITEMPTY|1|1|11",
             "100|e|q|NONE|ENTERQUEUE||1|1", "130|e|q|NONE|WITHDRAW|1|1|30|gone",
             "100|f|q|NONE|ENTERQUEUE||1|1", "142|f|q|NONE|SYSCOMPAT")
    assert {k[0]: v[:2] for k, v in attempts(r).items()} == {
        "a": ("abandoned", 3), "b": ("timeout", 300), "c": ("key", 15), "d": ("empty", 11),
        "e": ("withdrawn", 30), "f": ("failed", 42)}


def test_the_old_layout_without_wait_fields_takes_the_wait_from_the_timestamps():
    r = read("1000|a|q|NONE|ENTERQUEUE||1", "1017|a|q|NONE|ABANDON|2|1",
             "1000|b|q|NONE|ENTERQUEUE||1", "1300|b|q|NONE|EXITWITHTIMEOUT|1",
             "1000|c|q|NONE|ENTERQUEUE||1", "1008|c|q|NONE|EXITWITHKEY|1|2")
    assert {k[0]: v[:2] for k, v in attempts(r).items()} == {
        "a": ("abandoned", 17), "b": ("timeout", 300), "c": ("key", 8)}


def test_trailing_separators_and_a_transfer_whose_data_holds_separators():
    r = read("100|t|q|NONE|ENTERQUEUE||1|1|", "120|t|q|Local/7@x|CONNECT|20|t.1|6|",
             "300|t|q|Local/7@x|ATTENDEDTRANSFER|LINK|SIP/a-1|SIP/b-2|20|180|1|",
             "100|u|q|NONE|ENTERQUEUE||1|1", "112|u|q|SIP/9|CONNECT|12|u.1|5",
             "232|u|q|SIP/9|BLINDTRANSFER|2005|from-internal|12|120|1")
    assert attempts(r) == {("t", "q"): ("answered", 20, 180, "Local/7@x"),
                           ("u", "q"): ("answered", 12, 120, "SIP/9")}
    assert r.bad_lines == 0


def test_one_call_in_two_queues_is_two_attempts():
    r = read("100|c|first|NONE|ENTERQUEUE||1|1", "160|c|first|NONE|EXITWITHTIMEOUT|1|1|60",
             "160|c|second|NONE|ENTERQUEUE||1|1", "170|c|second|SIP/1|CONNECT|10|c.1|2",
             "270|c|second|SIP/1|COMPLETECALLER|10|100|1")
    assert attempts(r) == {("c", "first"): ("timeout", 60, None, None),
                           ("c", "second"): ("answered", 10, 100, "SIP/1")}


def test_the_first_outcome_stands():
    r = read("100|c|q|NONE|ENTERQUEUE||1|1", "110|c|q|SIP/1|CONNECT|10|c.1|2",
             "111|c|q|NONE|ABANDON|1|1|11", "200|c|q|SIP/1|COMPLETECALLER|10|89|1")
    assert attempts(r) == {("c", "q"): ("answered", 10, 89, "SIP/1")}


def test_an_attempt_still_waiting_at_the_end_has_no_outcome():
    r = read("100|c|q|NONE|ENTERQUEUE||1|1", "105|c|q|SIP/1|RINGNOANSWER|5000")
    assert attempts(r) == {("c", "q"): (None, None, None, None)}


def test_outcomes_for_attempts_opened_earlier_are_late_events():
    r = read("200|old|q|SIP/1|COMPLETECALLER|10|90|1", "210|gone|q|NONE|ABANDON|1|1|4",
             first_line=41)
    assert [(e.line, e.event, e.outcome, e.wait_seconds, e.talk_seconds) for e in r.late_events] == [
        (41, "COMPLETECALLER", "answered", 10, 90), (42, "ABANDON", "abandoned", 4, None)]


def test_agent_and_system_events_are_kept():
    r = read("100|NONE|NONE|NONE|QUEUESTART|", "101|CLI|q|PJSIP/2|ADDMEMBER|PAUSED",
             "102|NONE|q|PJSIP/2|PAUSE|Lunch", "103|NONE|q|PJSIP/2|UNPAUSE|",
             "104|CLI|q|PJSIP/2|REMOVEMEMBER|")
    assert [(e.event, e.agent, e.data) for e in r.agent_events] == [
        ("QUEUESTART", "NONE", None), ("ADDMEMBER", "PJSIP/2", "PAUSED"),
        ("PAUSE", "PJSIP/2", "Lunch"), ("UNPAUSE", "PJSIP/2", None), ("REMOVEMEMBER", "PJSIP/2", None)]


def test_malformed_lines_are_counted_with_their_line_and_reason_and_skipped():
    r = read("100|c|q|NONE|ENTERQUEUE||1|1",
             "garbage",
             "",
             "17x5|c|q|NONE|ABANDON|1|1|3",
             "105|c|q|SIP/1|CONNECT|soon|c.1|3",
             "106|c|q|NONE|lower-case|1",
             "107|c|q|NONE|ABANDON|1|1|7")
    assert r.bad_lines == 5
    assert r.problems == [
        (2, "1 fields, expected at least 5 (epoch|callid|queue|agent|event)"),
        (3, "empty line"),
        (4, "time '17x5' is not a Unix time in seconds"),
        (5, "holdtime 'soon' is not a whole number of seconds"),
        (6, "'lower-case' is not an event name"),
    ]
    assert attempts(r) == {("c", "q"): ("abandoned", 7, None, None)}


def test_only_the_first_problems_are_listed_but_all_are_counted():
    r = read(*["bad"] * 50)
    assert r.bad_lines == 50 and len(r.problems) == PROBLEMS_KEPT


def test_reading_a_file_from_an_offset_numbers_lines_from_there(tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(b"1715587300|a|q|NONE|ENTERQUEUE||1|1\n1715587303|a|q|NONE|ABANDON|1|1|3\n"
                    b"broken\n")
    offset = len(b"1715587300|a|q|NONE|ENTERQUEUE||1|1\n")
    seen = []
    r = read_queue_log(log, offset=offset, first_line=2, progress=seen.append)
    assert r.lines_read == 2 and r.problems == [(3, "1 fields, expected at least 5 (epoch|callid|queue|agent|event)")]
    assert r.bytes_read == log.stat().st_size and seen[-1] == r.bytes_read
    assert len(r.late_events) == 1


def test_undecodable_bytes_do_not_stop_the_read(tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(b"1715587300|a|q|NONE|ENTERQUEUE||Jos\xe9|1\n1715587303|a|q|NONE|ABANDON|1|1|3\n")
    r = read_queue_log(log)
    assert r.bad_lines == 0 and r.attempts[0].outcome == "abandoned"


# --- Whatever the file holds ------------------------------------------------------------

JUNK_LOG = [
    b"1715587300|a|q|NONE|ENTERQUEUE||Jos\xe9|1\n",  # not UTF-8 in the caller id: kept
    b"1715587301|b|q|NONE|ENTERQUEUE||1|" + b"x" * MAX_LINE_BYTES + b"\n",
    b"1715587302|c\x00|q|NONE|ENTERQUEUE||1|1\n",
    b"1715587303|d\xff\xfe|q|NONE|ENTERQUEUE||1|1\n",
    b"\xde\xad\xbe\xef|\x89PNG junk\r\n",
    b"1715587309|a|q|PJSIP/Jos\xe9|CONNECT|9|a.1|3\r\n",  # an agent's name in Latin-1: kept
    b"1715587400|a|q|PJSIP/Jos\xe9|COMPLETECALLER|9|91|1\n",
    b"1715587401|e|q|NONE|ENTERQUEUE||1|1",  # no line end yet: left for the next read
]
JUNK_PROBLEMS = [
    (2, "longer than 64 KiB: not a queue_log line"),
    (3, "holds NUL bytes: binary data, not a queue_log line"),
    (4, "call id holds bytes that are not UTF-8 text: binary data, not a queue_log line"),
    (5, "time holds bytes that are not UTF-8 text: binary data, not a queue_log line"),
]


def junk_read(result):
    return (result.lines_read, result.bad_lines, result.problems, attempts(result),
            result.bytes_read, result.unfinished_line)


def test_binary_junk_and_over_long_lines_are_bad_lines_with_reasons(tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(JUNK_LOG))
    r = read_queue_log(log)
    assert junk_read(r) == (7, 4, JUNK_PROBLEMS, {("a", "q"): ("answered", 9, 91, "PJSIP/Jos\ufffd")},
                            log.stat().st_size - len(JUNK_LOG[-1]), True)


@pytest.mark.parametrize("block", [7, 100, 4096, 65_537])
def test_the_read_is_the_same_whatever_the_block_size(tmp_path, monkeypatch, block):
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(JUNK_LOG))
    whole = junk_read(read_queue_log(log))
    monkeypatch.setattr(queue_log, "BLOCK_BYTES", block)
    assert junk_read(read_queue_log(log)) == whole


def test_a_line_with_no_end_is_reported_once_it_passes_the_limit_and_none_of_it_kept(tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(b"1715587300|a|q|NONE|ENTERQUEUE||1|1\n" + b"z" * (3 * MAX_LINE_BYTES))
    r = read_queue_log(log)
    assert (r.lines_read, r.problems, r.bytes_read, r.unfinished_line) == (
        2, [(2, "longer than 64 KiB: not a queue_log line")], log.stat().st_size, False)
    # A read that starts inside that line (it grew) skips the rest of it, not counting it again.
    offset = r.bytes_read
    with log.open("ab") as handle:
        handle.write(b"z" * 10 + b"\n1715587303|a|q|NONE|ABANDON|1|1|3\n")
    (rest,) = read_batches(log, offset=offset, first_line=3, mid_line=True)
    assert (rest.lines_read, rest.bad_lines, len(rest.late_events)) == (1, 0, 1)
    assert rest.late_events[0].line == 3


def test_lines_stamped_before_2000_or_more_than_a_day_ahead_are_bad_lines():
    now = datetime(2026, 5, 13, 12, 0, tzinfo=UTC)
    ahead = int(now.timestamp()) + 86_400
    reader = QueueLogReader(now=now)
    reader.feed(["5|boot|q|NONE|ENTERQUEUE||1|1",
                 "946684799|late|q|NONE|ENTERQUEUE||1|1",
                 "946684800|y2k|q|NONE|ENTERQUEUE||1|1",
                 f"{ahead}|soon|q|NONE|ENTERQUEUE||1|1",
                 f"{ahead + 1}|later|q|NONE|ENTERQUEUE||1|1",
                 "60|NONE|NONE|NONE|QUEUESTART|"])
    r = reader.result
    assert r.problems == [
        (1, "stamped 1970-01-01 00:00:05, before 2000: is the PBX clock set?"),
        (2, "stamped 1999-12-31 23:59:59, before 2000: is the PBX clock set?"),
        (5, "stamped 2026-05-14 12:00:01, more than a day in the future: is the PBX clock set?"),
        (6, "stamped 1970-01-01 00:01:00, before 2000: is the PBX clock set?"),
    ]
    assert [a.callid for a in r.attempts] == ["y2k", "soon"] and r.agent_events == []


def test_a_call_id_or_queue_too_long_to_store_is_a_bad_line():
    r = read("100|" + "c" * 81 + "|q|NONE|ENTERQUEUE||1|1", "100|c|" + "q" * 81 + "|NONE|ENTERQUEUE||1|1",
             "100|c|q|NONE|ENTERQUEUE||1|1", "109|c|q|" + "A" * 200 + "|CONNECT|9|c.1|3")
    assert r.problems == [(1, "call id or queue longer than 80 characters"),
                          (2, "call id or queue longer than 80 characters")]
    assert attempts(r) == {("c", "q"): ("answered", 9, None, "A" * 80)}
