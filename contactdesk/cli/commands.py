"""One function per command: open the database, call a service, print the result."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..config import resolve_database_url
from ..domain.errors import ContactDeskError
from ..persistence.engine import create_database_engine, describe_url
from ..persistence.migrations import require_current_schema, schema_state, upgrade


class UsageError(ContactDeskError):
    pass


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (use YYYY-MM-DD)") from None


def _engine(args, *, current: bool = True):
    url, _default = resolve_database_url(args.db)
    engine = create_database_engine(url)
    if current:
        require_current_schema(engine)
    return engine


def _user_id(engine, username: str | None) -> int | None:
    if not username:
        return None
    from ..services.users import get_user

    return get_user(engine, username).id


def _input_file(path_text: str) -> Path:
    path = Path(path_text)
    if not path.is_file():
        raise UsageError(f"{path} does not exist or is not a file")
    return path


def db_upgrade(args) -> int:
    engine = _engine(args, current=False)
    before = upgrade(engine)
    where = describe_url(str(engine.url))
    if before.is_current:
        print(f"{where}: schema already at {before.head}")
    elif before.is_empty:
        print(f"{where}: schema created at {before.head}")
    else:
        print(f"{where}: schema migrated from {before.current} to {before.head}")
    return 0


def db_status(args) -> int:
    engine = _engine(args, current=False)
    state = schema_state(engine)
    status = "current" if state.is_current else "empty" if state.is_empty else "needs upgrade"
    print(f"{describe_url(str(engine.url))}: schema {state.current or 'none'} "
          f"(latest {state.head}): {status}")
    return 0


def demo_data(args) -> int:
    from ..demo.generator import generate_demo_data

    engine = _engine(args)
    summary = generate_demo_data(engine, days=args.days, seed=args.seed, if_empty=args.if_empty)
    if summary.skipped:
        print("demo data: the database already has cases; nothing added")
    else:
        print(f"demo data: {summary.calls} calls, {summary.cases} cases ({summary.closed} closed), "
              f"{summary.callers} callers, {summary.notes} notes, {summary.users} users, "
              f"{summary.attempts} telephony queue attempts")
    return 0


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
    from ..services.case_import import import_cases as run

    path = _input_file(args.file)
    engine = _engine(args)
    return _print_report(run(engine, path, user_id=_user_id(engine, args.user)), "cases")


def import_gazetteer(args) -> int:
    from ..services.gazetteer import import_gazetteer as run

    path = _input_file(args.file)
    return _print_report(run(_engine(args), path), "properties")


def export_cases(args) -> int:
    from ..services.case_export import export_cases as run

    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError("--from is after --to")
    count = run(_engine(args), Path(args.out), args.date_from, args.date_to)
    print(f"{count} cases written to {args.out}")
    return 0


def users_add(args) -> int:
    from ..services.users import add_user

    user = add_user(_engine(args), args.username, args.role, args.name)
    print(f"added {user.username} ({user.full_name}) as {user.role}")
    return 0


def users_list(args) -> int:
    from ..services.users import list_users

    for user in list_users(_engine(args)):
        state = "" if user.active else " (inactive)"
        print(f"{user.username:20} {user.role:11} {user.full_name}{state}")
    return 0


def gui(args) -> int:
    """Start the desktop front end, found through its entry point.

    The core never imports the ``ui`` package; the front end registers itself
    under the ``contactdesk.frontends`` entry point group instead.
    """
    from importlib.metadata import entry_points

    url, is_default = resolve_database_url(args.db)
    found = entry_points(group="contactdesk.frontends", name="gui")
    if not found:
        raise UsageError("the desktop front end is not installed: run `make run` or `pip install -e .`")
    launch = next(iter(found)).load()
    return launch(url, args.user, is_default)
