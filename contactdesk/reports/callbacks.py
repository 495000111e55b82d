""""Callbacks kept on time" in the PDFs: one row in the daily summary, this year against
last in the performance report, each with its definition printed below."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Paragraph

from ..domain.call_metrics import Comparison
from ..dtos.callbacks import KEPT_ON_TIME_DEFINITION, KeptOnTime
from ..formats import count, percent
from .pdf import escape, styles, table

LABEL = "Callbacks kept on time"


def kept_text(figure: KeptOnTime) -> str:
    """"75.00% (3 of 4)", or an en dash when none fell due."""
    if not figure.due:
        return "– (none due)"
    return f"{percent(figure.share)} ({count(figure.kept)} of {count(figure.due)})"


def callbacks_day(figure: KeptOnTime, width: float) -> list:
    s = styles()
    return [Paragraph("Callbacks", s["h2"]),
            table(["Indicator", "Value"], [[LABEL, kept_text(figure)]],
                  [width * 0.6, width * 0.4], right=(1,)),
            Paragraph(escape(KEPT_ON_TIME_DEFINITION), s["note"])]


def callbacks_compared(this_year: KeptOnTime, last_year: KeptOnTime,
                       spans: tuple[date, date, date, date], width: float) -> list:
    from .performance import difference_cell, indicator_cell, ytd_header

    s = styles()
    comparison = Comparison("callbacks_kept_on_time", LABEL, this_year.share, last_year.share,
                            "higher", True)
    rows = [[indicator_cell(LABEL, "higher"), kept_text(this_year), kept_text(last_year),
             difference_cell(comparison)]]
    return [Paragraph("Callbacks", s["h2"]),
            table(ytd_header(*spans), rows,
                  [width * 0.38, width * 0.21, width * 0.21, width * 0.20], right=(1, 2, 3)),
            Paragraph(escape(KEPT_ON_TIME_DEFINITION), s["note"])]
