"""The fields of a queue_log line: what makes a time, a number of seconds or a line usable.

Every reason a line is bad is worded here; the reader (queue_log.py) folds the lines.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..domain.limits import TELEPHONY_ID

MAX_LINE_BYTES = 64 * 1024  # a real queue_log line is under 1 KiB
TOO_LONG = "longer than 64 KiB: not a queue_log line"
EARLIEST_EPOCH = 946_684_800  # 2000-01-01 00:00:00 UTC: earlier is a PBX that lost its clock
FUTURE_SECONDS = 86_400  # later than a day ahead of our clock is a wrong clock too
FIELD_NAMES = ("time", "call id", "queue", "agent", "event")


class BadLine(ValueError):
    pass


MAX_SECONDS = 10_000_000  # about four months: no wait or call is longer


def latest_epoch(now: datetime) -> int:
    """The latest time a line may carry when read at ``now``."""
    return int(now.timestamp()) + FUTURE_SECONDS


def stamp_problem(epoch: int, latest: int) -> str | None:
    """Why ``epoch`` cannot be the time of a call event, or None when it can."""
    if EARLIEST_EPOCH <= epoch <= latest:
        return None
    shown = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")
    when = "before 2000" if epoch < EARLIEST_EPOCH else "more than a day in the future"
    return f"stamped {shown}, {when}: is the PBX clock set?"


def ascii_digits(text: str) -> bool:
    return text.isdigit() and text.isascii()  # isdigit alone takes other scripts' digits


def is_number(text: str) -> bool:
    # isdigit alone lets through digits int() refuses ("²") and numbers too big to store.
    return text.isascii() and text.isdigit() and len(text) <= 12


def seconds(text: str, what: str) -> int:
    if len(text) <= 7 and text.isdigit() and text.isascii():  # the usual case: below MAX_SECONDS
        return int(text)
    if not is_number(text):
        raise BadLine(f"{what} '{text[:30]}' is not a whole number of seconds")
    value = int(text)
    if value > MAX_SECONDS:
        raise BadLine(f"{what} {value} is not a possible number of seconds")
    return value


def agent_name(agent: str) -> str | None:
    return agent[:TELEPHONY_ID] if agent and agent != "NONE" else None


def talk_fields(event: str, data: list[str]) -> tuple[int, int]:
    """(holdtime, calltime) of a completed or transferred call."""
    if event == "ATTENDEDTRANSFER":
        # method data may itself contain '|': read from the end.
        numbers = [d for d in data[-3:] if is_number(d)]
        if len(data) >= 4 and len(numbers) == 3:
            return seconds(data[-3], "holdtime"), seconds(data[-2], "calltime")
        if len(data) >= 3 and is_number(data[-1]) and is_number(data[-2]):
            return seconds(data[-2], "holdtime"), seconds(data[-1], "calltime")
        raise BadLine("ATTENDEDTRANSFER lacks holdtime and calltime")
    first = 0 if event.startswith("COMPLETE") else 2
    if len(data) < first + 2:
        raise BadLine(f"{event} needs holdtime and calltime")
    return seconds(data[first], "holdtime"), seconds(data[first + 1], "calltime")


def unusable(text: str, size: int) -> str | None:
    """Why a line (``size`` bytes) is binary data rather than text, or None."""
    if size > MAX_LINE_BYTES:
        return TOO_LONG
    if "\x00" in text:
        return "holds NUL bytes: binary data, not a queue_log line"
    if "\ufffd" in text:  # bytes that were not UTF-8; tolerated in the agent and data fields
        for name, value in zip(FIELD_NAMES, text.split("|", 5), strict=False):
            if name != "agent" and "\ufffd" in value:
                return f"{name} holds bytes that are not UTF-8 text: binary data, not a queue_log line"
    return None


def malformed(text: str, parts: list[str]) -> str:
    if not text.strip():
        return "empty line"
    if len(parts) < 5:
        return f"{len(parts)} fields, expected at least 5 (epoch|callid|queue|agent|event)"
    return f"time '{parts[0][:30]}' is not a Unix time in seconds"
