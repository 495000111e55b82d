"""Reading queue attempts from a CSV export of another telephony system.

The layout (header names case-insensitive, any order; also in the README):

    call_id, queue, entered, answered, ended, outcome, wait_seconds, talk_seconds, agent

``entered`` is required; times are ISO 8601 (``2026-05-13T08:00:05+01:00``, or
without an offset for Europe/London local time). ``outcome`` is one of
answered, abandoned, timeout, key, empty, withdrawn, failed, or blank while the
call is still waiting. A blank ``wait_seconds`` is worked out from ``answered``
(answered calls) or ``ended`` (the others); a blank ``talk_seconds`` of an
answered call from ``ended`` - ``answered``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..csv_input import read_csv_table
from ..domain.working_time import LONDON
from .queue_log import MAX_SECONDS
from .records import ANSWERED, OUTCOMES, Attempt, ReadResult

REQUIRED = ("call_id", "queue", "entered", "outcome")
OPTIONAL = ("answered", "ended", "wait_seconds", "talk_seconds", "agent")
OUTCOME_ALIASES = {"timed out": "timeout", "timed_out": "timeout", "exit with key": "key",
                   "no agents": "empty", "unresolved": ""}


class _BadCell(ValueError):
    pass


def _epoch(text: str, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        raise _BadCell(f"{column}: '{text[:40]}' is not a date and time "
                       "(use ISO 8601, e.g. 2026-05-13T08:00:05+01:00)") from None
    if not 1970 < moment.year < 2200:
        raise _BadCell(f"{column}: {text[:40]} is not a possible date for a call")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return int(moment.timestamp())


def _seconds(text: str, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise _BadCell(f"{column}: '{text[:40]}' is not a number of seconds") from None
    return _possible(value, column, text)


def _possible(value: float, column: str, shown: str) -> int:
    if value < 0 or value != value or value > MAX_SECONDS:
        raise _BadCell(f"{column}: {shown} is not a possible number of seconds")
    return round(value)


def _attempt(cells: dict[str, str], line: int) -> Attempt:
    callid, queue = cells["call_id"].strip(), cells["queue"].strip()
    if not callid:
        raise _BadCell("call_id: missing")
    if not queue:
        raise _BadCell("queue: missing")
    if len(callid) > 80 or len(queue) > 80:
        raise _BadCell("call_id or queue: longer than 80 characters")
    entered = _epoch(cells["entered"], "entered")
    if entered is None:
        raise _BadCell("entered: missing")
    outcome = cells["outcome"].strip().lower()
    outcome = OUTCOME_ALIASES.get(outcome, outcome)
    if outcome and outcome not in OUTCOMES:
        raise _BadCell(f"outcome: '{outcome[:30]}' is not one of {', '.join(OUTCOMES)} (or blank)")
    answered = _epoch(cells.get("answered", ""), "answered")
    ended = _epoch(cells.get("ended", ""), "ended")
    wait = _seconds(cells.get("wait_seconds", ""), "wait_seconds")
    talk = _seconds(cells.get("talk_seconds", ""), "talk_seconds")
    for moment, column in ((answered, "answered"), (ended, "ended")):
        if moment is not None and moment < entered:
            raise _BadCell(f"{column}: before entered")
    attempt = Attempt(callid, queue, entered, line, outcome or None)
    if outcome:
        if wait is None:
            until = answered if outcome == ANSWERED else ended
            if until is None:
                need = "answered" if outcome == ANSWERED else "ended"
                raise _BadCell(f"wait_seconds: missing, and no {need} time to work it out from")
            wait = _possible(until - entered, "wait_seconds", f"{until - entered} (from the times)")
        if outcome == ANSWERED and talk is None and answered is not None and ended is not None:
            talk = _possible(ended - answered, "talk_seconds", f"{ended - answered} (from the times)")
        attempt.wait_seconds = wait
        attempt.talk_seconds = talk if outcome == ANSWERED else None
        attempt.agent = (cells.get("agent", "").strip()[:80] or None) if outcome == ANSWERED else None
        attempt.ended_epoch = ended or answered
    return attempt


def read_call_csv(path: Path, *, progress: Callable[[int], None] | None = None) -> ReadResult:
    """Read every row of a call CSV; bad rows are counted and listed, never stop the read."""
    table = read_csv_table(Path(path), REQUIRED, OPTIONAL)
    result = ReadResult()
    for row in table.rows:
        result.lines_read += 1
        try:
            result.attempts.append(_attempt(row.cells, row.line))
            result.events += 1
        except _BadCell as exc:
            result.bad(row.line, str(exc))
        if progress and result.lines_read % 65536 == 0:
            progress(result.lines_read)
    result.bytes_read = Path(path).stat().st_size
    return result
