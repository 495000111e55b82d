"""Phone numbers as typed: which characters, extensions, and the length of each UK range."""

from __future__ import annotations

import pytest

from contactdesk.domain.uk_numbers import uk_range
from contactdesk.domain.validation import Findings, parse_phone, split_extension

ONLY = "not allowed in a phone number: digits, spaces and a leading + only"


def refused(raw: str) -> str:
    """The one error ``raw`` gives, as the person sees it (field: message)."""
    findings = Findings()
    assert parse_phone(raw, findings) is None
    (issue,) = findings.errors
    return str(issue)


def accepted(raw: str):
    findings = Findings()
    phone = parse_phone(raw, findings)
    assert findings.errors == [] and phone is not None, findings.errors
    return phone, findings


# -- characters --------------------------------------------------------------------------

@pytest.mark.parametrize("raw, message", [
    ("01709 33600x", f"caller_phone: 'x' is {ONLY}"),
    ("07911 123456 \U0001F4DE", f"caller_phone: '\U0001F4DE' is {ONLY}"),
    ("01709 +336003", f"caller_phone: '+' is {ONLY}"),
    ("01709/336003", f"caller_phone: '/' is {ONLY}"),
    ("0800 FLOWERS", f"caller_phone: 'F', 'L', 'O', 'W', 'E', 'R' and 'S' are {ONLY}"),
    ("01709\u200b336003", f"caller_phone: the invisible character U+200B is {ONLY}"),
])
def test_a_character_that_is_not_part_of_a_number_is_named_not_dropped(raw, message):
    assert refused(raw) == message


@pytest.mark.parametrize("raw", ["(01709) 336-003", "01709.336.003", "[01709] 336 003",
                                 "01709\u2013336\u2013003", "  +44 (0)1709 336003 ",
                                 "01709\u00a0336003", "0044 1709 336003"])
def test_brackets_dots_dashes_spaces_and_a_leading_plus_are_fine(raw):
    phone, findings = accepted(raw)
    assert phone.e164 == "+441709336003" and phone.raw == raw.strip() and not findings.warnings


def test_text_without_a_digit_is_simply_not_a_phone_number():
    assert refused("not a phone") == "caller_phone: 'not a phone' is not a phone number"


def test_the_field_is_named_as_the_caller_asks():
    findings = Findings()
    parse_phone("01709 82", findings, "complainant_phone")
    assert [i.field for i in findings.errors] == ["complainant_phone"]


# -- extensions ----------------------------------------------------------------------

@pytest.mark.parametrize("raw, extension", [
    ("01709 336003 ext. 1234", "1234"), ("01709 336003 ext 1234", "1234"),
    ("01709 336003 x1234", "1234"), ("01709 336003 #1234", "1234"),
    ("01709 336003 EXT.56", "56"), ("01709336003x7", "7"), ("01709 336003 # 204", "204"),
])
def test_an_extension_at_the_end_is_kept_apart(raw, extension):
    phone, _ = accepted(raw)
    assert (phone.e164, phone.national, phone.extension) == ("+441709336003", "01709 336003",
                                                             extension)
    assert phone.raw == raw  # what was typed, extension included, is what gets stored


def test_a_number_without_extension_has_none():
    phone, _ = accepted("01709 336003")
    assert phone.extension is None
    assert split_extension("01709 336003") == ("01709 336003", None)


def test_an_extension_does_not_make_a_short_number_whole():
    assert refused("01709 82 x12") == ("caller_phone: 01709 82 is too short: numbers in 01709 "
                                       "have 11 digits (x12 was read as an extension)")


def test_an_extension_alone_asks_for_the_number():
    assert "give the number before it" in refused("ext 1234")


def test_an_x_typed_mid_number_is_shown_to_have_been_read_as_an_extension():
    assert refused("01709 33x6003") == ("caller_phone: 01709 33 is too short: numbers in 01709 "
                                        "have 11 digits (x6003 was read as an extension)")
    assert refused("01709 3x36003 ext 12") == f"caller_phone: 'x' is {ONLY}"


# -- UK lengths by range (Ofcom's National Telephone Numbering Plan) --------------------

@pytest.mark.parametrize("raw, message", [
    ("01709 82", "01709 82 is too short: numbers in 01709 have 11 digits"),
    ("01709 12345", "01709 12345 is too short: numbers in 01709 have 11 digits"),
    ("01709 3360031", "01709 3360031 is too long: numbers in 01709 have 11 digits"),
    ("020 7946 012", "020 7946 012 is too short: numbers in 020 have 11 digits"),
    ("+44 20 7946 012", "+44 20 7946 012 is too short: numbers in 020 have 11 digits"),
    ("020 7946 01234", "020 7946 01234 is too long: numbers in 020 have 11 digits"),
    ("0113 496 001", "0113 496 001 is too short: numbers in 0113 have 11 digits"),
    ("0121 496 012", "0121 496 012 is too short: numbers in 0121 have 11 digits"),
    ("015396 1234", "015396 1234 is too short: numbers in 015396 have 11 digits"),
    ("016977 345", "016977 345 is too short: numbers in 016977 have 10 or 11 digits"),
    ("01204 1234567", "01204 1234567 is too long: numbers in 01204 have 10 or 11 digits"),
    ("017", "017 is too short: numbers starting 01 have 10 or 11 digits"),
    ("07911 12345", "07911 12345 is too short: numbers starting 07 have 11 digits"),
    ("07911 1234567", "07911 1234567 is too long: numbers starting 07 have 11 digits"),
    ("0800 12345", "0800 12345 is too short: numbers starting 0800 have 10 or 11 digits"),
    ("0845 123 456", "0845 123 456 is too short: numbers starting 08 have 11 digits"),
    ("0300 123 456", "0300 123 456 is too short: numbers starting 03 have 11 digits"),
    ("0500 123456", "0500 123456 cannot be called: UK numbers starting 0500 were withdrawn "
                    "in 2017"),
    ("04 1234 5678", "04 1234 5678 cannot be called: UK numbers starting 04 are not in use"),
    ("0612 345 6789", "0612 345 6789 cannot be called: UK numbers starting 06 are not in use"),
])
def test_a_uk_number_of_the_wrong_length_for_its_range_is_refused(raw, message):
    assert refused(raw) == f"caller_phone: {message}"


@pytest.mark.parametrize("raw", ["12345", "496 0123", "1234567"])
def test_a_local_number_without_its_area_code_still_says_so(raw):
    assert refused(raw) == (f"caller_phone: '{raw}' is missing its area code (a call-back "
                            "needs the full number)")


@pytest.mark.parametrize("raw, e164", [
    ("01709 336003", "+441709336003"),
    ("020 7946 0123", "+442079460123"),
    ("0121 496 0123", "+441214960123"),
    ("01204 61234", "+44120461234"),  # 10 digits in all: one of the 4+5 areas
    ("016977 2345", "+44169772345"),  # Brampton's 4-digit local numbers
    ("016977 34567", "+441697734567"),
    ("015396 12345", "+441539612345"),
    ("07911 123456", "+447911123456"),
    ("0800 123456", "+44800123456"),  # 0800 has 10 or 11 digits
    ("0800 123 4567", "+448001234567"),
    ("0800 1111", "+448001111"),  # Childline, the one shorter number
    ("0300 123 4567", "+443001234567"),
    ("0845 123 4567", "+448451234567"),
    ("055 1234 5678", "+445512345678"),
    ("+33 1 23 45 67 89", "+33123456789"),  # other countries: phonenumbers' own rules
])
def test_numbers_of_the_right_length_are_accepted(raw, e164):
    phone, _ = accepted(raw)
    assert phone.e164 == e164


@pytest.mark.parametrize("raw", [
    "07700 900000", "07700 900999", "01632 960000", "01632 960999", "020 7946 0000",
    "020 7946 0999", "0113 496 0000", "0191 498 0999", "028 9649 6000", "029 2018 0000",
    "0808 157 0000", "0909 879 0000", "0306 999 0000",
])
def test_ofcom_drama_numbers_stay_well_formed(raw):
    phone, findings = accepted(raw)
    # Unallocated drama ranges warn (as before); allocated-looking ones pass silently.
    assert [w.field for w in findings.warnings] == ([] if phone.valid else ["caller_phone"])


@pytest.mark.parametrize("nsn, start, describe", [
    ("1709336003", "01709", "numbers in 01709 have 11 digits"),
    ("2079460123", "020", "numbers in 020 have 11 digits"),
    ("1134960123", "0113", "numbers in 0113 have 11 digits"),
    ("1946712345", "019467", "numbers in 019467 have 11 digits"),
    ("1946612345", "01946", "numbers in 01946 have 10 or 11 digits"),
    ("7911123456", "07", "numbers starting 07 have 11 digits"),
    ("8001234567", "0800", "numbers starting 0800 have 10 or 11 digits"),
    ("80", "08", "numbers starting 08 have 10 or 11 digits"),
    ("8451234567", "08", "numbers starting 08 have 11 digits"),
])
def test_each_range_names_its_start_and_lengths(nsn, start, describe):
    found = uk_range(nsn)
    assert (found.start, found.describe(), found.closed) == (start, describe, None)
