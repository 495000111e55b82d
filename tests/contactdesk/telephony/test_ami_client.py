"""The AMI client against a scripted peer on loopback: login, actions, keep-alive, reconnects."""

from __future__ import annotations

import hashlib
import random
import threading
import time

import pytest

from contactdesk.domain.errors import ContactDeskError
from contactdesk.dtos.telephony_live import CONNECTED, CONNECTING, LOST, REFUSED, STOPPED
from contactdesk.telephony.ami_client import (
    REFUSED_LOGIN,
    AmiActionFailed,
    AmiLoginRefused,
    AmiNotConnected,
    AmiSettings,
    retry_delays,
)
from tests.helpers.ami_peer import RecordingClient, ScriptedAmiPeer


@pytest.fixture
def peer():
    with ScriptedAmiPeer(username="desk", secret="s3cret") as running:
        yield running


@pytest.fixture
def make_client():
    made = []

    def make(port: int, **settings) -> RecordingClient:
        recording = RecordingClient(port, **settings)
        made.append(recording)
        recording.client.start()
        return recording

    yield make
    for recording in made:
        recording.client.stop()


def test_login_with_the_right_secret_connects_and_stop_logs_off(peer, make_client):
    desk = make_client(peer.port)
    desk.client.wait_connected(timeout=3)
    challenge, login = peer.actions[:2]
    assert (challenge.name, challenge.get("AuthType")) == ("Challenge", "MD5")
    assert (login.name, login.get("Username"), login.get("AuthType")) == ("Login", "desk", "MD5")
    assert login.get("Secret") == ""  # the secret itself never goes over the network
    assert login.get("Key") == hashlib.md5(  # noqa: S324 (the protocol's own scheme)
        (peer.last_challenge + "s3cret").encode()).hexdigest()
    assert login.get("Events") == "call,agent" and login.get("ActionID")
    assert desk.client.version == "9.0.0"
    desk.client.stop()
    assert not desk.client.running
    assert [a.name for a in peer.actions][-1] == "Logoff"
    assert desk.kinds() == [CONNECTING, CONNECTED, STOPPED]


def test_a_refused_login_is_said_plainly_and_not_retried(peer, make_client):
    desk = make_client(peer.port, secret="wrong")
    with pytest.raises(AmiLoginRefused) as caught:
        desk.client.wait_connected(timeout=3)
    assert isinstance(caught.value, ContactDeskError)
    assert REFUSED_LOGIN in str(caught.value)
    assert desk.wait_for_state(REFUSED).reason == "the manager account's name or secret was refused"
    desk.client._thread.join(2)
    assert not desk.client.running  # no retry can follow: the thread has ended
    assert peer.connections_accepted == 1 and peer.logins == 0
    assert desk.kinds() == [CONNECTING, REFUSED]


def test_originate_sends_the_documented_fields_and_its_response_is_matched(peer, make_client):
    desk = make_client(peer.port)
    desk.client.wait_connected(timeout=3)
    action_id = desk.client.originate("PJSIP/1001", "01709823456", "from-internal",
                                      caller_id="Callback <01709000000>",
                                      variables={"CD_CASE": "C-16", "CD_CALLBACK": "42"})
    (sent,) = peer.originates()
    assert sent.get("ActionID") == action_id
    assert {k: sent.get(k) for k in ("Channel", "Exten", "Context", "Priority", "Timeout",
                                     "CallerID", "Async")} == {
        "Channel": "PJSIP/1001", "Exten": "01709823456", "Context": "from-internal",
        "Priority": "1", "Timeout": "30000", "CallerID": "Callback <01709000000>",
        "Async": "true"}
    assert sent.get_all("Variable") == ["CD_CASE=C-16", "CD_CALLBACK=42"]
    outcome = desk.next_event("OriginateResponse")
    assert outcome.action_id == action_id and outcome.response == "Success"


def test_concurrent_actions_each_get_their_own_response(peer, make_client):
    desk = make_client(peer.port)
    desk.client.wait_connected(timeout=3)
    results: dict[str, object] = {}

    def ask(name: str) -> None:
        try:
            results[name] = desk.client.send_action(name)
        except ContactDeskError as exc:
            results[name] = exc

    threads = [threading.Thread(target=ask, args=(name,)) for name in ("Ping", "Bogus") * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3)
    assert results["Ping"].get("Ping") == "Pong"
    assert isinstance(results["Bogus"], AmiActionFailed)
    assert str(results["Bogus"]) == ("The phone system refused the Bogus request: "
                                     "Invalid/unknown command.")


def test_an_action_without_a_connection_fails_at_once(make_client):
    with ScriptedAmiPeer() as gone:
        port = gone.port
    desk = make_client(port)
    started = time.monotonic()
    with pytest.raises(AmiNotConnected):
        desk.client.send_action("Ping")
    assert time.monotonic() - started < 0.5
    lost = desk.wait_for_state(LOST)
    assert lost.reason == f"the phone system could not be reached at 127.0.0.1:{port} " \
                          "(connection refused)"
    assert lost.describe() == (f"Phone system connection lost: {lost.reason}. "
                               "Trying again in 1 s.")


def test_a_peer_that_drops_and_returns_is_reconnected_and_events_keep_coming(peer, make_client):
    desk = make_client(peer.port)
    desk.client.wait_connected(timeout=3)
    peer.play("abandoned")
    assert desk.next_event("QueueCallerAbandon").get("Uniqueid") == "1733391000.301"
    peer.go_down()
    assert desk.wait_for_state(LOST).reason == "the phone system closed the connection"
    desk.wait_for_state(LOST, count=3)  # refused while down: the backoff goes on
    peer.come_back()
    desk.wait_for_state(CONNECTED, count=2)
    peer.play("ringing_answered")
    assert desk.next_event("AgentConnect").get("Interface") == "PJSIP/1001"
    kinds = desk.kinds()
    assert kinds[:3] == [CONNECTING, CONNECTED, LOST] and kinds[-1] == CONNECTED
    assert all(kinds[i + 1] == CONNECTING for i, kind in enumerate(kinds) if kind == LOST)
    waits = [s.retry_in for s in desk.states if s.kind == LOST]
    assert waits[1] > waits[0] * 1.3  # doubling, give or take the jitter
    assert peer.logins == 2


def test_a_silent_peer_is_found_dead_within_twice_the_keepalive(peer, make_client):
    keepalive = 0.2
    desk = make_client(peer.port, keepalive=keepalive)
    desk.client.wait_connected(timeout=3)
    peer.wait_for(lambda: any(a.name == "Ping" for a in peer.actions))
    peer.go_silent()
    silent_from = time.monotonic()
    lost = desk.wait_for_state(LOST, timeout=3)
    assert time.monotonic() - silent_from <= 2 * keepalive + 0.2
    assert lost.reason == "the phone system stopped answering (nothing heard for 0.4 seconds)"


def test_malformed_messages_are_reported_and_the_connection_carries_on(peer, make_client):
    desk = make_client(peer.port, max_message_bytes=4096)
    desk.client.wait_connected(timeout=3)
    peer.send_raw(b"Event: Odd\r\nno colon on this line\r\n\r\n")
    peer.send_raw(b"Event: Huge\r\nData: " + b"x" * 10_000 + b"\r\n\r\n")
    peer.play("abandoned")
    assert desk.next_event("Hangup").get("Cause") == "16"
    assert len(desk.problems) == 2
    assert "no 'Key: Value' form" in desk.problems[0]
    assert "longer than 4096 bytes" in desk.problems[1]
    assert desk.kinds() == [CONNECTING, CONNECTED]


def test_stop_is_prompt_while_waiting_to_reconnect(make_client):
    with ScriptedAmiPeer() as gone:
        port = gone.port
    desk = make_client(port, first_retry=30.0, max_retry=60.0)
    desk.wait_for_state(LOST)
    started = time.monotonic()
    desk.client.stop()
    assert time.monotonic() - started < 1.0
    assert desk.kinds() == [CONNECTING, LOST, STOPPED]


def test_a_secret_with_a_line_break_is_refused_before_anything_is_sent():
    with pytest.raises(ContactDeskError, match="each be on one line"):
        AmiSettings("127.0.0.1", 5038, "desk", "s3cret\r\nAction: Originate")


def test_retry_delays_double_from_one_second_to_sixty_with_jitter():
    delays = retry_delays(1.0, 60.0, random.Random(3))
    first = [next(delays) for _ in range(12)]
    nominal = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60]
    assert all(0.8 * n <= d <= min(60, 1.2 * n) for d, n in zip(first, nominal, strict=True))
    assert first != [float(n) for n in nominal]  # spread, so desks do not all retry at once
    assert max(first) <= 60.0


def test_an_unexpected_fault_in_a_session_is_a_lost_link_retried_not_a_dead_thread(
        peer, make_client, monkeypatch):
    from contactdesk.telephony.ami_client import AmiClient

    session, faults = AmiClient._session, []

    def faulty_once(self):
        if not faults:
            faults.append(1)
            raise RuntimeError("a fault of ours")
        return session(self)

    monkeypatch.setattr(AmiClient, "_session", faulty_once)
    desk = make_client(peer.port)
    lost = desk.wait_for_state(LOST)
    assert lost.reason == "the connection to the phone system failed unexpectedly"
    desk.wait_for_state(CONNECTED)
    assert desk.client.running and desk.kinds()[:4] == [CONNECTING, LOST, CONNECTING, CONNECTED]
