from __future__ import annotations

import pytest

from contactdesk.domain import limits
from contactdesk.domain.errors import ValidationError
from contactdesk.domain.validation import (
    Findings,
    check_email,
    check_postcode,
    clean_text,
    normalise_postcode,
    parse_phone,
)


@pytest.mark.parametrize("raw, e164", [
    ("01709 336003", "+441709336003"),
    ("(01709) 336-003", "+441709336003"),
    ("+44 1709 336003", "+441709336003"),
    ("0044 1709 336003", "+441709336003"),
    ("020 7946 0123", "+442079460123"),
    ("0113 496 0999", "+441134960999"),
    ("07911 123456", "+447911123456"),
])
def test_valid_numbers_store_e164_and_raw_with_no_findings(raw, e164):
    findings = Findings()
    phone = parse_phone(raw, findings)
    assert phone.e164 == e164 and phone.raw == raw.strip() and phone.valid
    assert findings.errors == [] and findings.warnings == []


@pytest.mark.parametrize("raw", ["07700 900123", "01632 960001"])
def test_drama_numbers_are_possible_so_only_warned(raw):
    findings = Findings()
    phone = parse_phone(raw, findings)
    assert phone is not None and not phone.valid
    assert findings.errors == []
    assert [w.field for w in findings.warnings] == ["caller_phone"]


@pytest.mark.parametrize("raw, words", [
    ("12345", "area code"),
    ("abc", "not a phone number"),
    ("017", "too short"),
    ("01709 3360031234567", "too long"),
])
def test_unusable_numbers_are_errors_naming_the_field(raw, words):
    findings = Findings()
    assert parse_phone(raw, findings) is None
    (issue,) = findings.errors
    assert issue.field == "caller_phone" and words in issue.message


def test_blank_phone_is_neither_error_nor_number():
    findings = Findings()
    assert parse_phone("   ", findings) is None and not findings.errors


@pytest.mark.parametrize("raw, expected", [
    ("s60 2th", "S60 2TH"), ("S602TH", "S60 2TH"), ("  s60   2th ", "S60 2TH"),
    ("sw1a1aa", "SW1A 1AA"), ("EC1A 1BB", "EC1A 1BB"), ("m1 1ae", "M1 1AE"),
])
def test_postcodes_are_normalised(raw, expected):
    findings = Findings()
    assert check_postcode(raw, findings) == expected and not findings.errors
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["S6", "XX1 1XX", "S60 2TH extra", "S60-2TH", "60S 2TH", "QA1 1AA"])
def test_malformed_postcodes_are_errors(raw):
    findings = Findings()
    assert check_postcode(raw, findings) is None
    assert [e.field for e in findings.errors] == ["postcode"]


def test_unknown_but_well_formed_postcode_is_a_warning():
    findings = Findings()
    assert check_postcode("S60 9ZZ", findings, known=False) == "S60 9ZZ"
    assert not findings.errors and findings.warnings[0].field == "postcode"


def test_lengths_and_required_fields_name_the_field():
    findings = Findings()
    assert clean_text("x" * (limits.DESCRIPTION + 1), limits.DESCRIPTION, findings, "description") is None
    assert clean_text("  ", 10, findings, "caller_name", required=True) is None
    assert clean_text(" ok ", 10, findings, "address") == "ok"
    assert [e.field for e in findings.errors] == ["description", "caller_name"]
    with pytest.raises(ValidationError) as raised:
        findings.raise_if_errors()
    assert "description:" in str(raised.value) and "caller_name: is required" in str(raised.value)


def test_email():
    findings = Findings()
    assert check_email(" a.b@example.gov.uk ", findings) == "a.b@example.gov.uk"
    assert check_email("not-an-email", findings) is None
    assert [e.field for e in findings.errors] == ["email"]


NUL_AT_12 = "contains an invisible control character (NUL) at position 12: retype it"
BROKEN_AT_5 = "contains a broken character at position 5: retype it"


@pytest.mark.parametrize("check", [
    lambda raw, f: clean_text(raw, limits.DESCRIPTION, f, "description"),
    lambda raw, f: check_email(raw, f, "description"),
    lambda raw, f: check_postcode(raw, f, field_name="description"),
    lambda raw, f: parse_phone(raw, f, "description"),
], ids=["clean_text", "check_email", "check_postcode", "parse_phone"])
@pytest.mark.parametrize("raw, message", [
    ("Mattress on\x00 verge", NUL_AT_12),
    ("  Mattress \x00on verge", NUL_AT_12),  # counted in the text as typed, spaces included
    ("Bin \udc9d missed", BROKEN_AT_5),  # half of a pair, as a bad paste or decode leaves it
    ("Bin \ud83d", BROKEN_AT_5),
])
def test_nul_and_broken_characters_are_field_errors_that_echo_nothing(check, raw, message):
    findings = Findings()
    assert check(raw, findings) is None
    assert [(i.field, i.message) for i in findings.errors] == [("description", message)]
    with pytest.raises(ValidationError) as raised:
        findings.raise_if_errors()
    str(raised.value).encode("utf-8")  # printable on any console: no broken character echoed


def test_whole_emoji_and_other_scripts_are_kept():
    findings = Findings()
    text = "Bin \U0001F5D1 missed outside Siân's, 東京"
    assert clean_text(text, limits.DESCRIPTION, findings, "description") == text
    assert not findings.errors
