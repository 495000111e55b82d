"""The command-line journeys the product promises, run as a person would."""

from __future__ import annotations

import csv
import re

from .helpers import run_cli


def test_upgrade_demo_data_and_export(empty_db_url, tmp_path):
    assert run_cli("db", "upgrade", db=empty_db_url).code == 0
    demo = run_cli("demo-data", "--days", "3", "--seed", "11", db=empty_db_url)
    assert demo.code == 0 and re.search(r"\d+ calls, \d+ cases", demo.out)
    out = tmp_path / "cases.csv"
    exported = run_cli("export", "cases", "--out", str(out), db=empty_db_url)
    assert exported.code == 0
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["reference", "received_at", "category", "service", "status",
                             "caller_name", "caller_phone", "address", "postcode", "due_at",
                             "closed_at"]
    assert f"{len(rows)} cases written" in exported.out
    assert len({r["category"] for r in rows}) >= 15
    assert len({r["service"] for r in rows}) >= 4
    phones = [r["caller_phone"] for r in rows if r["caller_phone"]]
    assert phones and all(re.fullmatch(r"\+44\d{9,10}", p) for p in phones)
    assert all(re.fullmatch(r"[A-Z]{2,3}-\d{4}-\d{6}", r["reference"]) for r in rows)
    again = run_cli("demo-data", "--if-empty", db=empty_db_url)
    assert again.code == 0 and "nothing added" in again.out


MIXED = """received_at,category,description,caller_name,caller_phone,address,postcode,status
2026-11-02 09:15,Fly tipping,Sofa dumped by the bins,Ann Jones,01709 823456,12 Wellgate,S60 2TH,new
2026-11-02 09:20,Nonsense,Something,Bob Lee,01709 823457,1 High St,S60 1AA,new
2026-11-02 09:25,Graffiti,Tag on the underpass,Cat Smith,12345,Moorgate Road,S60 2TH,routed
20/11/2026 10:00,Council tax payment,Wants a direct debit,Dev Patel,07911 123456,,,closed
2026-11-03 11:00,Litter,,Eve Shaw,01709 823458,Clifton Lane,S65 2AA,bogus
"""


def test_import_cases_reports_bad_rows_by_line_and_field_and_is_idempotent(db_url, tmp_path):
    source = tmp_path / "cases.csv"
    source.write_text(MIXED, encoding="utf-8")
    first = run_cli("import-cases", str(source), db=db_url)
    assert first.code == 1
    assert "line 3: category:" in first.err
    assert "line 4: caller_phone:" in first.err
    assert "line 6: description: is required" in first.err
    assert "line 6: status:" in first.err
    assert "2 cases imported" in first.out and "3 rejected" in first.out
    second = run_cli("import-cases", str(source), db=db_url)
    assert "0 cases imported, 2 already present" in second.out
    out = tmp_path / "out.csv"
    assert run_cli("export", "cases", "--out", str(out), db=db_url).code == 0
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["caller_phone"] for r in rows) == ["+441709823456", "+447911123456"]


def test_import_of_a_missing_or_unusable_file_exits_2(db_url, tmp_path):
    missing = run_cli("import-cases", str(tmp_path / "nope.csv"), db=db_url)
    assert missing.code == 2 and "does not exist" in missing.err
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,phone\nAnn,01709 823456\n")
    result = run_cli("import-cases", str(wrong), db=db_url)
    assert result.code == 2 and "received_at" in result.err


def test_export_to_an_unwritable_place_exits_2(db_url, tmp_path):
    result = run_cli("export", "cases", "--out", str(tmp_path / "no" / "such" / "x.csv"), db=db_url)
    assert result.code == 2 and "cannot write" in result.err
    backwards = run_cli("export", "cases", "--out", str(tmp_path / "x.csv"), "--from", "2026-11-05",
                        "--to", "2026-11-01", db=db_url)
    assert backwards.code == 2 and "--from is after --to" in backwards.err
