"""The phone system connection: where each desk's manager interface (AMI) client logs in.

Host, port and account name are rows of ``settings``, audited like every setting. The
secret is the one row of ``telephony_secrets``: the audit log copies every value of
``settings``, so the secret stays out of it, and its change is audited through the setting
``ami_secret_changed_at`` (who changed it and when, never what to). Every desk reads both,
since each desk logs in to AMI itself; only administrators change them, and on PostgreSQL
the grants (persistence/grants.py) refuse anyone else. The secret leaves this module only in
``desk_phone``, for the desk's own client; status and every message leave it out.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain import limits
from ..domain.errors import FieldIssue, PermissionDenied, ValidationError
from ..domain.permissions import Permission
from ..persistence.models import Setting, TelephonySecret, User

HOST, PORT, USERNAME, SECRET_CHANGED = ("ami_host", "ami_port", "ami_username",
                                        "ami_secret_changed_at")
DEFAULT_PORT = 5038
_HOST_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# A queue member interface as AMI events name it: technology, '/', resource (PJSIP/1001,
# SIP/alex, Local/1001@from-queue/n).
_INTERFACE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*/[^\s/][^\s]*")


@dataclass(frozen=True)
class TelephonySettings:
    """The connection as status shows it: never the secret, only whether one is set."""

    host: str
    port: int
    username: str
    secret_set: bool
    secret_changed_at: datetime | None

    @property
    def configured(self) -> bool:
        return bool(self.host and self.username and self.secret_set)


@dataclass(frozen=True)
class DeskPhone:
    """What one desk needs to follow its phone: the connection and the person's device."""

    host: str
    port: int
    username: str
    secret: str = field(repr=False)
    interface: str = ""


def check_host(host: str) -> str:
    text = host.strip()
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        pass
    labels = text.rstrip(".").split(".")
    if not text or len(text) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ValidationError.single(
            "ami_host", f"'{host[:80]}' is not a host name or IP address: give the phone "
                        "system's name or address, e.g. pbx.council.local or 10.0.0.5.")
    return text.rstrip(".")


def check_port(port: int | str) -> int:
    try:
        number = int(str(port).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise ValidationError.single(
            "ami_port", f"'{port}' is not a port: give a whole number from 1 to 65535 "
                        f"(the manager interface listens on {DEFAULT_PORT} unless changed).")
    return number


def check_interface(interface: str) -> str:
    text = interface.strip()
    if not _INTERFACE.fullmatch(text) or len(text) > limits.TELEPHONY_ID:
        raise ValidationError.single(
            "interface", f"'{interface[:80]}' is not a device interface: give it as the queue "
                         "names its member, technology/resource, e.g. PJSIP/1001.")
    return text


def _one_line(name: str, value: str, what: str, longest: int) -> str:
    if not value or any(c in value for c in "\r\n") or len(value) > longest:
        raise ValidationError([FieldIssue(
            name, f"The {what} must be one line of 1 to {longest} characters.")])
    return value


@operation(Permission.READ_USERS)
def configure_telephony(ctx: ServiceContext, host: str, port: int | str, username: str,
                        secret: str) -> TelephonySettings:
    """Set the manager interface the desks log in to (administrators only)."""
    _require_admin(ctx)
    host, port = check_host(host), check_port(port)
    username = _one_line("ami_username", username.strip(), "manager account name",
                         limits.TELEPHONY_ID)
    secret = _one_line("ami_secret", secret, "manager account secret", limits.SETTING_VALUE)
    with ctx.uow(write=True) as uow:
        s = uow.session
        now = ctx.now()
        for key, value in ((HOST, host), (PORT, str(port)), (USERNAME, username)):
            _set(s, key, value)
        stored = s.get(TelephonySecret, 1)
        if stored is None:
            s.add(TelephonySecret(id=1, ami_secret=secret, changed_at=now))
        elif stored.ami_secret != secret:
            stored.ami_secret, stored.changed_at = secret, now
        else:
            now = None  # the same secret again: nothing to audit
        if now is not None:
            _set(s, SECRET_CHANGED, now.isoformat())
        s.flush()
        result = _settings(s)
        uow.commit()
        return result


def _require_admin(ctx: ServiceContext) -> None:
    if not ctx.may(Permission.MANAGE_USERS):
        raise PermissionDenied(
            f"{ctx.actor.username} ({ctx.actor.role}) may not change the phone system "
            "connection: ask an administrator.")


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value


def _settings(session: Session) -> TelephonySettings:
    values = {row.key: row.value for row in session.scalars(
        select(Setting).where(Setting.key.in_((HOST, PORT, USERNAME))))}
    secret = session.get(TelephonySecret, 1)
    return TelephonySettings(values.get(HOST, ""), int(values.get(PORT) or DEFAULT_PORT),
                             values.get(USERNAME, ""), secret is not None,
                             secret.changed_at if secret is not None else None)


@operation(Permission.READ_CATALOGUE)
def telephony_settings(ctx: ServiceContext) -> TelephonySettings:
    """The connection without its secret (``contactdesk telephony status``)."""
    with ctx.uow() as uow:
        return _settings(uow.session)


@operation(Permission.READ_CATALOGUE)
def desk_phone(ctx: ServiceContext) -> DeskPhone | None:
    """The signed-in person's phone and the connection to follow it; None when telephony is
    not configured or the person has no device (numbers are then typed by hand)."""
    with ctx.uow() as uow:
        s = uow.session
        settings = _settings(s)
        interface = s.scalar(select(User.device_interface).where(User.id == ctx.actor.user_id)) \
            if ctx.actor.user_id is not None else None
        if not settings.configured or not interface:
            return None
        return DeskPhone(settings.host, settings.port, settings.username,
                         s.get(TelephonySecret, 1).ami_secret, interface)


@operation(Permission.READ_CATALOGUE)
def ami_connection(ctx: ServiceContext) -> DeskPhone | None:
    """The connection with its secret and no device, for a test login; None if not set."""
    with ctx.uow() as uow:
        s = uow.session
        settings = _settings(s)
        if not settings.configured:
            return None
        return DeskPhone(settings.host, settings.port, settings.username,
                         s.get(TelephonySecret, 1).ami_secret)
