"""Password hashing with Argon2id (OWASP's first choice for storing passwords).

The parameters are OWASP's minimum for Argon2id. They are written into each
stored hash, so raising them later only needs ``needs_rehash`` after a
successful sign-in to upgrade each account as its owner next signs in.
"""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import ARGON2_VERSION

from contactdesk.domain.password_policy import normalise

TIME_COST = 2  # passes over memory
MEMORY_COST = 19456  # KiB (19 MiB)
PARALLELISM = 1
HASH_LEN = 32  # bytes
SALT_LEN = 16  # bytes
TYPE = Type.ID

_DUMMY_PASSWORD = "an unknown account still costs one verification"


class Hasher:
    """Hashes and verifies passwords with one set of Argon2id parameters."""

    def __init__(
        self,
        *,
        time_cost: int = TIME_COST,
        memory_cost: int = MEMORY_COST,
        parallelism: int = PARALLELISM,
        hash_len: int = HASH_LEN,
        salt_len: int = SALT_LEN,
    ):
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=hash_len,
            salt_len=salt_len,
            type=TYPE,
        )

    def hash(self, password: str) -> str:
        """The encoded hash (parameters, salt and digest) to store for ``password``."""
        return self._hasher.hash(normalise(password))

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored_hash``; False, never an error, otherwise.

        With no usable hash (unknown account, disabled marker) one verification is
        still spent, so the time taken does not tell an attacker which accounts exist.
        """
        candidate = normalise(password)
        if stored_hash is not None:
            try:
                return self._hasher.verify(stored_hash, candidate)
            except VerificationError:
                return False
            except InvalidHashError:
                pass
        try:
            self._hasher.verify(self._dummy_hash, candidate)
        except VerificationError:
            pass
        return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when ``stored_hash`` was made with weaker parameters than this hasher's."""
        current = self._hasher
        try:
            stored = extract_parameters(stored_hash)
        except InvalidHashError:
            return True
        return (
            stored.type is not current.type
            or stored.version < ARGON2_VERSION
            or stored.time_cost < current.time_cost
            or stored.memory_cost < current.memory_cost
            or stored.parallelism < current.parallelism
            or stored.hash_len < current.hash_len
            or stored.salt_len < current.salt_len
        )

    @cached_property
    def _dummy_hash(self) -> str:
        # Made with this hasher's parameters so it costs what a real verification does.
        return self._hasher.hash(_DUMMY_PASSWORD)


_DEFAULT = Hasher()


def hash_password(password: str) -> str:
    """The Argon2id hash to store for ``password`` (normalised first)."""
    return _DEFAULT.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; never raises."""
    return _DEFAULT.verify(stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """True when ``stored_hash`` should be replaced after the next successful sign-in."""
    return _DEFAULT.needs_rehash(stored_hash)
