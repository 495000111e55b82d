"""The throwaway PostgreSQL server used by the database tests really runs."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
import pytest

from tests.helpers.postgres import ThrowawayPostgres


def test_server_answers_queries(postgres_server: ThrowawayPostgres) -> None:
    with postgres_server.connect() as conn:
        version = conn.execute("SELECT version()").fetchone()[0]
        encoding = conn.execute("SHOW server_encoding").fetchone()[0]
        fsync = conn.execute("SHOW fsync").fetchone()[0]
    assert version.startswith("PostgreSQL ")
    assert encoding == "UTF8"
    assert fsync == "off"


def test_url_points_at_the_server(postgres_server: ThrowawayPostgres) -> None:
    parts = urlsplit(postgres_server.url("somedb"))
    assert parts.scheme == "postgresql+psycopg"
    assert (parts.username, parts.hostname, parts.port) == (
        "postgres",
        "127.0.0.1",
        postgres_server.port,
    )
    assert parts.path == "/somedb"


def test_created_databases_are_independent(postgres_server: ThrowawayPostgres) -> None:
    first = postgres_server.create_database("fixture_check_a")
    second = postgres_server.create_database("fixture_check_b")
    try:
        assert first != second
        with postgres_server.connect("fixture_check_a") as conn:
            conn.execute("CREATE TABLE marker (id integer PRIMARY KEY)")
            conn.execute("INSERT INTO marker VALUES (1)")
        with postgres_server.connect("fixture_check_b") as conn:
            assert conn.execute("SELECT to_regclass('marker')").fetchone()[0] is None
        with postgres_server.connect("fixture_check_a") as conn:
            assert conn.execute("SELECT count(*) FROM marker").fetchone()[0] == 1
    finally:
        postgres_server.drop_database("fixture_check_a")
        postgres_server.drop_database("fixture_check_b")


def test_template_copy_and_drop_with_open_connection(postgres_server: ThrowawayPostgres) -> None:
    postgres_server.create_database("fixture_check_tpl")
    try:
        with postgres_server.connect("fixture_check_tpl") as conn:
            conn.execute("CREATE TABLE seeded (name text)")
            conn.execute("INSERT INTO seeded VALUES ('reference data')")
        # An open connection to the template must not block the copy.
        lingering = postgres_server.connect("fixture_check_tpl")
        postgres_server.create_database("fixture_check_copy", template="fixture_check_tpl")
        lingering.close()
        with postgres_server.connect("fixture_check_copy") as conn:
            assert conn.execute("SELECT name FROM seeded").fetchall() == [("reference data",)]
        # Dropping disconnects sessions still using the database.
        still_open = postgres_server.connect("fixture_check_copy")
        postgres_server.drop_database("fixture_check_copy")
        still_open.close()
        with postgres_server.connect() as conn:
            names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        assert "fixture_check_copy" not in names
    finally:
        postgres_server.drop_database("fixture_check_copy")
        postgres_server.drop_database("fixture_check_tpl")


def test_stopped_server_refuses_urls() -> None:
    server = ThrowawayPostgres()
    with pytest.raises(RuntimeError, match="not running"):
        server.url("x")
    server.stop()  # stopping a server that never started is harmless


def test_connection_errors_surface(postgres_server: ThrowawayPostgres) -> None:
    with pytest.raises(psycopg.OperationalError):
        postgres_server.connect("no_such_database").close()
