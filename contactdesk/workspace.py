"""The front door: open a database with credentials, get back a workspace bound to that person.

The desktop app, every command and scheduled jobs come in this way. A
workspace carries one service context (units of work, the signed-in person, a
clock) and offers each area's operations bound to it, asking the permission
matrix before every call: ``workspace.cases.change_status(reference, "closed")``.
Front ends see frozen dataclasses only, never the engine, sessions or ORM rows.
Every operation opens its own unit of work, so a workspace may be used from
worker threads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import import_module

from .auth import sign_in as door
from .auth.credentials import Credentials, OperatingSystemAccount, Password
from .context import Actor, ServiceContext, utc_now
from .domain.permissions import Permission
from .dtos.changes import OpChanges
from .dtos.users import UserInfo
from .operations import Operations
from .outbox import Outbox
from .persistence.change_feed import ChangeFeed, database_reachable
from .persistence.database import Database
from .persistence.local_file import integrity_problem
from .persistence.migrations import SchemaState, schema_state, upgrade

# The operation name of changes made by other desks.
ELSEWHERE = "elsewhere"

# Each area of the workspace and the service modules whose operations it offers.
AREAS: dict[str, tuple[str, ...]] = {
    "catalogue": ("services.catalogue",),
    "addresses": ("services.gazetteer",),
    "calls": ("services.calls", "services.callers"),
    "cases": ("services.cases", "services.case_search", "services.case_import",
              "services.case_presence"),
    "complaints": ("services.complaints", "services.complaint_register"),
    "callbacks": ("services.callbacks",),
    "stats": ("services.call_stats", "services.agent_activity", "services.staffing_plan",
              "services.service_deadlines", "services.call_ledger"),
    "telephony": ("telephony.importer", "services.telephony_settings"),
    "reports": ("services.reports",),
    "exports": ("services.call_export", "services.case_export"),
    "users": ("services.users",),
    "audit": ("services.audit_trail",),
    "subject_access": ("services.subject_access",),
    "retention": ("services.retention",),
    "demo": ("demo.generator",),
}


class Workspace:
    def __init__(self, database: Database, actor: Actor,
                 clock: Callable[[], datetime] = utc_now):
        self.ctx = ServiceContext(database, actor, clock)
        self.signed_in_as = actor.username  # the name typed at sign-in (a login, on PostgreSQL)
        self.closed = False
        self._areas: dict[str, Operations] = {}
        self._listeners: list[Callable[[OpChanges], None]] = []
        self._feed: ChangeFeed | None = None
        self._lines: list = []  # this desk's lines to the phone system (desk_line)

    # -- the door ------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, credentials: Credentials, *, migrate: bool = False,
             clock: Callable[[], datetime] = utc_now) -> Workspace:
        """Sign in on ``url``; raises SignInRefused or DatabaseError with a clear message.

        With ``migrate`` an empty or older schema is brought up to date first.
        """
        database = door.connect(url, credentials)
        try:
            if migrate:
                upgrade(database.engine)
            door.require_schema(database)
            actor = door.sign_in(database, credentials, clock())
        except Exception:
            database.dispose()
            raise
        workspace = cls(database, actor, clock)
        if isinstance(credentials, Password):
            workspace.signed_in_as = credentials.username.strip()
        return workspace

    @classmethod
    def for_this_account(cls, url: str, **options) -> Workspace:
        """The command line's way in: the operating-system account (SQLite) or libpq's login."""
        return cls.open(url, OperatingSystemAccount(), **options)

    @classmethod
    def create_first_admin(cls, url: str, username: str, full_name: str,
                           password: str) -> Workspace:
        """On a database with no users: add its first administrator and sign them in."""
        from .services.users import add_first_admin

        def add(database: Database) -> None:
            door.require_schema(database)
            add_first_admin(database, username, full_name, password, "first-run")

        _with_database(url, add)
        return cls.open(url, Password(username, password))

    @staticmethod
    def schema(url: str) -> SchemaState:
        """The schema's version and whether it needs upgrading (asked before anyone signs in)."""
        return _with_database(url, lambda database: schema_state(database.engine))

    @staticmethod
    def integrity_problem(url: str) -> str | None:
        """A sentence when a local database file is damaged (SQLite's quick check), else None."""
        return _with_database(url, lambda database: integrity_problem(database.engine))

    @staticmethod
    def needs_upgrade(url: str) -> bool:
        return not Workspace.schema(url).is_current

    @staticmethod
    def migrate(url: str) -> SchemaState:
        """Create or migrate the schema (by whoever owns it); the state found before."""
        return _with_database(url, lambda database: upgrade(database.engine))

    @staticmethod
    def before_sign_in(url: str):
        """What the sign-in dialog may know before anyone signs in (users exist? demo?)."""
        from .services.sign_in_hints import sign_in_hints

        return sign_in_hints(url)

    # -- who and where -----------------------------------------------------------------
    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    @property
    def user(self) -> UserInfo:
        a = self.ctx.actor
        return UserInfo(a.user_id, a.username, a.full_name, a.role.value, True)

    def may(self, permission: Permission) -> bool:
        """What the screens ask to decide what to show; the operations check again."""
        return self.ctx.may(permission)

    @property
    def location(self) -> str:
        return self.ctx.database.location

    @property
    def backend(self) -> str:
        return self.ctx.database.backend

    def close(self) -> None:
        """Sign out: no operation runs through this workspace afterwards."""
        self.closed = True
        for line in self._lines:
            line.stop()  # without waiting: its thread logs off and ends by itself
        self._lines.clear()
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
        self.ctx.database.dispose()

    # -- the areas ---------------------------------------------------------------------
    def __getattr__(self, area: str) -> Operations:
        modules = AREAS.get(area)
        if modules is None:
            raise AttributeError(f"the workspace has no area called {area}")
        if area not in self._areas:
            self._areas[area] = Operations(
                self.ctx, *(import_module(f"{__package__}.{name}") for name in modules),
                changed=self._broadcast, is_open=lambda: not self.closed)
        return self._areas[area]

    def outbox(self, folder=None) -> Outbox:
        """This person's calls waiting on this PC for the database (see outbox.py)."""
        return Outbox(self.user.username, self.location, folder)

    def reachable(self) -> bool:
        """Whether the database answers now, asked over a new connection within 2 seconds
        (a pooled one could hang on a dead network); a local file always does."""
        return database_reachable(self.ctx.database.engine)

    def desk_line(self, phone, on_event, on_state, **timings):
        """Follow ``phone`` (from ``telephony.desk_phone()``) on a thread of its own: a
        started DeskLine calling ``on_event`` and ``on_state`` on that thread; it stops when
        the workspace closes."""
        from .telephony.ami_client import AmiSettings
        from .telephony.desk_line import DeskLine

        settings = AmiSettings(phone.host, phone.port, phone.username, phone.secret, **timings)
        line = DeskLine(settings, phone.interface, on_event, on_state)
        self._lines.append(line)
        return line.start()

    def watch_other_desks(self) -> None:
        """Tell listeners, from a thread of its own, what other desks change (see subscribe)."""
        if self._feed is None and not self.closed:
            self._feed = ChangeFeed(self.ctx.database.engine, self._changed_elsewhere).start()

    def _changed_elsewhere(self, kinds) -> None:
        if not self.closed:
            self._broadcast(OpChanges(ELSEWHERE, kinds, "another desk"))

    def subscribe(self, listener: Callable[[OpChanges], None]) -> None:
        """Call ``listener`` (on the thread that ran it) after every write that succeeded."""
        self._listeners.append(listener)

    def _broadcast(self, changes: OpChanges) -> None:
        for listener in list(self._listeners):
            listener(changes)


def _with_database(url: str, work: Callable[[Database], object]):
    database = Database.open(url)
    try:
        return work(database)
    finally:
        database.dispose()
