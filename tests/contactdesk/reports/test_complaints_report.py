"""The complaints report, generated from known complaints and read back from the PDF."""

from __future__ import annotations

from datetime import date, datetime

import pdfplumber
import pytest

from contactdesk.domain.working_time import LONDON
from contactdesk.persistence.database import Database
from contactdesk.reports.complaints import REGISTER_HEADER, REGISTER_WIDTHS
from contactdesk.reports.pdf import MARGIN, ReportError
from contactdesk.services import complaints as cp
from contactdesk.services.reports import complaints_report

from ...helpers.pdf_text import embedded_fonts, page_count, pdf_rows, pdf_text

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
# Column edges of the register table (reportlab's frame pads its content by 6 points).
COLUMN_EDGES = [MARGIN + 6 + sum(REGISTER_WIDTHS[:i]) for i in range(len(REGISTER_WIDTHS) + 1)]
TODAY = date(2026, 12, 1)


def log(ctx, service, received, description) -> str:
    return cp.log_complaint(ctx, cp.ComplaintInput(
        complainant_name="Ann Jones", service=service, description=description,
        received_on=received), today=TODAY).reference


@pytest.fixture
def november(make_ctx):
    """Six complaints in November 2026, answered in the ways the source report shows."""
    janet = make_ctx("supervisor", "janet", "Janet Crookes")
    refs = {
        "a": log(janet, "Local Taxation", date(2026, 11, 2),
                 "Charged council tax on an empty property"),
        "b": log(janet, "Benefit Assessment", date(2026, 11, 3),
                 "Housing benefit claim delayed"),
        "c": log(janet, "Local Taxation", date(2026, 11, 9),
                 "No call back from the review company"),
        "d": log(janet, "Local Taxation", date(2026, 11, 10), "Summons costs added"),
        "e": log(janet, "Benefit Assessment", date(2026, 11, 12), "Reduction stopped"),
        "f": log(janet, "Local Taxation", date(2026, 11, 20), "Still waiting"),
    }
    answers = [("a", "Not upheld", date(2026, 11, 16), "None: charges follow legislation.", ""),
               ("b", "Not upheld", date(2026, 11, 5), "", ""),
               ("c", "Upheld", date(2026, 11, 10), "Staff reminded to keep call-back promises.",
                "Discount restored"),
               ("d", "Partly upheld", date(2026, 11, 30), "Payments matched before reminders.", ""),
               ("e", "Withdrawn", date(2026, 11, 13), "", "")]
    for key, outcome, day, lessons, remedy in answers:
        if outcome != "Withdrawn":
            cp.assign_officer(janet, refs[key], janet.actor.user_id)
        cp.record_outcome(janet, refs[key], outcome, day, lessons_learnt=lessons,
                          remedy=remedy, today=TODAY)
    return refs


def register_table(path) -> list[list[str]]:
    """The rows of the last table on the pages, from where "Complaints closed" is printed."""
    found: list[list[str]] = []
    with pdfplumber.open(path) as pdf:
        started = False
        for page in pdf.pages:
            words = page.extract_words()
            heading = next((w for w in words if w["text"] == "closed" and not started
                            and any(v["text"] == "Complaints" and abs(v["top"] - w["top"]) < 1
                                    for v in words)), None)
            top = heading["bottom"] if heading else (0 if started else None)
            if top is None:
                continue
            started = True
            region = page.crop((0, top, page.width, page.height - 70))
            for table in region.extract_tables({"vertical_strategy": "explicit",
                                                "explicit_vertical_lines": COLUMN_EDGES,
                                                "horizontal_strategy": "lines"}):
                found += [[(cell or "").replace("\n", " ").strip() for cell in row]
                          for row in table]
    return found


def test_the_register_in_the_source_layout_and_the_totals(make_ctx, november, tmp_path):
    morning = make_ctx("agent", "desk", clock=lambda: datetime(2026, 12, 1, 9, 0, tzinfo=LONDON))
    out = complaints_report(morning, *NOVEMBER, tmp_path / "complaints.pdf")
    rows = pdf_rows(out)
    text = pdf_text(out)
    assert "Complaints" in rows and "01 November 2026 to 30 November 2026" in rows
    assert "6 complaints received and 5 stages closed; 1 still open at the end of the period." \
        in " ".join(rows)
    # Received, closed, upheld, partly, not upheld, withdrawn, average working days, in time.
    def figures(name: str) -> str:  # the name may wrap onto a second line
        first = name.split()[0]
        found = [r[len(first):].strip() for r in rows if r.startswith(first + " ")
                 and r.rstrip().endswith("%")]
        assert found, (name, rows)
        return found[0].removeprefix(name[len(first):].strip()).strip()

    assert figures("All complaints") == "6 5 25.00% 25.00% 50.00% 1 6.8 75.00%"
    assert figures("Local Taxation") == "4 3 33.33% 33.33% 33.33% 0 8.3 66.67%"
    assert figures("Benefit Assessment") == "2 2 0.00% 0.00% 100.00% 1 2.0 100.00%"
    assert "Stage 1 6 5 25.00% 25.00% 50.00% 1 6.8 75.00%" in rows

    table = register_table(out)
    header = [c for c in table[0] if c]
    assert " ".join(header) == " ".join(REGISTER_HEADER)
    body = [" | ".join(c for c in row if c) for row in table[1:]]
    assert len(body) == 5, body  # the five answers, in the order answered
    expected = [
        (november["b"], "Housing benefit claim delayed", "None recorded", "Benefit Assessment",
         "Not upheld", "2 working days"),
        (november["c"], "No call back from the review company",
         "Staff reminded to keep call-back promises. Remedy: Discount restored",
         "Local Taxation", "Upheld", "1 working day"),
        (november["e"], "Reduction stopped", "None recorded", "Benefit Assessment", "Withdrawn",
         "1 working day"),
        (november["a"], "Charged council tax on an empty property",
         "None: charges follow legislation.", "Local Taxation", "Not upheld", "10 working days"),
        (november["d"], "Summons costs added", "Payments matched before reminders.",
         "Local Taxation", "Partly upheld", "14 working days"),
    ]
    for line, (reference, description, lessons, service, status, taken) in zip(
            body, expected, strict=True):
        squashed = line.replace(" ", "")
        for part in (reference, "Stage 1", description, lessons, service, status, taken):
            assert part.replace(" ", "") in squashed, (part, line)
    assert "14 calendar" in body[3] and "late" in body[4] and "late" not in body[3]
    assert "Definitions: working days exclude weekends and England and Wales bank holidays" \
        in text
    assert "Generated 01 December 2026 09:00" in text and f"Page 1 of {page_count(out)}" in text
    assert any("DejaVuSans" in font for font in embedded_fonts(out))


def test_a_period_without_complaints_says_so(ctx, tmp_path):
    out = complaints_report(ctx, date(2026, 1, 1), date(2026, 1, 31), tmp_path / "empty.pdf")
    text = pdf_text(out)
    assert "No complaint was closed in this period." in text
    assert any(row.startswith("All") and row.endswith("0 0 – – – 0 – –") for row in pdf_rows(out))


def test_bad_paths_are_refused(ctx, november, tmp_path):
    with pytest.raises(ReportError, match="must end in .pdf"):
        complaints_report(ctx, *NOVEMBER, tmp_path / "complaints.txt")
    with pytest.raises(ReportError, match="does not exist"):
        complaints_report(ctx, *NOVEMBER, tmp_path / "no" / "complaints.pdf")


@pytest.fixture
def engines_closed(monkeypatch):
    """The command opens its own database (a process would exit); close it after the test."""
    opened: list[Database] = []
    open_database = Database.open

    def record(url):
        opened.append(open_database(url))
        return opened[-1]

    monkeypatch.setattr(Database, "open", record)
    yield
    for database in opened:
        database.dispose()


def test_the_report_complaints_command(november, db_url, tmp_path, capsys, engines_closed):
    from contactdesk.cli.main import main

    out = tmp_path / "cli.pdf"
    assert main(["--db", db_url, "report", "complaints", "--from", "2026-11-01", "--to",
                 "2026-11-30", "--out", str(out)]) == 0
    assert "complaints report 2026-11-01 to 2026-11-30 written to" in capsys.readouterr().out
    assert "Summons costs added" in pdf_text(out)
    assert main(["--db", db_url, "report", "complaints", "--from", "2026-11-30", "--to",
                 "2026-11-01", "--out", str(out)]) == 2
    assert capsys.readouterr().err == "contactdesk: --from is after --to\n"
    with pytest.raises(SystemExit) as exited:
        main(["--db", db_url, "report", "complaints", "--from", "1 Nov", "--to", "2026-11-30",
              "--out", str(out)])
    assert exited.value.code == 2 and "'1 Nov' is not a date" in capsys.readouterr().err
