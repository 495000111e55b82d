"""Reading a generated PDF back: its rows of text, and the fonts it embeds."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from pypdf import PdfReader


def pdf_rows(path: Path) -> list[str]:
    """Every line of text on every page, words left to right, as a person reads a table row."""
    rows: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            lines: dict[int, list[tuple[float, str]]] = {}
            for word in page.extract_words(keep_blank_chars=False, use_text_flow=False):
                lines.setdefault(round(word["top"] / 2), []).append((word["x0"], word["text"]))
            for top in sorted(lines):
                rows.append(" ".join(text for _, text in sorted(lines[top])))
    return rows


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def embedded_fonts(path: Path) -> set[str]:
    fonts = set()
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)
