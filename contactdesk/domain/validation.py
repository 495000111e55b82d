"""Input rules shared by the call form, the importers and the services.

Errors block a save and name their field; warnings are shown but never block
(a possible but unallocated phone number, a well-formed but unknown postcode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat
from phonenumbers.phonenumberutil import ValidationResult

from . import limits
from .errors import FieldIssue, ValidationError
from .uk_numbers import length_fits, uk_range

DEFAULT_REGION = "GB"

_POSSIBLE_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "has an unknown country code",
    ValidationResult.TOO_SHORT: "is too short",
    ValidationResult.TOO_LONG: "is too long",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "is missing its area code (a call-back needs the full number)",
    ValidationResult.INVALID_LENGTH: "has the wrong number of digits",
}
_PARSE_FAILURES = {
    NumberParseException.TOO_LONG: "is too long",
    NumberParseException.TOO_SHORT_NSN: "is too short",
    NumberParseException.TOO_SHORT_AFTER_IDD: "is too short",
    NumberParseException.INVALID_COUNTRY_CODE: "has an unknown country code",
}
_MISSING_AREA_CODE = _POSSIBLE_REASONS[ValidationResult.IS_POSSIBLE_LOCAL_ONLY]
_UK_COUNTRY_CODE = 44
# No UK number but 0800 1111 has fewer than 9 digits after the 0.
_SHORTEST_UK_NSN = 9

# NUL is refused by PostgreSQL; half of a surrogate pair cannot be encoded for
# either database (nor printed), so both are refused before anything is saved.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# An extension at the end: "ext. 1234", "ext 1234", "x1234", "#1234".
_EXTENSION = re.compile(r"\s*(?:(?:ext(?:ension|n)?\.?|x)\s*|#\s*)(\d{1,6})$", re.IGNORECASE)
_PHONE_PUNCTUATION = frozenset("()[]." "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_PHONE_CHARACTERS_RULE = "digits, spaces and a leading + only"


@dataclass
class Findings:
    """Errors and warnings collected while checking one record."""

    errors: list[FieldIssue] = field(default_factory=list)
    warnings: list[FieldIssue] = field(default_factory=list)

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(FieldIssue(field_name, message))

    def warn(self, field_name: str, message: str) -> None:
        self.warnings.append(FieldIssue(field_name, message))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def check_characters(raw: str | None, findings: Findings, field_name: str) -> bool:
    """False (with an error naming the first place) when ``raw`` holds a NUL or a broken
    character; positions count from 1 in the text as typed."""
    found = _UNSTORABLE.search(raw or "")
    if found is None:
        return True
    position = found.start() + 1
    if found.group() == "\x00":
        findings.error(field_name, f"contains an invisible control character (NUL) at "
                                   f"position {position}: retype it")
    else:
        findings.error(field_name, f"contains a broken character at position {position}: "
                                   "retype it")
    return False


@dataclass(frozen=True)
class Phone:
    raw: str  # as typed, extension included
    e164: str
    national: str
    valid: bool
    extension: str | None = None


def parse_phone(raw: str, findings: Findings, field_name: str = "caller_phone") -> Phone | None:
    """Parse a phone number typed in any common format; None when it is unusable.

    An extension at the end ("ext. 1234", "x1234", "#1234") is returned apart.
    """
    text = (raw or "").strip()
    if not text or not check_characters(raw, findings, field_name):
        return None
    if len(text) > limits.PHONE_RAW:
        findings.error(field_name, f"is longer than {limits.PHONE_RAW} characters")
        return None
    if not any(c in "0123456789" for c in text):
        findings.error(field_name, f"'{text}' is not a phone number")
        return None
    number_text, extension = split_extension(text)
    if not number_text:
        findings.error(field_name, f"'{text}' is only an extension: give the number before it")
        return None
    refused = _refused_characters(number_text)
    if refused:
        verb = "is" if len(refused) == 1 else "are"
        findings.error(field_name, f"{_join(refused)} {verb} not allowed in a phone number: "
                                   f"{_PHONE_CHARACTERS_RULE}")
        return None
    number, problem = _parse_number(number_text)
    if problem:
        if extension is not None:  # an x typed by mistake mid-number reads as an extension
            problem += f" ({text[len(number_text):].strip()} was read as an extension)"
        findings.error(field_name, problem)
        return None
    valid = phonenumbers.is_valid_number(number)
    if not valid:
        findings.warn(field_name, f"'{text}' is possible but not an allocated number; check it with the caller")
    return Phone(
        raw=text,
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        national=phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        valid=valid,
        extension=extension,
    )


def _parse_number(number_text: str) -> tuple[phonenumbers.PhoneNumber | None, str | None]:
    """The number, or why it can never be called back."""
    try:
        number = phonenumbers.parse(number_text, DEFAULT_REGION)
    except NumberParseException as exc:
        why = _PARSE_FAILURES.get(exc.error_type, "is not a phone number")
        return None, f"'{number_text}' {why}"
    if number.country_code == _UK_COUNTRY_CODE:
        problem = _uk_number_problem(number_text, str(number.national_number))
        if problem:
            return None, problem
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != ValidationResult.IS_POSSIBLE:
        why = _POSSIBLE_REASONS.get(reason, "is not a possible number")
        return None, f"'{number_text}' {why}"
    return number, None


def split_extension(text: str) -> tuple[str, str | None]:
    """``"01709 336003 ext. 1234"`` -> ``("01709 336003", "1234")``; no extension -> None."""
    found = _EXTENSION.search(text)
    if found is None:
        return text, None
    return text[:found.start()].strip(), found.group(1)


def _refused_characters(number_text: str) -> list[str]:
    refused: dict[str, None] = {}
    for index, char in enumerate(number_text):
        if char in "0123456789" or char.isspace() or char in _PHONE_PUNCTUATION:
            continue
        if char == "+" and index == 0:
            continue
        refused[char] = None
    return list(refused)


def _join(chars: list[str]) -> str:
    shown = [f"'{c}'" if c.isprintable() else f"the invisible character U+{ord(c):04X}"
             for c in chars]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _uk_number_problem(typed: str, nsn: str) -> str | None:
    """Why a UK number can never be called back (wrong length for its range), or None."""
    dialled_with_code = typed.startswith("+") or typed.lstrip("([ ").startswith("0")
    if not dialled_with_code and len(nsn) < _SHORTEST_UK_NSN:
        return f"'{typed}' {_MISSING_AREA_CODE}"
    found = uk_range(nsn)
    if found is None:
        return None
    if found.closed:
        return f"{typed} cannot be called: UK numbers starting {found.start} {found.closed}"
    if length_fits(nsn, found):
        return None
    size = "short" if len(nsn) < min(found.lengths) else "long"
    return f"{typed} is too {size}: {found.describe()}"


# The whole UK postcode pattern (BS 7666), checked on the normalised form.
_POSTCODE = re.compile(
    r"(GIR 0AA|"
    r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2})"
)


def normalise_postcode(raw: str) -> str:
    """Trim, upper-case and put the single space before the inward code."""
    compact = re.sub(r"\s+", "", (raw or "").upper())
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def check_postcode(raw: str, findings: Findings, known: bool | None = None,
                   field_name: str = "postcode") -> str | None:
    """Return the normalised postcode, or None when empty or malformed.

    ``known`` says whether the gazetteer holds it (None when not looked up).
    """
    if not (raw or "").strip() or not check_characters(raw, findings, field_name):
        return None
    postcode = normalise_postcode(raw)
    if not _POSTCODE.fullmatch(postcode):
        findings.error(field_name, f"'{raw.strip()}' is not a UK postcode (for example S60 2TH)")
        return None
    if known is False:
        findings.warn(field_name, f"{postcode} is not in the local gazetteer")
    return postcode


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_email(raw: str, findings: Findings, field_name: str = "email") -> str | None:
    text = (raw or "").strip()
    if not text or not check_characters(raw, findings, field_name):
        return None
    if not check_length(text, limits.EMAIL, findings, field_name):
        return None
    if not _EMAIL.fullmatch(text):
        findings.error(field_name, f"'{text}' is not an email address")
        return None
    return text


def check_length(text: str | None, maximum: int, findings: Findings, field_name: str) -> bool:
    if text is not None and len(text) > maximum:
        findings.error(field_name, f"is {len(text)} characters; the most allowed is {maximum}")
        return False
    return True


def clean_text(raw: str | None, maximum: int, findings: Findings, field_name: str,
               required: bool = False) -> str | None:
    """Strip, check required, characters and length; return None for empty optional text."""
    text = (raw or "").strip()
    if not text:
        if required:
            findings.error(field_name, "is required")
        return None
    if not check_characters(raw, findings, field_name):
        return None
    if not check_length(text, maximum, findings, field_name):
        return None
    return text
