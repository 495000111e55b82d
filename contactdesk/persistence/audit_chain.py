"""The audit log's hash chain: each row's hash covers the previous row's hash.

Rows take their place in the chain (``seq``) as their transaction commits: on
SQLite when the app writes them under the write lock, on PostgreSQL in a
trigger deferred to commit, so the chain's lock is the last any transaction
takes and concurrent desks never deadlock over it.

Editing, removing or slipping in a row anywhere breaks the chain from that row
on, and ``verify`` names the first row where it breaks. The values a row
records are hashed with a random salt kept beside them, and the chain covers
that salted digest rather than the values: retention can then replace the
values of anonymised cases and drop the salt (so the old digest can no longer
be tried against guessed phone numbers) while the chain still verifies.

The same encoding is computed by PostgreSQL's trigger (db/versions/0006) and
here (SQLite writes, and verification on both), so it must never change.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, text

GENESIS = "0" * 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode(value: str | None) -> str:
    """Length-prefixed, so no two different sequences of fields encode alike."""
    return "-" if value is None else f"{len(value)}:{value}"


def _sha256(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def values_digest(salt: str, old_value: str | None, new_value: str | None) -> str:
    return _sha256(salt + encode(old_value) + encode(new_value))


def epoch_micros(at: datetime) -> int:
    if at.tzinfo is None:  # SQLite gives UTC back without its zone
        at = at.replace(tzinfo=UTC)
    return (at - _EPOCH) // _MICROSECOND


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - _EPOCH


def row_hash(previous: str, row: dict) -> str:
    fields = (str(row["seq"]), str(row["id"]), str(epoch_micros(row["at"])),
              None if row["user_id"] is None else str(row["user_id"]), row["actor"],
              row["db_login"], row["entity"], row["entity_id"], row["action"], row["field"],
              row["values_digest"])
    return _sha256(previous + "|" + "".join(encode(f) for f in fields))


def seal(rows: list[dict], last_seq: int, last_hash: str, last_id: int) -> tuple[int, str]:
    """Give each new row its id after ``last_id``, its place, salt, digest and hash."""
    for row in rows:
        last_seq += 1
        last_id += 1
        row["id"], row["seq"] = last_id, last_seq
        row["values_salt"] = new_salt()
        row["values_digest"] = values_digest(row["values_salt"], row["old_value"],
                                             row["new_value"])
        row["row_hash"] = row_hash(last_hash, row)
        last_hash = row["row_hash"]
    return last_seq, last_hash


def head(connection: Connection) -> tuple[int, str]:
    last = connection.execute(text("SELECT last_seq, last_hash FROM audit_chain WHERE id = 1")).one()
    return last.last_seq, last.last_hash


def move_head(connection: Connection, last_seq: int, last_hash: str) -> None:
    connection.execute(text("UPDATE audit_chain SET last_seq = :s, last_hash = :h WHERE id = 1"),
                       {"s": last_seq, "h": last_hash})


# -- verification ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    rows: int
    redacted: int            # rows whose values retention replaced (their salt is gone)
    last_hash: str
    broken_at: int | None    # the first row that does not verify
    problem: str | None      # what is wrong there, in one sentence

    @property
    def intact(self) -> bool:
        return self.broken_at is None


_COLUMNS = ("id, seq, at, user_id, actor, db_login, entity, entity_id, action, field, old_value, "
            "new_value, values_salt, values_digest, row_hash")


def _rows(connection: Connection, batch: int = 5000) -> Iterator[dict]:
    last = -1
    while True:
        chunk = connection.execute(text(
            f"SELECT {_COLUMNS} FROM audit_log WHERE seq > :last ORDER BY seq LIMIT :n"),
            {"last": last, "n": batch}).mappings().all()
        if not chunk:
            return
        for row in chunk:
            yield _as_written(dict(row))
        last = chunk[-1]["seq"]


def _as_written(row: dict) -> dict:
    at = row["at"]
    if isinstance(at, str):  # SQLite text, read without the model's type
        at = datetime.fromisoformat(at)
    row["at"] = at
    return row


def verify(connection: Connection) -> ChainReport:
    """Walk the chain in order; stop at the first row that does not verify."""
    previous, count, redacted = GENESIS, 0, 0
    last_seq, last_id = 0, 0
    unsealed = connection.scalar(text("SELECT min(id) FROM audit_log WHERE seq IS NULL"))
    if unsealed is not None:
        return ChainReport(0, 0, GENESIS, unsealed,
                           f"row {unsealed} is outside the chain: it was added or moved out of turn")
    for row in _rows(connection):
        count += 1
        problem = _check(previous, last_seq, row)
        if problem:
            return ChainReport(count, redacted, previous, row["id"], problem)
        redacted += row["values_salt"] is None
        previous, last_seq, last_id = row["row_hash"], row["seq"], row["id"]
    head_seq, head_hash = head(connection)
    if (head_seq, head_hash) != (last_seq, previous):
        return ChainReport(count, redacted, previous, last_id + 1,
                           f"the chain's recorded end (place {head_seq}) is not its last row "
                           f"(place {last_seq}, row {last_id}): rows at the end were removed")
    return ChainReport(count, redacted, previous, None, None)


def _check(previous: str, last_seq: int, row: dict) -> str | None:
    if row["seq"] != last_seq + 1:
        return (f"row {row['id']} is at place {row['seq']} of the chain, not {last_seq + 1}: "
                "a row before it was removed")
    if row["values_salt"] is not None and values_digest(
            row["values_salt"], row["old_value"], row["new_value"]) != row["values_digest"]:
        return f"row {row['id']}'s recorded values were altered"
    if row_hash(previous, row) != row["row_hash"]:
        return (f"row {row['id']} does not follow the row before it: it was altered, or a row "
                "before it was removed or inserted out of turn")
    return None


def rechain(connection: Connection, rows: Iterable[dict]) -> tuple[int, str]:
    """Seal rows written before the chain existed, in id order (the upgrade does this)."""
    last_seq, last_hash = 0, GENESIS
    for row in rows:
        last_seq += 1
        row["seq"] = last_seq
        row["values_salt"] = new_salt()
        row["values_digest"] = values_digest(row["values_salt"], row["old_value"],
                                             row["new_value"])
        row["row_hash"] = row_hash(last_hash, row)
        last_hash = row["row_hash"]
        connection.execute(text(
            "UPDATE audit_log SET seq = :seq, values_salt = :values_salt, "
            "values_digest = :values_digest, row_hash = :row_hash WHERE id = :id"), row)
    return last_seq, last_hash
