"""The gazetteer: importing streets and properties, re-importing, and address search."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contactdesk.demo import GAZETTEER_CSV
from contactdesk.domain.errors import PermissionDenied, UnusableInput
from contactdesk.domain.validation import Findings, check_postcode
from contactdesk.persistence.models import AuditEntry, Property, Street
from contactdesk.services.gazetteer import AddressMatch, import_gazetteer, search_addresses

HEADER = ["uprn", "usrn", "street", "locality", "town", "address", "postcode"]
ROWS = [
    ["100050000001", "20700001", "Moorgate Road", "Moorgate", "Rotherham", "2 Moorgate Road", "S60 2BB"],
    ["100050000002", "20700001", "Moorgate Road", "Moorgate", "Rotherham", "10 Moorgate Road", "S60 2BB"],
    ["100050000003", "20700001", "Moorgate Road", "Moorgate", "Rotherham", "4 Moorgate Road", "s602bd"],
    ["100050000004", "20700002", "Wellgate", "", "Rotherham", "1 Wellgate", "S60 2LD"],
    ["100050000005", "20700003", "High Street", "Maltby", "Rotherham", "5 High Street, Maltby", "S66 8LB"],
    ["100050000006", "20700004", "High Street", "Kimberworth", "Rotherham", "5 High Street, Kimberworth",
     "S61 2AS"],
]


def write_csv(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def snapshot(engine):
    with engine.connect() as connection:
        streets = {usrn: (name, locality, town) for usrn, name, locality, town in
                   connection.execute(select(Street.usrn, Street.name, Street.locality,
                                             Street.town))}
        properties = {uprn: (usrn, address, postcode) for uprn, usrn, address, postcode in
                      connection.execute(select(Property.uprn, Property.usrn, Property.address,
                                                Property.postcode))}
    return streets, properties


def test_import_derives_streets_and_normalises_postcodes(ctx, engine, tmp_path):
    report = import_gazetteer(ctx, write_csv(tmp_path / "g.csv", ROWS))

    assert (report.rows_read, report.imported, report.already_present) == (6, 6, 0)
    assert report.rejected == []
    streets, properties = snapshot(engine)
    assert streets == {
        20700001: ("Moorgate Road", "Moorgate", "Rotherham"),
        20700002: ("Wellgate", None, "Rotherham"),
        20700003: ("High Street", "Maltby", "Rotherham"),
        20700004: ("High Street", "Kimberworth", "Rotherham"),
    }
    assert properties[100050000003] == (20700001, "4 Moorgate Road", "S60 2BD")
    assert len(properties) == 6


def test_reimport_updates_without_duplicating(ctx, engine, tmp_path):
    import_gazetteer(ctx, write_csv(tmp_path / "first.csv", ROWS))
    changed = [list(row) for row in ROWS]
    changed[0][5], changed[0][6] = "2A Moorgate Road", "S60 2BD"  # address and postcode
    for row in changed[:3]:
        row[2] = "Moorgate Rd"  # the street renamed: every row of it says so
    changed[3][1], changed[3][2] = "20700005", "Wellgate Court"  # property moved to a new street
    changed.append(["100050000007", "20700002", "Wellgate", "", "Rotherham", "3 Wellgate", "S60 2LD"])

    report = import_gazetteer(ctx, write_csv(tmp_path / "second.csv", changed))

    assert report.rejected == []
    assert (report.rows_read, report.imported, report.already_present) == (7, 3, 4)
    streets, properties = snapshot(engine)
    assert streets[20700001] == ("Moorgate Rd", "Moorgate", "Rotherham")
    assert streets[20700005] == ("Wellgate Court", None, "Rotherham")
    assert len(streets) == 5
    assert properties[100050000001] == (20700001, "2A Moorgate Road", "S60 2BD")
    assert properties[100050000004] == (20700005, "1 Wellgate", "S60 2LD")
    assert len(properties) == 7

    again = import_gazetteer(ctx, write_csv(tmp_path / "third.csv", changed))
    assert (again.imported, again.already_present) == (0, 7)
    assert snapshot(engine) == (streets, properties)


def test_bad_rows_are_reported_by_line_and_field_and_skipped(ctx, engine, tmp_path):
    rows = [
        ROWS[0],  # line 2
        ["abc", "0", "", "", "", "", "S60 2ZZZ"],  # line 3: everything wrong
        ["1.00050E+11", "123456789", "Wellgate", "", "Rotherham", "7 Wellgate", ""],  # line 4
        ["100050000001", "20700001", "Moorgate Road", "Moorgate", "Rotherham", "2 Moorgate Road",
         "S60 2BB"],  # line 5: the UPRN of line 2 again
        ["100050000009", "20700001", "Clifton Lane", "Clifton", "Rotherham", "9 Clifton Lane",
         "S65 2AA"],  # line 6: the USRN of line 2 with another name
        ROWS[3],  # line 7
    ]
    report = import_gazetteer(ctx, write_csv(tmp_path / "bad.csv", rows))

    assert (report.rows_read, report.imported) == (6, 2)
    assert [(p.line, p.field) for p in report.rejected] == [
        (3, "uprn"), (3, "usrn"), (3, "street"), (3, "town"), (3, "address"), (3, "postcode"),
        (4, "uprn"), (4, "usrn"), (4, "postcode"),
        (5, "uprn"), (6, "usrn"),
    ]
    messages = [str(p) for p in report.rejected]
    assert "line 3: uprn: 'abc' is not a whole number" in messages[0]
    assert messages[1] == "line 3: usrn: must be a positive number"
    assert messages[7] == "line 4: usrn: 123456789 has more than 8 digits"
    assert messages[9] == "line 5: uprn: 100050000001 is already on line 2"
    assert messages[10].startswith("line 6: usrn: street 20700001 is 'Moorgate Road, Moorgate")
    _, properties = snapshot(engine)
    assert set(properties) == {100050000001, 100050000004}


def test_a_file_without_the_columns_is_unusable(ctx, tmp_path):
    path = write_csv(tmp_path / "g.csv", [["1", "x"]], header=["uprn", "Address"])
    with pytest.raises(UnusableInput, match="usrn, street, locality, town, postcode"):
        import_gazetteer(ctx, path)


def test_search_by_postcode_prefix_and_by_words(ctx, tmp_path):
    import_gazetteer(ctx, write_csv(tmp_path / "g.csv", ROWS))

    def addresses(text, limit=20):
        return [m.address for m in search_addresses(ctx, text, limit)]

    # Postcode prefix, any case and spacing; house numbers in numeric order.
    assert addresses("s60 2b") == ["2 Moorgate Road", "4 Moorgate Road", "10 Moorgate Road"]
    assert addresses("S602BD") == ["4 Moorgate Road"]
    assert addresses("s61") == ["5 High Street, Kimberworth"]
    assert addresses("S66") == ["5 High Street, Maltby"]
    # Words of the address, street or locality, any case, all of them.
    assert addresses("moorgate") == ["2 Moorgate Road", "4 Moorgate Road", "10 Moorgate Road"]
    assert addresses("HIGH street maltby") == ["5 High Street, Maltby"]
    assert set(addresses("high st")) == {"5 High Street, Maltby", "5 High Street, Kimberworth"}
    assert addresses("kimberworth") == ["5 High Street, Kimberworth"]
    assert addresses("moorgate", limit=2) == ["2 Moorgate Road", "4 Moorgate Road"]
    # LIKE wildcards typed by the agent are plain characters.
    assert addresses("%") == [] and addresses("_ Wellgate") == []
    assert addresses("   ") == []
    assert search_addresses(ctx, "wellgate") == [
        AddressMatch(100050000004, 20700002, "1 Wellgate", "Wellgate", "Rotherham", "S60 2LD")]


def test_the_demo_gazetteer_imports_cleanly_and_is_plausible(ctx, engine):
    report = import_gazetteer(ctx, GAZETTEER_CSV)

    assert report.rejected == [] and report.rows_read == report.imported >= 400
    streets, properties = snapshot(engine)
    assert len(streets) >= 40
    per_street = Counter(usrn for usrn, _, _ in properties.values())
    assert set(per_street) == set(streets)
    assert all(10 <= n <= 30 for n in per_street.values())
    assert all(len(str(usrn)) == 8 and str(usrn).startswith("2") for usrn in streets)
    assert all(len(str(uprn)) == 12 and str(uprn).startswith("1000") for uprn in properties)
    assert {town for _, _, town in streets.values()} == {"Rotherham"}
    for _, _, postcode in properties.values():
        findings = Findings()
        assert check_postcode(postcode, findings) == postcode and not findings.errors
        assert postcode.split()[0] in {"S60", "S61", "S62", "S65", "S66"}
    names = {name for name, _, _ in streets.values()}
    assert {"Moorgate Road", "Wellgate", "Doncaster Road", "Bawtry Road"} <= names
    # The search works on it: a postcode district and a street by its words.
    assert {m.postcode.split()[0] for m in search_addresses(ctx, "S65", 50)} == {"S65"}
    assert all("Moorgate Road" in m.address for m in search_addresses(ctx, "moorgate road"))
    # Loading it twice changes nothing.
    again = import_gazetteer(ctx, GAZETTEER_CSV)
    assert (again.imported, again.already_present) == (0, report.rows_read)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Property)) == len(properties)


def test_only_an_administrator_loads_the_gazetteer_and_the_rows_name_them(
        ctx, engine, make_ctx, tmp_path):
    path = write_csv(tmp_path / "g.csv", ROWS)
    with pytest.raises(PermissionDenied, match="load the gazetteer"):
        import_gazetteer(make_ctx("supervisor"), path)
    assert snapshot(engine) == ({}, {})
    with engine.connect() as connection:
        before = connection.scalar(select(func.max(AuditEntry.id))) or 0

    import_gazetteer(ctx, path)

    with engine.connect() as connection:
        audited = connection.execute(select(AuditEntry.entity, AuditEntry.actor)
                                     .where(AuditEntry.id > before)).all()
    assert {entity for entity, _ in audited} == {"streets", "properties"}
    assert {actor for _, actor in audited} == {ctx.actor.username}


def test_address_search_needs_permission_to_read_the_catalogue(ctx, make_ctx, tmp_path):
    import_gazetteer(ctx, write_csv(tmp_path / "g.csv", ROWS))
    assert [m.uprn for m in search_addresses(make_ctx("agent"), "wellgate")] == [100050000004]
    with pytest.raises(PermissionDenied):
        search_addresses(make_ctx("telephony"), "wellgate")
