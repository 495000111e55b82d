"""Subject access requests: finding the person in any format, what is theirs, what only mentions
them, what is redacted, the exported bundle and the audit rows. Both databases."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from contactdesk.domain.errors import PermissionDenied, UnusableInput, ValidationError
from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.complaints import ComplaintInput
from contactdesk.dtos.subject_access import REDACTED
from contactdesk.persistence.models import AuditEntry
from contactdesk.services import subject_access, subject_mentions
from contactdesk.services.calls import log_call
from contactdesk.services.cases import add_note, change_status, hold
from contactdesk.services.complaints import log_complaint
from contactdesk.services.gazetteer import import_gazetteer
from contactdesk.services.subject_access import export_subject, find_subject

from ...helpers.pdf_text import embedded_fonts, pdf_text

ANN = "+441709336000"
FORMATS = ("01709 336000", "01709336000", "+44 1709 336000", "(01709) 336 000",
           "0044 1709 336000")
BUNDLE = ("subject-access.pdf", "callers.csv", "calls.csv", "cases.csv", "notes.csv",
          "complaints.csv", "mentions.csv")


@pytest.fixture
def agent(make_ctx):
    return make_ctx("agent", "sarah.whitfield", "Sarah Whitfield")


def call(agent, phone, name, description="", **fields) -> str | None:
    data = {"category": "Litter", "address": "1 Wellgate", **fields}
    return log_call(agent, CallInput(caller_phone=phone, caller_name=name,
                                     description=description, **data)).reference


def complaint(agent, **fields) -> str:
    data = {"service": "Streetpride", "description": "Nobody came", **fields}
    return log_complaint(agent, ComplaintInput(**data)).reference


@pytest.fixture
def world(agent):
    """Ann Jones and the people around her, logged through the services."""
    refs = {
        # Before Ann's first call, so nothing links these to her caller row.
        "by_phone": complaint(agent, complainant_name="A Jones", complainant_phone="01709336000"),
        "by_email": complaint(agent, complainant_name="Ann J",
                              complainant_email="ANN.J@example.com"),
        "ann": call(agent, "01709 336000", "Ann Jones", "Cans everywhere; ring me on 01709 336000",
                    caller_email="ann.j@example.com", postcode="S60 2TH"),
        "bob": call(agent, "01709 823456", "Bob Smith", "Sofa dumped by the shops"),
    }
    log_call(agent, CallInput(caller_phone="01709 336000", outcome="information_given",
                              category="Litter", description="Asked when bins are emptied"))
    log_call(agent, CallInput(caller_phone="+441709336000", add_to_case=refs["bob"],
                              description="Also reporting the sofa"))
    add_note(agent, refs["ann"], "Bob Smith rang about it too; Mrs Hirst on 07700 900123 saw it")
    change_status(agent, refs["ann"], "in_progress", reason="Crew sent")
    hold(agent, refs["ann"], "Waiting for her photos")
    refs["linked"] = complaint(agent, case_reference=refs["ann"], complainant_name="Cath Jones",
                               complainant_phone="01709 555111", description="On behalf of Ann")
    return refs


def test_a_phone_in_any_format_finds_the_caller_and_all_that_is_linked(ctx, world):
    found = [find_subject(ctx, phone=text) for text in FORMATS]
    assert {tuple(c.id for c in f.callers) for f in found} == {(found[0].callers[0].id,)}
    ann = found[0]
    assert [(c.name, c.phone, c.email) for c in ann.callers] == [
        ("Ann Jones", ANN, "ann.j@example.com")]
    assert len(ann.calls) == 3
    assert sorted(c.reference for c in ann.cases) == sorted([world["ann"], world["bob"]])
    cases = {c.reference: c for c in ann.cases}
    own, joined = cases[world["ann"]], cases[world["bob"]]
    assert own.caller == "Ann Jones" and own.relation == "you reported it"
    assert joined.caller == REDACTED and joined.relation == "your call was added to it"
    kinds = [(e.kind, e.text) for e in own.entries]
    assert ("status change", "new to in_progress: Crew sent") in kinds
    assert ("hold", "waiting for you, still on hold: Waiting for her photos") in kinds
    assert {c.reference for c in ann.complaints} == {world["by_phone"], world["by_email"],
                                                     world["linked"]}
    assert ann.record_count == 1 + 3 + 2 + 3
    assert ann.mentions == ()


def test_other_peoples_details_are_redacted_in_the_persons_own_records(ctx, world):
    ann = find_subject(ctx, phone="01709 336000")
    note = next(e for c in ann.cases for e in c.entries if e.kind == "note")
    # Bob is on one of her cases; Mrs Hirst's number is not hers; a titled name is flagged.
    assert note.text == f"{REDACTED} rang about it too; Mrs Hirst on {REDACTED} saw it"
    assert note.check and note.by == "Sarah Whitfield"  # staff acting in their role stay
    own = next(c for c in ann.cases if c.reference == world["ann"])
    assert own.description == "Cans everywhere; ring me on 01709 336000" and not own.check
    linked = next(c for c in ann.complaints if c.reference == world["linked"])
    assert (linked.complainant_name, linked.complainant_phone) == (REDACTED, REDACTED)
    assert linked.complainant_email == "ann.j@example.com"  # filled in from hers: shown
    assert linked.case_reference == world["ann"]
    by_phone = next(c for c in ann.complaints if c.reference == world["by_phone"])
    assert (by_phone.complainant_name, by_phone.complainant_phone) == ("A Jones", ANN)
    everything = repr((ann.callers, ann.calls, ann.cases, ann.complaints))
    assert "Bob Smith" not in everything and "Cath Jones" not in everything
    assert "900123" not in everything and "555111" not in everything


# With many numbers to find, rows are narrowed to texts holding nine digits (GLOB on SQLite,
# a regular expression on PostgreSQL) instead of one LIKE per number: both must find the same.
@pytest.mark.parametrize("phone_patterns", [8, 0], ids=["like-per-number", "nine-digits"])
def test_mentions_in_other_peoples_records_are_flagged_apart(ctx, agent, world, monkeypatch,
                                                             phone_patterns):
    monkeypatch.setattr(subject_mentions, "MAX_PHONE_PATTERNS", phone_patterns)
    carol = call(agent, "01709 700100", "Carol Lee",
                 "Carol Lee says her neighbour on 0 1 7 0 9 3 3 6 0 0 0 leaves bags out")
    dave = call(agent, "01709 700200", "Dave Kay", "Graffiti on the wall")
    add_note(agent, dave, "Spoke to ANN  JONES at no. 3, who saw it")
    erin = log_call(agent, CallInput(caller_phone="01709 700300", caller_name="Erin Moss",
                                     outcome="information_given", category="Litter",
                                     description="Asked for +44 (0)1709 336000 to be called"))
    frank = complaint(agent, complainant_name="Frank Hall",
                      description="Ann Jones's hedge blocks the path")
    near_miss = call(agent, "01709 700400", "Gail Tse", "Ring 01709 336001 or annjones@x")
    namesake = complaint(agent, complainant_name="Ann Jones", description="Pothole on Main St")
    ann = find_subject(ctx, phone="(01709) 336 000")
    flagged = {(m.kind, m.reference): m for m in ann.mentions}
    assert set(flagged) == {("case", carol), ("case", dave), ("call", f"call {erin.call_id}"),
                            ("complaint", frank), ("complaint", namesake)}
    # The same name with nothing else of hers: someone else's, perhaps; flagged, not included.
    assert flagged[("complaint", namesake)].places == ("complainant's name",)
    assert namesake not in {c.reference for c in ann.complaints}
    assert namesake in {c.reference for c in find_subject(ctx, name="Ann Jones").complaints}
    assert near_miss not in {m.reference for m in ann.mentions}
    first, second = flagged[("case", carol)].places  # the case and the call that made it
    assert first == "case description" and second.startswith("call summary of ")
    assert flagged[("case", carol)].matched == ("phone",)
    assert flagged[("case", dave)].matched == ("name",)
    assert "note of" in flagged[("case", dave)].places[0]
    # Each excerpt keeps the person and takes out the record's own people.
    assert "0 1 7 0 9 3 3 6 0 0 0" in flagged[("case", carol)].excerpts[0]
    assert "Carol Lee" not in repr(ann) and REDACTED in flagged[("case", carol)].excerpts[0]
    assert "Frank Hall" not in repr(ann)
    # The person's own records are never flagged as mentions.
    assert not {world["ann"], world["bob"]} & {m.reference for m in ann.mentions}


def test_by_name_postcode_and_email(ctx, agent, world, tmp_path):
    call(agent, "07700 900555", "Ann Marie Jones", "Bin not emptied")
    call(agent, "07700 900556", "Ann Smith", "Bin not emptied")
    by_name = find_subject(ctx, name="  ann   JONES ")
    assert sorted(c.name for c in by_name.callers) == ["Ann Jones", "Ann Marie Jones"]
    # The callers found by name bring their numbers: the complaint made with hers is hers.
    assert world["by_phone"] in {c.reference for c in by_name.complaints}

    gazetteer = tmp_path / "gazetteer.csv"
    gazetteer.write_text("uprn,usrn,street,locality,town,address,postcode\n"
                         "100050004635,20708505,Wellgate,Centre,Rotherham,2 Wellgate,S60 2JS\n")
    assert import_gazetteer(ctx, gazetteer).imported == 1
    log_call(agent, CallInput(caller_phone="01709 700500", caller_name="Hal Price",
                              uprn=100050004635, category="Litter", description="Cans"))
    assert [c.name for c in find_subject(ctx, postcode="s602js").callers] == ["Hal Price"]
    assert [c.name for c in find_subject(ctx, postcode="S60 2TH").callers] == ["Ann Jones"]

    by_email = find_subject(ctx, email="Ann.J@Example.COM")
    assert [c.name for c in by_email.callers] == ["Ann Jones"]
    assert {world["by_email"], world["by_phone"]} <= {c.reference for c in by_email.complaints}
    nobody = find_subject(ctx, email="nobody@example.com")
    assert nobody.record_count == 0 and nobody.mentions == ()


@pytest.mark.parametrize(("given", "field"), [
    ({}, "search"), ({"phone": "  ", "name": ""}, "search"),
    ({"phone": "01709 336000", "name": "Ann Jones"}, "search"),
    ({"phone": "not a number"}, "phone"), ({"name": "Ann"}, "name"),
    ({"postcode": "S60"}, "postcode"), ({"email": "ann@"}, "email"),
])
def test_exactly_one_usable_criterion(ctx, given, field):
    with pytest.raises(ValidationError) as raised:
        find_subject(ctx, **given)
    assert [issue.field for issue in raised.value.issues] == [field]
    assert _audit(ctx) == []  # nothing searched, nothing audited


def test_the_search_and_the_export_are_audited(ctx, world, tmp_path):
    ann = find_subject(ctx, phone="01709336000")
    export = export_subject(ctx, ann, tmp_path / "sar")
    rows = _audit(ctx)
    assert [(r.action, r.entity_id, r.actor) for r in rows] == [
        ("read", ann.request_id, "test.admin"), ("export", ann.request_id, "test.admin")]
    assert rows[0].new_value == f"phone: {ANN}; {ann.record_count} records"
    assert rows[1].new_value.startswith(", ".join(BUNDLE))
    assert export.files == BUNDLE and export.records == ann.record_count


def test_the_bundle_reads_back_with_the_persons_data_and_no_one_elses(ctx, agent, world,
                                                                      tmp_path):
    call(agent, "01709 336000", "Ann Jones", '=HYPERLINK("http://x","Ann")')
    call(agent, "01709 700100", "Carol Lee", "Carol Lee: bags left by 01709 336000")
    ann = find_subject(ctx, phone="01709 336000")
    out = tmp_path / "new" / "folder"
    export_subject(ctx, ann, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(BUNDLE)
    tables = {}
    for name in BUNDLE[1:]:
        raw = (out / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
        with (out / name).open(encoding="utf-8-sig", newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    assert tables["callers.csv"][0]["phone"] == ANN  # E.164, not neutralised
    assert '\'=HYPERLINK("http://x","Ann")' in {r["description"] for r in tables["cases.csv"]}
    assert {r["reference"] for r in tables["mentions.csv"]} == {m.reference for m in ann.mentions}
    assert len(tables["notes.csv"]) == sum(len(c.entries) for c in ann.cases)
    mentions_text = (out / "mentions.csv").read_text(encoding="utf-8-sig")
    for name in BUNDLE[1:-1]:
        text = (out / name).read_text(encoding="utf-8-sig")
        assert "Bob Smith" not in text and "Carol Lee" not in text and "900123" not in text
    assert "Carol Lee" not in mentions_text and "01709 336000" in mentions_text
    pdf = " ".join(pdf_text(out / "subject-access.pdf").split())
    assert ann.request_id in pdf and "Ann Jones" in pdf and "Mentioned in; check before" in pdf
    assert "Bob Smith" not in pdf and "Carol Lee" not in pdf and "Cath Jones" not in pdf
    assert "staff" in pdf
    assert any("DejaVuSans" in font for font in embedded_fonts(out / "subject-access.pdf"))


def test_a_folder_holding_files_is_refused_and_nothing_is_written(ctx, world, tmp_path):
    ann = find_subject(ctx, phone="01709 336000")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "earlier.txt").write_text("x")
    with pytest.raises(UnusableInput, match="not empty"):
        export_subject(ctx, ann, busy)
    with pytest.raises(UnusableInput, match="is a file"):
        export_subject(ctx, ann, busy / "earlier.txt")
    assert [p.name for p in busy.iterdir()] == ["earlier.txt"]
    assert [r.action for r in _audit(ctx)] == ["read"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_subject(ctx, ann, empty).folder == empty


def test_only_administrators_answer_requests(make_ctx, ctx, world, tmp_path):
    ann = find_subject(ctx, phone="01709 336000")
    for role in ("agent", "supervisor"):
        with pytest.raises(PermissionDenied):
            find_subject(make_ctx(role), phone="01709 336000")
        with pytest.raises(PermissionDenied):
            export_subject(make_ctx(role), ann, tmp_path / role)
        assert not (tmp_path / role).exists()
    assert [r.action for r in _audit(ctx)] == ["read"]


def _audit(ctx) -> list:
    with ctx.uow() as uow:
        return uow.session.execute(
            select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.actor, AuditEntry.new_value)
            .where(AuditEntry.entity == "subject_access").order_by(AuditEntry.id)).all()


def test_a_failed_export_leaves_no_files_and_no_export_row(ctx, world, tmp_path, monkeypatch):
    ann = find_subject(ctx, phone="01709 336000")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(UnusableInput, match="cannot create the folder"):
        export_subject(ctx, ann, blocker / "sar")

    def disk_full(_records, folder):
        raise UnusableInput(f"cannot write {folder / 'callers.csv'}: No space left on device")

    monkeypatch.setattr(subject_access, "write_subject_csvs", disk_full)
    with pytest.raises(UnusableInput, match="No space left"):
        export_subject(ctx, ann, tmp_path / "sar")
    assert not (tmp_path / "sar").exists()  # the PDF written first is gone, and its folder
    assert [r.action for r in _audit(ctx)] == ["read"]
