"""Bulk import of cases from CSV: good rows in, each bad row reported, idempotent, concurrent."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contactdesk.domain.errors import PermissionDenied, UnusableInput
from contactdesk.dtos.imports import RowProblem
from contactdesk.persistence.database import Database
from contactdesk.persistence.engine import create_database_engine
from contactdesk.persistence.models import (
    AuditEntry,
    Caller,
    Case,
    CaseStatusChange,
    Category,
    Service,
)
from contactdesk.services.case_import import import_cases, parse_received_at, parse_status
from tests.helpers.contexts import person

ROOT = Path(__file__).resolve().parents[3]
HEADER = ["received_at", "category", "description", "caller_name", "caller_phone", "address",
          "postcode", "status"]


def write_csv(path: Path, rows, header=HEADER, encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def count(engine, what) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(what))


def cases_by_description(engine) -> dict[str, dict]:
    with Session(engine) as session:
        rows = session.execute(
            select(Case, Category.code, Service.code, Caller.name, Caller.phone_e164)
            .join(Category, Category.id == Case.category_id)
            .join(Service, Service.id == Case.service_id)
            .outerjoin(Caller, Caller.id == Case.caller_id)
        ).all()
        return {
            case.description: dict(
                reference=case.reference, received_at=case.received_at, category=category,
                service=service, routing_reason=case.routing_reason, status=case.status,
                location=case.location, postcode=case.postcode, due_at=case.due_at,
                closed_at=case.closed_at, caller_name=caller_name, phone=phone,
                key=case.idempotency_key,
            )
            for case, category, service, caller_name, phone in rows
        }


# -- pure parsing --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "utc"), [
    ("2026-11-20 14:03", datetime(2026, 11, 20, 14, 3, tzinfo=UTC)),  # GMT in November
    ("2026-11-20 14:03:27", datetime(2026, 11, 20, 14, 3, 27, tzinfo=UTC)),
    ("2026-11-20T14:03", datetime(2026, 11, 20, 14, 3, tzinfo=UTC)),
    ("20/11/2026 14:03", datetime(2026, 11, 20, 14, 3, tzinfo=UTC)),
    ("1/7/2026 9:05", datetime(2026, 7, 1, 8, 5, tzinfo=UTC)),  # BST: an hour ahead of UTC
    ("2026-7-1 9:05:59.5", datetime(2026, 7, 1, 8, 5, 59, tzinfo=UTC)),
    ("2026-11-20T14:03Z", datetime(2026, 11, 20, 14, 3, tzinfo=UTC)),
    ("2026-11-20 14:03+0100", datetime(2026, 11, 20, 13, 3, tzinfo=UTC)),
    ("2026-07-01", datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),  # midnight London time
    ("01/07/2026", datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),
    (" 2026-07-01T12:00:00+00:00 ", datetime(2026, 7, 1, 12, 0, tzinfo=UTC)),  # explicit offset kept
])
def test_received_at_accepts_iso_and_uk_forms_in_london_time(text, utc):
    assert parse_received_at(text) == utc


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01 10:00", "31/02/2026", "11-20-2026",
                                  "2026-11-20 25:00", "20/11/26 14:03"])
def test_received_at_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueError):
        parse_received_at(text)


def test_status_by_value_or_label():
    assert parse_status("In progress") == parse_status("in_progress") == parse_status(" IN-PROGRESS ")
    assert parse_status("Closed").value == "closed"
    with pytest.raises(ValueError):
        parse_status("done")


# -- importing -------------------------------------------------------------------------


def test_a_mixed_file_imports_the_good_rows_reports_each_bad_one_and_imports_once(
        ctx, engine, tmp_path):
    path = tmp_path / "streetpride.csv"
    path.write_text(
        "Received_At , CATEGORY,description,caller_name,caller_phone,address,postcode,status,Service\n"
        # line 2: good, GMT
        "2025-01-05 09:15,Fly tipping,Mattress on the verge,Ann Jones,01709 823456,2 Wellgate,s60 2th,new,\n"
        # line 3: good, multi-line description (lines 3-4), label status, service override
        '05/06/2025 10:00,litter,"Crisp packets\nall along the path",Raj Patel,07700 900123,,S65 1AA,'
        "In progress,Customer Services\n"
        # line 5: every field wrong
        "2099-01-01,nonsense,,,12345,,XX,bogus,Nowhere\n"
        "\n"
        # line 7: good, finished status, anonymous caller, no location needed
        "2025-01-06,ct_payment,Paid twice in January,,,,,closed,\n"
        # line 8: location required but missing, and a malformed date
        "2025-02-30 10:00,Graffiti,Tag on the bus shelter,Bob,+44 20 7946 0123,,,new,\n"
        # line 9: too many cells
        "2025-01-07 08:00,Litter,Cans,Cy,,1 Broom Road,S60 2TH,new,,surplus\n",
        encoding="utf-8",
    )
    report = import_cases(ctx, path)

    assert report.rows_read == 6
    assert report.imported == 3 and report.already_present == 0
    assert report.rejected_rows == 3
    by_line = {}
    for problem in report.rejected:
        by_line.setdefault(problem.line, []).append(problem.field)
    assert by_line == {
        5: ["received_at", "category", "service", "description", "caller_phone", "postcode", "status"],
        8: ["received_at", "address"],
        9: ["row"],
    }
    assert RowProblem(5, "category", "'nonsense' is not a known category") in report.rejected
    assert "is in the future" in next(p.message for p in report.rejected
                                      if (p.line, p.field) == (5, "received_at"))
    assert "needs a location" in next(p.message for p in report.rejected
                                      if (p.line, p.field) == (8, "address"))
    # Warnings never block: a drama-range mobile and postcodes the empty gazetteer lacks.
    assert {(w.line, w.field) for w in report.warnings} == {(2, "postcode"), (3, "caller_phone"),
                                                             (3, "postcode")}

    cases = cases_by_description(engine)
    assert set(cases) == {"Mattress on the verge", "Crisp packets\nall along the path",
                          "Paid twice in January"}
    fly = cases["Mattress on the verge"]
    assert fly["received_at"] == datetime(2025, 1, 5, 9, 15, tzinfo=UTC)
    assert (fly["category"], fly["service"], fly["routing_reason"]) == ("fly_tipping", "streetpride", None)
    assert (fly["caller_name"], fly["phone"]) == ("Ann Jones", "+441709823456")
    assert (fly["location"], fly["postcode"], fly["status"]) == ("2 Wellgate", "S60 2TH", "new")
    assert fly["due_at"] > fly["received_at"] and fly["closed_at"] is None
    assert fly["reference"].startswith("SP-")
    litter = cases["Crisp packets\nall along the path"]
    assert litter["received_at"] == datetime(2025, 6, 5, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert litter["status"] == "in_progress"
    assert (litter["service"], litter["routing_reason"]) == ("customer_services",
                                                             "imported from streetpride.csv")
    paid = cases["Paid twice in January"]
    assert paid["reference"].startswith("CT-") and paid["caller_name"] is None
    assert paid["status"] == "closed" and paid["closed_at"] is not None
    assert len({c["reference"] for c in cases.values()}) == 3
    assert all(len(c["key"]) == 64 for c in cases.values())
    assert count(engine, CaseStatusChange) == 3

    again = import_cases(ctx, path)
    assert (again.rows_read, again.imported, again.already_present) == (6, 0, 3)
    assert again.rejected == report.rejected
    assert again.warnings == []  # nothing imported, nothing to warn about
    assert count(engine, Case) == 3 and count(engine, Caller) == 2


def test_rows_repeated_in_one_file_or_across_batches_are_imported_once(ctx, engine, tmp_path):
    row = ["2025-03-02 11:00", "Pothole or road defect", "Deep hole by the bus stop", "Ann Jones",
           "01709 823456", "Moorgate Road", "S60 2BB", "new"]
    same_again = [" 02/03/2025 11:00 ", "pothole", "Deep hole by the bus stop ", "Ann Jones",
                  "+44 1709 823456", "Moorgate Road", "s602bb", "New"]
    other = [*row[:2], "Another hole", *row[3:]]
    path = write_csv(tmp_path / "holes.csv", [row, other, same_again, row, other])

    report = import_cases(ctx, path, batch_size=2)

    assert (report.rows_read, report.imported, report.already_present) == (5, 2, 3)
    assert report.rejected == []
    assert count(engine, Case) == 2
    # One caller, recognised by the phone number in another format.
    assert count(engine, Caller) == 1


def test_the_same_row_with_a_changed_status_is_a_different_case(ctx, engine, tmp_path):
    row = ["2025-03-02 11:00", "litter", "Bottles", "", "", "1 Broom Road", "", "new"]
    import_cases(ctx, write_csv(tmp_path / "a.csv", [row]))
    report = import_cases(ctx, write_csv(tmp_path / "b.csv", [[*row[:7], "resolved"]]))
    assert report.imported == 1 and count(engine, Case) == 2


def test_header_names_bom_and_windows_1252_are_tolerated(ctx, engine, tmp_path):
    header = ["  Received_At", "Category ", "DESCRIPTION", "Caller_Name", "caller_phone", "Address",
              "Postcode", "Status"]
    row = ["2025-04-01 12:00", "Litter", "Rubbish near the café", "Siân O'Connor", "01709 823456",
           "3 Westgate", "S60 1AA", "new"]
    cp1252 = write_csv(tmp_path / "excel.csv", [row], header=header, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        cp1252.read_bytes().decode("utf-8")
    assert import_cases(ctx, cp1252).imported == 1
    bom = write_csv(tmp_path / "bom.csv", [[*row[:2], "Second", *row[3:]]], header=header,
                    encoding="utf-8-sig")
    assert import_cases(ctx, bom).imported == 1
    cases = cases_by_description(engine)
    assert cases["Rubbish near the café"]["caller_name"] == "Siân O'Connor"
    assert cases["Second"]["caller_name"] == "Siân O'Connor"


def test_a_text_longer_than_the_limit_is_reported(ctx, engine, tmp_path):
    row = ["2025-04-01 12:00", "Litter", "x" * 4001, "N" * 121, "", "1 Broom Road", "", "new"]
    report = import_cases(ctx, write_csv(tmp_path / "long.csv", [row]))
    assert [(p.line, p.field) for p in report.rejected] == [(2, "description"), (2, "caller_name")]
    assert count(engine, Case) == 0


def test_missing_columns_make_the_file_unusable(ctx, engine, tmp_path):
    path = write_csv(tmp_path / "short.csv", [["2025-01-01", "Litter", "x"]],
                     header=["received_at", "category", "description", "address"])
    with pytest.raises(UnusableInput) as raised:
        import_cases(ctx, path)
    message = str(raised.value)
    for column in ("caller_name", "caller_phone", "postcode", "status"):
        assert column in message
    assert "received_at," not in message.split("the header needs")[0]
    assert count(engine, Case) == 0


@pytest.mark.parametrize(("content", "expected"), [
    (b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", "Excel workbook"),
    (b"received_at\x00\x01\x02\xff\xfe", "binary"),
    (b"", "empty"),
    (b"received_at;category;description\n", "missing the column"),
])
def test_a_file_that_is_not_csv_is_refused_with_a_clear_message(ctx, tmp_path, content, expected):
    path = tmp_path / "cases.csv"
    path.write_bytes(content)
    with pytest.raises(UnusableInput, match=expected):
        import_cases(ctx, path)


def test_an_unreadable_path_is_refused(ctx, tmp_path):
    with pytest.raises(UnusableInput, match="cannot read .*nowhere.csv"):
        import_cases(ctx, tmp_path / "nowhere.csv")
    with pytest.raises(UnusableInput, match="cannot read"):
        import_cases(ctx, tmp_path)


def test_an_agent_may_not_import_and_the_imported_rows_name_who_did(ctx, engine, make_ctx,
                                                                   tmp_path):
    row = ["2025-03-02 11:00", "litter", "Bottles", "Ann Jones", "01709 823456", "1 Broom Road",
           "", "new"]
    path = write_csv(tmp_path / "litter.csv", [row])
    with pytest.raises(PermissionDenied, match="import cases"):
        import_cases(make_ctx("agent"), path)
    assert count(engine, Case) == 0
    supervisor = make_ctx("supervisor", "sue.lead")
    with engine.connect() as connection:
        before = connection.scalar(select(func.max(AuditEntry.id))) or 0

    assert import_cases(supervisor, path).imported == 1

    with engine.connect() as connection:
        audited = connection.execute(select(AuditEntry.entity, AuditEntry.actor)
                                     .where(AuditEntry.id > before)).all()
        creators = connection.execute(select(Case.created_by_id, Case.updated_by_id)).all()
    assert {"cases", "callers", "case_status_history"} <= {entity for entity, _ in audited}
    assert {actor for _, actor in audited} == {"sue.lead"}
    assert creators == [(supervisor.actor.user_id, supervisor.actor.user_id)]


# -- several imports at once on one PostgreSQL server ------------------------------------

# Each importer says it is ready, then waits for the word go, so all of them start at once.
_IMPORTER = """
import pathlib, sys, time
from contactdesk.persistence.database import Database
from contactdesk.services.case_import import import_cases
from tests.helpers.contexts import context_for
url, path, go, ready = sys.argv[1:5]
ctx = context_for(Database.open(url), "supervisor", "case.importer")
ctx.engine.connect().close()
pathlib.Path(ready).touch()
deadline = time.monotonic() + 60
while not pathlib.Path(go).exists() and time.monotonic() < deadline:
    time.sleep(0.005)
report = import_cases(ctx, pathlib.Path(path), batch_size=int(sys.argv[5]))
print(report.imported, report.already_present, len(report.rejected))
"""

# Categories with different reference prefixes, so the batches contend for several counters.
_MIX = [("Fly tipping", "2 Wellgate"), ("ct_payment", ""), ("Damp and mould", "4 Broom Road"),
        ("parking_permit", ""), ("Litter", "6 Moorgate Road"), ("benefit_change", "")]


def _file(tmp_path: Path, name: str, rows: int) -> Path:
    return write_csv(tmp_path / f"{name}.csv", [
        [f"2025-0{1 + i % 9}-{1 + i % 28:02d} {8 + i % 10}:{i % 60:02d}", _MIX[i % 6][0],
         f"{name} row {i}", f"Caller {name} {i % 7}", f"01709 8{i % 7:02d}{len(name):03d}",
         _MIX[i % 6][1], "", "new"]
        for i in range(rows)
    ])


def _run_importers(url: str, files: list[Path], go: Path, batch_size: int) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # The importers' user exists before they start, so they do not race to add it.
    database = Database.open(url)
    try:
        person(database, "supervisor", "case.importer")
    finally:
        database.dispose()
    ready = [go.with_name(f"ready-{n}") for n in range(len(files))]
    procs = [subprocess.Popen([sys.executable, "-c", _IMPORTER, url, str(f), str(go), str(r),
                               str(batch_size)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              env=env)
             for f, r in zip(files, ready, strict=True)]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in procs):
            break  # one died early: its error is reported below
        time.sleep(0.01)
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out.strip())
    return outputs


def test_eight_processes_importing_at_once_lose_nothing_and_share_references(
        fresh_database_url, tmp_path):
    url = fresh_database_url("postgresql")
    files = [_file(tmp_path, f"desk{n}", 60) for n in range(8)]

    outputs = _run_importers(url, files, tmp_path / "go", batch_size=10)

    assert outputs == ["60 0 0"] * 8
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Case.reference, Case.description)).all()
    finally:
        engine.dispose()
    assert len(rows) == 480
    assert len({r.reference for r in rows}) == 480
    assert {r.description for r in rows} == {f"desk{n} row {i}" for n in range(8) for i in range(60)}
    # Each prefix's numbers run 1..n without a gap: no number lost or handed out twice.
    numbers: dict[str, list[int]] = {}
    for r in rows:
        prefix, _year, number = r.reference.split("-")
        numbers.setdefault(prefix, []).append(int(number))
    assert set(numbers) == {"SP", "CT", "HR", "PK", "BEN"}
    for found in numbers.values():
        assert sorted(found) == list(range(1, len(found) + 1))


def test_the_same_file_imported_by_three_processes_at_once_is_imported_once(
        fresh_database_url, tmp_path):
    url = fresh_database_url("postgresql")
    path = _file(tmp_path, "shared", 30)

    outputs = _run_importers(url, [path, path, path], tmp_path / "go", batch_size=5)

    imported = [int(out.split()[0]) for out in outputs]
    present = [int(out.split()[1]) for out in outputs]
    assert sum(imported) == 30 and sum(present) == 60
    engine = create_database_engine(url)
    try:
        assert count(engine, Case) == 30
    finally:
        engine.dispose()
