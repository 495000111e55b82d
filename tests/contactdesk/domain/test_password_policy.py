from __future__ import annotations

from datetime import timedelta

import pytest

from contactdesk.domain import password_policy
from contactdesk.domain.errors import ValidationError
from contactdesk.domain.password_policy import (
    MAX_LENGTH,
    MIN_LENGTH,
    check_new_password,
    normalise,
    throttle_delay,
)


def refusal(password: str, **names: str) -> str:
    with pytest.raises(ValidationError) as caught:
        check_new_password(password, **names)
    [issue] = caught.value.issues
    assert issue.field == "password"
    return issue.message


def test_limits_follow_nist():
    assert MIN_LENGTH == 15 and MAX_LENGTH >= 64


def test_fourteen_characters_refused_with_advice():
    message = refusal("plum kettle ox")
    assert message.startswith("is 14 characters: use at least 15")
    assert "words with spaces" in message


def test_fifteen_characters_accepted():
    assert check_new_password("plum kettle oxe") == "plum kettle oxe"


def test_long_phrase_with_spaces_and_unicode_accepted_unchanged():
    phrase = "correct horse battery staple über naïve café ☕ and more words here"
    assert len(phrase) >= 64
    assert check_new_password(phrase) == phrase


def test_spaces_are_kept_not_trimmed():
    phrase = "  two spaces either side of this  "
    assert check_new_password(phrase) == phrase


def test_too_long_refused():
    message = refusal("word " * 40)
    assert message == f"is 200 characters: use at most {MAX_LENGTH}"


@pytest.mark.parametrize("password", ["password1234567", "PASSWORD1234567", "IloveyouILOVEYOU",
                                      "123456789012345", "qwertyuiopasdfg"])
def test_common_passwords_refused_whatever_the_case(password):
    message = refusal(password)
    assert message == "is one of the commonly used passwords attackers try first: choose another"


def test_blocklist_is_loaded_once_and_holds_only_long_lower_case_entries():
    entries = password_policy._blocklist()
    assert password_policy._blocklist() is entries
    assert len(entries) > 1000
    assert all(len(e) >= MIN_LENGTH and e == e.casefold() for e in entries)


@pytest.mark.parametrize("password, names", [
    ("margaret.oyelaran", {"username": "Margaret.Oyelaran"}),
    ("moyelaranmoyelaran", {"username": "moyelaran"}),
    ("Margaret Oyelaran", {"full_name": "Margaret Oyelaran"}),
    ("oyelaran-margaret-oyelaran", {"full_name": "Margaret Oyelaran"}),
])
def test_username_or_name_as_password_refused(password, names):
    assert refusal(password, **names).startswith("is made from your username or name")


def test_name_inside_a_longer_phrase_is_allowed():
    phrase = "margaret likes quiet allotments"
    assert check_new_password(phrase, full_name="Margaret Oyelaran") == phrase


@pytest.mark.parametrize("password", ["a" * 20, "ZzZzZzZzZzZzZzZz", "x x x x x x x x x"])
def test_one_character_repeated_refused(password):
    assert refusal(password).startswith("is one character repeated")


def test_compatibility_characters_normalise_to_the_plain_form():
    assert normalise("ﬁsh and chips on ﬁfth street") == "fish and chips on fifth street"
    assert normalise("ｆｕｌｌ ｗｉｄｔｈ ｔｙｐｉｎｇ") == "full width typing"
    assert check_new_password("ﬁsh and chips on ﬁfth street") == "fish and chips on fifth street"


def test_length_counted_after_normalisation():
    # Each "ﬃ" ligature becomes three letters: 7 typed code points are 15 after NFKC.
    assert check_new_password("ﬃ" * 4 + "xyz") == "ffi" * 4 + "xyz"
    assert refusal("ﬃ" * 4 + "x").startswith("is 13 characters")


def test_no_composition_rules():
    phrase = "lantern biscuit meadow tuesday"
    assert check_new_password(phrase) == phrase


@pytest.mark.parametrize("failures, seconds", [
    (0, 0), (1, 0), (4, 0), (5, 2), (6, 4), (7, 8), (13, 512), (14, 900), (40, 900), (10**6, 900),
])
def test_throttle_delay(failures, seconds):
    assert throttle_delay(failures) == timedelta(seconds=seconds)
