"""Input rules shared by the call form, the importers and the services.

Errors block a save and name their field; warnings are shown but never block
(a possible but unallocated phone number, a well-formed but unknown postcode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import PhoneNumberFormat
from phonenumbers.phonenumberutil import ValidationResult

from . import limits
from .errors import FieldIssue, ValidationError

DEFAULT_REGION = "GB"

_POSSIBLE_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "has an unknown country code",
    ValidationResult.TOO_SHORT: "is too short",
    ValidationResult.TOO_LONG: "is too long",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "is missing its area code (a call-back needs the full number)",
    ValidationResult.INVALID_LENGTH: "has the wrong number of digits",
}


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


@dataclass(frozen=True)
class Phone:
    raw: str
    e164: str
    national: str
    valid: bool


def parse_phone(raw: str, findings: Findings, field_name: str = "caller_phone") -> Phone | None:
    """Parse a phone number typed in any common format; None when it is unusable."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > limits.PHONE_RAW:
        findings.error(field_name, f"is longer than {limits.PHONE_RAW} characters")
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        findings.error(field_name, f"'{text}' is not a phone number")
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != ValidationResult.IS_POSSIBLE:
        why = _POSSIBLE_REASONS.get(reason, "is not a possible number")
        findings.error(field_name, f"'{text}' {why}")
        return None
    valid = phonenumbers.is_valid_number(number)
    if not valid:
        findings.warn(field_name, f"'{text}' is possible but not an allocated number; check it with the caller")
    return Phone(
        raw=text,
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        national=phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        valid=valid,
    )


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
    if not (raw or "").strip():
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
    if not text:
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
    """Strip, check required and length; return None for empty optional text."""
    text = (raw or "").strip()
    if not text:
        if required:
            findings.error(field_name, "is required")
        return None
    if not check_length(text, maximum, findings, field_name):
        return None
    return text
