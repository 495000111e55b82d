"""Rules for choosing a local sign-in password (NIST SP 800-63B, OWASP).

Length and a list of known passwords are what resist guessing; composition rules
(a digit, a capital, a symbol) only push people to predictable patterns, so none
are imposed. Any character is allowed, spaces included, so a phrase of a few
unrelated words is the easy way to a strong password.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import NoReturn

from .errors import ValidationError

MIN_LENGTH = 15
MAX_LENGTH = 128  # long enough for any passphrase; bounds the work done per attempt

BLOCKLIST_RESOURCE = "data/common-passwords.txt"

FREE_ATTEMPTS = 4  # mistyping a few times costs nothing
FIRST_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=15)  # slows guessing without letting anyone lock an account out


def normalise(password: str) -> str:
    """NFKC form, so the same password typed on different keyboards or input methods matches.

    Spaces and everything else are kept as typed: a password is never trimmed.
    """
    return unicodedata.normalize("NFKC", password)


def check_new_password(password: str, *, username: str = "", full_name: str = "") -> str:
    """Return the normalised ``password`` or raise ``ValidationError`` saying what to change."""
    normalised = normalise(password)
    length = len(normalised)  # code points, after normalisation
    if length < MIN_LENGTH:
        _refuse(f"is {_characters(length)}: use at least {MIN_LENGTH}; "
                "a few unrelated words with spaces make a strong one")
    if length > MAX_LENGTH:
        _refuse(f"is {_characters(length)}: use at most {MAX_LENGTH}")
    folded = normalised.casefold()
    if len(set(folded) - {" "}) <= 1:
        _refuse("is one character repeated: use a few unrelated words instead")
    if _made_from(folded, username, full_name):
        _refuse("is made from your username or name: choose words unrelated to you")
    if folded in _blocklist():
        _refuse("is one of the commonly used passwords attackers try first: choose another")
    return normalised


def throttle_delay(failures: int) -> timedelta:
    """How long an account waits before the next attempt after ``failures`` in a row.

    Nothing for the first few, then 2 s doubling with each further failure, capped.
    """
    if failures <= FREE_ATTEMPTS:
        return timedelta(0)
    doublings = min(failures - FREE_ATTEMPTS - 1, 32)  # bounded so the power stays small
    return min(FIRST_DELAY * 2**doublings, MAX_DELAY)


def _refuse(message: str) -> NoReturn:
    raise ValidationError.single("password", message)


def _characters(n: int) -> str:
    return "1 character" if n == 1 else f"{n} characters"


def _made_from(folded: str, username: str, full_name: str) -> bool:
    """True when nothing but the username, the name or their parts (and separators) is left."""
    names = [normalise(s).casefold().strip() for s in (username, full_name)]
    parts = {p for name in names for p in [name, name.replace(" ", ""), *re.split(r"[\W_]+", name)]}
    parts = sorted((p for p in parts if len(p) >= 2), key=len, reverse=True)
    if not parts:
        return False
    rest = re.sub("|".join(map(re.escape, parts)), "", folded)
    return not re.sub(r"[\W_]", "", rest)


@cache
def _blocklist() -> frozenset[str]:
    text = resources.files("contactdesk").joinpath(BLOCKLIST_RESOURCE).read_text(encoding="utf-8")
    return frozenset(
        normalise(line).casefold()
        for line in text.splitlines()
        if line and not line.startswith("#")
    )
