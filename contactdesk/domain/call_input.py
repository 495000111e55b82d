"""The call form's field rules that need no database, shared by the form and the service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import limits
from .validation import (
    Findings,
    Phone,
    check_characters,
    check_email,
    check_postcode,
    clean_text,
    parse_phone,
)
from .words import CALL_OUTCOMES, CHANNELS, PRIORITIES

if TYPE_CHECKING:
    from ..dtos.calls import CallInput


@dataclass(frozen=True)
class CleanCall:
    phone: Phone | None
    name: str | None
    email: str | None
    address: str | None
    postcode: str | None
    description: str | None
    routing_reason: str | None


def check_call(data: CallInput, findings: Findings) -> CleanCall:
    """Check and clean what was typed, adding every problem to ``findings``."""
    if data.outcome not in CALL_OUTCOMES:
        findings.error("outcome", f"'{data.outcome}' is not an outcome "
                                  f"(one of: {', '.join(CALL_OUTCOMES)})")
    if data.channel not in CHANNELS:
        findings.error("channel", f"'{data.channel}' is not a channel")
    if data.priority not in PRIORITIES:
        findings.error("priority", f"'{data.priority}' is not a priority")
    phone = parse_phone(data.caller_phone, findings, "caller_phone")
    for looked_up in ("category", "service", "add_to_case"):  # names looked up, never stored
        check_characters(getattr(data, looked_up), findings, looked_up)
    new_case = data.outcome == "case_created" and not data.add_to_case
    clean = CleanCall(
        phone=phone,
        name=clean_text(data.caller_name, limits.PERSON_NAME, findings, "caller_name"),
        email=check_email(data.caller_email, findings, "caller_email"),
        address=clean_text(data.address, limits.ADDRESS, findings, "address"),
        postcode=check_postcode(data.postcode, findings),
        description=clean_text(data.description, limits.DESCRIPTION, findings, "description",
                               required=new_case),
        routing_reason=clean_text(data.routing_reason, limits.REASON, findings, "routing_reason"),
    )
    if new_case and not data.category.strip():
        findings.error("category", "is required to create a case")
    if data.wait_seconds is not None and data.wait_seconds < 0:
        findings.error("wait_seconds", "cannot be negative")
    return clean
