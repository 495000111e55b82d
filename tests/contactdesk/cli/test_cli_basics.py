"""Exit codes and one-line messages of the command line, against real databases."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from contactdesk.auth.credentials import Password, SignInRefused
from contactdesk.workspace import Workspace

from .helpers import one_line_error, run_cli

# Long enough for the password rule and not on the list of common passwords.
GOOD = "kettle on, phones ringing, Monday"


def test_db_upgrade_creates_then_is_harmless(empty_db_url):
    first = run_cli("db", "upgrade", db=empty_db_url)
    assert first.code == 0 and "schema created at" in first.out
    second = run_cli("db", "upgrade", db=empty_db_url)
    assert second.code == 0 and "already at" in second.out
    status = run_cli("db", "status", db=empty_db_url)
    assert status.code == 0 and status.out.strip().endswith(": current")


def test_users_add_and_list(db_url):
    added = run_cli("users", "add", "sam.taylor", "--role", "supervisor", "--name", "Sam Taylor",
                    "--password-stdin", db=db_url, input=GOOD + "\n")
    assert added.code == 0 and "added sam.taylor (Sam Taylor) as supervisor" in added.out
    again = run_cli("users", "add", "sam.taylor", "--role", "agent", "--name", "Sam T",
                    "--password-stdin", db=db_url, input=GOOD + "\n")
    assert again.code == 2 and "already exists" in one_line_error(again)
    listed = run_cli("users", "list", db=db_url)
    assert listed.code == 0 and "sam.taylor" in listed.out and "supervisor" in listed.out


def _unique(stem: str) -> str:
    # PostgreSQL logins are server-wide, so each test gets names of its own.
    return f"{stem}_{uuid.uuid4().hex[:8]}"


def test_users_add_refuses_a_short_password_in_one_line(db_url):
    name = _unique("short")
    refused = run_cli("users", "add", name, "--role", "agent", "--name", "Short Pass",
                      "--password-stdin", db=db_url, input="fourteen chars\n")
    assert refused.code == 2
    line = one_line_error(refused)
    assert "password" in line and "14 characters" in line and "at least 15" in line
    assert name not in run_cli("users", "list", db=db_url).out


def test_users_add_without_a_terminal_says_to_use_password_stdin(db_url):
    name = _unique("noterm")
    result = run_cli("users", "add", name, "--role", "agent", "--name", "No Term", db=db_url)
    assert result.code == 2 and "--password-stdin" in one_line_error(result)
    assert name not in run_cli("users", "list", db=db_url).out


def test_users_set_password_from_stdin(db_url):
    name = _unique("pat")
    new = "two sugars, no milk, late again"
    assert run_cli("users", "add", name, "--role", "agent", "--name", "Pat Lee",
                   "--password-stdin", db=db_url, input=GOOD + "\n").code == 0
    changed = run_cli("users", "set-password", name, "--password-stdin", db=db_url,
                      input=new + "\n")
    assert changed.code == 0 and f"password changed for {name}" in changed.out, changed.err
    pat = Workspace.open(db_url, Password(name, new))
    assert pat.actor.username == name
    pat.close()
    with pytest.raises(SignInRefused):
        Workspace.open(db_url, Password(name, GOOD))
    too_short = run_cli("users", "set-password", name, "--password-stdin", db=db_url,
                        input="fourteen chars\n")
    assert too_short.code == 2 and "at least 15" in one_line_error(too_short)


def test_users_disable_shows_in_the_list_and_stops_sign_in(db_url):
    name = _unique("kim")
    assert run_cli("users", "add", name, "--role", "agent", "--name", "Kim Hale",
                   "--password-stdin", db=db_url, input=GOOD + "\n").code == 0
    listed = run_cli("users", "list", db=db_url)
    assert listed.code == 0 and "(disabled)" not in listed.out
    disabled = run_cli("users", "disable", name, db=db_url)
    assert disabled.code == 0, disabled.err
    listed = run_cli("users", "list", db=db_url)
    (line,) = [line for line in listed.out.splitlines() if line.startswith(name)]
    assert line.endswith("Kim Hale (disabled)")
    with pytest.raises(SignInRefused):
        Workspace.open(db_url, Password(name, GOOD))


def test_bad_role_and_usage_errors_exit_2_in_one_line(db_url):
    bad_role = run_cli("users", "add", "x", "--role", "boss", "--name", "X", db=db_url)
    assert bad_role.code == 2 and "invalid choice" in one_line_error(bad_role)
    assert run_cli("frobnicate").code == 2
    bad_days = run_cli("demo-data", "--days", "0", db=db_url)
    assert bad_days.code == 2 and "at least 1" in one_line_error(bad_days)


def test_commands_on_an_unmigrated_database_say_to_upgrade(empty_db_url):
    result = run_cli("users", "list", db=empty_db_url)
    assert result.code == 2 and "contactdesk db upgrade" in one_line_error(result)


def test_unreachable_postgresql_is_one_clear_line():
    result = run_cli("db", "upgrade", db="postgresql+psycopg://nobody@127.0.0.1:9/contactdesk")
    assert result.code == 2
    line = one_line_error(result)
    assert "nothing is accepting connections at 127.0.0.1:9" in line
    assert "refused" not in line.lower()  # the driver's own words stay out


def test_a_password_in_the_url_is_never_printed():
    result = run_cli("db", "upgrade", db="postgresql+psycopg://nobody:s3cret@127.0.0.1:9/x")
    assert result.code == 2 and "s3cret" not in result.err and "127.0.0.1:9" in result.err


def test_files_that_are_not_ours_are_refused(tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database")
    assert "not a ContactDesk database" in one_line_error(run_cli("db", "upgrade", db=f"sqlite:///{text_file}"))
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    result = run_cli("db", "upgrade", db=f"sqlite:///{other}")
    assert result.code == 2 and "not ContactDesk's" in one_line_error(result)


def test_a_schema_newer_than_the_app_is_refused(db_url, tmp_path):
    from sqlalchemy import text

    from contactdesk.persistence.engine import create_database_engine

    engine = create_database_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    result = run_cli("users", "list", db=db_url)
    assert result.code == 2 and "newer ContactDesk" in one_line_error(result)


def test_database_url_from_the_environment(db_url):
    result = run_cli("users", "add", "env.user", "--role", "agent", "--name", "Env User",
                     "--password-stdin", env={"CONTACTDESK_DATABASE_URL": db_url},
                     input=GOOD + "\n")
    # run_cli drops the variable unless given explicitly, so pass it through env=...
    assert result.code == 0
    assert "env.user" in run_cli("users", "list", db=db_url).out


def test_default_database_lives_in_the_user_data_folder(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = run_cli("db", "upgrade", env=env)
    assert result.code == 0
    assert (tmp_path / "data" / "ContactDesk" / "contactdesk.sqlite3").is_file()


def test_gui_without_a_display_explains_instead_of_aborting(db_url):
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    result = run_cli("gui", db=db_url, env=env)
    assert result.code == 2 and "no display" in one_line_error(result)


def test_db_upgrade_names_the_people_left_without_a_password(fresh_database_url):
    # People added on a local file before passwords existed cannot sign in until given one.
    import sqlalchemy as sa
    from alembic import command

    from contactdesk.persistence.engine import create_database_engine
    from contactdesk.persistence.migrations import alembic_config

    empty_db_url = fresh_database_url("sqlite", migrated=False)
    engine = create_database_engine(empty_db_url)
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO users (username, full_name, role, active, created_at) "
            "VALUES ('sam', 'Sam Taylor', 'agent', 1, '2026-01-05 09:00:00')"))
    engine.dispose()
    result = run_cli("db", "upgrade", db=empty_db_url)
    assert result.code == 0
    assert "1 users have no password yet" in result.out and "users set-password" in result.out


def test_version_comes_from_the_project_metadata():
    import tomllib

    from .helpers import ROOT

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = run_cli("--version")
    assert result.code == 0 and result.out.strip() == f"contactdesk {declared}"
