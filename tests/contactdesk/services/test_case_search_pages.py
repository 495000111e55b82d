"""The case list's plain pages and reference searches are read by statements compiled once
and kept; their rows are built from the driver's values. On both databases they must give
exactly what a typed read gives, and a kept statement must never answer with the values
of the search that compiled it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from contactdesk.domain.case_status import OPEN_STATUSES
from contactdesk.persistence.models import Caller, Case, Category, Service
from contactdesk.services import case_plan
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.case_search import CaseQuery, search_cases

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CALLS = [  # caller phone, name, category
    ("01709 823456", "Ann Jones", "Fly tipping"),
    ("", "", "Graffiti"),  # no caller
    ("07911 123456", "Peter Smith", "Council tax payment"),
    ("01709 111222", "Karen Jones", "Litter"),
]
# received_at and due_at per case: one on a whole second, one undated, one overdue but closed
TIMES = [
    (datetime(2026, 3, 1, 9, 15, 30, 123456, tzinfo=UTC), NOW - timedelta(hours=1)),
    (datetime(2026, 3, 1, 9, 15, 30, tzinfo=UTC), None),
    (datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), NOW - timedelta(days=2)),
    (datetime(2026, 3, 2, 11, 0, tzinfo=UTC), NOW + timedelta(days=3)),
]


@pytest.fixture
def desk(make_ctx):
    return make_ctx("agent", "agent1", "Priya Shah", clock=lambda: NOW)


@pytest.fixture
def cases(desk, engine) -> list[int]:
    ids = []
    for (phone, name, category), (received, due) in zip(CALLS, TIMES, strict=True):
        saved = log_call(desk, CallInput(caller_phone=phone, caller_name=name,
                                         address="14 Wellgate, Rotherham", postcode="S60 2TH",
                                         category=category, description="Reported by phone"))
        with engine.begin() as connection:
            connection.execute(update(Case).where(Case.reference == saved.reference)
                               .values(received_at=received, due_at=due))
            ids.append(connection.scalar(select(Case.id).where(Case.reference == saved.reference)))
    with engine.begin() as connection:
        connection.execute(update(Case).where(Case.id == ids[2]).values(status="closed"))
    return ids


def typed_rows(engine, *where) -> list[tuple]:
    """Every case as the ORM's column types read it, newest first, with its overdue flag."""
    query = (select(Case.id, Case.reference, Case.received_at, Case.status, Category.name,
                    Service.name, Caller.name, Case.location, Case.postcode, Case.due_at,
                    Case.status, Caller.phone_e164)
             .join(Category, Category.id == Case.category_id)
             .join(Service, Service.id == Case.service_id)
             .outerjoin(Caller, Caller.id == Case.caller_id)
             .where(*where)
             .order_by(Case.received_at.desc(), Case.id.desc()))
    open_ = {s.value for s in OPEN_STATUSES}
    with engine.connect() as connection:
        return [(*row[:10], row[10] in open_ and row[9] is not None and row[9] < NOW, row[11])
                for row in connection.execute(query)]


def test_kept_pages_give_what_a_typed_read_gives(desk, engine, cases):
    expected = typed_rows(engine)
    for _ in range(2):  # compiled by the first search, kept for the second
        page = search_cases(desk, CaseQuery())
        assert [tuple(row) for row in page.rows] == expected
        assert all(row.received_at.tzinfo == UTC for row in page.rows)
    rows = {row.id: row for row in page.rows}
    assert rows[cases[0]].overdue and not rows[cases[2]].overdue  # closed: never overdue
    assert rows[cases[1]].caller_name is None and rows[cases[1]].due_at is None
    assert rows[cases[0]].caller_phone == "+441709823456"
    walked, after = [], None
    while True:  # one row a page: every cursor value goes back through a kept statement
        page = search_cases(desk, CaseQuery(), after, limit=1)
        walked.extend(tuple(row) for row in page.rows)
        if page.next is None:
            break
        after = page.next
    assert walked == expected


def test_a_kept_reference_search_answers_with_its_own_values(desk, engine, cases):
    with engine.connect() as connection:
        references = dict(connection.execute(select(Case.id, Case.reference)).all())
    prefix = references[cases[0]][:-2]
    beginning = {n for n, reference in references.items() if reference.startswith(prefix)}
    assert len(beginning) > 1
    for typed, ids in [(references[cases[0]], {cases[0]}), (references[cases[3]], {cases[3]}),
                       (prefix, beginning), (prefix[:-1] + "9", set()),
                       (references[cases[2]].lower(), {cases[2]})]:
        page = search_cases(desk, CaseQuery(text=typed))
        assert {row.id for row in page.rows} == ids, typed
        assert [tuple(row) for row in page.rows] == typed_rows(engine, Case.id.in_(ids))


def test_statements_are_kept_once_per_shape(desk, cases):
    case_plan.COMPILED.clear()
    first = search_cases(desk, CaseQuery(), limit=2)
    search_cases(desk, CaseQuery(), first.next, limit=2)
    search_cases(desk, CaseQuery(text="SP-2026-0000"))
    search_cases(desk, CaseQuery(text="SP-2026-0000"))
    search_cases(desk, CaseQuery(text="SP-2026-000001"))
    shapes = {key[4:] for key in case_plan.COMPILED}
    # the first page, the pages after it; a reference's beginning and a whole one
    assert shapes == {(True, None), (False, None), (True, ("reference", False)),
                      (True, ("reference", True))}
