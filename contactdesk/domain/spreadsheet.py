"""Guards for text that ends up in a spreadsheet.

A CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` is read as a formula
by Excel and LibreOffice (CSV injection: ``=HYPERLINK(...)`` typed as a
caller's name becomes a live link), and a leading tab, carriage return or line
feed can smuggle one past a trim. Such cells are prefixed with a single quote,
which spreadsheets show as text and do not evaluate (OWASP "CSV Injection").
"""

from __future__ import annotations

from datetime import date, datetime

from .working_time import LONDON

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(text: str | None) -> str:
    """``text`` made safe for a spreadsheet cell; None becomes an empty cell."""
    if text is None:
        return ""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class Safe(str):
    """Text the caller has checked is not a formula (e.g. +441709823456): written as it is."""


def csv_cell(value) -> object:
    """A value as a CSV cell: London local times, ISO dates, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, Safe):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_formula(value)
    return value
