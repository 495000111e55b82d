"""Entry point: parse arguments, open the database, run one command, map errors to exit codes.

Exit codes: 0 success; 1 some input rows were rejected; 2 unusable input,
usage or database problems (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from ..domain.errors import ContactDeskError
from . import commands

EXIT_OK, EXIT_ROWS_REJECTED, EXIT_UNUSABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 2."""

    def error(self, message: str):  # noqa: D401
        self.exit(EXIT_UNUSABLE, f"contactdesk: {message} (see `contactdesk --help`)\n")


def _gui_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The top-level options and the `gui` command: all that starting the app needs."""
    parser = _Parser(prog="contactdesk", description="Contact centre case handling for a council.")
    parser.add_argument("--version", action="version", version=f"contactdesk {__version__}")
    parser.add_argument("--db", metavar="URL",
                        help="database URL (default: $CONTACTDESK_DATABASE_URL, else a local SQLite file)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the desktop app (the default command)")
    gui.add_argument("--user", metavar="USERNAME", help="fill in this name in the sign-in dialog")
    gui.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input and sign in without the dialog")
    gui.set_defaults(handler=commands.gui)
    return parser, sub


def starts_the_app(argv: list[str]) -> bool:
    """Whether ``argv`` opens the desktop app (`gui`, or no command), not asking for help.

    Then the other commands' modules (and what they import) are not loaded: the window
    should be on screen as soon as possible.
    """
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--version"):
            return False
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word == "gui"
    return True


def build_parser() -> argparse.ArgumentParser:
    from ..domain.permissions import ROLES
    from . import governance, reports, retention, staffing, statistics, subject_access

    parser, sub = _gui_parser()
    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", parser_class=_Parser, metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="create or migrate the schema to the latest version") \
        .set_defaults(handler=commands.db_upgrade)
    db_sub.add_parser("status", help="show the schema version").set_defaults(handler=commands.db_status)

    demo = sub.add_parser("demo-data", help="fill the database with realistic demo data")
    demo.add_argument("--days", type=_positive_int, default=30, help="days of history (default 30)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    demo.add_argument("--if-empty", action="store_true", help="only when the database has no cases")
    demo.set_defaults(handler=commands.demo_data)

    imp = sub.add_parser("import-cases", help="import cases from a spreadsheet CSV export")
    imp.add_argument("file", metavar="FILE.csv")
    imp.set_defaults(handler=commands.import_cases)

    gaz = sub.add_parser("import-gazetteer", help="load streets and properties from a CSV file")
    gaz.add_argument("file", metavar="FILE.csv")
    gaz.set_defaults(handler=commands.import_gazetteer)

    exp = sub.add_parser("export", help="export records to CSV or Excel")
    exp_sub = exp.add_subparsers(dest="what", parser_class=_Parser, metavar="WHAT", required=True)
    cases = exp_sub.add_parser("cases", help="cases with their caller, service and dates")
    cases.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")
    cases.add_argument("--from", dest="date_from", type=commands.parse_date, metavar="DATE")
    cases.add_argument("--to", dest="date_to", type=commands.parse_date, metavar="DATE")
    cases.set_defaults(handler=commands.export_cases)
    reports.register_exports(exp_sub)

    users = sub.add_parser("users", help="people who use the app")
    users_sub = users.add_subparsers(dest="users_command", parser_class=_Parser, metavar="ACTION",
                                     required=True)
    add = users_sub.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", required=True, help='full name, e.g. "Sam Taylor"')
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from one line of standard input")
    add.set_defaults(handler=commands.users_add)
    setpw = users_sub.add_parser("set-password", help="change a user's password")
    setpw.add_argument("username")
    setpw.add_argument("--password-stdin", action="store_true",
                       help="read the password from one line of standard input")
    setpw.set_defaults(handler=commands.users_set_password)
    disable = users_sub.add_parser("disable", help="stop a user signing in")
    disable.add_argument("username")
    disable.set_defaults(handler=commands.users_disable)
    users_sub.add_parser("list", help="list users").set_defaults(handler=commands.users_list)
    from . import telephony

    telephony.register_set_device(users_sub)
    telephony.register(sub)

    statistics.register(sub)
    reports.register(sub)
    staffing.register(sub)
    governance.register(sub, db_sub)
    subject_access.register(sub)
    retention.register(sub)
    from . import config_show

    config_show.register(sub)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = _gui_parser()[0] if starts_the_app(argv) else build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", commands.gui)
    if not hasattr(args, "user"):
        args.user = None
    if not hasattr(args, "password_stdin"):
        args.password_stdin = False
    try:
        return handler(args)
    except ContactDeskError as exc:
        print(f"contactdesk: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # output piped into `head` and the like: nothing more to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("contactdesk: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: one line, details on request
        if os.environ.get("CONTACTDESK_DEBUG"):
            import traceback

            traceback.print_exc()
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"contactdesk: unexpected error: {type(exc).__name__}: {detail} "
              "(set CONTACTDESK_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
