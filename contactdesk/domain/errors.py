"""Exceptions the core raises for the front ends to show to people."""

from __future__ import annotations

from dataclasses import dataclass


class ContactDeskError(Exception):
    """Base of every error with a message meant for the person using the app."""


@dataclass(frozen=True)
class FieldIssue:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(ContactDeskError):
    """Input was refused; ``issues`` name each field at fault."""

    def __init__(self, issues: list[FieldIssue]):
        self.issues = list(issues)
        super().__init__("; ".join(str(i) for i in self.issues))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([FieldIssue(field, message)])


class NotFoundError(ContactDeskError):
    pass


class TransitionError(ContactDeskError):
    """A status change the case's current status does not allow."""


class ConflictError(ContactDeskError):
    """Someone else saved the record first (optimistic locking)."""

    def __init__(self, message: str, current: object = None):
        self.current = current
        super().__init__(message)


class PermissionDenied(ContactDeskError):
    pass


class UnusableInput(ContactDeskError):
    """The whole input cannot be used: unreadable, not CSV, or missing columns (CLI exit 2)."""


class TelephonyError(ContactDeskError):
    """The phone system (Asterisk's manager interface) refused, failed or could not be reached."""


class Unreachable(ContactDeskError):
    """The database could not be reached: nothing was saved (or whether it was is being settled)."""
