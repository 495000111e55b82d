"""One function per command: open the database, call a service, print the result."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from ..config import describe_database, resolve_database_url
from ..domain.errors import ContactDeskError
from .passwords import read_new_password, read_password_line


class UsageError(ContactDeskError):
    pass


def parse_date(text: str, *, today: date | None = None) -> date:
    """Every date the command line takes: YYYY-MM-DD, or today / yesterday in Europe/London."""
    if today is None:
        from ..domain.working_time import LONDON  # with the holiday calendars: not for `gui`

        today = datetime.now(LONDON).date()
    named = {"today": today, "yesterday": today - timedelta(days=1)}
    if text.strip().lower() in named:
        return named[text.strip().lower()]
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date (use YYYY-MM-DD, today or yesterday)") from None
    if not 1990 <= day.year <= 2199:
        raise argparse.ArgumentTypeError(f"{text} is outside the years the figures can cover")
    return day


def open_workspace(args, *, migrate: bool = False):
    """Every command comes in through the front door, as the account running it.

    On SQLite that is the operating-system account (whoever can read the file can
    read all of it); on PostgreSQL the login of the URL or libpq's usual sources.
    """
    from ..workspace import Workspace

    url, _default = resolve_database_url(args.db)
    return Workspace.for_this_account(url, migrate=migrate)


def _input_file(path_text: str) -> Path:
    path = Path(path_text)
    if not path.is_file():
        raise UsageError(f"{path} does not exist or is not a file")
    return path


def db_upgrade(args) -> int:
    from ..workspace import Workspace

    url, _default = resolve_database_url(args.db)
    before = Workspace.migrate(url)
    where = describe_database(url)
    if before.is_current:
        print(f"{where}: schema already at {before.head}")
    elif before.is_empty:
        print(f"{where}: schema created at {before.head}")
    else:
        print(f"{where}: schema migrated from {before.current} to {before.head}")
    waiting = Workspace.before_sign_in(url).without_password
    if waiting:
        print(f"{waiting} users have no password yet and cannot sign in: give each one with "
              "`contactdesk users set-password NAME`")
    return 0


def db_status(args) -> int:
    from ..workspace import Workspace

    url, _default = resolve_database_url(args.db)
    state = Workspace.schema(url)
    status = "current" if state.is_current else "empty" if state.is_empty else "needs upgrade"
    print(f"{describe_database(url)}: schema {state.current or 'none'} "
          f"(latest {state.head}): {status}")
    damage = Workspace.integrity_problem(url)
    if damage:
        raise UsageError(damage)
    return 0


def demo_data(args) -> int:
    if args.if_empty:  # the usual answer on every `make run`, asked before anything heavy loads
        from ..demo.quick_check import cases_already_there

        found = cases_already_there(resolve_database_url(args.db)[0])
        if found is not None:
            _say_skipped(found.demo_password)
            return 0
    line = ProgressLine(sys.stderr)
    try:
        summary = open_workspace(args).demo.generate_demo_data(
            days=args.days, seed=args.seed, if_empty=args.if_empty, progress=line.show)
    finally:
        line.close()
    if summary.skipped:
        _say_skipped(summary.demo_password)
    else:
        print(f"demo data: {summary.calls} calls, {summary.cases} cases ({summary.closed} closed), "
              f"{summary.callers} callers, {summary.notes} notes, {summary.users} users, "
              f"{summary.attempts} telephony queue attempts")
        if summary.demo_password:
            print(f"every demo user signs in with the password: {summary.demo_password}")
        else:  # PostgreSQL: people sign in with their own logins, which demo data cannot make
            print("demo users have no logins on PostgreSQL: add yours with `contactdesk users add`")
    return 0


def _say_skipped(demo_password: str | None) -> None:
    print("demo data: the database already has cases; nothing added")
    if demo_password:
        print(f"demo users sign in with the password: {demo_password}")


class ProgressLine:
    """Progress of long work on a terminal: one line rewritten in place on a tty, plain
    lines otherwise (a log keeps one line per stage and every tenth of the way)."""

    def __init__(self, stream):
        self._stream = stream
        self._tty = stream.isatty()
        self._last: tuple[int, str] | None = None
        self._width = 0

    def show(self, fraction: float, text: str) -> None:
        percent = int(fraction * 100)
        if self._tty:
            if self._last == (percent, text):
                return
            line = f"{text}... {percent:3d}%"
            self._stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            if self._last is not None and self._last[1] == text and percent // 10 == self._last[0] // 10:
                return
            self._stream.write(f"{text}... {percent}%\n")
        self._stream.flush()
        self._last = (percent, text)

    def close(self) -> None:
        if self._tty and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()


def _print_report(report, what: str) -> int:
    for problem in report.rejected[:200]:
        print(str(problem), file=sys.stderr)
    if len(report.rejected) > 200:
        print(f"... and {len(report.rejected) - 200} more problems", file=sys.stderr)
    for warning in report.warnings[:50]:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{report.rows_read} rows read: {report.imported} {what} imported, "
          f"{report.already_present} already present, {report.rejected_rows} rejected")
    return 1 if report.rejected else 0


def import_cases(args) -> int:
    path = _input_file(args.file)
    return _print_report(open_workspace(args).cases.import_cases(path), "cases")


def import_gazetteer(args) -> int:
    path = _input_file(args.file)
    return _print_report(open_workspace(args).addresses.import_gazetteer(path), "properties")


def export_cases(args) -> int:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError("--from is after --to")
    count = open_workspace(args).exports.export_cases(Path(args.out), args.date_from, args.date_to)
    print(f"{count} cases written to {args.out}")
    return 0


def users_add(args) -> int:
    password = read_new_password(args)
    user = open_workspace(args).users.add_user(args.username, args.role, args.name, password)
    print(f"added {user.username} ({user.full_name}) as {user.role}")
    return 0


def users_set_password(args) -> int:
    password = read_new_password(args)
    user = open_workspace(args).users.set_password(args.username, password)
    print(f"password changed for {user.username}")
    return 0


def users_disable(args) -> int:
    user = open_workspace(args).users.disable_user(args.username)
    print(f"{user.username} can no longer sign in")
    return 0


def users_list(args) -> int:
    for user in open_workspace(args).users.list_users():
        state = "" if user.active else " (disabled)"
        print(f"{user.username:20} {user.role:11} {user.full_name}{state}")
    return 0


def gui(args) -> int:
    """Start the desktop front end, found through its entry point.

    The core never imports the ``ui`` package; the front end registers itself
    under the ``contactdesk.frontends`` entry point group instead.
    """
    from importlib.metadata import PackageNotFoundError, distribution, entry_points

    url, is_default = resolve_database_url(args.db)
    try:  # our own distribution first: scanning every installed one costs milliseconds
        found = [point for point in distribution("contactdesk").entry_points
                 if point.group == "contactdesk.frontends" and point.name == "gui"]
    except PackageNotFoundError:
        found = []
    found = found or entry_points(group="contactdesk.frontends", name="gui")
    if not found:
        raise UsageError("the desktop front end is not installed: run `make run` or `pip install -e .`")
    launch = next(iter(found)).load()
    password = read_password_line() if args.password_stdin else None
    return launch(url, args.user, is_default, password)
