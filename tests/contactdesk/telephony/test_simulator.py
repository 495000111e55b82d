"""The practice phone system on loopback: real AMI clients and desk trackers follow its calls."""

from __future__ import annotations

import queue
import random
import signal
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.telephony_live import Answered, DialResult, Ended, Ringing
from contactdesk.persistence.models import Call, CallAttempt
from contactdesk.services import users
from contactdesk.telephony.desk_events import DeskEventTracker
from contactdesk.telephony.desk_line import DeskLine
from contactdesk.telephony.simulated_calls import (
    DemoCaller,
    demo_callers,
    drama_callers,
    practice_devices,
)
from contactdesk.telephony.simulator import (
    ManagerAccount,
    PracticePbx,
    PracticePortInUse,
    PracticeSettings,
)
from tests.helpers.ami_peer import FAST, RecordingClient

ACCOUNT = ManagerAccount("desk", "s3cret")  # RecordingClient logs in as desk / s3cret
FAST_CALLS = PracticeSettings(port=0, rate=1200, ring_seconds=0.15, talk_seconds=0.15)
ANN = DemoCaller("07700900123", "Mrs Ann Jones")


@pytest.fixture
def run_pbx(tmp_path):
    started = []

    def run(devices=("PJSIP/1001",), callers=(ANN,), settings=FAST_CALLS, queue_log=True):
        lines: list[str] = []
        pbx = PracticePbx(ACCOUNT, settings, lambda: list(devices), callers,
                          tmp_path / "queue_log" if queue_log else None, say=lines.append,
                          rng=random.Random(16))
        pbx.lines = lines
        started.append(pbx.start())
        return pbx

    yield run
    for pbx in started:
        pbx.stop()


class Desk:
    """A desk's line to the practice phone system: what its tracker makes of each event."""

    def __init__(self, port: int, interface: str, tell: bool = True):
        self.events: queue.Queue = queue.Queue()
        self.line = DeskLine(_settings(port), interface, self.events.put, lambda state: None,
                             announce=tell)  # the line says its device itself after login
        self.line.start()
        self.line.client.wait_connected(5)
        assert self.line.announced.wait(5) if tell else not self.line.announced.is_set()

    def next(self, kind, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while True:
            event = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(event, kind):
                return event

    def stop(self) -> None:
        self.line.stop(2.0)


def _settings(port: int):
    from contactdesk.telephony.ami_client import AmiSettings

    return AmiSettings("127.0.0.1", port, ACCOUNT.username, ACCOUNT.secret, **FAST)


def _log(pbx) -> list[list[str]]:
    return [line.split("|") for line in pbx._queue_log_path.read_text().splitlines()]


def test_a_desk_hears_ringing_answered_ended_with_the_queue_log_call_id(run_pbx):
    pbx = run_pbx()
    desk = Desk(pbx.port, "PJSIP/1001")
    try:
        ringing = desk.next(Ringing)
        answered = desk.next(Answered)
        ended = desk.next(Ended)
    finally:
        desk.stop()
    assert (ringing.queue, ringing.caller_number, ringing.caller_name) == (
        "streetpride", "07700900123", "Mrs Ann Jones")
    assert answered.call_id == ended.call_id == ringing.call_id
    assert answered.answered_at.timestamp() == pytest.approx(time.time(), abs=5)
    assert ended.reason == "caller"
    events = {row[4]: row for row in _log(pbx) if row[1] == ringing.call_id}
    assert set(events) >= {"ENTERQUEUE", "CONNECT", "COMPLETECALLER"}
    assert events["ENTERQUEUE"][2:6] == ["streetpride", "NONE", "ENTERQUEUE", ""]
    assert events["ENTERQUEUE"][6] == "07700900123"
    assert events["CONNECT"][3] == "PJSIP/1001"
    assert any(line.startswith(tuple("0123456789")) and "ringing PJSIP/1001: 07700 900123 "
               "(Mrs Ann Jones) on streetpride" in line for line in pbx.lines)


def test_two_devices_take_calls_round_robin(run_pbx):
    # Each call is over (0.06 s) before the next arrives (0.1 to 0.3 s later): both are free.
    pbx = run_pbx(devices=("PJSIP/1001", "PJSIP/1002"),
                  settings=PracticeSettings(port=0, rate=300, ring_seconds=0.03,
                                            talk_seconds=0.03))
    desks = [Desk(pbx.port, "PJSIP/1001"), Desk(pbx.port, "PJSIP/1002")]
    both_connected = len(pbx.lines)
    try:
        for desk in desks:
            desk.next(Ended)
        for desk in desks:
            for _ in range(2):
                desk.next(Ended)
    finally:
        for desk in desks:
            desk.stop()
    rung = [line.split("ringing ")[1].split(":")[0]
            for line in pbx.lines[both_connected + 1:] if "ringing" in line]
    assert rung[:4] in (["PJSIP/1001", "PJSIP/1002"] * 2, ["PJSIP/1002", "PJSIP/1001"] * 2)


def test_a_device_whose_desk_is_not_connected_is_skipped(run_pbx):
    pbx = run_pbx(devices=("PJSIP/1001", "PJSIP/1002", "PJSIP/1003"))
    desks = [Desk(pbx.port, "PJSIP/1001"), Desk(pbx.port, "PJSIP/1003")]
    try:
        for desk in desks:
            desk.next(Ended)
            desk.next(Ended)
    finally:
        for desk in desks:
            desk.stop()
    rung = {line.split("ringing ")[1].split(":")[0] for line in pbx.lines if "ringing" in line}
    assert rung == {"PJSIP/1001", "PJSIP/1003"}
    assert not any(row[3] == "PJSIP/1002" for row in _log(pbx))


def test_a_call_whose_desk_leaves_while_it_rings_rings_the_next_device(run_pbx):
    # The first caller comes 0.75 to 2.25 s in, once both desks are connected; round robin
    # starts at the first device in order.
    pbx = run_pbx(devices=("PJSIP/1001", "PJSIP/1002"),
                  settings=PracticeSettings(port=0, rate=40, ring_seconds=0.3))
    first, second = Desk(pbx.port, "PJSIP/1001"), Desk(pbx.port, "PJSIP/1002")
    try:
        ringing = first.next(Ringing)
        first.stop()
        answered = second.next(Answered)
    finally:
        first.stop()
        second.stop()
    assert answered.call_id == ringing.call_id
    events = [(row[3], row[4]) for row in _log(pbx) if row[1] == ringing.call_id]
    assert events == [("NONE", "ENTERQUEUE"), ("PJSIP/1001", "RINGNOANSWER"),
                      ("PJSIP/1002", "CONNECT")]


def test_a_desk_that_has_not_said_its_device_gets_the_unclaimed_devices(run_pbx):
    pbx = run_pbx(devices=("PJSIP/1001", "PJSIP/1002"))
    told, silent = Desk(pbx.port, "PJSIP/1001"), Desk(pbx.port, "PJSIP/1002", tell=False)
    try:
        assert silent.next(Answered).call_id != told.next(Answered).call_id
    finally:
        told.stop()
        silent.stop()


def test_nobody_connected_means_nobody_calls(run_pbx):
    pbx = run_pbx()
    time.sleep(0.3)  # a few arrival gaps at 1,200 calls a minute
    assert pbx._queue_log_path.read_text() == ""
    assert [line.split(" ", 1)[1] for line in pbx.lines] == [
        "no desk with a device is connected: callers wait for one"]


def test_originate_is_answered_with_success_then_an_originate_response(run_pbx):
    pbx = run_pbx(settings=PracticeSettings(port=0, rate=0.001, ring_seconds=0.05))
    tracker, results = DeskEventTracker("PJSIP/1001"), queue.Queue()
    client = RecordingClient(pbx.port, on_event=lambda m: [results.put(e)
                                                           for e in tracker.handle(m)])
    client.client.start()
    try:
        client.client.wait_connected(5)
        action_id = client.client.originate("PJSIP/1001", "07700900123", "from-internal",
                                            caller_id="Callback <01709123456>")
        result = results.get(timeout=5)
    finally:
        client.client.stop()
    assert result == DialResult(action_id, True, "answered")


def test_login_is_checked_and_other_actions_get_asterisks_errors(run_pbx):
    pbx = run_pbx()
    refused = RecordingClient(pbx.port, secret="wrong")
    refused.client.start()
    refused.wait_for_state("refused")
    with socket.create_connection(("127.0.0.1", pbx.port), timeout=2) as sock:
        assert sock.recv(100) == b"Asterisk Call Manager/7.0.3\r\n"
        sock.sendall(b"Action: Ping\r\nActionID: 1\r\n\r\n")
        assert b"Permission denied" in sock.recv(1000)
    desk = RecordingClient(pbx.port)
    desk.client.start()
    try:
        desk.client.wait_connected(5)
        assert desk.client.send_action("Ping").get("Ping") == "Pong"
        with pytest.raises(Exception, match="Invalid/unknown command"):
            desk.client.send_action("CoreShowChannels")
    finally:
        desk.client.stop()


def test_a_port_in_use_is_one_sentence(run_pbx):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(PracticePortInUse, match=rf"^Port {port} is in use on 127.0.0.1 "):
            run_pbx(settings=PracticeSettings(port=port))


def test_the_cli_says_a_port_in_use_in_one_line_and_exits_2(db_url, ctx, tmp_path):
    from contactdesk.services.telephony_settings import configure_telephony

    configure_telephony(ctx, "127.0.0.1", 5038, "practice", "s3cret")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "contactdesk.cli.main", "--db", db_url, "telephony",
             "simulate", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"contactdesk: Port {port} is in use on 127.0.0.1 (a phone system or another practice "
        "run?): stop it or choose --port."]


def test_callers_and_devices_come_from_the_database(ctx):
    assert demo_callers(ctx) == drama_callers()  # no callers yet: the drama numbers
    from contactdesk.services.calls import log_call

    log_call(ctx, CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                            address="14 Wellgate, Rotherham", postcode="S60 2TH",
                            category="Fly tipping", description="Mattress dumped on verge"))
    assert demo_callers(ctx) == [DemoCaller("01709823456", "Ann Jones")]
    assert demo_callers(ctx)[0].shown == "01709 823456"
    users.add_user(ctx, "alex", "agent", "Alex Agent", "a long enough password 16")
    users.set_device(ctx, "alex", "PJSIP/1002")
    assert practice_devices(ctx) == ["PJSIP/1002"]


def test_the_queue_log_written_imports_and_the_saved_call_joins_its_attempt(
        run_pbx, ctx):
    pbx = run_pbx()
    desk = Desk(pbx.port, "PJSIP/1001")
    try:
        answered = desk.next(Answered)
        desk.next(Ended)
    finally:
        desk.stop()
    pbx.stop()
    saved = __import__("contactdesk.services.calls", fromlist=["log_call"]).log_call(
        ctx, CallInput(caller_phone="07700 900123", caller_name="Ann Jones",
                       address="14 Wellgate, Rotherham", postcode="S60 2TH",
                       category="Fly tipping", description="Mattress dumped on verge",
                       queue_call_id=answered.call_id, answered_at=answered.answered_at,
                       wait_seconds=answered.hold_time))
    from contactdesk.telephony.importer import import_call_log

    import_call_log(ctx, pbx._queue_log_path, complete=True)
    with ctx.uow() as uow:
        joined = uow.session.execute(
            select(Call.id, CallAttempt.queue, CallAttempt.outcome, CallAttempt.agent)
            .join(CallAttempt, CallAttempt.callid == Call.queue_call_id)
            .where(CallAttempt.source != "app")).all()
    assert [tuple(row) for row in joined] == [
        (saved.call_id, "streetpride", "answered", "PJSIP/1001")]


def test_the_cli_rings_a_desk_writes_the_queue_log_and_stops_on_ctrl_c(db_url, ctx, tmp_path):
    from contactdesk.services.telephony_settings import configure_telephony

    configure_telephony(ctx, "127.0.0.1", 5038, ACCOUNT.username, ACCOUNT.secret)
    users.add_user(ctx, "alex", "agent", "Alex Agent", "a long enough password 16")
    users.set_device(ctx, "alex", "PJSIP/1001")
    queue_log = tmp_path / "queue_log"
    run = subprocess.Popen(
        [sys.executable, "-m", "contactdesk.cli.main", "--db", db_url, "telephony", "simulate",
         "--port", "0", "--rate", "600", "--ring-seconds", "0.1", "--talk-seconds", "60",
         "--queue-log", str(queue_log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        first = run.stdout.readline()
        port = int(first.split("listening on 127.0.0.1:")[1].split(" ")[0])
        desk = Desk(port, "PJSIP/1001", tell=False)
        try:
            answered = desk.next(Answered, timeout=10)
        finally:
            desk.stop()
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=20)
    finally:
        run.kill()
    assert run.returncode == 0, err
    assert first.startswith("Practice phone system listening on 127.0.0.1:")
    assert out.splitlines()[-1].startswith("Practice phone system stopped: ")
    assert "ringing PJSIP/1001: 07700 900" in out or "ringing PJSIP/1001: 01632 960" in out
    # Stopping completes the call still talking, so the log has no attempt left open.
    ours = [row[4] for row in (line.split("|") for line in queue_log.read_text().splitlines())
            if row[1] == answered.call_id]
    assert ours == ["ENTERQUEUE", "CONNECT", "COMPLETECALLER"]
