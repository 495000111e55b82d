"""The demo runs as whoever starts it on a new database: an account with no users row yet,
so the demo adds its own staff (a signed-in user would be the only staff instead)."""

from __future__ import annotations

import pytest

from contactdesk.auth.credentials import OperatingSystemAccount
from contactdesk.auth.sign_in import os_actor
from contactdesk.context import ServiceContext


@pytest.fixture
def os_context():
    """Factory: ``os_context(database, clock=None)``, the operating-system account's context."""

    def make(database, clock=None) -> ServiceContext:
        actor = os_actor(OperatingSystemAccount("demo.runner"))
        return ServiceContext(database, actor, *(() if clock is None else (clock,)))

    return make


@pytest.fixture
def os_ctx(database, os_context) -> ServiceContext:
    return os_context(database)
