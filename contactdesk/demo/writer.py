"""Writing the plan: rows go in with bulk Core inserts (COPY on PostgreSQL) in the caller's
write transaction, not through the ORM, so this also writes the audit rows the ORM listener
would have written for cases (create plus one update row per changed field) and for the demo
users, and the queue attempt ``log_call`` records for each phone call (source ``app``, the
app's own call timer); ids are reserved up front (from the sequences on PostgreSQL, from
max(id) + 1 under the write lock on SQLite) and references are allocated in blocks, with the
year from the database clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from ..domain.case_status import FINISHED_STATUSES, CaseStatus
from ..persistence.audit import create_entry, update_entry, write_audit
from ..persistence.bulk import bulk_insert, is_sqlite, sqlite_day
from ..persistence.grants import ROW_SECURED
from ..persistence.models import (
    Call,
    CallAttempt,
    CallCase,
    Caller,
    Case,
    CaseNote,
    CaseStatusChange,
    User,
)
from ..persistence.references import allocate_references
from ..telephony.app_calls import app_attempt_row
from .passwords import demo_password_hash
from .plan import CasePlan, Plan
from .progress import Progress
from .telephony import ATTEMPT_COLUMNS
from .world import World

if TYPE_CHECKING:
    from ..context import Actor


class Written(NamedTuple):
    """How many rows of each kind one run added."""

    users: int
    callers: int
    calls: int
    cases: int
    notes: int
    closed: int  # cases that reached a finished status
    app_attempts: int  # the phone calls as the app's own call timer records them (source app)


_CHUNK = 5000


def _insert(session: Session, table, rows: list[dict]) -> None:
    """Bulk insert ``rows`` (dicts with the same keys) in this session's transaction."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql" and table.name not in ROW_SECURED:
        _copy(session, table, rows)  # PostgreSQL refuses COPY where row security applies
        return
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(table), rows[start:start + _CHUNK])


def _copy(session: Session, table, rows: list[dict]) -> None:
    """PostgreSQL COPY on the session's own connection: a few times faster than executemany.

    Values go to psycopg as they are (aware datetimes, ints, text, None), which
    is all UTCDateTime would do on PostgreSQL; constraints are checked as usual.
    """
    columns = list(rows[0])
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no column {unknown[0]}")
    driver = session.connection().connection.driver_connection
    names = ", ".join(f'"{name}"' for name in columns)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def insert_attempts(session: Session, records: Sequence[tuple], *, generated: bool = False) -> None:
    """Bulk insert ``call_attempts`` tuples in ``ATTEMPT_COLUMNS`` order (the day as ISO
    text) with ``bulk_insert``: COPY on PostgreSQL, the driver's executemany on SQLite.

    With ``generated`` SQLite skips the table's CHECK constraints for this insert
    (``PRAGMA ignore_check_constraints``, switched back off afterwards): for rows the
    demo's model makes valid by construction, where evaluating nine checks per row is
    about 40% of the insert. Keys and NOT NULL still hold, and PostgreSQL checks
    everything (the tests write the same rows there).
    """
    skip = generated and is_sqlite(session)
    if skip:
        session.execute(text("PRAGMA ignore_check_constraints = ON"))
    try:
        bulk_insert(session, CallAttempt.__table__, ATTEMPT_COLUMNS, list(records))
    finally:
        if skip:
            session.execute(text("PRAGMA ignore_check_constraints = OFF"))


def attempt_records(rows: Iterable[dict]) -> list[tuple]:
    """``call_attempts`` rows as dicts (``app_attempt_row``) as tuples for ``insert_attempts``."""
    return [tuple(sqlite_day(row[name]) if name == "local_day" else row[name]
                  for name in ATTEMPT_COLUMNS) for row in rows]


def _reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """``count`` unused ids for ``table``, taken in this write transaction.

    PostgreSQL: from the table's sequence (first moved past any id inserted
    without it), so desks inserting at the same time never collide. SQLite:
    after max(id), safe because the write transaction holds the database lock.
    """
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        sequence = session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
        session.execute(text(
            f"SELECT setval(CAST(:s AS regclass), m) FROM (SELECT max(id) AS m FROM {table}) AS t "
            "WHERE m > coalesce(pg_sequence_last_value(CAST(:s AS regclass)), 0)"), {"s": sequence})
        return sorted(session.scalars(text(
            "SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"),
            {"s": sequence, "n": count}))
    first = (session.scalar(text(f"SELECT max(id) FROM {table}")) or 0) + 1
    return list(range(first, first + count))


def write_plan(session: Session, world: World, plan: Plan, actor: Actor,
               progress: Progress | None = None) -> Written:
    """Insert everything in ``plan``, with its status history and audit rows.

    Audit rows name the demo user who did each thing; the demo users themselves
    are recorded as added by ``actor``, the person running the generator.
    """
    progress = progress or Progress()
    users = world.users
    new_users = [u for u in users if u.new]
    for user, user_id in zip(new_users, _reserve_ids(session, "users", len(new_users)), strict=True):
        user.id = user_id
    caller_ids = _reserve_ids(session, "callers", len(plan.callers))
    call_ids = _reserve_ids(session, "calls", len(plan.calls))
    case_ids = _reserve_ids(session, "cases", len(plan.cases))
    references = _references(session, plan.cases)
    user_id = [u.id for u in users]
    username = [u.username for u in users]

    audit: list[dict] = []
    if new_users:
        # Set up a fortnight before the first demo day (derived, so reruns give the same data).
        created = min([c.started_at for c in plan.calls] + [plan.now]) - timedelta(days=14)
        created = created.replace(hour=7, minute=0, second=0, microsecond=0)
        password_hash = demo_password_hash(session)
        user_rows = [{"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role,
                      "active": True, "created_at": created, "password_hash": password_hash}
                     for u in new_users]
        _insert(session, User.__table__, user_rows)
        audit.extend(create_entry("users", row["id"], row, at=created, user_id=actor.user_id,
                                  actor=actor.username) for row in user_rows)

    _insert(session, Caller.__table__, [
        {"id": caller_ids[i], "name": c.name, "phone_e164": c.phone_e164, "phone_raw": c.phone_raw,
         "email": c.email, "address": c.home.address if c.home else None,
         "postcode": c.home.postcode if c.home else None, "uprn": c.home.uprn if c.home else None,
         "created_at": c.created_at, "updated_at": c.created_at, "version": 1}
        for i, c in enumerate(plan.callers)
    ])
    progress.part(1, 8)
    _insert(session, Call.__table__, [
        {"id": call_ids[i], "channel": c.channel, "agent_id": user_id[c.agent],
         "caller_id": caller_ids[c.caller] if c.caller is not None else None,
         "category_id": c.category.id, "started_at": c.started_at, "answered_at": c.answered_at,
         "ended_at": c.ended_at, "wait_seconds": c.wait_seconds, "outcome": c.outcome,
         "summary": c.summary, "idempotency_key": c.key, "queue_call_id": c.queue_call_id}
        for i, c in enumerate(plan.calls)
    ])
    # Each phone call as the app's call timer records it when a call is logged (log_call).
    app_attempts = attempt_records(
        app_attempt_row(call_ids[i], c.started_at, c.answered_at, c.ended_at, c.wait_seconds,
                        users[c.agent].username)
        for i, c in enumerate(plan.calls) if c.channel == "phone")
    progress.part(2, 8)
    insert_attempts(session, app_attempts)
    progress.part(3, 8)

    case_rows, history, notes, links = [], [], [], []
    closed = 0
    for i, c in enumerate(plan.cases):
        case_id = case_ids[i]
        creator, creator_name = user_id[c.creator], username[c.creator]
        first = {
            "id": case_id, "reference": references[i], "category_id": c.category.id,
            "service_id": c.service_id, "routing_reason": c.routing_reason,
            "status": CaseStatus.NEW.value, "priority": c.priority, "description": c.description,
            "location": c.location, "postcode": c.postcode, "usrn": c.usrn, "uprn": c.uprn,
            "caller_id": caller_ids[c.caller] if c.caller is not None else None,
            "duplicate_of_id": None, "received_at": c.received_at, "due_at": c.due_at,
            "closed_at": None, "created_by_id": creator, "created_at": c.received_at,
            "updated_by_id": creator, "updated_at": c.received_at, "version": 1,
            "idempotency_key": c.key,
        }
        audit.append(create_entry("cases", case_id, first, at=c.received_at, user_id=creator,
                                  actor=creator_name))
        history.append({"case_id": case_id, "from_status": None, "to_status": CaseStatus.NEW.value,
                        "reason": None, "changed_by_id": creator, "changed_at": c.received_at})
        row = dict(first)
        for previous, step in zip(c.steps, c.steps[1:], strict=False):
            who, who_name = user_id[step.user], username[step.user]
            reason = step.reason
            if step.status is CaseStatus.DUPLICATE:
                reason = f"Same problem already reported as {references[c.duplicate_of]}"
            history.append({"case_id": case_id, "from_status": previous.status.value,
                            "to_status": step.status.value, "reason": reason,
                            "changed_by_id": who, "changed_at": step.at})
            audit.append(update_entry("cases", case_id, "status", previous.status.value,
                                      step.status.value, at=step.at, user_id=who,
                                      actor=who_name))
            if step.status is CaseStatus.DUPLICATE:
                duplicate_of = case_ids[c.duplicate_of]
                audit.append(update_entry("cases", case_id, "duplicate_of_id", None, duplicate_of,
                                          at=step.at, user_id=who, actor=who_name))
                row["duplicate_of_id"] = duplicate_of
            closed_at = step.at if step.status in FINISHED_STATUSES else None
            if closed_at != row["closed_at"]:
                audit.append(update_entry("cases", case_id, "closed_at", row["closed_at"],
                                          closed_at, at=step.at, user_id=who, actor=who_name))
            row.update(status=step.status.value, closed_at=closed_at, updated_by_id=who,
                       updated_at=step.at, version=row["version"] + 1)
        if row["closed_at"] is not None:
            closed += 1
        case_rows.append(row)
        links.append({"call_id": call_ids[c.call], "case_id": case_id, "link": "created"})
        notes.extend({"case_id": case_id, "author_id": user_id[author], "visibility": visibility,
                      "body": body, "created_at": at} for author, visibility, body, at in c.notes)

    # Chasers and repeat reports: calls added to a case already open.
    links.extend({"call_id": call_ids[i], "case_id": case_ids[c.added_to], "link": "added"}
                 for i, c in enumerate(plan.calls) if c.added_to is not None)
    progress.part(4, 8)
    _insert(session, Case.__table__, case_rows)
    _insert(session, CallCase.__table__, links)
    progress.part(5, 8)
    _insert(session, CaseStatusChange.__table__, history)
    _insert(session, CaseNote.__table__, notes)
    progress.part(6, 8)
    write_audit(session.connection(), audit)  # PostgreSQL's triggers recorded these rows
    return Written(users=len(new_users), callers=len(plan.callers), calls=len(plan.calls),
                   cases=len(plan.cases), notes=len(notes), closed=closed,
                   app_attempts=len(app_attempts))


def _references(session: Session, cases: list[CasePlan]) -> list[str]:
    """References in order of receipt, allocated in one block per prefix."""
    wanted = Counter(c.category.prefix for c in cases)
    blocks = {prefix: iter(allocate_references(session, prefix, count))
              for prefix, count in sorted(wanted.items())}
    return [next(blocks[c.category.prefix]) for c in cases]


