"""What a person presents at the front door."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field

from ..domain.errors import ContactDeskError

# One message for an unknown name and a wrong password, so neither can be told apart.
REFUSED = "That username and password do not match: check both and try again."


class SignInRefused(ContactDeskError):
    """The credentials were not accepted; the message says what to do."""


class SignedOut(ContactDeskError):
    """Work asked of a workspace after its person signed out."""


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
    # The effective user, not $USER or $LOGNAME, which anyone can set.
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, AttributeError):  # Windows has no pwd
        return getpass.getuser()


Credentials = Password | OperatingSystemAccount
