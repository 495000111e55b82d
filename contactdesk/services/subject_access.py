"""Subject access requests (UK GDPR): everything the council holds about one person.

An administrator searches by one of phone, name, postcode or e-mail. The
callers matching (by the phone index, the name-word index, the postcode or the
address's property) and everything linked to them come back: their calls,
their cases (those they reported and those their calls joined) with notes,
status changes and holds, their callbacks (to their number, or on their
cases and calls) with each try, and their complaints, including any whose
complainant's phone, e-mail or name is theirs with no caller linked. Someone
else's records whose free text names them are flagged apart
(subject_mentions.py), and other people's details in the person's own
records are redacted.

Everything is read in one read-only transaction, then the search is audited
in a short write transaction of its own; the export writes a PDF and a CSV
bundle to a new or empty folder and is audited under the same request id.
"""

from __future__ import annotations

import contextlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, intersect, or_, select
from sqlalchemy.orm import Session, aliased

from ..context import ServiceContext, operation
from ..domain.errors import UnusableInput, ValidationError
from ..domain.permissions import Permission
from ..domain.validation import Findings, check_email, check_postcode, parse_phone
from ..domain.working_time import LONDON
from ..dtos.subject_access import (
    REDACTED,
    CallerRecord,
    CallRecord,
    CaseEntry,
    CaseRecord,
    ComplaintRecord,
    SubjectCriterion,
    SubjectExport,
    SubjectRecords,
)
from ..persistence.audit import record_access
from ..persistence.models import (
    Call,
    CallCase,
    Caller,
    CallerNameWord,
    Case,
    CaseHold,
    CaseNote,
    CaseStatusChange,
    Category,
    Complaint,
    Property,
    Service,
    User,
)
from ..reports.subject_access import render_subject_access
from ..reports.subject_csv import write_subject_csvs
from .reports import snapshot
from .search_text import search_words
from .settings import load_settings
from .subject_callbacks import callback_records, their_callback_ids
from .subject_mentions import Found, MentionScan, Redactor, Subject, TextMatcher, name_words

PDF_NAME = "subject-access.pdf"
AUDIT_ENTITY = "subject_access"
# Ids per IN list: one query per kind of record for a chunk of the person's records.
CHUNK = 500


@operation(Permission.SUBJECT_ACCESS)
def find_subject(ctx: ServiceContext, *, phone: str | None = None, name: str | None = None,
                 postcode: str | None = None, email: str | None = None) -> SubjectRecords:
    """Everything held about the person given by exactly one of the four; the search is audited.

    Raises ValidationError when none or more than one is given, or it is not usable.
    """
    criterion = parse_criterion(phone=phone, name=name, postcode=postcode, email=email)
    request_id = f"SAR-{ctx.now().astimezone(LONDON):%Y%m%d}-{secrets.token_hex(3).upper()}"
    with ctx.uow() as uow:
        records = _gather(snapshot(uow), criterion, request_id, ctx.now())
    with ctx.uow(write=True) as uow:
        record_access(uow.session, "read", AUDIT_ENTITY, request_id,
                      f"{criterion.describe()}; {records.record_count} records")
        uow.commit()
    return records


@operation(Permission.SUBJECT_ACCESS)
def export_subject(ctx: ServiceContext, subject: SubjectRecords,
                   out_dir: Path | str) -> SubjectExport:
    """Write the request's PDF and CSV bundle into ``out_dir`` (created; must be new or empty).

    The export is audited under the request's id; on any failure nothing is left behind.
    """
    folder = Path(out_dir)
    check_out_dir(folder)
    created = not folder.exists()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the files hold personal data
    except OSError as exc:
        raise UnusableInput(f"cannot create the folder {folder}: {exc.strerror or exc}; "
                            "choose a folder you can write to") from None
    written: list[Path] = []
    try:
        written.append(render_subject_access(subject, folder / PDF_NAME,
                                             generated_at=ctx.now().astimezone(LONDON)))
        written += write_subject_csvs(subject, folder)
        names = tuple(path.name for path in written)
        with ctx.uow(write=True) as uow:
            record_access(uow.session, "export", AUDIT_ENTITY, subject.request_id,
                          f"{', '.join(names)} in {folder.resolve()}")
            uow.commit()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):  # empty again: every file written was removed
                folder.rmdir()
        raise
    return SubjectExport(subject.request_id, folder, names, subject.record_count,
                         len(subject.mentions))


def check_out_dir(folder: Path) -> None:
    """Refuse a folder that holds files already (the request's files must stand alone)."""
    if folder.exists() and not folder.is_dir():
        raise UnusableInput(f"{folder} is a file: give a new or empty folder for the request")
    if folder.is_dir() and any(folder.iterdir()):
        raise UnusableInput(f"{folder} is not empty: give a new or empty folder, so nothing "
                            "else is sent with the request")


def parse_criterion(*, phone: str | None = None, name: str | None = None,
                    postcode: str | None = None, email: str | None = None) -> SubjectCriterion:
    """The one search term given, normalised; ValidationError naming what to change."""
    given = {kind: text.strip() for kind, text in
             (("phone", phone), ("name", name), ("postcode", postcode), ("email", email))
             if text is not None and text.strip()}
    if len(given) != 1:
        raise ValidationError.single(
            "search", "give exactly one of phone, name, postcode or e-mail"
            + (f" (got {', '.join(given)})" if given else ""))
    (kind, typed), = given.items()
    findings = Findings()
    if kind == "phone":
        found = parse_phone(typed, findings, "phone")
        term = found.e164 if found else ""
        if findings.errors:
            raise ValidationError.single("phone", f"{findings.errors[0].message}: give the "
                                                  "number in any format, e.g. 01709 336000")
    elif kind == "postcode":
        term = check_postcode(typed, findings, field_name="postcode") or ""
    elif kind == "email":
        term = (check_email(typed, findings, "email") or "").lower()
    else:
        term = " ".join(typed.split())
        if len(search_words(term)) < 2:
            findings.error("name", "give the person's first name and surname (one word matches "
                                   "too many people)")
    findings.raise_if_errors()
    return SubjectCriterion(kind, typed, term)


def _gather(s: Session, criterion: SubjectCriterion, request_id: str,
            searched_at: datetime) -> SubjectRecords:
    callers = _find_callers(s, criterion)
    ids = {c.id for c in callers}
    subject = _subject(criterion, callers)
    matcher = TextMatcher(subject, s.get_bind().dialect.name)
    calls = s.execute(
        select(Call.id, Call.started_at, Call.channel, Call.outcome, Category.name,
               User.full_name, Call.summary)
        .outerjoin(Category, Category.id == Call.category_id)
        .outerjoin(User, User.id == Call.agent_id)
        .where(Call.caller_id.in_(ids)).order_by(Call.started_at, Call.id)).all() if ids else []
    links = _call_links(s, [c.id for c in calls])
    case_ids = set(s.scalars(select(Case.id).where(Case.caller_id.in_(ids)))) if ids else set()
    case_ids |= {case_id for pairs in links.values() for case_id, _ref in pairs}
    cases = sorted((row for chunk in _chunks(case_ids) for row in s.execute(
        select(Case, Category.name, Service.name, Caller.name)
        .join(Category, Category.id == Case.category_id)
        .join(Service, Service.id == Case.service_id)
        .outerjoin(Caller, Caller.id == Case.caller_id)
        .where(Case.id.in_(chunk)))), key=lambda row: (row[0].received_at, row[0].id))
    others = [name for case, _c, _s, name in cases if case.caller_id not in ids]
    others += _other_callers_on(s, case_ids, ids)
    scan = MentionScan(s, matcher, their_cases=case_ids, their_calls={c.id for c in calls},
                       their_callers=ids)
    complaints, complainants = _complaints(s, criterion, subject, matcher, ids, scan)
    redactor = Redactor(subject, [*others, *complainants])
    scan.scan_cases()
    scan.scan_notes()
    scan.scan_calls()
    callback_ids = their_callback_ids(s, subject, case_ids, {c.id for c in calls})
    scan.scan_callbacks(callback_ids)
    entries = _entries_by_case(s, [row[0].id for row in cases], redactor)
    return SubjectRecords(
        request_id=request_id, criterion=criterion, searched_at=searched_at,
        council_name=load_settings(s).council_name,
        callers=tuple(CallerRecord(*c) for c in callers),
        calls=tuple(_call_record(row, links, redactor) for row in calls),
        cases=tuple(_case_record(row, ids, redactor, entries.get(row[0].id, []))
                    for row in cases),
        complaints=tuple(_complaint_record(row, shown, redactor) for row, shown in complaints),
        mentions=scan.mentions(redactor),
        callbacks=callback_records(s, callback_ids, subject, case_ids, redactor))


def _find_callers(s: Session, criterion: SubjectCriterion) -> list:
    columns = (Caller.id, Caller.name, Caller.phone_e164, Caller.phone_raw, Caller.email,
               Caller.address, Caller.postcode, Caller.created_at, Caller.updated_at)
    term = criterion.term
    if criterion.kind == "phone":
        where = Caller.phone_e164 == term
    elif criterion.kind == "name":
        where = Caller.id.in_(intersect(*(select(CallerNameWord.caller_id)
                                          .where(CallerNameWord.word == word)
                                          for word in search_words(term))))
    elif criterion.kind == "postcode":
        where = or_(Caller.postcode == term,
                    Caller.uprn.in_(select(Property.uprn).where(Property.postcode == term)))
    else:
        where = func.lower(Caller.email) == term
    return s.execute(select(*columns).where(where).order_by(Caller.id)).all()


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    return (ordered[start:start + CHUNK] for start in range(0, len(ordered), CHUNK))


def _subject(criterion: SubjectCriterion, callers: list) -> Subject:
    names = {name_words(c.name): c.name for c in callers if len(name_words(c.name)) >= 2}
    phones = {c.phone_e164 for c in callers if c.phone_e164}
    emails = {c.email.lower() for c in callers if c.email}
    addresses = {" ".join(c.address.lower().split()) for c in callers if c.address}
    if criterion.kind == "name":
        names.setdefault(name_words(criterion.term), criterion.term)
    elif criterion.kind == "phone":
        phones.add(criterion.term)
    elif criterion.kind == "email":
        emails.add(criterion.term)
    return Subject(frozenset(phones), tuple(names.values()), frozenset(emails),
                   frozenset(addresses))


def _call_links(s: Session, call_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    links: dict[int, list[tuple[int, str]]] = {}
    for chunk in _chunks(call_ids):  # a call's links are all in its chunk, in order
        for call_id, case_id, reference in s.execute(
                select(CallCase.call_id, CallCase.case_id, Case.reference)
                .join(Case, Case.id == CallCase.case_id)
                .where(CallCase.call_id.in_(chunk)).order_by(Case.reference)):
            links.setdefault(call_id, []).append((case_id, reference))
    return links


def _other_callers_on(s: Session, case_ids: set[int], theirs: set[int]) -> list[str]:
    """The names of the other callers whose calls joined the person's cases."""
    names: dict[str, None] = {}
    for chunk in _chunks(case_ids):
        names.update(dict.fromkeys(s.scalars(
            select(Caller.name).distinct().join(Call, Call.caller_id == Caller.id)
            .join(CallCase, CallCase.call_id == Call.id)
            .where(CallCase.case_id.in_(chunk), Caller.id.not_in(theirs or {0}),
                   Caller.name.is_not(None)))))
    return list(names)


def _complaints(s: Session, criterion: SubjectCriterion, subject: Subject,
                matcher: TextMatcher, ids: set[int], scan: MentionScan):
    """([(row, fields to show)], other complainants' names); mentions go to ``scan``."""
    c = Complaint
    tests = [c.caller_id.in_(ids)] if ids else []
    if subject.phones:
        tests.append(c.complainant_phone.in_(subject.phones))
    if subject.emails:
        tests.append(func.lower(c.complainant_email).in_(subject.emails))
    if criterion.kind == "postcode":
        tests += [c.complainant_address.ilike(f"%{criterion.term}%"),
                  c.complainant_address.ilike(f"%{criterion.term.replace(' ', '')}%")]
    tests += [t for t in (matcher.narrowing(c.complainant_name), matcher.narrowing(c.description),
                          matcher.narrowing(c.desired_outcome)) if t is not None]
    if not tests:
        return [], []
    linked_case = aliased(Case)
    query = (select(c, Service.name, linked_case.reference)
             .join(Service, Service.id == c.service_id)
             .outerjoin(linked_case, linked_case.id == c.case_id)
             .where(or_(*tests)).order_by(c.received_on, c.id)
             .execution_options(yield_per=500))
    theirs, others = [], []
    for row in s.execute(query):
        complaint = row[0]
        identified, shown = _complainant_fields(complaint, criterion, subject)
        if identified or complaint.caller_id in ids:
            theirs.append((row, shown))
            if not shown["name"] and complaint.complainant_name:
                others.append(complaint.complainant_name)
            continue
        for place, text in (("complaint description", complaint.description),
                            ("desired outcome", complaint.desired_outcome)):
            if found := matcher.find(text):
                scan.add_complaint(complaint.reference, complaint.received_on,
                                   complaint.caller_id, complaint.complainant_name, place, text,
                                   found)
        name = complaint.complainant_name or ""
        if frozenset(name_words(name)) in subject.name_word_sets:
            scan.add_complaint(complaint.reference, complaint.received_on, complaint.caller_id,
                               None, "complainant's name", name, [Found(0, len(name), "name")])
    return theirs, others


def _complainant_fields(complaint: Complaint, criterion: SubjectCriterion,
                        subject: Subject) -> tuple[bool, dict[str, bool]]:
    """(the complainant is the person, which complainant fields to show rather than redact).

    The complainant is the person when their phone or e-mail is the person's (their name
    too when a name was searched, their address when a postcode was). Then every field
    shows, unless their phone or e-mail is someone else's: a complaint made for the person
    by another, its blanks filled from the person's caller record, shows only the fields
    that are the person's own. A name alone is no proof: that complaint is flagged apart.
    """
    phone, email = complaint.complainant_phone, (complaint.complainant_email or "").lower()
    address = " ".join((complaint.complainant_address or "").lower().split())
    words = frozenset(name_words(complaint.complainant_name))
    searched_name = criterion.kind == "name" and bool(words) and (
        words >= frozenset(name_words(criterion.term)))
    searched_postcode = criterion.kind == "postcode" and (
        criterion.term.replace(" ", "").lower() in address.replace(" ", ""))
    own = {"phone": bool(phone) and phone in subject.phones,
           "email": bool(email) and email in subject.emails,
           "name": searched_name or (bool(words) and words in subject.name_word_sets),
           "address": searched_postcode or (bool(address) and address in subject.addresses)}
    identified = own["phone"] or own["email"] or searched_name or searched_postcode
    conflict = (phone and not own["phone"]) or (email and not own["email"])
    if identified and not conflict:
        return True, dict.fromkeys(own, True)
    return identified, own


def _call_record(row, links, redactor: Redactor) -> CallRecord:
    call_id, started, channel, outcome, category, agent, summary = row
    text, check = redactor.clean(summary)
    return CallRecord(call_id, started, channel, outcome, category, agent, text,
                      tuple(reference for _id, reference in links.get(call_id, [])), check)


def _case_record(row, theirs: set[int], redactor: Redactor,
                 entries: list[CaseEntry]) -> CaseRecord:
    case, category, service, caller_name = row
    mine = case.caller_id in theirs
    if case.caller_id is None:
        caller = None
    else:
        caller = (caller_name or "(no name given)") if mine else REDACTED
    description, check = redactor.clean(case.description)
    return CaseRecord(
        reference=case.reference,
        relation="you reported it" if mine else "your call was added to it",
        received_at=case.received_at, category=category, service=service, status=case.status,
        priority=case.priority, description=description or "", location=case.location,
        postcode=case.postcode, caller=caller, due_at=case.due_at, closed_at=case.closed_at,
        anonymised=case.anonymised_at is not None,
        entries=tuple(sorted(entries, key=lambda e: e.at)), check=check)


def _entries_by_case(s: Session, case_ids: list[int],
                     redactor: Redactor) -> dict[int, list[CaseEntry]]:
    """Each case's notes, then status changes, then holds (each in the order written):
    one query per kind for a chunk of cases, not three per case."""
    staff = aliased(User)
    entries: dict[int, list[CaseEntry]] = defaultdict(list)
    for chunk in _chunks(case_ids):
        for case_id, at, by, visibility, body in s.execute(
                select(CaseNote.case_id, CaseNote.created_at, staff.full_name,
                       CaseNote.visibility, CaseNote.body)
                .outerjoin(staff, staff.id == CaseNote.author_id)
                .where(CaseNote.case_id.in_(chunk)).order_by(CaseNote.id)):
            text, check = redactor.clean(body)
            entries[case_id].append(CaseEntry(at, "note", by, text or "", visibility, check))
        for case_id, at, by, old, new, reason in s.execute(
                select(CaseStatusChange.case_id, CaseStatusChange.changed_at, staff.full_name,
                       CaseStatusChange.from_status, CaseStatusChange.to_status,
                       CaseStatusChange.reason)
                .outerjoin(staff, staff.id == CaseStatusChange.changed_by_id)
                .where(CaseStatusChange.case_id.in_(chunk)).order_by(CaseStatusChange.id)):
            why, check = redactor.clean(reason)
            text = (f"{old} to {new}" if old else f"opened as {new}") + (f": {why}" if why else "")
            entries[case_id].append(CaseEntry(at, "status change", by, text, None, check))
        for case_id, start, end, by, reason in s.execute(
                select(CaseHold.case_id, CaseHold.started_at, CaseHold.ended_at,
                       staff.full_name, CaseHold.reason)
                .outerjoin(staff, staff.id == CaseHold.started_by_id)
                .where(CaseHold.case_id.in_(chunk)).order_by(CaseHold.id)):
            why, check = redactor.clean(reason)
            until = f"until {end.astimezone(LONDON):%d %b %Y %H:%M}" if end else "still on hold"
            entries[case_id].append(
                CaseEntry(start, "hold", by, f"waiting for you, {until}: {why}", None, check))
    return entries


def _complaint_record(row, shown: dict[str, bool], redactor: Redactor) -> ComplaintRecord:
    complaint, service, case_reference = row
    description, check = redactor.clean(complaint.description)
    wants, wants_check = redactor.clean(complaint.desired_outcome)

    def own(field: str, value: str | None) -> str | None:
        return value if shown[field] or value is None else REDACTED

    return ComplaintRecord(
        reference=complaint.reference, received_on=complaint.received_on, service=service,
        status=complaint.status, stage=complaint.current_stage,
        complainant_name=own("name", complaint.complainant_name),
        complainant_phone=own("phone", complaint.complainant_phone),
        complainant_email=own("email", complaint.complainant_email),
        complainant_address=own("address", complaint.complainant_address),
        case_reference=case_reference, description=description or "", desired_outcome=wants,
        closed_on=complaint.closed_on, check=check or wants_check)
