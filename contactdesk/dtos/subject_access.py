"""A subject access request: everything held about one person, ready to be sent to them.

Text in these records is already made safe for the requester: other people's
names and phone numbers are ``[redacted]``, and a record whose free text may
still name someone else carries a ``check`` saying so. Records where the
person is only mentioned are kept apart (``mentions``): they are someone
else's records and must be read before anything of them is disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

CRITERIA = ("phone", "name", "postcode", "email")
REDACTED = "[redacted]"


@dataclass(frozen=True)
class SubjectCriterion:
    kind: str        # one of CRITERIA
    typed: str       # as the administrator typed it
    term: str        # normalised: E.164, a postcode with its space, a lower-case e-mail

    def describe(self) -> str:
        return f"{self.kind}: {self.term}"


@dataclass(frozen=True)
class CallerRecord:
    """One caller row matching the request: the person's own details, as held."""

    id: int
    name: str | None
    phone: str | None          # E.164
    phone_as_given: str | None
    email: str | None
    address: str | None
    postcode: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CallRecord:
    id: int
    started_at: datetime
    channel: str
    outcome: str
    category: str | None
    agent: str | None          # staff acting in their role
    summary: str | None
    cases: tuple[str, ...]     # references of the cases the call created or joined
    check: str = ""            # why a person should read it before disclosing, if they should


@dataclass(frozen=True)
class CaseEntry:
    """A note, a status change or a hold on a case, in time order."""

    at: datetime
    kind: str                  # "note", "status change", "hold"
    by: str | None             # staff acting in their role
    text: str
    visibility: str | None = None  # notes only: internal or caller
    check: str = ""


@dataclass(frozen=True)
class CaseRecord:
    reference: str
    relation: str              # why the case is the person's
    received_at: datetime
    category: str
    service: str
    status: str
    priority: str
    description: str
    location: str | None
    postcode: str | None
    caller: str | None         # the person, REDACTED for someone else, None when anonymous
    due_at: datetime | None
    closed_at: datetime | None
    anonymised: bool
    entries: tuple[CaseEntry, ...]
    check: str = ""


@dataclass(frozen=True)
class ComplaintRecord:
    reference: str
    received_on: date
    service: str
    status: str
    stage: str
    complainant_name: str | None
    complainant_phone: str | None
    complainant_email: str | None
    complainant_address: str | None
    case_reference: str | None
    description: str
    desired_outcome: str | None
    closed_on: date | None
    check: str = ""


@dataclass(frozen=True)
class CallbackAttemptRecord:
    """One try at ringing the person back."""

    at: datetime
    by: str | None             # staff acting in their role
    outcome: str               # as the desk words it: "no answer", "spoke to the caller"
    dial_result: str | None    # what the phone system said, when the desk dialled
    check: str = ""


@dataclass(frozen=True)
class CallbackRecord:
    """A call back asked for: to the person's number, or on their case or call."""

    id: int
    relation: str              # why the callback is the person's
    requested_at: datetime
    requested_by: str | None
    phone: str                 # E.164; REDACTED when the number is not the person's
    reason: str
    due_at: datetime
    as_soon_as_possible: bool
    status: str                # waiting, done, failed, cancelled
    closed_at: datetime | None
    case_reference: str | None
    call_id: int | None
    attempts: tuple[CallbackAttemptRecord, ...]
    check: str = ""


@dataclass(frozen=True)
class Mention:
    """Someone else's record whose text names the person: to be checked, never sent as it is."""

    kind: str                  # "case", "call", "callback" or "complaint"
    reference: str             # a case or complaint reference, "call 123" or "callback 7"
    at: datetime | date
    places: tuple[str, ...]    # where in the record: "case description", "note of 3 Nov 2026"
    matched: tuple[str, ...]   # what was found: "phone", "name", "email"
    excerpts: tuple[str, ...]  # the words around each mention, others' details redacted


@dataclass(frozen=True)
class SubjectRecords:
    request_id: str            # the audit log's entity id for this request
    criterion: SubjectCriterion
    searched_at: datetime
    council_name: str
    callers: tuple[CallerRecord, ...]
    calls: tuple[CallRecord, ...]
    cases: tuple[CaseRecord, ...]
    complaints: tuple[ComplaintRecord, ...]
    mentions: tuple[Mention, ...]
    callbacks: tuple[CallbackRecord, ...] = ()

    @property
    def record_count(self) -> int:
        """Callers, calls, cases (with their notes and history), complaints and callbacks
        (with their attempts) found."""
        return (len(self.callers) + len(self.calls) + len(self.cases) + len(self.complaints)
                + len(self.callbacks))

    @property
    def checks(self) -> int:
        """Records of the person's own whose free text should be read before disclosing."""
        entries = sum(1 for case in self.cases for entry in case.entries if entry.check)
        entries += sum(1 for back in self.callbacks for attempt in back.attempts
                       if attempt.check)
        return entries + sum(1 for group in (self.calls, self.cases, self.complaints,
                                             self.callbacks)
                             for record in group if record.check)

    def counts(self) -> dict[str, int]:
        return {"callers": len(self.callers), "calls": len(self.calls), "cases": len(self.cases),
                "notes": sum(1 for c in self.cases for e in c.entries if e.kind == "note"),
                "complaints": len(self.complaints), "callbacks": len(self.callbacks),
                "mentions": len(self.mentions)}


@dataclass(frozen=True)
class SubjectExport:
    request_id: str
    folder: Path
    files: tuple[str, ...]     # names inside ``folder``, the PDF first
    records: int
    mentions: int
