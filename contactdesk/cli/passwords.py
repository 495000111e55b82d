"""Reading passwords on the command line: twice at a terminal, or one line from stdin."""

from __future__ import annotations

import getpass
import sys

from ..domain.errors import ContactDeskError


class PasswordInputError(ContactDeskError):
    pass


def read_password_line() -> str:
    """One line from standard input (for unattended use), without its line end."""
    line = sys.stdin.readline()
    if not line:
        raise PasswordInputError("--password-stdin: nothing on standard input: pipe the password in")
    return line.rstrip("\r\n")


def read_new_password(args) -> str:
    if getattr(args, "password_stdin", False):
        return read_password_line()
    if not sys.stdin.isatty():
        raise PasswordInputError(
            "no terminal to ask for the password: pass it on standard input with --password-stdin")
    first = getpass.getpass("New password (at least 15 characters; spaces are fine): ")
    second = getpass.getpass("The same password again: ")
    if first != second:
        raise PasswordInputError("the two passwords differ: nothing was changed, try again")
    return first
