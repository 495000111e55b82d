"""The practice phone system's callers, devices and call script.

Callers come from the database (the demo data's callers, each with a UK number), else from
a built-in list of made-up people on Ofcom's drama numbers (07700 900xxx, 01632 960xxx),
which can never ring a real person. Devices are the users' ``device_interface``.

The script writes each AMI event in the layout Asterisk 12 and later use (the fields and
order of tests/data/ami/*.txt, as documented for Asterisk 16, 18 and 20) and the matching
queue_log lines, with the caller channel's ``Uniqueid`` as the queue_log callid, so a call
saved at a desk joins its queue attempt once the log is imported. A practice member is added
without a member name, so, as on Asterisk, ``MemberName`` and the queue_log agent field are
the interface itself: the field the ledger matches against ``users.device_interface``.
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import select

from ..context import ServiceContext
from ..domain.permissions import Permission
from ..persistence.models import Caller, User

MOST_CALLERS = 500  # enough variety for a training morning; read once at start
QUEUE_EXTEN = "300"  # the dialplan extension the practice queue answers on
_UNKNOWN = "<unknown>"
DRAMA_CALLERS = (
    ("07700900123", "Mrs Ann Jones"), ("01632960417", "Mr Tom Fletcher"),
    ("07700900871", "Ms Priya Shah"), ("01632960052", "Dr Helen Morris"),
    ("07700900364", "Mr Wasim Akhtar"), ("01632960988", "Mrs Joan Whitaker"),
    ("07700900505", "Miss Chloe Barnes"), ("01632960731", "Mr Derek Hall"),
)


@dataclass(frozen=True)
class PracticeSettings:
    host: str = "127.0.0.1"
    port: int = 5038
    rate: float = 2.0  # calls a minute, on average
    queue: str = "streetpride"
    ring_seconds: float = 4.0
    talk_seconds: float = 60.0
    patience: float = 300.0  # a caller nobody takes within this abandons


def device_key(interface: str) -> str:
    """'pjsip/1001' and 'PJSIP/1001' are one device (the technology ignores case)."""
    tech, _, resource = interface.strip().partition("/")
    return f"{tech.upper()}/{resource}"


@dataclass(frozen=True)
class DemoCaller:
    number: str  # national digits, as a UK trunk presents the caller id: 07700900123
    name: str

    @property
    def shown(self) -> str:
        """The number as an agent reads it: 07700 900123."""
        try:
            parsed = phonenumbers.parse(self.number, "GB")
        except phonenumbers.NumberParseException:
            return self.number
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def drama_callers() -> list[DemoCaller]:
    return [DemoCaller(number, name) for number, name in DRAMA_CALLERS]


def demo_callers(ctx: ServiceContext, most: int = MOST_CALLERS) -> list[DemoCaller]:
    """Callers with a UK number and a name, as the database holds them; the drama list when
    there are none (a new or live-like database)."""
    ctx.require(Permission.READ_CASES)
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(Caller.phone_e164, Caller.name)
            .where(Caller.phone_e164.like("+44%"), Caller.name.is_not(None),
                   Caller.anonymised_at.is_(None))
            .order_by(Caller.id).limit(most)).all()
    callers = [DemoCaller("0" + e164[3:], name.strip()) for e164, name in rows
               if e164[3:].isdigit() and name.strip()]
    return callers or drama_callers()


def practice_devices(ctx: ServiceContext) -> list[str]:
    """The device interfaces of active users who have one, in a stable order."""
    ctx.require(Permission.READ_USERS)
    with ctx.uow() as uow:
        return list(uow.session.scalars(
            select(User.device_interface)
            .where(User.device_interface.is_not(None), User.active.is_(True))
            .order_by(User.device_interface)))


@dataclass
class PracticeCall:
    """One caller's time in the practice queue; times are Unix epochs."""

    call_id: str  # the caller channel's Uniqueid (and Linkedid): the queue_log callid
    channel: str
    caller: DemoCaller
    queue: str
    joined_at: float
    position: int = 1
    member: str = ""  # the interface being rung or talking
    member_channel: str = ""
    member_id: str = ""  # DestUniqueid
    rung_at: float = 0.0
    answered_at: float = 0.0

    def hold_time(self, now: float) -> int:
        """Seconds from joining the queue to ``now`` (answer or abandon), ring time included."""
        return max(0, round(now - self.joined_at))


def _caller_fields(call: PracticeCall) -> list[tuple[str, str]]:
    return [
        ("Channel", call.channel), ("ChannelState", "6"), ("ChannelStateDesc", "Up"),
        ("CallerIDNum", call.caller.number), ("CallerIDName", call.caller.name),
        ("ConnectedLineNum", _UNKNOWN), ("ConnectedLineName", _UNKNOWN), ("Language", "en"),
        ("AccountCode", ""), ("Context", "from-trunk"), ("Exten", QUEUE_EXTEN),
        ("Priority", "2"), ("Uniqueid", call.call_id), ("Linkedid", call.call_id)]


def _member_fields(call: PracticeCall, up: bool) -> list[tuple[str, str]]:
    state, desc = ("6", "Up") if up else ("5", "Ringing")
    return [
        ("DestChannel", call.member_channel), ("DestChannelState", state),
        ("DestChannelStateDesc", desc), ("DestCallerIDNum", call.member.partition("/")[2]),
        ("DestCallerIDName", _UNKNOWN), ("DestConnectedLineNum", _UNKNOWN),
        ("DestConnectedLineName", _UNKNOWN), ("DestLanguage", "en"), ("DestAccountCode", ""),
        ("DestContext", "from-queue"), ("DestExten", QUEUE_EXTEN), ("DestPriority", "1"),
        ("DestUniqueid", call.member_id), ("DestLinkedid", call.call_id),
        ("Queue", call.queue), ("MemberName", call.member), ("Interface", call.member)]


Fields = list[tuple[str, str]]


def _event(name: str, privilege: str, now: float, fields: Fields) -> Fields:
    # timestampevents=yes: the desk starts its call timer at the real answer time.
    return [("Event", name), ("Privilege", privilege), ("Timestamp", f"{now:.6f}"), *fields]


def caller_join(call: PracticeCall, count: int, now: float) -> Fields:
    return _event("QueueCallerJoin", "agent,all", now, [
        *_caller_fields(call), ("Queue", call.queue), ("Position", str(call.position)),
        ("Count", str(count))])


def agent_called(call: PracticeCall, now: float) -> Fields:
    return _event("AgentCalled", "agent,all", now,
                  [*_caller_fields(call), *_member_fields(call, up=False)])


def agent_ring_no_answer(call: PracticeCall, now: float) -> Fields:
    return _event("AgentRingNoAnswer", "agent,all", now, [
        *_caller_fields(call), *_member_fields(call, up=False),
        ("RingTime", str(max(0, round(now - call.rung_at))))])


def agent_connect(call: PracticeCall, now: float) -> Fields:
    return _event("AgentConnect", "agent,all", now, [
        *_caller_fields(call), *_member_fields(call, up=True),
        ("RingTime", str(max(0, round(now - call.rung_at)))),
        ("HoldTime", str(call.hold_time(now)))])


def agent_complete(call: PracticeCall, now: float, reason: str = "caller") -> Fields:
    return _event("AgentComplete", "agent,all", now, [
        *_caller_fields(call), *_member_fields(call, up=True),
        ("HoldTime", str(call.hold_time(call.answered_at))),
        ("TalkTime", str(max(0, round(now - call.answered_at)))), ("Reason", reason)])


def caller_abandon(call: PracticeCall, now: float) -> Fields:
    return _event("QueueCallerAbandon", "agent,all", now, [
        *_caller_fields(call), ("Queue", call.queue), ("Position", str(call.position)),
        ("OriginalPosition", str(call.position)), ("HoldTime", str(call.hold_time(now)))])


def hangup(call: PracticeCall, now: float) -> Fields:
    return _event("Hangup", "call,all", now, [
        *_caller_fields(call), ("Cause", "16"), ("Cause-txt", "Normal Clearing")])


def originate_response(action_id: str, channel: str, context: str, exten: str,
                       call_id: str, now: float) -> Fields:
    """The outcome of a practice callback: the practice phone always answers (Reason 4)."""
    return _event("OriginateResponse", "call,all", now, [
        ("ActionID", action_id), ("Response", "Success"), ("Channel", channel),
        ("Context", context), ("Exten", exten), ("Application", ""), ("Data", ""),
        ("Reason", "4"), ("Uniqueid", call_id), ("CallerIDNum", _UNKNOWN),
        ("CallerIDName", _UNKNOWN)])


# -- queue_log lines: epoch|callid|queuename|agent|event|data... -----------------------------
def _log_line(now: float, call: PracticeCall, agent: str, event: str,
              data: Sequence[object]) -> str:
    return "|".join([str(int(now)), call.call_id, call.queue, agent, event,
                     *(str(item) for item in data)]) + "\n"


def enterqueue_line(call: PracticeCall) -> str:
    return _log_line(call.joined_at, call, "NONE", "ENTERQUEUE",
                     ["", call.caller.number, call.position])


def ringnoanswer_line(call: PracticeCall, now: float) -> str:
    return _log_line(now, call, call.member, "RINGNOANSWER",
                     [max(0, round((now - call.rung_at) * 1000))])


def connect_line(call: PracticeCall) -> str:
    now = call.answered_at
    return _log_line(now, call, call.member, "CONNECT",
                     [call.hold_time(now), call.member_id, max(0, round(now - call.rung_at))])


def completecaller_line(call: PracticeCall, now: float) -> str:
    return _log_line(now, call, call.member, "COMPLETECALLER",
                     [call.hold_time(call.answered_at), max(0, round(now - call.answered_at)),
                      call.position])


def abandon_line(call: PracticeCall, now: float) -> str:
    return _log_line(now, call, "NONE", "ABANDON",
                     [call.position, call.position, call.hold_time(now)])


class PracticeQueue:
    """Who waits, which device rings, when each call ends: the queue without the network.

    Driven by its owner's loop on one thread: ``after(seconds, action)`` schedules,
    ``broadcast(fields)`` sends an event to the desks, ``write_log(line)`` appends to the
    queue_log, ``tell(text)`` prints a line, ``connected()`` lists the devices with a desk.
    """

    def __init__(self, settings: PracticeSettings, callers: Sequence[DemoCaller],
                 connected: Callable[[], list[str]], after: Callable[[float, Callable], None],
                 broadcast: Callable[[Fields], None], write_log: Callable[[str], None],
                 tell: Callable[[str], None], rng: random.Random,
                 clock: Callable[[], float]):
        self.settings, self._callers = settings, list(callers) or drama_callers()
        self._connected, self._after, self._broadcast = connected, after, broadcast
        self._write_log, self._tell, self._rng, self._clock = write_log, tell, rng, clock
        self._ids = itertools.count(1)
        self._waiting: deque[PracticeCall] = deque()
        self._busy: dict[str, PracticeCall] = {}  # device key -> call ringing or talking
        self._last_rung = ""
        self._told_nobody = False
        self._closing = False
        self.calls_answered = self.calls_abandoned = 0

    def new_id(self) -> str:
        """A channel Uniqueid as Asterisk writes them: epoch, dot, a running number."""
        return f"{int(self._clock())}.{next(self._ids)}"

    def begin(self) -> None:
        self._after(self._arrival_gap(), self._arrive)

    def _arrival_gap(self) -> float:
        return 60.0 / self.settings.rate * self._rng.uniform(0.5, 1.5)

    def _arrive(self) -> None:
        self._after(self._arrival_gap(), self._arrive)
        if not self._connected():
            if not self._told_nobody:
                self._tell("no desk with a device is connected: callers wait for one")
                self._told_nobody = True
            return
        self._told_nobody = False
        now = self._clock()
        call = PracticeCall(self.new_id(), f"PJSIP/trunk-{next(self._ids):08x}",
                            self._rng.choice(self._callers), self.settings.queue, now,
                            position=len(self._waiting) + 1)
        self._waiting.append(call)
        self._broadcast(caller_join(call, len(self._waiting), now))
        self._write_log(enterqueue_line(call))
        self._after(self.settings.patience, lambda: self._give_up(call))
        self.dispatch()

    def dispatch(self) -> None:
        """Ring free connected devices, round robin, for the callers waiting longest."""
        while self._waiting and not self._closing:
            device = self._next_free_device()
            if device is None:
                return
            call = self._waiting.popleft()
            now = self._clock()
            self._last_rung = call.member = device
            call.member_channel = f"{device}-{next(self._ids):08x}"
            call.member_id, call.rung_at = self.new_id(), now
            self._busy[device] = call
            self._broadcast(agent_called(call, now))
            self._tell(f"ringing {device}: {call.caller.shown} ({call.caller.name}) on "
                       f"{call.queue}")
            self._after(self.settings.ring_seconds, lambda c=call: self._pick_up(c))

    def _next_free_device(self) -> str | None:
        devices = self._connected()
        later = [d for d in devices if d > self._last_rung]
        for device in later + [d for d in devices if d <= self._last_rung]:
            if device not in self._busy:
                return device
        return None

    def _pick_up(self, call: PracticeCall) -> None:
        now = self._clock()
        if call.member not in self._connected():  # its desk left while it rang: the next
            self._broadcast(agent_ring_no_answer(call, now))
            self._write_log(ringnoanswer_line(call, now))
            del self._busy[call.member]
            self._waiting.appendleft(call)
            self.dispatch()
            return
        call.answered_at = now  # the practice phone answers itself
        self._broadcast(agent_connect(call, now))
        self._write_log(connect_line(call))
        self.calls_answered += 1
        self._after(self.settings.talk_seconds, lambda: self._hang_up(call))

    def _hang_up(self, call: PracticeCall) -> None:
        now = self._clock()
        self._broadcast(agent_complete(call, now))
        self._broadcast(hangup(call, now))
        self._write_log(completecaller_line(call, now))
        self._busy.pop(call.member, None)
        self.dispatch()

    def _give_up(self, call: PracticeCall) -> None:
        if call in self._waiting:
            self._waiting.remove(call)
            self._abandon(call)

    def _abandon(self, call: PracticeCall) -> None:
        now = self._clock()
        self._broadcast(caller_abandon(call, now))
        self._broadcast(hangup(call, now))
        self._write_log(abandon_line(call, now))
        self.calls_abandoned += 1
        self._tell(f"{call.caller.shown} ({call.caller.name}) hung up after "
                   f"{call.hold_time(now)} s waiting on {call.queue}")

    def finish(self) -> None:
        """Stopping: answered calls complete now, callers still waiting or ringing hang up, so
        the queue_log leaves no attempt open."""
        self._closing = True
        for call in list(self._busy.values()):
            if call.answered_at:
                self._hang_up(call)
            else:
                self._broadcast(agent_ring_no_answer(call, self._clock()))
                self._abandon(call)
        self._busy.clear()
        while self._waiting:
            self._abandon(self._waiting.popleft())
