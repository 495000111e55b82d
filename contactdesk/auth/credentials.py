"""What a person presents at the front door."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from ..domain.errors import ContactDeskError

# One message for an unknown name and a wrong password, so neither can be told apart.
REFUSED = "That username and password do not match: check both and try again."


class SignInRefused(ContactDeskError):
    """The credentials were not accepted; the message says what to do."""


@dataclass(frozen=True)
class Password:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class OperatingSystemAccount:
    """The command line on a local file acts as the account running it.

    On PostgreSQL it acts as the login of the URL or of libpq's usual sources
    (PGUSER, ~/.pgpass, peer authentication).
    """

    name: str = field(default_factory=lambda: _account_name())


def _account_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


Credentials = Password | OperatingSystemAccount
