from __future__ import annotations

import pytest

from contactdesk.auth.hashing import Hasher, hash_password, needs_rehash, verify_password

PASSWORD = "fish and chips on fifth street"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password(PASSWORD)


def test_stored_hash_is_argon2id_with_the_owasp_parameters(stored):
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_right_password_verifies(stored):
    assert verify_password(stored, PASSWORD)


def test_wrong_password_does_not(stored):
    assert not verify_password(stored, "fish and chips on fifth streets")


@pytest.mark.parametrize("bad", [None, "", "not a hash", "$argon2id$v=19$m=19456,t=2,p=1$junk"])
def test_missing_or_malformed_hash_is_false_not_an_error(bad):
    assert verify_password(bad, PASSWORD) is False


def test_compatibility_form_of_the_password_verifies(stored):
    assert verify_password(stored, "ﬁsh and chips on ﬁfth street")


def test_rehash_needed_only_when_parameters_are_raised(stored):
    assert needs_rehash(stored) is False
    assert Hasher(time_cost=3).needs_rehash(stored) is True
    assert Hasher(memory_cost=1024).needs_rehash(stored) is False  # lower is not an upgrade


def test_same_password_hashes_differently_each_time(stored):
    assert hash_password(PASSWORD) != stored
