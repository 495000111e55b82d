"""The call-to-case ledger in the printed reports: the day's figures in the daily summary,
this year against last in the performance report, each with its definitions printed."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from ..domain.call_metrics import Comparison
from ..dtos.ledger import (
    ACTION_LABELS,
    DEFINITIONS,
    NOTHING_LOGGED_TARGET,
    LedgerComparison,
    LedgerFigures,
    LedgerGroup,
)
from ..dtos.stats import NO_DATA
from ..formats import count, percent
from .pdf import BETTER, WORSE, escape, styles, table

TITLE = "Call-to-case ledger"
GROUP_ROWS = 12  # the busiest categories and services; the rest summed in one row


def ledger_day(ledger: LedgerFigures, width: float) -> list:
    """The day's ledger: headline figures, what the agents did, cost per case."""
    s = styles()
    story = [Paragraph(TITLE, s["h2"])]
    reason = ledger.gap()
    if reason:
        return story + [Paragraph(escape(f"No data: {reason}."), s["body"]),
                        *_definitions(("answered", "nothing_logged"))]
    story += [headline_table(ledger, width)]
    if ledger.over_target:
        story.append(Paragraph(escape(
            f"Nothing logged is over the {NOTHING_LOGGED_TARGET:.0%} target: answered calls "
            "without a call logged in ContactDesk."), s["note"]))
    if ledger.days_without_calls:
        story.append(Paragraph(escape(
            f"{ledger.days_without_calls} day(s) with answered calls but no call logged in "
            "ContactDesk are left out."), s["note"]))
    linked = ledger.linked
    rows = [[ACTION_LABELS[key], count(n), percent(n / linked) if linked else "–"]
            for key, n in ledger.actions]
    story.append(table(["What the agent did", "Linked calls", "Share"],
                       rows + [["All linked calls", count(linked), "100.00%" if linked else "–"]],
                       [width * 0.6, width * 0.2, width * 0.2], right=(1, 2), bold_last=True))
    story += group_tables(ledger, width)
    return story + _definitions(tuple(DEFINITIONS))


def headline_table(ledger: LedgerFigures, width: float):
    answered = ledger.answered
    return table(
        ["Answered calls", "Linked exactly", "Matched by time", "Nothing logged",
         "First-contact resolution", "Avoidable contact"],
        [[count(answered), _with_share(ledger.exact, answered),
          _with_share(ledger.by_time, answered), _with_share(ledger.nothing_logged, answered),
          _rate(ledger, "first_contact_resolution"), _rate(ledger, "avoidable_contact")]],
        [width / 6] * 6, right=range(6))


def group_tables(ledger: LedgerFigures, width: float) -> list:
    s = styles()
    widths = [width * w for w in (0.34, 0.11, 0.13, 0.1, 0.16, 0.16)]
    header = ["{}", "Linked calls", "Agent minutes", "Cases", "Calls per case", "Minutes per case"]
    story = []
    for name, groups in (("Category", ledger.by_category), ("Service", ledger.by_service)):
        rows = [_group_row(g) for g in _top(groups)] + [_group_row(ledger.total, "All")]
        story += [KeepTogether([
            Paragraph(f"Calls and agent minutes per case by {name.lower()}", s["h2"]),
            table([h.format(name) for h in header], rows, widths, right=range(1, 6),
                  bold_last=True)])]
    return story


def _top(groups: tuple[LedgerGroup, ...]) -> list[LedgerGroup]:
    if len(groups) <= GROUP_ROWS:
        return list(groups)
    rest = groups[GROUP_ROWS - 1:]
    other = LedgerGroup(f"Other ({len(rest)})", sum(g.calls for g in rest),
                        sum(g.talk_seconds for g in rest), sum(g.cases for g in rest),
                        sum(g.case_calls for g in rest), sum(g.case_talk_seconds for g in rest))
    return [*groups[:GROUP_ROWS - 1], other]


def _group_row(g: LedgerGroup, name: str | None = None) -> list[str]:
    return [name or g.name, count(g.calls), f"{g.talk_seconds / 60:,.1f}", count(g.cases),
            "–" if g.calls_per_case is None else f"{g.calls_per_case:.2f}",
            "–" if g.minutes_per_case is None else f"{g.minutes_per_case:.1f}"]


def _with_share(part: int, whole: int) -> str:
    return f"{count(part)} ({percent(part / whole)})" if whole else count(part)


def _rate(ledger: LedgerFigures, key: str) -> str:
    return NO_DATA if ledger.gap(key) else percent(getattr(ledger, key))


def _definitions(keys) -> list:
    s = styles()
    return [Spacer(1, 2 * mm), Paragraph("<b>Ledger definitions</b>", s["note"]),
            *[Paragraph(escape(DEFINITIONS[key]), s["note"]) for key in keys]]


def ledger_compared(compared: LedgerComparison, spans: tuple[date, date, date, date],
                    width: float) -> list:
    """This span against the same span a year earlier, in the house style."""
    from .performance import difference_cell, indicator_cell, ytd_header

    s = styles()
    rows, reasons = [], {}
    for c in compared.comparisons:
        gaps = [compared.gap(c.key, compared.this_year), compared.gap(c.key, compared.last_year)]
        reasons.update(dict.fromkeys(g for g in gaps if g))
        values = [NO_DATA if gap else _value(c, value)
                  for gap, value in zip(gaps, (c.this_year, c.last_year), strict=True)]
        if any(gaps) or c.difference is None:
            difference = Paragraph("–", s["cell_right"])
        elif c.key in UNITS:
            difference = _unit_difference(c)  # a count's "+0" would hide a change of 0.4
        else:
            difference = difference_cell(c)
        rows.append([indicator_cell(c.label, c.better), *values, difference])
    return [Paragraph(TITLE, s["h2"]),
            table(ytd_header(*spans), rows, [width * 0.38, width * 0.21, width * 0.21, width * 0.20],
                  right=(1, 2, 3)),
            *[Paragraph(escape(f"No data: {reason}."), s["note"]) for reason in reasons],
            *_definitions(tuple(DEFINITIONS))]


UNITS = {"calls_per_case": ("{:.2f}", ""), "minutes_per_case": ("{:.1f}", " min")}


def _value(c: Comparison, value) -> str:
    if value is None:
        return "–"
    if c.percentage:
        return percent(value)
    if c.key in UNITS:
        number, unit = UNITS[c.key]
        return number.format(value) + unit
    return count(value)


def _unit_difference(c: Comparison) -> Paragraph:
    """As the house difference cell, with the figure's own number format."""
    number, unit = UNITS[c.key]
    text = ("{:+" + number[2:]).format(c.difference) + unit
    if c.better and c.difference != 0:
        improved = (c.difference > 0) == (c.better == "higher")
        colour = BETTER if improved else WORSE
        text += f' <font color="#{colour.hexval()[2:]}">{"better" if improved else "worse"}</font>'
    return Paragraph(text, styles()["cell_right"])
