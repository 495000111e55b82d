"""The subject access PDF: what the council holds about the requester, then each record.

Written to the person who asked ("you"; the summary first, plain headings), in
the house style. Entries still to be read before sending are marked "Check",
and other people's records that mention the requester are listed last under
their own heading: they are for the council to check, not to send as they are.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..domain.working_time import LONDON
from ..dtos.subject_access import CallbackRecord, CaseRecord, ComplaintRecord, SubjectRecords
from .pdf import HEAD, PAGE, RULE, ReportFrame, escape, styles, table, write_pdf

WIDTH = PAGE[0] - 32 * mm
TITLE = "Subject access request"
MENTIONS_HEADING = "Mentioned in; check before disclosing"
NOTES = (
    "Other people's names and phone numbers in these records are shown as [redacted]. "
    "Free text is shown as staff typed it, with every phone number other than yours and the "
    "names of other people on these records removed; an entry marked Check may still name "
    "someone else and is to be read by the council before this response is sent.",
    "The names of council staff are shown: they appear because they handled your contact in "
    "their role for the council.",
    "Dates and times are UK local time. The council's audit trail keeps earlier versions of "
    "these same records as they changed; they are not repeated here.",
)
FOOT = ("Data: every caller, call, case, note, status change, hold, callback and complaint "
        "held in "
        "ContactDesk that matched the request, and other records whose text mentions the "
        "person.",)


def render_subject_access(records: SubjectRecords, out: Path | str, *,
                          generated_at: datetime) -> Path:
    """Write the request's PDF at ``out``."""
    frame = ReportFrame(title=f"{TITLE} {records.request_id}", council_name=records.council_name,
                        foot_lines=FOOT, generated_at=generated_at)
    return write_pdf(out, frame, story(records))


def when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.astimezone(LONDON):%d %b %Y %H:%M}"
    return f"{value:%d %b %Y}"


def _plural(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def story(records: SubjectRecords) -> list:
    s = styles()
    counts = records.counts()
    flow = [Paragraph(TITLE, s["title"]),
            Paragraph(escape(f"Request {records.request_id}, searched by "
                             f"{records.criterion.describe()} on {when(records.searched_at)}"),
                      s["subtitle"]),
            Paragraph(escape(_summary(records)), s["body"]),
            Paragraph("What is held", s["h2"]),
            table(("Records", "Number"), [
                ("Your details (caller records)", counts["callers"]),
                ("Calls", counts["calls"]), ("Cases", counts["cases"]),
                ("Notes on those cases", counts["notes"]),
                ("Complaints", counts["complaints"]),
                ("Callbacks (calls back asked for)", counts["callbacks"]),
                ("Other people's records that mention you (to check)", counts["mentions"])],
                (WIDTH * 0.7, WIDTH * 0.3), right=(1,)),
            Paragraph("Notes on this response", s["h2"])]
    flow += [Paragraph(escape(note), s["note"]) for note in NOTES]
    flow += _callers(records) + _calls(records) + _cases(records) + _complaints(records)
    flow += _callbacks(records)
    flow += _mentions(records)
    return flow


def _summary(records: SubjectRecords) -> str:
    if not records.record_count and not records.mentions:
        return "The council holds no record matching this request."
    text = (f"The council holds {_plural(len(records.callers), 'record')} of your details, "
            f"{_plural(len(records.calls), 'call')}, {_plural(len(records.cases), 'case')}, "
            f"{_plural(len(records.complaints), 'complaint')} and "
            f"{_plural(len(records.callbacks), 'callback')}.")
    if records.checks:
        text += (f" {_plural(records.checks, 'entry', 'entries')} marked Check to be read by "
                 "the council before sending.")
    if records.mentions:
        one = len(records.mentions) == 1
        text += (f" {_plural(len(records.mentions), 'record')} of other people "
                 f"{'mentions' if one else 'mention'} you: listed last, for the council to "
                 "check before anything of them is disclosed.")
    return text


def _callers(records: SubjectRecords) -> list:
    s = styles()
    if not records.callers:
        return [Paragraph("Your details", s["h2"]),
                Paragraph("No caller record matches this request.", s["body"])]
    rows = [(c.name or "", c.phone or "", c.email or "",
             ", ".join(p for p in (c.address, c.postcode) if p), when(c.created_at),
             when(c.updated_at)) for c in records.callers]
    widths = [WIDTH * w for w in (0.17, 0.17, 0.2, 0.22, 0.12, 0.12)]
    return [Paragraph("Your details", s["h2"]),
            table(("Name", "Phone", "E-mail", "Address", "First recorded", "Last updated"),
                  rows, widths)]


def _with_check(text: str | None, check: str) -> Paragraph:
    s = styles()
    body = escape(text or "").replace("\n", "<br/>")
    if check:
        body += f"<br/><i>Check: {escape(check)}</i>"
    return Paragraph(body, s["cell"])


def _calls(records: SubjectRecords) -> list:
    s = styles()
    if not records.calls:
        return []
    rows = [(when(c.started_at), c.channel, c.outcome.replace("_", " "), c.category or "",
             c.agent or "", _with_check(c.summary, c.check), ", ".join(c.cases))
            for c in records.calls]
    widths = [WIDTH * w for w in (0.12, 0.08, 0.11, 0.12, 0.12, 0.27, 0.18)]
    return [Paragraph("Calls", s["h2"]),
            table(("When", "Via", "Outcome", "About", "Agent", "Summary", "Cases"), rows,
                  widths)]


def _details(pairs) -> Table:
    """Label and value, one pair a row (empty values left out), without a head row."""
    s = styles()
    rows = [[Paragraph(escape(label), s["head"]),
             value if isinstance(value, Paragraph) else Paragraph(escape(value), s["cell"])]
            for label, value in pairs if value not in (None, "")]
    result = Table(rows, colWidths=[WIDTH * 0.2, WIDTH * 0.8], hAlign="LEFT")
    result.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, -1), HEAD), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]))
    return result


def _cases(records: SubjectRecords) -> list:
    s = styles()
    if not records.cases:
        return []
    flow = []
    for number, case in enumerate(records.cases):
        heading = [Paragraph("Cases", s["h2"])] if number == 0 else []  # kept with the first
        flow.append(KeepTogether([
            *heading, Paragraph(escape(f"{case.reference}: {case.category}"), s["body"]),
            Spacer(1, 1 * mm), _case_details(case)]))
        if case.entries:
            rows = [(when(e.at), e.kind + (f" ({e.visibility})" if e.visibility else ""),
                     e.by or "", _with_check(e.text, e.check)) for e in case.entries]
            flow.append(table(("When", "Entry", "By", "Text"), rows,
                              [WIDTH * w for w in (0.15, 0.15, 0.15, 0.55)]))
        flow.append(Spacer(1, 4 * mm))
    return flow


def _case_details(case: CaseRecord) -> Table:
    return _details([
        ("Why it is yours", case.relation), ("Received", when(case.received_at)),
        ("Service", case.service), ("Status", case.status.replace("_", " ")),
        ("Priority", case.priority), ("Due", when(case.due_at)), ("Closed", when(case.closed_at)),
        ("Location", ", ".join(p for p in (case.location, case.postcode) if p)),
        ("Caller", case.caller),
        ("Description", _with_check(case.description, case.check)),
        ("Anonymised", "yes: personal details removed under the retention policy"
         if case.anonymised else None)])


def _complaints(records: SubjectRecords) -> list:
    s = styles()
    if not records.complaints:
        return []
    flow = []
    for number, c in enumerate(records.complaints):
        heading = [Paragraph("Complaints", s["h2"])] if number == 0 else []
        flow += [KeepTogether([*heading, Paragraph(escape(f"{c.reference}: {c.service}"),
                                                   s["body"]),
                               Spacer(1, 1 * mm), _complaint_details(c)]), Spacer(1, 4 * mm)]
    return flow


def _complaint_details(c: ComplaintRecord) -> Table:
    return _details([
        ("Received", when(c.received_on)), ("Status", f"{c.status}, {c.stage.replace('_', ' ')}"),
        ("Closed", when(c.closed_on)), ("Complainant", c.complainant_name),
        ("Phone", c.complainant_phone), ("E-mail", c.complainant_email),
        ("Address", c.complainant_address), ("About case", c.case_reference),
        ("Complaint", _with_check(c.description, c.check)),
        ("Outcome wanted", c.desired_outcome)])


def _callbacks(records: SubjectRecords) -> list:
    s = styles()
    flow = []
    for number, c in enumerate(records.callbacks):
        heading = [Paragraph("Callbacks", s["h2"])] if number == 0 else []
        flow.append(KeepTogether([*heading, Paragraph(escape(
            f"Callback asked for on {when(c.requested_at)}"), s["body"]),
            Spacer(1, 1 * mm), _callback_details(c)]))
        if c.attempts:
            rows = [(when(a.at), a.by or "", a.outcome,
                     _with_check(a.dial_result, a.check)) for a in c.attempts]
            flow.append(table(("When", "By", "Outcome", "Phone system"), rows,
                              [WIDTH * w for w in (0.15, 0.15, 0.25, 0.45)]))
        flow.append(Spacer(1, 4 * mm))
    return flow


def _callback_details(c: CallbackRecord) -> Table:
    due = when(c.due_at) + (" (as soon as possible)" if c.as_soon_as_possible else "")
    return _details([
        ("Why it is yours", c.relation), ("Number to ring", c.phone),
        ("Asked for by", c.requested_by), ("Due", due), ("Status", c.status),
        ("Closed", when(c.closed_at)), ("About case", c.case_reference),
        ("Reason", _with_check(c.reason, c.check))])


def _mentions(records: SubjectRecords) -> list:
    s = styles()
    flow = [Paragraph(escape(MENTIONS_HEADING), s["h2"])]
    if not records.mentions:
        return flow + [Paragraph("No record of anyone else mentions you.", s["body"])]
    flow.append(Paragraph(escape(
        "For the council: these are other people's records whose text has the requester's "
        "phone number, name or e-mail. A name or number can belong to someone else, and these "
        "records hold other people's information: read each one, disclose only what is about "
        "the requester, and take this section out before sending."),
        s["note"]))
    flow.append(Spacer(1, 1.5 * mm))
    rows = [(m.reference, when(m.at), "; ".join(m.places), ", ".join(m.matched),
             Paragraph("<br/>".join(escape(e) for e in m.excerpts), s["cell"]))
            for m in records.mentions]
    flow.append(table(("Record", "Date", "Where", "Found", "Words around it"), rows,
                      [WIDTH * w for w in (0.17, 0.11, 0.19, 0.1, 0.43)]))
    return flow
