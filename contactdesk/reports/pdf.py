"""The house style of ContactDesk's PDF reports: fonts, page frame, tables.

DejaVu Sans is embedded so any name prints (reportlab's built-in Helvetica has
no glyphs beyond Latin-1). Every page carries the council's name and the
report's title at the head, and at the foot the definitions and data source
used, the time generated and "Page N of M". A report is written to a
temporary file beside the target and moved into place, so a failed build never
leaves half a PDF behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from ..domain.errors import ContactDeskError
from ..domain.working_time import LONDON

FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
_FONT_DIRS = (Path(__file__).resolve().parents[2] / "resources" / "fonts",
              Path("/usr/share/fonts/truetype/dejavu"))

INK = colors.HexColor("#1f2a33")
HEAD = colors.HexColor("#24506b")  # table heads: the dark blue of the app's headers
ZEBRA = colors.HexColor("#eef3f6")
RULE = colors.HexColor("#b8c6cf")
BETTER, WORSE = colors.HexColor("#1b6e3a"), colors.HexColor("#a3261b")

PAGE = A4
MARGIN = 16 * mm
FOOT_HEIGHT = 22 * mm


class ReportError(ContactDeskError):
    """A report could not be written (the path, the disk)."""


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for folder in _FONT_DIRS:
        files = [folder / f"{name}.ttf" for name in (FONT, FONT_BOLD, FONT_ITALIC)]
        if all(f.is_file() for f in files):
            for name, file in zip((FONT, FONT_BOLD, FONT_ITALIC), files, strict=True):
                pdfmetrics.registerFont(TTFont(name, str(file)))
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD,
                                          italic=FONT_ITALIC, boldItalic=FONT_BOLD)
            return
    raise ReportError("the DejaVu Sans font is missing: reinstall ContactDesk "
                      "(it ships in resources/fonts) or install fonts-dejavu-core")


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20,
                                spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10, leading=13, spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15,
                             spaceBefore=5 * mm, spaceAfter=2 * mm, textColor=HEAD),
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontSize=8, leading=10,
                               textColor=colors.HexColor("#4a5862")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=8.5, leading=10.5,
                                     alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=body, fontName=FONT_BOLD, fontSize=8.5, leading=10.5,
                               textColor=colors.white),
        "head_right": ParagraphStyle("head_right", parent=body, fontName=FONT_BOLD, fontSize=8.5,
                                     leading=10.5, textColor=colors.white, alignment=TA_RIGHT),
    }


def escape(text: object) -> str:
    """Text for a Paragraph (which reads a little XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table(header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
          *, right: Sequence[int] = (), bold_last: bool = False) -> Table:
    """A house-style table: dark head row, light stripes, numbers right-aligned.

    Cells may be text (escaped and wrapped) or ready-made flowables.
    """
    s = styles()
    right = set(right)

    def cell(value, column, head=False):
        if isinstance(value, Flowable):
            return value
        style = ("head" if head else "cell") + ("_right" if column in right else "")
        return Paragraph(escape(value), s[style])

    data = [[cell(h, i, head=True) for i, h in enumerate(header)]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(data), 2)]
    if bold_last and len(data) > 1:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.9, INK))
    result = Table(data, colWidths=fit_widths(header, rows, widths), repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


CELL_PADDING = 6  # reportlab's default left and right padding of a table cell


def _longest_word(value: object, font: str) -> float:
    if isinstance(value, Flowable):
        return 0  # a ready-made paragraph wraps itself
    return max((pdfmetrics.stringWidth(word, font, 8.5) for word in str(value).split()), default=0)


def fit_widths(header: Sequence[str], rows: Sequence[Sequence[object]],
               widths: Sequence[float]) -> list[float]:
    """``widths`` widened where a column's longest word would not fit whole ("Finishe / d"),
    taking the room from columns with some to spare so the table keeps its width."""
    need = [2 * CELL_PADDING + 1 + max(
        [_longest_word(header[i], FONT_BOLD)] + [_longest_word(r[i], FONT) for r in rows if i < len(r)])
        for i in range(len(widths))]
    short = sum(max(n - w, 0) for n, w in zip(need, widths, strict=True))
    spare = [max(w - n, 0) for n, w in zip(need, widths, strict=True)]
    if short <= 0 or sum(spare) <= 0:
        return list(widths)
    moved = min(short, sum(spare))
    return [w + (n - w) * moved / short if n > w else w - room * moved / sum(spare)
            for n, w, room in zip(need, widths, spare, strict=True)]


@dataclass(frozen=True)
class ReportFrame:
    """What every page of a report shows around its content."""

    title: str
    council_name: str
    foot_lines: tuple[str, ...] = ()  # definitions and data source
    generated_at: datetime = field(default_factory=datetime.now)


def _numbered_canvas(frame: ReportFrame):
    """A canvas that knows the page count when it draws each page's frame."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("initialFontName", FONT)  # not Helvetica, which lacks many letters
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _draw_frame(self, frame, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_frame(canvas: Canvas, frame: ReportFrame, page: int, total: int) -> None:
    width, height = PAGE
    canvas.saveState()
    canvas.setFillColor(HEAD)
    canvas.setFont(FONT_BOLD, 8.5)
    canvas.drawString(MARGIN, height - 10 * mm, frame.council_name)
    canvas.setFont(FONT, 8.5)
    canvas.drawRightString(width - MARGIN, height - 10 * mm, frame.title)
    canvas.setStrokeColor(RULE)
    canvas.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
    canvas.line(MARGIN, FOOT_HEIGHT, width - MARGIN, FOOT_HEIGHT)
    canvas.setFillColor(colors.HexColor("#4a5862"))
    canvas.setFont(FONT, 6.5)
    y = FOOT_HEIGHT - 3.2 * mm
    for line in frame.foot_lines:
        for piece in _wrap(line, FONT, 6.5, width - 2 * MARGIN):
            if y < 8 * mm:
                break
            canvas.drawString(MARGIN, y, piece)
            y -= 2.9 * mm
    canvas.setFont(FONT, 7.5)
    generated = frame.generated_at
    if generated.tzinfo is not None:  # a clock in UTC prints as the reader's UK time
        generated = generated.astimezone(LONDON)
    canvas.drawString(MARGIN, 5.5 * mm, f"Generated {generated:%d %B %Y %H:%M}")
    canvas.drawRightString(width - MARGIN, 5.5 * mm, f"Page {page} of {total}")
    canvas.restoreState()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return lines + ([current] if current else [])


def write_pdf(path: Path | str, frame: ReportFrame, story: list[Flowable]) -> Path:
    """Lay out ``story`` in the house frame and write it to ``path``."""
    register_fonts()
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ReportError(f"{path}: the report is a PDF, so the file name must end in .pdf")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ReportError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".pdf", dir=folder)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc} "
                          "(choose a folder you can write to)") from None
    os.close(handle)
    try:
        document = SimpleDocTemplate(
            temporary, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=16 * mm, bottomMargin=FOOT_HEIGHT + 4 * mm, title=frame.title,
            author=frame.council_name, creator="ContactDesk")
        document.build(story, canvasmaker=_numbered_canvas(frame))
        os.replace(temporary, path)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
