"""Exporting cases to CSV: exact columns, London times, E.164 phones, formula guard, date filter."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from contactdesk.domain.errors import PermissionDenied, UnusableInput, ValidationError
from contactdesk.domain.spreadsheet import neutralise_formula
from contactdesk.services import case_export
from contactdesk.services.case_export import export_cases
from contactdesk.services.case_import import import_cases

HEADER = ["received_at", "category", "description", "caller_name", "caller_phone", "address",
          "postcode", "status"]
COLUMNS = ["reference", "received_at", "category", "service", "status", "caller_name",
           "caller_phone", "address", "postcode", "due_at", "closed_at"]


def add_cases(ctx, tmp_path: Path, rows) -> None:
    path = tmp_path / "setup.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    report = import_cases(ctx, path)
    assert report.rejected == [] and report.imported == len(rows)


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(("text", "safe"), [
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("\n=1", "'\n=1"),
    ("Ann Jones", "Ann Jones"), ("12 = 12", "12 = 12"), ("", ""), (None, ""),
])
def test_neutralise_formula(text, safe):
    assert neutralise_formula(text) == safe


def test_the_export_has_the_exact_columns_and_cells(ctx, tmp_path):
    add_cases(ctx, tmp_path, [
        # 14:03 BST is 13:03 UTC: the file shows London time.
        ["2025-07-01 14:03", "Fly tipping", "Sofa", '=HYPERLINK("http://evil","Ann")',
         "01709 823456", "-1 Wellgate", "s60 2th", "new"],
        ["2025-01-15 09:30:15", "ct_payment", "Paid twice", "Bob Smith", "020 7946 0123", "", "",
         "closed"],
        ["2025-01-15 09:30:15", "Litter", "Cans", "", "", "@Broom Road", "", "in progress"],
    ])
    out = tmp_path / "cases.csv"

    assert export_cases(ctx, out, None, None) == 3

    rows = read(out)
    assert rows[0] == COLUMNS
    body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    # Ordered by received time, then reference (CT before SP at the same moment).
    assert [r["reference"][:2] for r in body] == ["CT", "SP", "SP"]
    paid, litter, fly = body
    assert paid["received_at"] == "2025-01-15 09:30:15"
    assert (paid["category"], paid["service"], paid["status"]) == (
        "Council tax payment", "Local Taxation", "closed")
    assert (paid["caller_name"], paid["caller_phone"]) == ("Bob Smith", "+442079460123")
    assert paid["address"] == paid["postcode"] == ""
    assert paid["closed_at"] != "" and paid["due_at"] > paid["received_at"]
    assert litter["address"] == "'@Broom Road" and litter["caller_name"] == ""
    assert litter["caller_phone"] == "" and litter["status"] == "in_progress"
    assert fly["received_at"] == "2025-07-01 14:03:00"
    assert fly["caller_name"] == '\'=HYPERLINK("http://evil","Ann")'
    assert fly["caller_phone"] == "+441709823456"  # E.164, not neutralised
    assert (fly["address"], fly["postcode"]) == ("'-1 Wellgate", "S60 2TH")
    assert fly["service"] == "Streetpride" and fly["closed_at"] == ""
    # Due 3 working days later at closing time (20:00 London).
    assert fly["due_at"] == "2025-07-04 20:00:00"
    assert not list(tmp_path.glob(".cases.csv.*"))  # no temporary file left behind


def test_dates_filter_on_the_london_day_inclusive(ctx, tmp_path):
    add_cases(ctx, tmp_path, [
        ["2025-02-28 23:59", "Litter", "last of February", "", "", "x", "", "new"],
        ["2025-03-01 00:00", "Litter", "first of March", "", "", "x", "", "new"],
        # British Summer Time from 30 March: 23:30 on 31 March is 22:30 UTC.
        ["2025-03-31 23:30", "Litter", "last of March", "", "", "x", "", "new"],
        # 00:30 on 1 April London time is still 31 March in UTC, but April here.
        ["2025-04-01 00:30", "Litter", "first of April", "", "", "x", "", "new"],
    ])
    out = tmp_path / "march.csv"

    assert export_cases(ctx, out, date(2025, 3, 1), date(2025, 3, 31)) == 2
    assert [row[1] for row in read(out)[1:]] == ["2025-03-01 00:00:00", "2025-03-31 23:30:00"]

    assert export_cases(ctx, out, date(2025, 4, 1), None) == 1
    assert [row[1] for row in read(out)[1:]] == ["2025-04-01 00:30:00"]
    assert export_cases(ctx, out, None, date(2025, 2, 28)) == 1
    assert export_cases(ctx, out, date(2025, 3, 31), date(2025, 3, 31)) == 1
    assert export_cases(ctx, out, None, None) == 4
    assert export_cases(ctx, out, date(2024, 1, 1), date(2024, 12, 31)) == 0
    assert read(out) == [COLUMNS]
    with pytest.raises(ValidationError):
        export_cases(ctx, out, date(2025, 4, 1), date(2025, 3, 1))


def test_rows_are_streamed_in_partitions_and_all_written(ctx, tmp_path, monkeypatch):
    add_cases(ctx, tmp_path, [
        [f"2025-05-{day:02d} 10:00", "Litter", f"case {day}", "", "", "x", "", "new"]
        for day in range(1, 8)
    ])
    monkeypatch.setattr(case_export, "FETCH_SIZE", 2)
    out = tmp_path / "all.csv"
    assert export_cases(ctx, out, None, None) == 7
    assert [row[1][:10] for row in read(out)[1:]] == [f"2025-05-{d:02d}" for d in range(1, 8)]


def test_an_unwritable_path_is_a_clear_error_and_keeps_nothing(ctx, tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "cases.csv"
    with pytest.raises(UnusableInput, match=f"cannot write {missing}: "):
        export_cases(ctx, missing, None, None)
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    with pytest.raises(UnusableInput, match="cannot write .*a-folder.csv"):
        export_cases(ctx, folder, None, None)
    assert list(tmp_path.glob(".a-folder.csv.*")) == []


def test_an_agent_may_not_export_cases_and_no_file_is_written(ctx, make_ctx, tmp_path):
    add_cases(ctx, tmp_path, [["2025-05-01 10:00", "Litter", "cans", "", "", "x", "", "new"]])
    out = tmp_path / "cases.csv"
    with pytest.raises(PermissionDenied):
        export_cases(make_ctx("agent"), out, None, None)
    assert not out.exists()
    assert export_cases(make_ctx("supervisor"), out, None, None) == 1
