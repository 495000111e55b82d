"""Free text in a subject access request: finding the person in it, keeping others out of it.

Phone numbers are written every which way ("01709 336000", "(01709) 336 000",
"+44 1709 336000", digits spaced out), so each free-text column is read once
with LIKE patterns that only narrow the rows (the number's significant digits
in order, anything between them; a full name's words in order), and each
candidate is confirmed here with libphonenumber's matcher and whole-word name
patterns. A record of someone else's that names the person is a ``Mention``:
flagged for a person to read, never sent as the person's own.

In the person's own records, phone numbers other than theirs and the names of
the other people on those records are replaced by ``[redacted]``; a title
followed by a name ("Mrs Hirst") that is not theirs cannot be told apart
safely, so the record is marked to be read before disclosing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat
from sqlalchemy import ColumnElement, any_, func, or_, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session

from ..domain.validation import DEFAULT_REGION
from ..domain.working_time import LONDON
from ..dtos.subject_access import REDACTED, Mention
from ..persistence.models import Call, Callback, CallCase, Caller, Case, CaseNote

FETCH_SIZE = 1000
EXCERPT_RADIUS = 60
# With more numbers than this, one LIKE per number would cost more than reading every
# text holding nine digits or more and confirming those here.
MAX_PHONE_PATTERNS = 8
NINE_DIGITS_GLOB = "*" + "[0-9]*" * 9
NINE_DIGITS_REGEX = "([0-9][^0-9]*){9}"
CHECK_NAMES = "may name another person: read it before disclosing"
_TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+([A-Z][A-Za-z'\-]+)")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


# Cached: each record's redactor folds the names of everyone on the person's records again.
@lru_cache(maxsize=4096)
def name_words(name: str | None) -> tuple[str, ...]:
    """A name's words folded for comparison: "O'Brien,  Ann" -> ("o'brien", "ann")."""
    return tuple(w.casefold() for w in _WORD.findall(name or ""))


def _name_regex(names: Iterable[str]) -> re.Pattern | None:
    """Whole-word, any-case, any-spacing matches of any of ``names``, longest first."""
    alternatives = sorted({a for a in map(_name_alternative, names) if a}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _name_alternative(name: str | None) -> str:
    """The regex of one full name, "" for a single word (which would match too much)."""
    words = name_words(name)
    return r"\W+".join(map(re.escape, words)) if len(words) >= 2 else ""


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Letters that an any-case regex also matches to a character outside ASCII ("k" to the
# Kelvin sign, "i" to dotted and dotless I, "s" to the long s).
_FOLDS_BEYOND_ASCII = frozenset("iks")


def _like_folded(text: str) -> str:
    """A LIKE pattern for casefolded ``text`` that matches, among texts whose ASCII letters
    alone are lower-cased, every text the any-case regex of ``text`` matches: a letter that
    may match beyond ASCII becomes "_" (any one character)."""
    return "".join("_" if c in _FOLDS_BEYOND_ASCII or not c.isascii() else _like_escape(c)
                   for c in text)


def significant_digits(e164: str) -> str:
    """The digits every way of writing the number contains, in order (no 0, no +44)."""
    return phonenumbers.national_significant_number(phonenumbers.parse(e164))


def phones_in(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, E.164, as written) for each possible phone number in ``text``."""
    for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=Leniency.POSSIBLE):
        yield (match.start, match.end,
               phonenumbers.format_number(match.number, PhoneNumberFormat.E164), match.raw_string)


@dataclass(frozen=True)
class Subject:
    """Who the request is about, as free text may name them."""

    phones: frozenset[str]     # E.164
    names: tuple[str, ...]     # full names (two words or more)
    emails: frozenset[str]     # lower case
    addresses: frozenset[str] = frozenset()  # lower case, single spaces

    @property
    def name_word_sets(self) -> list[frozenset[str]]:
        return [frozenset(name_words(n)) for n in self.names]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    what: str                  # "phone", "name" or "email"


class TextMatcher:
    """Where free text names the subject, and SQL that narrows the rows worth reading."""

    def __init__(self, subject: Subject, dialect: str):
        self.subject = subject
        self._dialect = dialect
        self._names = _name_regex(subject.names)
        self._emails = (re.compile("|".join(map(re.escape, sorted(subject.emails))), re.IGNORECASE)
                        if subject.emails else None)

    @property
    def broad(self) -> bool:
        """Whether the narrowing lets through every text holding nine digits (many rows)."""
        return len(self.subject.phones) > MAX_PHONE_PATTERNS

    def narrowing(self, column) -> ColumnElement | None:
        """A WHERE for ``column`` true for every text naming the subject (and a few more).

        SQLite's LIKE ignores the case of ASCII letters already; on PostgreSQL the text's
        ASCII letters are lower-cased once per row in the C collation (a locale's lower() is
        twice as slow; ILIKE folds again for each pattern) and tried against every pattern.
        Either way only ASCII letters are folded, so the patterns leave "_" wherever a
        regex ignoring case could match beyond ASCII (see ``_like_folded``).
        """
        many = self.broad
        phones = [] if many else ["%" + "%".join(significant_digits(p)) + "%"
                                  for p in sorted(self.subject.phones)]
        # The casefolded words the confirming regex is made of (see ``_name_regex``).
        words = {"%" + "%".join(map(_like_folded, name_words(name))) + "%"
                 for name in self.subject.names if len(name_words(name)) >= 2}
        words |= {"%" + _like_folded(email) + "%" for email in self.subject.emails}
        words = sorted(words)
        if self._dialect == "sqlite":
            tests = [column.op("GLOB")(NINE_DIGITS_GLOB)] if many else []
            tests += [column.like(p, escape="\\") for p in phones + words]
        else:  # PostgreSQL, whose LIKE escapes with a backslash by default
            tests = [column.op("~")(NINE_DIGITS_REGEX)] if many else []
            tests += [column.like(any_(array(phones)))] if phones else []
            tests += [func.lower(column.collate("C")).like(any_(array(words)))] if words else []
        return or_(*tests) if tests else None

    def find(self, text: str | None) -> list[Found]:
        if not text:
            return []
        found = [Found(start, end, "phone") for start, end, e164, _raw in phones_in(text)
                 if e164 in self.subject.phones]
        for what, regex in (("name", self._names), ("email", self._emails)):
            if regex is not None:
                found += [Found(m.start(), m.end(), what) for m in regex.finditer(text)]
        return sorted(found, key=lambda f: f.start)


class Redactor:
    """Text of the subject's own records with other people's names and numbers taken out."""

    def __init__(self, subject: Subject, others: Iterable[str | None] = ()):
        self.subject = subject
        own = {name_words(n) for n in subject.names}
        self._own_words = set().union(*subject.name_word_sets) if subject.names else set()
        self.others = tuple(dict.fromkeys(n for n in others if n and name_words(n) not in own))
        self._others = _name_regex(self.others)

    def with_others(self, others: Iterable[str | None]) -> Redactor:
        """This redactor, also taking out ``others`` (the people of one record)."""
        return Redactor(self.subject, [*self.others, *others])

    def clean(self, text: str | None) -> tuple[str | None, str]:
        """(text with others redacted, why a person should still read it or "")."""
        if not text:
            return text, ""
        spans = [(start, end) for start, end, e164, raw in phones_in(text)
                 if e164 not in self.subject.phones and raw[:1] in "0+("]
        if self._others is not None:
            spans += [m.span() for m in self._others.finditer(text)]
        cleaned = _replace(text, spans)
        titled = [m for m in _TITLED_NAME.finditer(cleaned)
                  if m.group(1).casefold() not in self._own_words]
        return cleaned, CHECK_NAMES if titled else ""


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span (merged where they overlap) replaced by REDACTED."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + REDACTED + text[end:]
    return text


def excerpt(text: str, found: Found, redactor: Redactor) -> str:
    """The words around a mention, others' names and numbers redacted, cut at word edges.

    The whole text is redacted before it is cut, so a number cut in half at the edge
    cannot slip through as too short to recognise.
    """
    cleaned, _check = redactor.clean(text)
    cleaned = cleaned or ""
    at = max(cleaned.find(text[found.start:found.end]), 0)
    start = max(0, at - EXCERPT_RADIUS)
    end = min(len(cleaned), at + (found.end - found.start) + EXCERPT_RADIUS)
    while start > 0 and not cleaned[start - 1].isspace():
        start -= 1
    while end < len(cleaned) and not cleaned[end].isspace():
        end += 1
    words = " ".join(cleaned[start:end].split())
    return ("…" if start else "") + words + ("…" if end < len(cleaned) else "")


@dataclass
class _Flag:
    kind: str
    reference: str
    at: object
    owner_ids: set                # caller ids of the record's own people (redacted in excerpts)
    owner_names: set              # and names of its people who are not callers
    places: list
    matched: set
    texts: list                   # (text, Found) to make excerpts of


class MentionScan:
    """One pass over each free-text column; what it finds outside the subject's records."""

    def __init__(self, session: Session, matcher: TextMatcher, *, their_cases: set[int],
                 their_calls: set[int], their_callers: set[int]):
        self.session = session
        self.matcher = matcher
        self.their_cases, self.their_calls = their_cases, their_calls
        self.their_callers = their_callers
        self._flags: dict[tuple[str, str], _Flag] = {}

    def _rows(self, query) -> Iterator:
        """The rows of ``query`` in the order it gives (each scan orders by id)."""
        if not self.matcher.broad:
            # Few rows pass the narrowing, so they are fetched at once: PostgreSQL scans for
            # a server-side cursor in one process, for a plain query with parallel workers.
            yield from self.session.execute(query)
            return
        result = self.session.execute(query.execution_options(yield_per=FETCH_SIZE))
        for partition in result.partitions():
            yield from partition

    def flag(self, kind: str, reference: str, at, owners: Iterable[int | None], place: str,
             text: str, found: list[Found]) -> None:
        flag = self._flags.setdefault((kind, reference),
                                      _Flag(kind, reference, at, set(), set(), [], set(), []))
        flag.owner_ids.update(o for o in owners if o is not None)
        if place not in flag.places:
            flag.places.append(place)
        flag.matched.update(f.what for f in found)
        flag.texts.append((text, found[0]))

    def scan_cases(self) -> None:
        where = self.matcher.narrowing(Case.description)
        if where is None:
            return
        query = select(Case.id, Case.reference, Case.received_at, Case.caller_id,
                       Case.description).where(where).order_by(Case.id)
        for case_id, reference, received, caller_id, text in self._rows(query):
            if case_id not in self.their_cases and (found := self.matcher.find(text)):
                self.flag("case", reference, received, [caller_id], "case description", text,
                          found)

    def scan_notes(self) -> None:
        where = self.matcher.narrowing(CaseNote.body)
        if where is None:
            return
        query = (select(CaseNote.case_id, CaseNote.created_at, CaseNote.body, Case.reference,
                        Case.received_at, Case.caller_id)
                 .join(Case, Case.id == CaseNote.case_id).where(where).order_by(CaseNote.id))
        for case_id, written, text, reference, received, caller_id in self._rows(query):
            if case_id not in self.their_cases and (found := self.matcher.find(text)):
                place = f"note of {written.astimezone(LONDON):%d %b %Y}"
                self.flag("case", reference, received, [caller_id], place, text, found)

    def scan_calls(self) -> None:
        where = self.matcher.narrowing(Call.summary)
        if where is None:
            return
        query = (select(Call.id, Call.started_at, Call.caller_id, Call.summary).where(where)
                 .order_by(Call.id))
        confirmed = [(call_id, started, caller_id, text, found)
                     for call_id, started, caller_id, text in self._rows(query)
                     if call_id not in self.their_calls and (found := self.matcher.find(text))]
        links: dict[int, list[tuple[int, str, object, int | None]]] = {}
        for start in range(0, len(confirmed), FETCH_SIZE):
            ids = [c[0] for c in confirmed[start:start + FETCH_SIZE]]
            for call_id, case_id, reference, received, owner in self.session.execute(
                    select(CallCase.call_id, Case.id, Case.reference, Case.received_at,
                           Case.caller_id).join(Case, Case.id == CallCase.case_id)
                    .where(CallCase.call_id.in_(ids)).order_by(Case.id)):
                links.setdefault(call_id, []).append((case_id, reference, received, owner))
        for call_id, started, caller_id, text, found in confirmed:
            cases = links.get(call_id, [])
            if any(case_id in self.their_cases for case_id, *_ in cases):
                continue  # in a case of theirs: disclosed with it, not a separate flag
            place = f"call summary of {started.astimezone(LONDON):%d %b %Y}"
            if cases:
                _id, reference, received, owner = cases[0]
                self.flag("case", reference, received, [owner, caller_id], place, text, found)
            else:
                self.flag("call", f"call {call_id}", started, [caller_id], place, text, found)

    def scan_callbacks(self, their_callbacks: set[int]) -> None:
        """Reasons for calling someone else back that name the person: on a case, the
        case is flagged (as for a call summary); otherwise the callback itself."""
        where = self.matcher.narrowing(Callback.reason)
        if where is None:
            return
        query = (select(Callback.id, Callback.requested_at, Callback.reason, Callback.case_id,
                        Case.reference, Case.received_at, Case.caller_id)
                 .outerjoin(Case, Case.id == Callback.case_id).where(where)
                 .order_by(Callback.id))
        for callback_id, asked, text, case_id, reference, received, owner in self._rows(query):
            if callback_id in their_callbacks or case_id in self.their_cases:
                continue
            if not (found := self.matcher.find(text)):
                continue
            place = f"callback reason of {asked.astimezone(LONDON):%d %b %Y}"
            if reference is not None:
                self.flag("case", reference, received, [owner], place, text, found)
            else:
                self.flag("callback", f"callback {callback_id}", asked, [], place, text, found)

    def mentions(self, redactor: Redactor) -> tuple[Mention, ...]:
        """The flags, each excerpt redacted of that record's own people and any number."""
        owners = {o for flag in self._flags.values() for o in flag.owner_ids
                  if o not in self.their_callers}
        names = {row.id: row.name for row in self.session.execute(
            select(Caller.id, Caller.name).where(Caller.id.in_(owners)))} if owners else {}
        result = []
        for flag in self._flags.values():
            local = redactor.with_others([*(names.get(o) for o in flag.owner_ids),
                                          *flag.owner_names])
            excerpts = tuple(dict.fromkeys(excerpt(text, found, local)
                                           for text, found in flag.texts))
            result.append(Mention(flag.kind, flag.reference, flag.at, tuple(flag.places),
                                  tuple(sorted(flag.matched)), excerpts))
        return tuple(sorted(result, key=lambda m: (m.kind, m.reference)))

    def add_complaint(self, reference: str, received, caller_id: int | None,
                      complainant: str | None, place: str, text: str,
                      found: list[Found]) -> None:
        self.flag("complaint", reference, received, [caller_id], place, text, found)
        if complainant:
            self._flags[("complaint", reference)].owner_names.add(complainant)
