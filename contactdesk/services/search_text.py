"""What an agent types in the case search: words, a reference, a phone number, a postcode.

Pure text rules, shared by the search and its tests; the word rules match the
triggers that fill the word tables (migration 0002).
"""

from __future__ import annotations

import re
from string import ascii_uppercase, punctuation

from ..domain.validation import Findings, parse_phone
from ..persistence.models import SEARCH_WORD_LENGTH

SEPARATORS = punctuation + "".join(map(chr, range(1, 32))) + "\x7f"
FOLD = str.maketrans(ascii_uppercase + SEPARATORS,
                     ascii_uppercase.lower() + " " * len(SEPARATORS))
REFERENCE = re.compile(r"[A-Z]{2,4}-(?:\d{1,4}(?:-\d{0,6})?)?")
WHOLE_REFERENCE = re.compile(r"[A-Z]{2,4}-\d{4}-\d{6}")
YEAR_GIVEN = re.compile(r"[A-Z]{2,4}-\d{4}-(\d{0,6})")
WHOLE_POSTCODE = re.compile(r".+ \d[A-Z]{2}")
OUTWARD = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?")
INWARD_START = re.compile(r"\d[A-Z]{0,2}")
PHONE_CHARACTERS = re.compile(r"[\d\s+()\-.]+")
REFERENCE_CHARACTERS = re.compile(r"[A-Z\d-]+")
# Fewer digits than this would match a large share of all references.
FRAGMENT_DIGITS = 3
NUMBER_DIGITS = 6  # the number at the end of a reference, zero-padded (SP-2026-000123)
REFERENCE_RANGE_LIMIT = 1_000


def search_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as the word tables hold them: ASCII letters in lower case,
    ASCII punctuation and control characters as separators, at most 40 characters.

    The migration's triggers apply the same rules inside the database (other
    letters are kept as typed: SQLite without ICU cannot fold them).
    """
    words = dict.fromkeys(w[:SEARCH_WORD_LENGTH] for w in text.translate(FOLD).split(" ") if w)
    return tuple(words)


def reference_prefix(text: str) -> str | None:
    """``sp-2026-0001`` -> ``SP-2026-0001``: a case reference or its beginning (with the dash)."""
    candidate = text.strip().upper()
    return candidate if REFERENCE.fullmatch(candidate) else None


def references_beginning(prefix: str) -> int | None:
    """At most how many references of one prefix and year begin with ``prefix`` (from
    ``reference_prefix``): 100 for ``SP-2026-0086``; None when the year is not complete."""
    if WHOLE_REFERENCE.fullmatch(prefix):
        return 1
    number = YEAR_GIVEN.fullmatch(prefix)
    return 10 ** (NUMBER_DIGITS - len(number.group(1))) if number else None


def reference_fragment(text: str) -> str | None:
    """``8662``, ``2026-0086``, ``p-2026`` -> upper case: what may be any part of a reference.

    Only letters, digits and dashes, with at least FRAGMENT_DIGITS digits: an agent
    reads out the end of a reference ("ending 8662") more often than its start.
    """
    candidate = text.strip().upper()
    if not REFERENCE_CHARACTERS.fullmatch(candidate):
        return None
    return candidate if sum(c.isdigit() for c in candidate) >= FRAGMENT_DIGITS else None


def reference_ranges(fragment: str, counters, *, limit: int = REFERENCE_RANGE_LIMIT
                     ) -> list[tuple[str, str]] | None:
    """The references holding ``fragment``, as inclusive ranges of references.

    ``counters`` are (prefix, year, last number handed out): every reference is
    ``PREFIX-YEAR-NNNNNN`` with a number up to that. Each place the fragment can sit
    fixes some characters; where it covers digits of the number, those numbers
    form runs ("8662" at the end: 008662, 018662, ...; in the middle: 086620-086629),
    each a range of the reference index. None when there would be more than ``limit``
    ranges (a short fragment: then most pages fill from the list in order anyway).
    """
    ranges: set[tuple[str, str]] = set()
    for prefix, year, last in counters:
        head = f"{prefix}-{year}-"
        last = min(last, 10 ** NUMBER_DIGITS - 1)
        if last < 1:
            continue
        for start in range(len(head) + NUMBER_DIGITS - len(fragment) + 1):
            fixed = fragment[:max(0, len(head) - start)]
            if head[start:start + len(fixed)] != fixed:
                continue
            digits = fragment[len(fixed):]
            if not digits.isdigit() and digits:
                continue
            if not digits:  # within the prefix and year: all of them
                ranges.add((head + f"{1:0{NUMBER_DIGITS}d}", head + f"{last:0{NUMBER_DIGITS}d}"))
                continue
            begin = max(0, start - len(head))  # where the digits sit in the number
            after = NUMBER_DIGITS - begin - len(digits)
            for leading in range(10 ** begin):
                low = (leading * 10 ** len(digits) + int(digits)) * 10 ** after
                if low > last:
                    break
                high = min(last, low + 10 ** after - 1)
                if high < max(low, 1):
                    continue  # only number 0, which is never handed out
                ranges.add((head + f"{max(low, 1):0{NUMBER_DIGITS}d}",
                            head + f"{high:0{NUMBER_DIGITS}d}"))
            if len(ranges) > limit:
                return None
    return sorted(ranges)


def phone_e164(text: str) -> str | None:
    """A phone number typed in any format, as E.164, when it is a possible number."""
    if not PHONE_CHARACTERS.fullmatch(text.strip()) or sum(c.isdigit() for c in text) < 6:
        return None
    phone = parse_phone(text, Findings(), "text")
    return phone.e164 if phone else None


def postcode_prefixes(text: str) -> tuple[str, ...]:
    """The normalised postcode beginnings ``text`` can stand for ("s60 2" -> ("S60 2",)).

    Typed without a space, every split into a whole outward code and the start
    of an inward code counts, and so does the text as the start of an outward
    code: "S60" -> ("S60", "S6 0"); "s602th" -> ("S60 2TH",).
    """
    parts = text.upper().split()
    if not parts or not any(c.isdigit() for c in text) or not all(p.isalnum() for p in parts):
        return ()
    if len(parts) == 2:
        outward, inward = parts
        ok = OUTWARD.fullmatch(outward) and INWARD_START.fullmatch(inward)
        return (f"{outward} {inward}",) if ok else ()
    if len(parts) != 1:
        return ()
    compact = parts[0]
    found = [compact] if OUTWARD.fullmatch(compact) else []
    for cut in range(2, len(compact)):
        if OUTWARD.fullmatch(compact[:cut]) and INWARD_START.fullmatch(compact[cut:]):
            found.append(f"{compact[:cut]} {compact[cut:]}")
    return tuple(found)
