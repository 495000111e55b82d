"""On PostgreSQL, prefix searches on references and postcodes read an index, never every case.

Under a database collation such as C.UTF-8 (the test server's) or en_GB.UTF-8 a
plain btree index serves neither ``LIKE 'x%'`` nor a range, so a prefix search
would read every case; migration 0010 keeps both columns in byte order. Each
statement a search runs on ``cases`` is EXPLAINed after ANALYZE, on enough cases
for the planner to prefer an index when one serves.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from contactdesk.persistence.database import Database
from contactdesk.services.case_search import CaseQuery, search_cases
from tests.helpers.contexts import context_for

CASES = 20_000
PAGE = 50  # rows a page joins back to cases: few enough that the planner looks them up
OUTWARDS = tuple(f"S{n}" for n in range(40, 80))  # S60 among them


@pytest.fixture
def filled(fresh_database_url):
    """A PostgreSQL database of CASES cases (SP-2026-000001 on; postcodes spread evenly
    over OUTWARDS and sectors), analysed; triggers off while filling (word tables are not searched here)."""
    database = Database.open(fresh_database_url("postgresql"))
    outwards = "ARRAY[" + ", ".join(f"'{o}'" for o in OUTWARDS) + "]"
    with database.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        category, service = connection.execute(text(
            "SELECT id, default_service_id FROM categories ORDER BY id LIMIT 1")).one()
        connection.execute(text(f"""
            INSERT INTO cases (reference, category_id, service_id, status, priority,
                description, postcode, received_at, created_at, updated_at, version,
                idempotency_key)
            SELECT 'SP-2026-' || lpad(n::text, 6, '0'), :category, :service, 'new', 'normal',
                   'Reported by phone',
                   ({outwards})[1 + (n * 7) % {len(OUTWARDS)}] || ' ' || (n / 40 % 10)::text
                       || chr(65 + (n / 10) % 26) || chr(65 + (n / 260) % 26),
                   ts, ts, ts, 1, 'plan-' || n
            FROM (SELECT n, timestamptz '2026-01-02 08:00+00' + n * interval '5 minutes' AS ts
                  FROM generate_series(1, :cases) AS n) AS numbered"""),
            {"cases": CASES, "category": category, "service": service})
        connection.execute(text(
            "INSERT INTO reference_counters (prefix, year, last_value) VALUES ('SP', 2026, :n) "
            "ON CONFLICT (prefix, year) DO UPDATE SET last_value = :n"), {"n": CASES})
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "ANALYZE cases")
    yield database
    database.dispose()


def plans_of_search(database: Database, typed: str) -> tuple[set[str], list[str]]:
    """The references found for ``typed`` and the plan of each statement the search
    ran on cases."""
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("SELECT") and "FROM cases" in statement:
            statements.append((statement, parameters))

    desk = context_for(database, "agent", "plan.agent")
    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        page = search_cases(desk, CaseQuery(text=typed), limit=PAGE)
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    with database.engine.connect() as connection:
        plans = ["\n".join(row[0] for row in connection.exec_driver_sql(
            "EXPLAIN " + statement, parameters)) for statement, parameters in statements]
    return {row.reference for row in page.rows}, plans


# Rare enough (0.5% of the cases or fewer) that an index range is the cheapest plan; the
# planner rightly reads commoner rows in the list's order and checks each instead.
@pytest.mark.parametrize(("typed", "plain_match"), [
    ("SP-2026-0012", "reference LIKE 'SP-2026-0012%'"),  # 100 cases
    ("sp-2026-00123", "reference LIKE 'SP-2026-00123%'"),  # 10 cases
    ("s60 2", "postcode LIKE 'S60 2%'"),  # 50 cases
    ("S602", "postcode LIKE 'S60 2%'"),  # typed without its space
    ("2026-0012", "reference LIKE '%2026-0012%'"),  # a part of the reference: its ranges
], ids=["reference", "reference-longer", "postcode", "postcode-compact", "reference-part"])
def test_prefix_searches_use_an_index_on_postgresql(filled, typed, plain_match):
    found, plans = plans_of_search(filled, typed)

    with filled.engine.connect() as connection:
        expected = set(connection.scalars(text(f"SELECT reference FROM cases WHERE {plain_match}")))
    assert found <= expected and len(found) == min(PAGE, len(expected)) > 0
    column = plain_match.split()[0]
    searching = [plan for plan in plans if f"({column})" in plan]
    assert searching, plans
    for plan in plans:
        assert "Seq Scan on cases" not in plan, plan
    for plan in searching:
        # The prefix is a range of the column's index, not a filter on rows read otherwise.
        assert any("Index Cond" in line or "Recheck Cond" in line
                   for line in plan.splitlines() if f"({column})" in line), plan
