"""The reader's inline path for the common events gives what the handlers give, and a
block of text that is not all ASCII still has its digits checked strictly."""

from __future__ import annotations

from contactdesk.telephony.queue_log import QueueLogReader, read_queue_log

T0 = 1_715_587_200


def folded(lines: list[str], *, ascii_only: bool = False) -> tuple:
    reader = QueueLogReader()
    reader.feed(lines, ascii_only=ascii_only)
    r = reader.result
    return ([(a.callid, a.queue, a.entered_epoch, a.line, a.outcome, a.wait_seconds,
              a.talk_seconds, a.agent, a.ended_epoch) for a in r.attempts],
            r.events, r.ignored, r.bad_lines, r.problems)


def test_inline_and_handler_paths_agree_on_connect_twice_and_a_complete_after_an_exit():
    lines = [f"{T0}|c1|main|NONE|ENTERQUEUE||07700900001|1",
             f"{T0 + 4}|c1|main|PJSIP/201|CONNECT|4|c1.2|3",
             f"{T0 + 5}|c1|main|PJSIP/202|CONNECT|5|c1.3|1",  # a second CONNECT: the first stands
             f"{T0 + 65}|c1|main|PJSIP/201|COMPLETEAGENT|4|60|1",
             f"{T0 + 70}|c2|main|NONE|ENTERQUEUE||07700900002|1",
             f"{T0 + 80}|c2|main|NONE|ABANDON|1|1|10",
             f"{T0 + 81}|c2|main|PJSIP/201|COMPLETECALLER|10|1|1",  # after its exit: ignored
             f"{T0 + 90}|c3|main|NONE|ENTERQUEUE||07700900003|1",
             f"{T0 + 99}|c3|main|NONE|CONNECT||c3.1|1",  # no holdtime (1.4): from the times
             f"{T0 + 99}|c3|main|NONE|COMPLETECALLER|9|7|1"]
    assert folded(lines) == folded(lines, ascii_only=True)
    attempts = folded(lines)[0]
    assert [a[4:] for a in attempts] == [("answered", 4, 60, "PJSIP/201", T0 + 65),
                                         ("abandoned", 10, None, None, T0 + 80),
                                         ("answered", 9, 7, None, T0 + 99)]


def test_digits_of_other_scripts_are_bad_fields_in_a_block_that_is_not_all_ascii(tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("\n".join([
        f"{T0}|c1|main|NONE|ENTERQUEUE||07700900001|1",
        f"{T0 + 3}|c1|main|PJSIP/201|CONNECT|\u0663|c1.2|3",  # ARABIC-INDIC DIGIT THREE
        f"{T0 + 4}|c2|main|NONE|ENTERQUEUE||07700900002|1",
        f"{T0 + 6}|c2|main|PJSIP/201|CONNECT|2|c2.2|3",
        f"{T0 + 9}|c2|main|PJSIP/201|COMPLETECALLER|2|\u00b2|1",  # SUPERSCRIPT TWO
        "\u0661\u0667\u0661\u0665|c3|main|NONE|ENTERQUEUE||07700900003|1",
    ]) + "\n", encoding="utf-8")
    result = read_queue_log(log)
    assert [line for line, _ in result.problems] == [2, 5, 6]
    assert "holdtime" in result.problems[0][1] and "calltime" in result.problems[1][1]
    assert "not a Unix time" in result.problems[2][1]
    assert {(a.callid, a.outcome, a.talk_seconds) for a in result.attempts} == {
        ("c1", None, None), ("c2", "answered", None)}
