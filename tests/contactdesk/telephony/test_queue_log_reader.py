"""Reading queue_log lines into attempts: every event, both layouts, bad lines."""

from __future__ import annotations

from contactdesk.telephony.queue_log import QueueLogReader, read_queue_log
from contactdesk.telephony.records import PROBLEMS_KEPT


def read(*lines: str, first_line: int = 1):
    reader = QueueLogReader(first_line)
    reader.feed(lines)
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
    log.write_bytes(b"100|a|q|NONE|ENTERQUEUE||1|1\n103|a|q|NONE|ABANDON|1|1|3\nbroken\n")
    offset = len(b"100|a|q|NONE|ENTERQUEUE||1|1\n")
    seen = []
    r = read_queue_log(log, offset=offset, first_line=2, progress=seen.append)
    assert r.lines_read == 2 and r.problems == [(3, "1 fields, expected at least 5 (epoch|callid|queue|agent|event)")]
    assert r.bytes_read == log.stat().st_size and seen[-1] == r.bytes_read
    assert len(r.late_events) == 1


def test_undecodable_bytes_do_not_stop_the_read(tmp_path):
    log = tmp_path / "queue_log"
    log.write_bytes(b"100|a|q|NONE|ENTERQUEUE||Jos\xe9|1\n103|a|q|NONE|ABANDON|1|1|3\n")
    r = read_queue_log(log)
    assert r.bad_lines == 0 and r.attempts[0].outcome == "abandoned"
