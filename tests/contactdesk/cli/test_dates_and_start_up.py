"""Dates the command line takes, and the start-up commands `make run` calls every time."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import textwrap
from datetime import date

import pytest

from contactdesk.cli.commands import ProgressLine, parse_date
from contactdesk.cli.main import build_parser

from .helpers import run_cli


def test_today_and_yesterday_are_dates():
    today = date(2026, 3, 2)
    assert parse_date("today", today=today) == today
    assert parse_date("Yesterday", today=today) == date(2026, 3, 1)
    assert parse_date("2026-01-31", today=today) == date(2026, 1, 31)
    with pytest.raises(argparse.ArgumentTypeError, match="use YYYY-MM-DD, today or yesterday"):
        parse_date("tomorrow", today=today)


def _date_options(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _date_options(sub)
        elif action.metavar == "DATE":
            yield parser.prog, action


def test_every_date_option_uses_the_one_parser():
    options = list(_date_options(build_parser()))
    assert len(options) >= 8  # export, stats, reports, complaints, retention
    assert all(action.type is parse_date for _prog, action in options), \
        [(prog, action.dest) for prog, action in options if action.type is not parse_date]


def test_export_from_today(db_url, tmp_path):
    out = tmp_path / "cases.csv"
    done = run_cli("export", "cases", "--from", "yesterday", "--to", "today", "--out", str(out),
                   db=db_url)
    assert done.code == 0, done.err
    assert "0 cases written" in done.out and out.is_file()


def test_a_progress_line_is_rewritten_on_a_terminal_and_plain_in_a_log():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream in (Terminal(), io.StringIO()):
        line = ProgressLine(stream)
        for step in range(101):
            line.show(step / 100, "Writing cases" if step < 50 else "Filling the feed")
        line.close()
        written = stream.getvalue()
        if isinstance(stream, Terminal):
            assert "\n" not in written and written.count("\r") > 50
            assert "Filling the feed... 100%" in written
        else:
            lines = written.splitlines()
            assert "\r" not in written and 10 <= len(lines) <= 13
            assert lines[0] == "Writing cases... 0%" and lines[-1] == "Filling the feed... 100%"


def test_demo_data_shows_progress_and_a_second_start_loads_nothing_heavy(fresh_database_url):
    url = fresh_database_url("sqlite")
    done = run_cli("demo-data", "--days", "1", "--if-empty", db=url)
    assert done.code == 0 and "calls" in done.out
    lines = done.err.splitlines()  # not a terminal here: plain lines
    assert lines[0].startswith("Loading the demo streets and properties... 0%")
    assert "Planning calls and cases..." in done.err and "Filling the telephony feed..." in done.err
    assert lines[-1] == "Demo data created... 100%"

    probe = textwrap.dedent(f"""
        import sys
        from contactdesk.cli.main import main
        assert main(["--db", {url!r}, "demo-data", "--if-empty"]) == 0
        heavy = ["contactdesk.demo.generator", "contactdesk.workspace", "alembic"]
        print([name for name in heavy if name in sys.modules])
    """)
    again = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           timeout=60)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "demo data: the database already has cases; nothing added",
        "demo users sign in with the password: streetpride demo desk",
        "[]",
    ]
