"""Guards for text that ends up in a spreadsheet.

A CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` is read as a formula
by Excel and LibreOffice (CSV injection: ``=HYPERLINK(...)`` typed as a
caller's name becomes a live link), and a leading tab, carriage return or line
feed can smuggle one past a trim. Such cells are prefixed with a single quote,
which spreadsheets show as text and do not evaluate (OWASP "CSV Injection").
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(text: str | None) -> str:
    """``text`` made safe for a spreadsheet cell; None becomes an empty cell."""
    if text is None:
        return ""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
