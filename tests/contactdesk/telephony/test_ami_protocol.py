"""AMI framing: messages read however the bytes are split, written in CRLF, bounded."""

from __future__ import annotations

import pytest

from contactdesk.domain.errors import ContactDeskError
from contactdesk.telephony.ami_protocol import (
    AmiFormatError,
    AmiMessage,
    Banner,
    MessageReader,
    ProtocolProblem,
    format_action,
)

STREAM = (b"Asterisk Call Manager/9.0.0\r\n"
          b"Response: Success\r\nActionID: a1\r\nMessage: Authentication accepted\r\n\r\n"
          b"Event: VarSet\r\nPrivilege: dialplan,all\r\nChanVariable: A=1\r\n"
          b"ChanVariable: B=2\r\nUniqueid: 1733389200.101\r\n\r\n")


def test_a_stream_split_anywhere_gives_the_banner_then_each_message():
    whole = MessageReader().feed(STREAM)
    byte_by_byte = []
    reader = MessageReader()
    for i in range(len(STREAM)):
        byte_by_byte += reader.feed(STREAM[i:i + 1])
    assert whole == byte_by_byte
    banner, login, varset = whole
    assert banner == Banner("9.0.0")
    assert login.response == "Success" and login.action_id == "a1"
    assert varset.event == "VarSet"


def test_repeated_keys_are_kept_as_lists_and_keys_compare_without_case():
    varset = MessageReader().feed(STREAM)[2]
    assert varset.get_all("ChanVariable") == ["A=1", "B=2"]
    assert varset.to_dict()["ChanVariable"] == ["A=1", "B=2"]
    assert varset.to_dict()["Uniqueid"] == "1733389200.101"
    assert varset.get("uniqueid") == "1733389200.101" and "UNIQUEID" in varset
    assert varset.get("Nonexistent", "none") == "none"


def test_a_value_keeps_its_colons():
    (message,) = MessageReader(expect_banner=False).feed(
        b"Event: Newexten\r\nAppData: SIP/1001,30,tT\r\nData: a:b:c\r\n\r\n")
    assert message.get("Data") == "a:b:c"


def test_lf_only_lines_are_tolerated():
    items = MessageReader().feed(b"Asterisk Call Manager/2.10.4\nEvent: Hangup\nCause: 16\n\n")
    assert items == [Banner("2.10.4"), AmiMessage((("Event", "Hangup"), ("Cause", "16")))]


def test_a_line_without_a_colon_is_reported_and_the_next_message_still_read():
    reader = MessageReader(expect_banner=False)
    items = reader.feed(b"Event: Odd\r\nthis line has no colon\r\n\r\nEvent: Hangup\r\n\r\n")
    assert isinstance(items[0], ProtocolProblem)
    assert "'this line has no colon'" in items[0].reason
    assert items[1].event == "Hangup"


def test_an_oversized_message_is_skipped_whole_and_reported_once():
    reader = MessageReader(max_message_bytes=1024, expect_banner=False)
    big = b"Event: Big\r\n" + b"".join(b"Variable: X%d=%s\r\n" % (i, b"y" * 50) for i in range(100))
    items = reader.feed(big + b"\r\nEvent: Hangup\r\n\r\n")
    assert [type(i) for i in items] == [ProtocolProblem, AmiMessage]
    assert "longer than 1024 bytes" in items[0].reason
    assert items[1].event == "Hangup"


def test_an_endless_line_is_dropped_as_it_arrives_not_kept():
    reader = MessageReader(max_message_bytes=1024, expect_banner=False)
    problems = []
    problems += reader.feed(b"Event: Flood\r\nData: ")
    for _ in range(1000):  # a megabyte with no line end
        problems += reader.feed(b"z" * 1024)
        assert len(reader._partial) <= 2048
    assert [type(p) for p in problems] == [ProtocolProblem]
    assert reader.feed(b"\r\n\r\nEvent: Hangup\r\n\r\n")[0].event == "Hangup"


def test_a_server_that_is_not_asterisk_is_reported():
    items = MessageReader().feed(b"SSH-2.0-OpenSSH_9.6\r\n")
    assert isinstance(items[0], ProtocolProblem)
    assert "did not greet as an Asterisk manager interface" in items[0].reason


def test_an_action_is_written_in_crlf_with_repeated_keys_on_their_own_lines():
    data = format_action("Originate", {"Channel": "PJSIP/1001", "Priority": 1,
                                       "Variable": ["A=1", "B=2"]}, action_id="x-1")
    assert data == (b"Action: Originate\r\nActionID: x-1\r\nChannel: PJSIP/1001\r\n"
                    b"Priority: 1\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n")


@pytest.mark.parametrize("fields", [{"Exten": "0170\r\n\r\nAction: Command"},
                                    {"Exten": "01709\n"}, {"Bad:Key": "1"}])
def test_a_line_break_cannot_smuggle_headers_into_an_action(fields):
    with pytest.raises(AmiFormatError) as caught:
        format_action("Originate", fields)
    assert isinstance(caught.value, ContactDeskError)
    assert str(caught.value).endswith(".")
