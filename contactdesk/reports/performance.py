"""The performance report: each indicator this year to date beside last year's.

As in the council's quarterly report, every indicator reads *YTD this year |
YTD last year | Difference* and says whether higher or lower performance is
better; differences of rates are in percentage points from unrounded values.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..domain.call_metrics import Comparison, financial_year_start, year_earlier
from ..dtos.callbacks import KeptOnTime
from ..dtos.complaints_register import ComplaintReport
from ..dtos.ledger import LedgerComparison
from ..dtos.reports import CaseComparison, PerformanceReportData
from ..dtos.stats import NO_DATA, YearToDate
from ..formats import count, percent, points, seconds
from .pdf import BETTER, PAGE, WORSE, ReportFrame, escape, styles, table, write_pdf

WIDTH = PAGE[0] - 32 * mm


def render_performance(data: PerformanceReportData, out: Path | str, *,
                       generated_at: datetime, ledger: LedgerComparison | None = None,
                       callbacks: tuple[KeptOnTime, KeptOnTime] | None = None) -> Path:
    """Write the performance report at ``out``: the span beside the same span a year earlier."""
    date_from, date_to = data.date_from, data.date_to
    last_from, last_to = year_earlier(date_from), year_earlier(date_to)
    frame = ReportFrame(
        title="Performance report", council_name=data.council_name,
        foot_lines=(f"Definitions: {data.definition.describe()} Differences of percentages are "
                    "in percentage points, from unrounded values.",
                    f"Data: call handling from {data.calls.this_year.source_label}; cases and "
                    "complaints from ContactDesk. Periods are UK local dates, inclusive."),
        generated_at=generated_at)
    s = styles()
    story = [Paragraph("Performance report", s["title"]),
             Paragraph(escape(f"{_day(date_from)} to {_day(date_to)}, compared with "
                              f"{_day(last_from)} to {_day(last_to)}"), s["subtitle"])]
    spans = (date_from, date_to, last_from, last_to)
    story += _call_handling(data.calls, spans)
    if callbacks is not None:  # this year's and last year's, beside the call handling
        from .callbacks import callbacks_compared

        story += callbacks_compared(*callbacks, spans, WIDTH)
    story += _case_handling(data.cases, spans)
    story += _complaints(data.complaints, data.complaints_last_year, spans)
    if ledger is not None:
        from .ledger import ledger_compared  # (which uses this module's cells)

        story += ledger_compared(ledger, spans, WIDTH)
    return write_pdf(out, frame, story)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def ytd_header(this_from: date, this_to: date, last_from: date, last_to: date) -> list[str]:
    """"YTD at ..." for a span from 1 April, as the council's report; the dates otherwise."""
    if this_from == financial_year_start(this_to):
        return ["Indicator", f"YTD at {this_to:%d %b %Y}", f"YTD at {last_to:%d %b %Y}",
                "Difference"]
    return ["Indicator", _short_span(this_from, this_to), _short_span(last_from, last_to),
            "Difference"]


def _short_span(start: date, end: date) -> str:
    return f"{start:%d %b %Y} to {end:%d %b %Y}" if start != end else f"{start:%d %b %Y}"


def indicator_cell(label: str, better: str | None) -> Paragraph:
    s = styles()
    note = f" <i>({better} performance is better)</i>" if better else ""
    return Paragraph(escape(label) + note, s["cell"])


def difference_cell(c: Comparison) -> Paragraph:
    s = styles()
    if c.difference is None:
        return Paragraph("–", s["cell_right"])
    if c.percentage:
        text = points(c.difference)
    elif c.key.endswith("_seconds"):
        text = f"{c.difference:+.1f} s"
    elif c.key.endswith("_days"):
        text = f"{c.difference:+.1f} days"
    else:
        text = f"{c.difference:+,.0f}"
    if c.better and c.difference != 0:
        improved = (c.difference > 0) == (c.better == "higher")
        colour = BETTER if improved else WORSE
        text += f' <font color="#{colour.hexval()[2:]}">{"better" if improved else "worse"}</font>'
    return Paragraph(text, s["cell_right"])


def _value(c: Comparison, value) -> str:
    if c.percentage:
        return percent(value)
    if c.key.endswith("_days"):
        return "–" if value is None else f"{value:.1f} days"
    return seconds(value) if c.key.endswith("_seconds") else count(value)


def _call_handling(ytd: YearToDate, spans: tuple[date, date, date, date]) -> list:
    s = styles()
    rows, reasons = [], {}
    for c in ytd.comparisons:
        gaps = [ytd.this_year.gap(c.key), ytd.last_year.gap(c.key)]
        reasons.update(dict.fromkeys(g for g in gaps if g))
        values = [NO_DATA if gap else _value(c, value)
                  for gap, value in zip(gaps, (c.this_year, c.last_year), strict=True)]
        difference = Paragraph("–", s["cell_right"]) if any(gaps) else difference_cell(c)
        rows.append([indicator_cell(c.label, c.better), *values, difference])
    return [Paragraph("Call handling", s["h2"]),
            table(ytd_header(*spans), rows,
                  [WIDTH * 0.38, WIDTH * 0.21, WIDTH * 0.21, WIDTH * 0.20], right=(1, 2, 3)),
            *[Paragraph(escape(f"No data: {reason}."), s["note"]) for reason in reasons]]


def _case_handling(cases: tuple[CaseComparison, ...], spans: tuple[date, date, date, date]) -> list:
    s = styles()
    rows = []
    for c in cases:
        t, last = c.this_year, c.last_year
        change = None if t.within_target is None or last.within_target is None else (
            100 * (t.within_target - last.within_target))
        rows.append([c.service, count(t.created), count(last.created), count(t.closed),
                     count(last.closed), percent(t.within_target), percent(last.within_target),
                     points(change)])
    this_year, last_year = f"{spans[1]:%Y}", f"{spans[3]:%Y}"
    header = ["Service", f"Created {this_year}", f"Created {last_year}", f"Finished {this_year}",
              f"Finished {last_year}", f"Within target {this_year}", f"Within target {last_year}",
              "Difference"]
    widths = [WIDTH * w for w in (0.22, 0.10, 0.10, 0.10, 0.10, 0.12, 0.12, 0.14)]
    return [Paragraph("Case handling by service", s["h2"]),
            Paragraph("% of cases finished within their service target <i>(higher performance is "
                      "better)</i>. Created: cases received in the period; finished: first resolved "
                      "or closed in it (duplicates and withdrawn cases left out); within target: "
                      "finished no later than the due time.", s["note"]),
            table(header, rows, widths, right=range(1, 8), bold_last=True)]


def _complaints(this: ComplaintReport, last: ComplaintReport,
                spans: tuple[date, date, date, date]) -> list:
    s = styles()
    t, p = this.total, last.total

    def row(key, label, mine, theirs, better, pct):
        c = Comparison(key, label, mine, theirs, better, pct)
        return [indicator_cell(label, better), _value(c, mine), _value(c, theirs), difference_cell(c)]

    rows = [
        row("received", "Complaints received", t.received, p.received, None, False),
        row("closed", "Complaint stages answered", t.closed, p.closed, None, False),
        row("upheld", "% upheld (of decisions)", t.share(t.upheld), p.share(p.upheld), "lower", True),
        row("partly", "% partly upheld", t.share(t.partly_upheld), p.share(p.partly_upheld), None,
            True),
        row("not_upheld", "% not upheld", t.share(t.not_upheld), p.share(p.not_upheld), None, True),
        row("within", "% answered within the deadline", t.within_deadline_share,
            p.within_deadline_share, "higher", True),
        row("working_days", "Average working days to answer", t.average_working_days,
            p.average_working_days, "lower", False),
    ]
    return [Paragraph("Complaints", s["h2"]),
            table(ytd_header(*spans), rows,
                  [WIDTH * 0.38, WIDTH * 0.21, WIDTH * 0.21, WIDTH * 0.20], right=(1, 2, 3))]
