"""The ContactDesk schema as SQLAlchemy 2 typed models.

Every table the app writes is described here; ``db/versions`` holds the
migrations that build it, and a test checks the two agree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import limits
from ..domain.case_status import CaseStatus
from ..domain.words import (
    ATTEMPT_OUTCOMES,
    CALL_OUTCOMES,
    CHANNELS,
    COMPLAINT_OUTCOMES,
    COMPLAINT_STAGES,
    COMPLAINT_STATUSES,
    NOTE_VISIBILITY,
    PRIORITIES,
    ROLES,
    TARGET_UNITS,
)
from .base import Base, UTCDateTime, add_length_checks


def _in(column: str, values) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


# Longer words are cut to this length in the search word tables (and so are searches).
SEARCH_WORD_LENGTH = 40


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(limits.USERNAME), unique=True)
    full_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Argon2id; NULL on PostgreSQL, where each person signs in with their own login.
    password_hash: Mapped[str | None] = mapped_column(Text)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The phone the person answers: the queue member interface as AMI events and the
    # queue_log's agent field name it, e.g. PJSIP/1001.
    device_interface: Mapped[str | None] = mapped_column(String(limits.TELEPHONY_ID), unique=True)


class SignInFailure(Base):
    """Failed sign-ins in a row per name typed (known or not), to slow guessing down."""

    __tablename__ = "sign_in_failures"

    username: Mapped[str] = mapped_column(String(limits.USERNAME), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Service(Base):
    """A council service that enquiries are routed to."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(limits.CODE), unique=True)
    name: Mapped[str] = mapped_column(String(limits.LABEL), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CategoryGroup(Base):
    """A family of enquiries; its prefix starts the case references (SP-2026-000123)."""

    __tablename__ = "category_groups"
    __table_args__ = (
        CheckConstraint("length(prefix) BETWEEN 2 AND 4", name="prefix_size"),
        CheckConstraint("retention_months IS NULL OR retention_months BETWEEN 1 AND 1200",
                        name="retention_months_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(limits.CODE), unique=True)
    name: Mapped[str] = mapped_column(String(limits.LABEL), unique=True)
    prefix: Mapped[str] = mapped_column(String(4))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Months a closed case is kept before retention anonymises it; NULL keeps it.
    retention_months: Mapped[int | None] = mapped_column(Integer)


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint(_in("target_unit", TARGET_UNITS), name="target_unit_known"),
        CheckConstraint("target_amount > 0", name="target_positive"),
        Index("ix_categories_name", "name"),  # the case list sorted by category
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(limits.CODE), unique=True)
    name: Mapped[str] = mapped_column(String(limits.LABEL))
    group_id: Mapped[int] = mapped_column(ForeignKey("category_groups.id"), index=True)
    default_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    target_amount: Mapped[int] = mapped_column(Integer)
    target_unit: Mapped[str] = mapped_column(String(20))
    location_required: Mapped[bool] = mapped_column(Boolean, default=False)
    prompts: Mapped[str] = mapped_column(Text, default="")  # one question per line
    keywords: Mapped[str] = mapped_column(String(limits.DESCRIPTION // 4), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    group: Mapped[CategoryGroup] = relationship()
    default_service: Mapped[Service] = relationship()


class Caller(Base):
    __tablename__ = "callers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(limits.PERSON_NAME))
    phone_e164: Mapped[str | None] = mapped_column(String(limits.PHONE_E164), index=True)
    phone_raw: Mapped[str | None] = mapped_column(String(limits.PHONE_RAW))
    email: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    address: Mapped[str | None] = mapped_column(String(limits.ADDRESS))
    postcode: Mapped[str | None] = mapped_column(String(limits.POSTCODE))
    uprn: Mapped[int | None] = mapped_column(ForeignKey("properties.uprn"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Set when retention removed who this was (all their cases past retention).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}


class CallerNameWord(Base):
    """One word of a caller's name, folded to lower case: the index behind "find by name".

    Written only by database triggers (db/versions/0002_case_search_indexes.py).
    """

    __tablename__ = "caller_name_words"
    __table_args__ = (
        Index("ix_caller_name_words_word", "word", "caller_id",
              postgresql_ops={"word": "varchar_pattern_ops"}),
        {"sqlite_with_rowid": False},
    )

    caller_id: Mapped[int] = mapped_column(ForeignKey("callers.id", ondelete="CASCADE"),
                                           primary_key=True)
    word: Mapped[str] = mapped_column(String(SEARCH_WORD_LENGTH), primary_key=True)


class Street(Base):
    """A street in the local gazetteer, keyed by its Unique Street Reference Number."""

    __tablename__ = "streets"

    usrn: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(limits.STREET_NAME), index=True)
    locality: Mapped[str | None] = mapped_column(String(limits.LOCALITY))
    town: Mapped[str] = mapped_column(String(limits.TOWN))


class Property(Base):
    """An addressable property, keyed by its Unique Property Reference Number."""

    __tablename__ = "properties"

    uprn: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    usrn: Mapped[int] = mapped_column(ForeignKey("streets.usrn"), index=True)
    address: Mapped[str] = mapped_column(String(limits.ADDRESS))
    postcode: Mapped[str] = mapped_column(String(limits.POSTCODE), index=True)


class Call(Base):
    """One contact with a resident: the contact log behind every case."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="channel_known"),
        CheckConstraint(_in("outcome", CALL_OUTCOMES), name="outcome_known"),
        CheckConstraint("wait_seconds IS NULL OR wait_seconds >= 0", name="wait_not_negative"),
        Index("ix_calls_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="phone")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("callers.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wait_seconds: Mapped[float | None]
    outcome: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str | None] = mapped_column(String(limits.DESCRIPTION))
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    # The caller channel's Uniqueid when the call came through the screen pop: the queue_log
    # callid, so the call joins its queue attempt (call_attempts.callid) exactly.
    queue_call_id: Mapped[str | None] = mapped_column(String(limits.TELEPHONY_ID), index=True)


class CallCase(Base):
    """Links a call to the cases it created or added its caller to."""

    __tablename__ = "call_cases"
    __table_args__ = (CheckConstraint(_in("link", ("created", "added")), name="link_known"),)

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    link: Mapped[str] = mapped_column(String(10), default="created")


CALLBACK_STATUSES = ("waiting", "done", "failed", "cancelled")
CALLBACK_OUTCOMES = ("spoke", "no_answer", "wrong_number", "left_message")


class Callback(Base):
    """A caller to ring back, asked for from a call or a case (services/callbacks.py).

    ``claimed_by_id`` is the agent ringing it now, so two agents never ring the same caller.
    """

    __tablename__ = "callbacks"
    __table_args__ = (
        CheckConstraint(_in("status", CALLBACK_STATUSES), name="status_known"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts_not_negative"),
        Index("ix_callbacks_status_due_at", "status", "due_at"),
        Index("ix_callbacks_due_at", "due_at"),  # the figure: callbacks due in a period
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                                index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    phone_e164: Mapped[str] = mapped_column(String(limits.PHONE_E164))
    reason: Mapped[str] = mapped_column(String(limits.REASON))
    as_soon_as_possible: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CallbackAttempt(Base):
    """One try at a callback: when, by whom, how it went."""

    __tablename__ = "callback_attempts"
    __table_args__ = (CheckConstraint(_in("outcome", CALLBACK_OUTCOMES), name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callbacks.id", ondelete="CASCADE"),
                                             index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(12))
    # How the phone system's Originate ended, when the desk dialled it.
    dial_result: Mapped[str | None] = mapped_column(String(limits.REASON))


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("status", [s.value for s in CaseStatus]), name="status_known"),
        CheckConstraint(_in("priority", PRIORITIES), name="priority_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_cases_status_due_at", "status", "due_at"),
        Index("ix_cases_received_at", "received_at"),
        # The cases open at a moment (the daily summary's overdue count): closed_at is empty
        # while a case is open.
        Index("ix_cases_closed_at", "closed_at"),
        # Keyset paging of the case list (services/case_search.py): one index per sort
        # column with the id tie-break, and the "my cases" filter.
        Index("ix_cases_due_at_id", "due_at", "id"),
        Index("ix_cases_status_id", "status", "id"),
        Index("ix_cases_created_by_id", "created_by_id"),
        Index("ix_cases_updated_by_id", "updated_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(limits.REFERENCE), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    routing_reason: Mapped[str | None] = mapped_column(String(limits.REASON))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.NEW.value)
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    description: Mapped[str] = mapped_column(String(limits.DESCRIPTION))
    location: Mapped[str | None] = mapped_column(String(limits.ADDRESS))
    postcode: Mapped[str | None] = mapped_column(String(limits.POSTCODE), index=True)
    usrn: Mapped[int | None] = mapped_column(ForeignKey("streets.usrn"), index=True)
    uprn: Mapped[int | None] = mapped_column(ForeignKey("properties.uprn"))
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("callers.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A UUID from the saving desk, or a fingerprint of an imported row: a
    # retried save or a re-imported file finds the case already there.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Set when retention removed the personal details; the case is then read-only.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}


class CaseViewer(Base):
    """Who has a case open right now (a desk says so every 20 s while it shows the case)."""

    __tablename__ = "case_viewers"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    username: Mapped[str] = mapped_column(String(limits.ACTOR), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseLocationWord(Base):
    """One word of a case's location, folded to lower case: the index behind "find by street".

    Written only by database triggers (db/versions/0002_case_search_indexes.py) on every
    insert or change of ``cases.location``, never by the app.
    """

    __tablename__ = "case_location_words"
    __table_args__ = (
        Index("ix_case_location_words_word", "word", "case_id",
              postgresql_ops={"word": "varchar_pattern_ops"}),
        {"sqlite_with_rowid": False},
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    word: Mapped[str] = mapped_column(String(SEARCH_WORD_LENGTH), primary_key=True)


class CaseNote(Base):
    __tablename__ = "case_notes"
    __table_args__ = (CheckConstraint(_in("visibility", NOTE_VISIBILITY), name="visibility_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visibility: Mapped[str] = mapped_column(String(10), default="internal")
    body: Mapped[str] = mapped_column(String(limits.NOTE))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseStatusChange(Base):
    __tablename__ = "case_status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(limits.REASON))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


AUDIT_ACTIONS = ("create", "update", "delete", "read", "export", "anonymise")


class AuditEntry(Base):
    """Who changed, read or exported what and when; chained by hash, never updated.

    The one exception: retention replaces the values of anonymised cases' rows
    and drops their salt (see audit_chain.py); the chain still verifies.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("action", AUDIT_ACTIONS), name="action_known"),
        Index("ix_audit_log_entity", "entity", "entity_id"),
        # The rows a committing transaction still has to seal (PostgreSQL).
        Index("ix_audit_log_unsealed", "id", sqlite_where=text("seq IS NULL"),
              postgresql_where=text("seq IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who signed in (a username, or "os:NAME" for an operating-system account).
    actor: Mapped[str | None] = mapped_column(String(limits.ACTOR))
    entity: Mapped[str] = mapped_column(String(limits.CODE))
    entity_id: Mapped[str] = mapped_column(String(limits.CODE))
    action: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(limits.CODE))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    # The database login (PostgreSQL) or operating-system account (SQLite) that wrote it.
    db_login: Mapped[str | None] = mapped_column(String(limits.ACTOR))
    values_salt: Mapped[str | None] = mapped_column(String(32))
    values_digest: Mapped[str] = mapped_column(String(64))
    # The row's place in the hash chain and its hash, set as its transaction commits.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    row_hash: Mapped[str | None] = mapped_column(String(64))


class AuditChain(Base):
    """The chain's last place and hash (one row): the lock that orders sealing, and its end."""

    __tablename__ = "audit_chain"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


class ReferenceCounter(Base):
    """The last number handed out per prefix and year; bumped in the inserting transaction."""

    __tablename__ = "reference_counters"
    __table_args__ = (CheckConstraint("last_value >= 0", name="last_value_not_negative"),)

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(limits.CODE), primary_key=True)
    value: Mapped[str] = mapped_column(String(limits.SETTING_VALUE))


# --- Call statistics: raw facts from telephony feeds and the app's own call timer ---



class CallAttempt(Base):
    """One caller's attempt in one queue: when it entered, how it ended, how long it waited.

    Times are Unix seconds as the telephony logs give them; ``local_day`` and
    ``local_hour`` are the queue entry time in Europe/London, computed once on
    import so every figure groups by the council's day on both databases.
    """

    __tablename__ = "call_attempts"
    __table_args__ = (
        UniqueConstraint("source", "callid", "queue", "entered_epoch", name="uq_call_attempts_key"),
        CheckConstraint(_in("outcome", ATTEMPT_OUTCOMES), name="outcome_known"),
        CheckConstraint("wait_seconds IS NULL OR wait_seconds >= 0", name="wait_not_negative"),
        CheckConstraint("talk_seconds IS NULL OR talk_seconds >= 0", name="talk_not_negative"),
        CheckConstraint("local_hour BETWEEN 0 AND 23", name="local_hour_range"),
        Index("ix_call_attempts_source_entered", "source", "entered_epoch"),
        Index("ix_call_attempts_day", "local_day", "source"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(limits.CODE))
    callid: Mapped[str] = mapped_column(String(limits.TELEPHONY_ID))
    queue: Mapped[str] = mapped_column(String(limits.TELEPHONY_ID))
    entered_epoch: Mapped[int] = mapped_column(BigInteger)
    local_day: Mapped[date] = mapped_column(Date)
    local_hour: Mapped[int] = mapped_column(SmallInteger)
    outcome: Mapped[str | None] = mapped_column(String(12))
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    talk_seconds: Mapped[int | None] = mapped_column(Integer)
    agent: Mapped[str | None] = mapped_column(String(limits.TELEPHONY_ID))
    ended_epoch: Mapped[int | None] = mapped_column(BigInteger)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))


class CallWaitDay(Base):
    """Attempts per day, queue, outcome and whole second of wait (a wait histogram).

    Derived from ``call_attempts`` for telephony sources and rebuilt for the days
    an import touches. A year holds about a tenth as many rows as attempts, and
    every figure (any threshold, any basis) can be summed from it, so year-to-date
    comparisons stay fast at council volumes.
    """

    __tablename__ = "call_wait_days"
    __table_args__ = (Index("ix_call_wait_days_day", "local_day", "source"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(limits.CODE))
    local_day: Mapped[date] = mapped_column(Date)
    queue: Mapped[str] = mapped_column(String(limits.TELEPHONY_ID))
    outcome: Mapped[str | None] = mapped_column(String(12))
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    talk_total: Mapped[int] = mapped_column(BigInteger)
    talk_count: Mapped[int] = mapped_column(Integer)


class AgentEvent(Base):
    """Member and system events from a queue log (logins, pauses), kept for occupancy."""

    __tablename__ = "agent_events"
    __table_args__ = (
        UniqueConstraint("source", "occurred_epoch", "queue", "agent", "event",
                         name="uq_agent_events_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(limits.CODE))
    occurred_epoch: Mapped[int] = mapped_column(BigInteger)
    queue: Mapped[str] = mapped_column(String(limits.TELEPHONY_ID))
    agent: Mapped[str] = mapped_column(String(limits.TELEPHONY_ID))
    event: Mapped[str] = mapped_column(String(limits.CODE))
    data: Mapped[str | None] = mapped_column(String(limits.TELEPHONY_DATA))


class TelephonyFeed(Base):
    """How far a log file of a source has been read, so a re-import reads only new lines."""

    __tablename__ = "telephony_feeds"

    source: Mapped[str] = mapped_column(String(limits.CODE), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(limits.LABEL), primary_key=True)
    bytes_read: Mapped[int] = mapped_column(BigInteger)
    lines_read: Mapped[int] = mapped_column(BigInteger)
    prefix_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DailyCallRollup(Base):
    """The sums of ``call_wait_days`` per source, day and queue (telephony sources only).

    Rebuilt with the histogram for the days an import touches, so a year to date sums a
    few thousand rows. The counts within a threshold hold the default definition only
    (21 s, no short abandons); figures by any other definition come from the histogram.
    """

    __tablename__ = "daily_call_rollup"
    __table_args__ = (Index("ix_daily_call_rollup_day", "local_day"),)

    source: Mapped[str] = mapped_column(String(limits.CODE), primary_key=True)
    local_day: Mapped[date] = mapped_column(Date, primary_key=True)
    queue: Mapped[str] = mapped_column(String(limits.TELEPHONY_ID), primary_key=True)
    offered: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    answered_within_21s: Mapped[int] = mapped_column(Integer)
    abandoned: Mapped[int] = mapped_column(Integer)
    abandoned_within_21s: Mapped[int] = mapped_column(Integer)
    timed_out: Mapped[int] = mapped_column(Integer)
    other_exits: Mapped[int] = mapped_column(Integer)
    unresolved: Mapped[int] = mapped_column(Integer)
    answered_wait_total: Mapped[int] = mapped_column(BigInteger)
    answered_wait_count: Mapped[int] = mapped_column(Integer)
    abandon_wait_total: Mapped[int] = mapped_column(BigInteger)
    abandon_wait_count: Mapped[int] = mapped_column(Integer)
    longest_wait: Mapped[int | None] = mapped_column(Integer)
    talk_total: Mapped[int] = mapped_column(BigInteger)
    talk_count: Mapped[int] = mapped_column(Integer)


class TelephonySecret(Base):
    """The manager interface account's secret: one row, changed by administrators only.

    Kept out of ``settings`` (whose every value the audit log copies); its host, port and
    account name live there, with the time the secret last changed, so a change is audited
    without the secret itself.
    """

    __tablename__ = "telephony_secrets"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ami_secret: Mapped[str] = mapped_column(String(limits.SETTING_VALUE))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- Complaints (the Ombudsman's complaint handling code) and cases waiting for the caller ---



class Complaint(Base):
    """A complaint about a council service; its stages are in ``complaint_stages``.

    ``current_stage`` and ``status`` follow the latest stage: open while that
    stage awaits its answer, closed once it has an outcome (until escalated).
    """

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="channel_known"),
        CheckConstraint(_in("status", COMPLAINT_STATUSES), name="status_known"),
        CheckConstraint(_in("current_stage", COMPLAINT_STAGES), name="stage_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_complaints_received_on", "received_on"),
        Index("ix_complaints_status_stage", "status", "current_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(limits.REFERENCE), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    complainant_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME))
    complainant_phone: Mapped[str | None] = mapped_column(String(limits.PHONE_E164))
    complainant_email: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    complainant_address: Mapped[str | None] = mapped_column(String(limits.ADDRESS))
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("callers.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    description: Mapped[str] = mapped_column(String(limits.DESCRIPTION))
    desired_outcome: Mapped[str | None] = mapped_column(String(limits.DESCRIPTION))
    channel: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    current_stage: Mapped[str] = mapped_column(String(20))
    closed_on: Mapped[date | None] = mapped_column(Date)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)

    __mapper_args__ = {"version_id_col": version}


class ComplaintStage(Base):
    """One stage of a complaint: its officer, deadlines, extension and outcome.

    Deadlines are stored (working days, computed when the stage opens or is
    extended) so the register can filter late and due-soon complaints in SQL.
    """

    __tablename__ = "complaint_stages"
    __table_args__ = (
        UniqueConstraint("complaint_id", "stage", name="uq_complaint_stages_stage"),
        CheckConstraint(_in("stage", COMPLAINT_STAGES), name="stage_known"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', COMPLAINT_OUTCOMES)}",
                        name="outcome_known"),
        CheckConstraint("extension_days >= 0", name="extension_not_negative"),
        Index("ix_complaint_stages_respond_by", "respond_by"),
        Index("ix_complaint_stages_response_on", "response_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"),
                                              index=True)
    stage: Mapped[str] = mapped_column(String(20))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    escalation_reason: Mapped[str | None] = mapped_column(String(limits.REASON))
    acknowledge_by: Mapped[date | None] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    respond_by: Mapped[date | None] = mapped_column(Date)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_reason: Mapped[str | None] = mapped_column(String(limits.REASON))
    outcome: Mapped[str | None] = mapped_column(String(20))
    lessons_learnt: Mapped[str | None] = mapped_column(String(limits.DESCRIPTION))
    remedy: Mapped[str | None] = mapped_column(String(limits.DESCRIPTION))
    response_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CaseHold(Base):
    """A spell in which a case waited for the caller: its service clock stood still.

    While a hold is open the case has no due time (``due_before`` keeps it);
    when the hold ends the due time comes back moved on by the opening time
    the hold covered (``due_after``). At most one open hold per case.
    """

    __tablename__ = "case_holds"
    __table_args__ = (
        Index("uq_case_holds_one_open", "case_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(limits.REASON))
    due_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


add_length_checks(Base.metadata)
