"""The complaints report: what was closed in a period, as the council's performance report
lays it out (Description | Lessons Learnt | Service | Status | Time Taken), then totals
overall, by service and by stage.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from ..dtos.complaints_register import AnsweredStage, ComplaintReport
from ..dtos.reports import ComplaintsReportData
from ..formats import count, percent
from .pdf import FONT, FONT_BOLD, PAGE, ReportFrame, escape, styles, table, write_pdf

WIDTH = PAGE[0] - 32 * mm
REGISTER_HEADER = ("Description", "Lessons Learnt", "Service", "Status", "Time Taken")
REGISTER_WIDTHS = tuple(WIDTH * w for w in (0.33, 0.30, 0.13, 0.12, 0.12))
TOTALS_HEADER = ("", "Received", "Closed", "Upheld", "Partly upheld", "Not upheld", "Withdrawn",
                 "Average working days", "Within deadline")
DEFINITIONS = (
    "Definitions: working days exclude weekends and England and Wales bank holidays; the day a "
    "stage opens is day 0. Upheld, partly and not upheld are shares of the complaints decided "
    "(withdrawn ones are not decided). Within deadline: decisions made by the stage's deadline, "
    "extension included.",
    "Data: complaints logged in ContactDesk.",
)
COUNTING = (
    "How these are counted: Received counts complaints by the day they arrived (by stage: the "
    "day each stage opened). Closed counts each stage answered in the period, so a complaint "
    "answered at Stage 1 and at Stage 2 counts at both. Time taken runs from the day a stage "
    "opened to the day it was answered. Deadlines: Stage 1, 10 working days plus at most one "
    "extension of up to 10; Stage 2, 20; member review panel, 20 (the council's own target). "
    "Ombudsman decisions have no council deadline and are left out of the deadline share."
)


def render_complaints(data: ComplaintsReportData, out: Path | str, *,
                      generated_at: datetime) -> Path:
    """Write the complaints report for the data's period at ``out``."""
    frame = ReportFrame(title=f"Complaints, {_span(data.since, data.until)}",
                        council_name=data.council_name, foot_lines=DEFINITIONS,
                        generated_at=generated_at)
    return write_pdf(out, frame, story(data.complaints))


def _span(since: date, until: date) -> str:
    if since == until:
        return f"{since:%d %B %Y}"
    return f"{since:%d %B %Y} to {until:%d %B %Y}"


def story(report: ComplaintReport) -> list:
    s = styles()
    flow = [Paragraph("Complaints", s["title"]),
            Paragraph(escape(_span(report.since, report.until)), s["subtitle"]),
            Paragraph(escape(_summary_sentence(report)), s["body"])]
    flow += [Paragraph("Totals", s["h2"]), _totals([report.total]), Spacer(1, 1.5 * mm),
             Paragraph(escape(COUNTING), s["note"])]
    if report.by_service:
        flow += [Paragraph("By service", s["h2"]), _totals(report.by_service)]
    if report.by_stage:
        flow += [Paragraph("By stage", s["h2"]), _totals(report.by_stage)]
    heading = Paragraph("Complaints closed", s["h2"])
    if report.answered:
        # The heading goes with the table: onto the next page if the table starts there.
        flow.append(KeepTogether([heading, Paragraph(escape(
            f"The following complaints were closed between {report.since:%d %B %Y} and "
            f"{report.until:%d %B %Y}:"), s["body"]), Spacer(1, 1.5 * mm),
            _register(report.answered)]))
    else:
        flow += [heading, Paragraph("No complaint was closed in this period.", s["body"])]
    return flow


def _summary_sentence(report: ComplaintReport) -> str:
    total = report.total
    text = (f"{_n(total.received, 'complaint')} received and {_n(total.closed, 'stage')} "
            f"closed; {report.open_at_end} still open at the end of the period.")
    if total.decided:
        text += (f" Of the {total.decided} decided, {percent(total.share(total.upheld))} were "
                 f"upheld and {percent(total.share(total.partly_upheld))} partly upheld.")
    return text


def _n(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _totals(tallies) -> object:
    rows = [[t.name, count(t.received), count(t.closed), percent(t.share(t.upheld)),
             percent(t.share(t.partly_upheld)), percent(t.share(t.not_upheld)),
             count(t.withdrawn),
             "–" if t.average_working_days is None else f"{t.average_working_days:.1f}",
             percent(t.within_deadline_share)] for t in tallies]
    return table(TOTALS_HEADER, rows, _totals_widths(), right=range(1, 9))


def _totals_widths() -> list[float]:
    """Each figure column as wide as its longest heading word (no word broken), the name the rest."""
    padding = 13  # the table cells pad 6 points each side; one more for rounding
    figures = [max(max(stringWidth(word, FONT_BOLD, 8.5) for word in title.split()),
                   stringWidth("100.00%", FONT, 8.5)) + padding for title in TOTALS_HEADER[1:]]
    return [WIDTH - sum(figures), *figures]


def _register(answered: tuple[AnsweredStage, ...]) -> object:
    s = styles()
    rows = []
    for a in answered:
        description = Paragraph(
            f"<font size=7.5><b>{escape(a.reference)}</b> · {escape(a.stage_label)}</font>"
            f"<br/>{escape(a.description)}", s["cell"])
        lessons = a.lessons_learnt or "None recorded"
        if a.remedy:
            lessons += f"\nRemedy: {a.remedy}"
        rows.append([description, Paragraph(escape(lessons).replace("\n", "<br/>"), s["cell"]),
                     a.service, a.outcome_label, _time_taken(a)])
    return table(REGISTER_HEADER, rows, REGISTER_WIDTHS)


def _time_taken(answer: AnsweredStage) -> Paragraph:
    s = styles()
    days = answer.working_days
    text = f"{days} working day{'' if days == 1 else 's'}"
    detail = f"{answer.calendar_days} calendar"
    if answer.within_deadline is False:
        detail += ", late"
    return Paragraph(f"{escape(text)}<br/><font size=7>{escape(detail)}</font>", s["cell"])
