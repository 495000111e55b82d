"""Exit codes and one-line messages of the command line, against real databases."""

from __future__ import annotations

import sqlite3

from .helpers import one_line_error, run_cli


def test_db_upgrade_creates_then_is_harmless(empty_db_url):
    first = run_cli("db", "upgrade", db=empty_db_url)
    assert first.code == 0 and "schema created at" in first.out
    second = run_cli("db", "upgrade", db=empty_db_url)
    assert second.code == 0 and "already at" in second.out
    status = run_cli("db", "status", db=empty_db_url)
    assert status.code == 0 and status.out.strip().endswith(": current")


def test_users_add_and_list(db_url):
    added = run_cli("users", "add", "sam.taylor", "--role", "supervisor", "--name", "Sam Taylor",
                    db=db_url)
    assert added.code == 0 and "added sam.taylor (Sam Taylor) as supervisor" in added.out
    again = run_cli("users", "add", "sam.taylor", "--role", "agent", "--name", "Sam T", db=db_url)
    assert again.code == 2 and "already exists" in one_line_error(again)
    listed = run_cli("users", "list", db=db_url)
    assert listed.code == 0 and "sam.taylor" in listed.out and "supervisor" in listed.out


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
    assert "cannot open the database postgresql+psycopg://nobody@127.0.0.1:9/contactdesk" in line


def test_a_password_in_the_url_is_never_printed():
    result = run_cli("db", "upgrade", db="postgresql+psycopg://nobody:s3cret@127.0.0.1:9/x")
    assert result.code == 2 and "s3cret" not in result.err and "***" in result.err


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
                     env={"CONTACTDESK_DATABASE_URL": db_url})
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
