"""`contactdesk retention show|set|run` as an administrator or a scheduled task runs them."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from contactdesk.cli.main import main
from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.database import Database
from contactdesk.services import cases
from contactdesk.services.calls import log_call

from ...helpers.contexts import context_for
from .helpers import Result, one_line_error, run_cli


def closed_case(url: str, closed: datetime, description: str) -> str:
    """A Streetpride case logged and closed at ``closed`` (the desk's clock set there)."""
    database = Database.open(url)
    try:
        desk = context_for(database, "agent", clock=lambda: closed)
        reference = log_call(desk, CallInput(
            caller_name="Ada Thorpe", caller_phone="01709 823456", category="Litter",
            address="2 Thorpe Hesley Road", description=description)).reference
        cases.change_status(desk, reference, "resolved")
        cases.change_status(desk, reference, "closed")
        return reference
    finally:
        database.dispose()


def case_state(url: str, reference: str) -> tuple:
    database = Database.open(url)
    try:
        with database.engine.connect() as con:
            return tuple(con.execute(text(
                "SELECT c.description, p.name FROM cases c LEFT JOIN callers p "
                "ON p.id = c.caller_id WHERE c.reference = :r"), {"r": reference}).one())
    finally:
        database.dispose()


def test_set_show_preview_and_run(db_url):
    old = closed_case(db_url, datetime(2023, 4, 3, 10, tzinfo=UTC), "Crisps by the Thorpe shop")
    recent = closed_case(db_url, datetime(2025, 5, 20, 10, tzinfo=UTC), "Cans on the green")

    shown = run_here("retention", "show", db=db_url)
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert len(lines) == 8 and lines[0].split()[:4] == ["SP", "streetpride", "kept", "indefinitely"]

    done = run_here("retention", "set", "SP", "12", db=db_url)
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        "Streetpride (streetpride): closed cases kept 12 months after closure, then anonymised; "
        "2 closed cases are past it today."]

    preview = run_here("retention", "run", "--dry-run", "--as-of", "2025-06-01", db=db_url)
    assert preview.code == 0, preview.err
    assert preview.out.splitlines() == [
        "Would anonymise 1 closed case past retention as of 2025-06-01 (callers: 0 to "
        "anonymise, 1 to unlink); complaints are not touched (they have their own retention "
        f"rules). Cases: {old}."]
    assert case_state(db_url, old) == ("Crisps by the Thorpe shop", "Ada Thorpe")

    run = run_cli("retention", "run", "--as-of", "2025-06-01", db=db_url)  # as a scheduled task
    assert run.code == 0, run.err
    assert run.out.startswith("Anonymised 1 closed case past retention as of 2025-06-01")
    assert len(run.out.splitlines()) == 1
    assert case_state(db_url, old) == ("[removed]", None)
    assert case_state(db_url, recent) == ("Cans on the green", "Ada Thorpe")

    kept = run_here("retention", "set", "streetpride", "keep", db=db_url)
    assert kept.out == "Streetpride (streetpride): closed cases kept indefinitely.\n"
    first = run_here("retention", "show", db=db_url).out.splitlines()[0]
    assert first.split() == ["SP", "streetpride", "kept", "indefinitely", "0", "closed", "cases",
                             "past", "retention", "(Streetpride)"]


def run_here(*args: str, db: str) -> Result:
    """The command run in this process (quicker than a new interpreter for each check)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(["--db", db, *args])
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code
    assert "Traceback" not in err.getvalue()
    return Result(code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize(("args", "says"), [
    (("set", "streetpride", "0"), "months: 0 is not a period: give a whole number of months "
                                  "from 1 to 1200, or none"),
    (("set", "streetpride", "1201"), "from 1 to 1200"),
    (("set", "streetpride", "twelve"), "'twelve' is not a number of months: give 1 to 1200, "
                                       "or keep"),
    (("set", "bins", "12"), "there is no category group 'bins': use one of streetpride, "
                            "council_tax"),
    (("run", "--as-of", "2025-13-01"), "'2025-13-01' is not a date (use YYYY-MM-DD, today or yesterday)"),
    (("set", "streetpride"), "the following arguments are required: MONTHS|keep"),
])
def test_bad_input_is_one_line_and_exit_2(fresh_database_url, args, says):
    url = fresh_database_url("sqlite")
    result = run_here("retention", *args, db=url)
    assert result.code == 2 and result.out == ""
    assert says in one_line_error(result)
