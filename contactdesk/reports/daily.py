"""The daily call summary: a supervisor prints it at the end of each day."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from ..dtos.callbacks import KeptOnTime
from ..dtos.complaints_register import ComplaintReport
from ..dtos.ledger import LedgerFigures
from ..dtos.reports import DailyReportData, DailySummary
from ..dtos.stats import NO_DATA
from ..formats import count, percent, seconds
from .callbacks import callbacks_day
from .charts import calls_and_service_level
from .ledger import ledger_day
from .pdf import PAGE, ReportFrame, escape, styles, table, write_pdf

WIDTH = PAGE[0] - 32 * mm


def render_daily(data: DailyReportData, out: Path | str, *, generated_at: datetime,
                 ledger: LedgerFigures | None = None,
                 callbacks: KeptOnTime | None = None) -> Path:
    """Write the day's summary PDF at ``out`` (with the call-to-case ledger when given)."""
    definition, summary = data.definition, data.summary
    frame = ReportFrame(
        title=f"Daily call summary, {data.day:%d %B %Y}", council_name=data.council_name,
        foot_lines=(f"Definitions: {definition.describe()}",
                    f"Data: call handling from {summary.calls.source_label}; enquiries, cases and "
                    "agents from calls logged in ContactDesk. Times are UK local time."),
        generated_at=generated_at)
    threshold = f"{definition.threshold_seconds:g}"
    story = _story(summary, data.complaints, threshold)
    if callbacks is not None:  # beside the call handling figures
        story += callbacks_day(callbacks, WIDTH)
    if ledger is not None:
        story += ledger_day(ledger, WIDTH)
    return write_pdf(out, frame, story)


def _story(summary: DailySummary, complaints: ComplaintReport, threshold: str) -> list:
    s = styles()
    story = [Paragraph("Daily call summary", s["title"]),
             Paragraph(escape(f"{summary.day:%A %d %B %Y}"), s["subtitle"])]
    if not summary.has_data and not complaints.total.received and not complaints.total.closed:
        story.append(Paragraph(
            "No calls, enquiries or cases were recorded on this day. If calls were taken, check "
            "that the telephony log for the day has been imported.", s["body"]))
        return story
    f = summary.calls.figures
    c = f.counts
    if not summary.has_data:
        story.append(Paragraph("No calls, enquiries or cases were recorded on this day.", s["body"]))
        return story + _complaints(complaints)
    calls = summary.calls

    def figure(key: str, text: str, figures=None) -> str:
        return NO_DATA if calls.gap(key, figures=figures) else text

    story += [Paragraph("Call handling", s["h2"]), table(
        ["Calls offered", "Answered", "Abandoned", f"% answered within {threshold} s",
         "% abandoned", "Average speed of answer", "Longest wait"],
        [[count(c.offered), count(c.answered), figure("abandoned", count(c.abandoned)),
          figure("service_level", percent(f.service_level)),
          figure("abandon_rate", percent(f.abandon_rate)),
          figure("asa_seconds", seconds(f.asa_seconds)),
          figure("longest_wait_seconds", seconds(c.longest_wait))]],
        [WIDTH / 7] * 7, right=range(7))]
    reasons = dict.fromkeys(r for key in ("abandoned", "service_level", "abandon_rate",
                                          "asa_seconds", "longest_wait_seconds")
                            if (r := calls.gap(key, "for this day")))
    for reason in reasons:
        story.append(Paragraph(escape(f"No data: {reason}."), s["note"]))
    if c.unresolved:
        story.append(Paragraph(f"{c.unresolved} calls were still waiting when the log ended "
                               "and are not counted above.", s["note"]))
    story += _hours(summary, threshold)
    story += _enquiries(summary)
    story += [Paragraph("Cases", s["h2"]), table(
        ["Cases created", "Resolved at first contact", "Overdue at the end of the day"],
        [[count(summary.cases_created), count(summary.resolved_first_contact),
          count(summary.overdue_at_close)]], [WIDTH / 3] * 3, right=range(3))]
    story += _agents(summary)
    story += _complaints(complaints)
    return story


def _hours(summary: DailySummary, threshold: str) -> list:
    s = styles()
    groups = summary.calls.groups
    if not groups:
        return []
    calls = summary.calls

    def figure(g, key: str, text: str) -> str:
        return NO_DATA if calls.gap(key, figures=g) else text

    chart_levels = [None if calls.gap("service_level", figures=g) else g.service_level
                    for _, g in groups]
    labels = [f"{hour:02d}:00" for hour, _ in groups]
    chart = calls_and_service_level(
        labels, [g.counts.offered for _, g in groups], chart_levels,
        width=WIDTH, height=62 * mm, level_label=f"% answered within {threshold} s")
    rows = [[f"{hour:02d}:00-{hour + 1:02d}:00", count(g.counts.offered), count(g.counts.answered),
             figure(g, "abandoned", count(g.counts.abandoned)),
             figure(g, "service_level", percent(g.service_level)),
             figure(g, "abandon_rate", percent(g.abandon_rate)),
             figure(g, "asa_seconds", seconds(g.asa_seconds))] for hour, g in groups]
    widths = [WIDTH * w for w in (0.18, 0.12, 0.13, 0.14, 0.15, 0.14, 0.14)]
    return [KeepTogether([Paragraph("Calls and service level by hour", s["h2"]), chart]),
            Spacer(1, 2 * mm),
            table(["Hour", "Offered", "Answered", "Abandoned", f"Within {threshold} s",
                   "Abandoned %", "ASA"], rows, widths, right=range(1, 7))]


def _enquiries(summary: DailySummary) -> list:
    s = styles()
    if not summary.enquiries:
        return [Paragraph("Enquiries logged", s["h2"]),
                Paragraph("No enquiries were logged in ContactDesk on this day.", s["body"])]
    total = summary.enquiries
    categories = [[name, count(n), percent(n / total)] for name, n in summary.by_category]
    services = [[name, count(n), percent(n / total)] for name, n in summary.by_service]
    widths = [WIDTH * 0.6, WIDTH * 0.2, WIDTH * 0.2]
    return [Paragraph("Enquiries logged by service", s["h2"]),
            table(["Service", "Enquiries", "Share"], services + [["Total", count(total), "100.00%"]],
                  widths, right=(1, 2), bold_last=True),
            Paragraph("Enquiries logged by category", s["h2"]),
            table(["Category", "Enquiries", "Share"], categories, widths, right=(1, 2))]


def _agents(summary: DailySummary) -> list:
    s = styles()
    if not summary.agents:
        return []
    rows = [[a.name, count(a.calls), seconds(a.average_handle_seconds), count(a.cases)]
            for a in summary.agents]
    return [Paragraph("Agents", s["h2"]),
            table(["Agent", "Calls logged", "Average handle time", "Cases created"], rows,
                  [WIDTH * 0.4, WIDTH * 0.2, WIDTH * 0.2, WIDTH * 0.2], right=(1, 2, 3)),
            Paragraph("Handle time runs from answering the call to saving it in ContactDesk "
                      "(talk, hold and wrap-up).", s["note"])]


def _complaints(report: ComplaintReport) -> list:
    s = styles()
    t = report.total
    return [Paragraph("Complaints", s["h2"]), table(
        ["Received", "Answered", "Upheld", "Partly upheld", "Not upheld", "Withdrawn"],
        [[count(t.received), count(t.closed), count(t.upheld), count(t.partly_upheld),
          count(t.not_upheld), count(t.withdrawn)]], [WIDTH / 6] * 6, right=range(6))]
