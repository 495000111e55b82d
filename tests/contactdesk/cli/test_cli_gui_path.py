"""`contactdesk gui` (the default command) builds only its own options: the other commands'
modules are not loaded on the way to the window, and every other command still parses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from contactdesk.cli.main import build_parser, starts_the_app


@pytest.mark.parametrize(("argv", "starts"), [
    ([], True),
    (["gui"], True),
    (["--db", "sqlite:///x.sqlite3"], True),
    (["--db", "sqlite:///x.sqlite3", "gui", "--user", "sam", "--password-stdin"], True),
    (["--db=sqlite:///x.sqlite3", "gui"], True),
    (["--db", "gui"], True),  # a file named gui: still the default command
    (["stats", "--from", "today"], False),
    (["--db", "sqlite:///x.sqlite3", "db", "upgrade"], False),
    (["--help"], False),
    (["gui", "--help"], True),  # the gui command's own help: the same either way
    (["--version"], False),
])
def test_which_arguments_start_the_app(argv, starts):
    assert starts_the_app(argv) is starts


def test_the_full_parser_still_has_every_command():
    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"gui", "db", "demo-data", "users", "export", "stats"} <= set(commands)


def test_starting_the_app_loads_no_other_command():
    probe = ("import sys\n"
             "from contactdesk.cli import main\n"
             "parser = main._gui_parser()[0]\n"
             "args = parser.parse_args(['--db', 'sqlite:///x.sqlite3', 'gui', '--user', 'sam'])\n"
             "assert args.handler.__name__ == 'gui' and args.user == 'sam'\n"
             "heavy = ['contactdesk.cli.statistics', 'contactdesk.cli.reports', 'holidays',\n"
             "         'sqlalchemy', 'contactdesk.workspace']\n"
             "print([name for name in heavy if name in sys.modules])\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]"]
