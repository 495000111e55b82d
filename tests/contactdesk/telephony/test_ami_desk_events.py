"""Typed desk events from AMI transcripts in the layout Asterisk 12 and later write."""

from __future__ import annotations

import queue
from datetime import UTC, datetime

import pytest

from contactdesk.dtos.telephony_live import (
    CALLER_HUNG_UP,
    NOT_ANSWERED,
    TAKEN_BY_ANOTHER,
    Answered,
    DialResult,
    Ended,
    MissedRing,
    Ringing,
)
from contactdesk.telephony.ami_protocol import AmiMessage, MessageReader
from contactdesk.telephony.desk_events import OLD_LAYOUT, DeskEventTracker
from tests.helpers.ami_peer import (
    DATA_DIR,
    RecordingClient,
    ScriptedAmiPeer,
    read_transcript,
    wire,
)

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def messages(transcript: str) -> list[AmiMessage]:
    reader = MessageReader(expect_banner=False)
    return [m for item in read_transcript(transcript) if isinstance(item, str)
            for m in reader.feed(wire(item))]


def desk_events(transcript: str, interface: str) -> list:
    tracker = DeskEventTracker(interface, now=lambda: NOW)
    return [event for message in messages(transcript) for event in tracker.handle(message)]


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


EXPECTED = {
    ("ringing_answered", "PJSIP/1001"): [
        Ringing("1733389200.101", "streetpride", "01709823456", "J Smith"),
        Answered("1733389200.101", "streetpride", "01709823456", "J Smith",
                 answered_at=at(1733389208.5), hold_time=8, ring_time=5),
        Ended("1733389200.101", 184, "caller")],  # the Hangup after it adds nothing
    ("ringing_answered", "PJSIP/1002"): [
        Ringing("1733389200.101", "streetpride", "01709823456", "J Smith"),
        MissedRing("1733389200.101", "streetpride", TAKEN_BY_ANOTHER)],
    ("ring_no_answer_other_agent", "PJSIP/1001"): [
        Ringing("1733390000.201", "streetpride", "07700900123", ""),
        MissedRing("1733390000.201", "streetpride", NOT_ANSWERED)],
    ("ring_no_answer_other_agent", "PJSIP/1002"): [
        Ringing("1733390000.201", "streetpride", "07700900123", ""),
        Answered("1733390000.201", "streetpride", "07700900123", "", answered_at=NOW,
                 hold_time=23, ring_time=4),
        Ended("1733390000.201", 95, "agent")],
    ("abandoned", "PJSIP/1001"): [
        Ringing("1733391000.301", "streetpride", "01709111222", "P Jones"),
        MissedRing("1733391000.301", "streetpride", CALLER_HUNG_UP)],
}


@pytest.mark.parametrize(("transcript", "interface"), list(EXPECTED))
def test_each_transcript_gives_the_desk_its_own_events(transcript, interface):
    assert desk_events(transcript, interface) == EXPECTED[(transcript, interface)]


@pytest.mark.parametrize("transcript", ["ringing_answered", "ring_no_answer_other_agent",
                                        "abandoned"])
def test_a_device_no_queue_rang_hears_nothing(transcript):
    assert desk_events(transcript, "PJSIP/1003") == []


def test_the_interface_technology_is_matched_without_case():
    assert desk_events("abandoned", "pjsip/1001") == EXPECTED[("abandoned", "PJSIP/1001")]
    assert desk_events("abandoned", "PJSIP/10011") == []


def test_transcripts_carry_the_fields_asterisk_documents():
    for name in ("ringing_answered", "ring_no_answer_other_agent", "abandoned"):
        first_line = (DATA_DIR / f"{name}.txt").read_text().split("\n")[0]
        assert first_line.startswith("# Layout: Asterisk 12+") and "docs.asterisk.org" in first_line
        for message in messages(name):
            if message.event.startswith("Agent"):
                for key in ("Queue", "MemberName", "Interface", "Uniqueid", "Linkedid",
                            "CallerIDNum", "CallerIDName", "DestChannel", "DestUniqueid"):
                    assert key in message, (name, message.event, key)


def test_a_hangup_without_agent_complete_ends_the_call_from_the_timestamps():
    tracker = DeskEventTracker("PJSIP/1001", now=lambda: NOW)
    connect = [m for m in messages("ringing_answered") if m.event == "AgentConnect"][0]
    tracker.handle(connect)
    hangup = AmiMessage((("Event", "Hangup"), ("Timestamp", "1733389250.4"),
                         ("Uniqueid", "1733389200.101"), ("Cause", "16")))
    assert tracker.handle(hangup) == [Ended("1733389200.101", 42, "hangup")]
    complete = [m for m in messages("ringing_answered") if m.event == "AgentComplete"][0]
    assert tracker.handle(complete) == []  # already ended: no second Ended


def test_asterisk_11_layout_is_not_read_and_is_reported_once():
    old = AmiMessage((("Event", "AgentCalled"), ("Queue", "streetpride"),
                      ("AgentCalled", "SIP/1001"), ("AgentName", "Alex"),
                      ("ChannelCalling", "SIP/trunk-0001"), ("CallerIDNum", "01709823456"),
                      ("Uniqueid", "1400000000.1")))
    tracker = DeskEventTracker("SIP/1001")
    assert tracker.handle(old) == [] and tracker.handle(old) == []
    assert tracker.problems == [OLD_LAYOUT]


def test_an_originate_response_becomes_a_dial_result():
    tracker = DeskEventTracker("PJSIP/1001")
    busy = AmiMessage((("Event", "OriginateResponse"), ("ActionID", "cd-1"),
                       ("Response", "Failure"), ("Reason", "5")))
    assert tracker.handle(busy) == [DialResult("cd-1", False, "the line was busy")]


def test_events_replayed_over_the_wire_reach_the_desk_in_order():
    with ScriptedAmiPeer() as peer:
        tracker = DeskEventTracker("PJSIP/1001", now=lambda: NOW)
        got: queue.Queue = queue.Queue()
        desk = RecordingClient(peer.port, on_event=lambda message: [
            got.put(event) for event in tracker.handle(message)])
        desk.client.start()
        try:
            desk.client.wait_connected(timeout=3)
            peer.play("ring_no_answer_other_agent")
            peer.play("ringing_answered")
            received = [got.get(timeout=3) for _ in range(5)]
        finally:
            desk.client.stop()
    assert received == (EXPECTED[("ring_no_answer_other_agent", "PJSIP/1001")]
                        + EXPECTED[("ringing_answered", "PJSIP/1001")])
