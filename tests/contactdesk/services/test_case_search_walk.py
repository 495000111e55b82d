"""A common word is found by walking the newest cases and checking each against the
word's callers and cases, stopping when the page is full; a rare one by gathering its
cases and sorting them. Both plans must give the same rows in the same order, on both
databases, page after page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, update

from contactdesk.persistence.models import Case
from contactdesk.services import case_plan, case_search
from contactdesk.services.calls import CallInput, log_call
from tests.contactdesk.services.test_case_search import search

NAMES = ["Ann Wood", "Bob Woodhouse", "Carl Smith", "Dee Wood", ""]
STREETS = ["4 Letwell Gardens, Maltby", "Wood Lane, Rotherham", "9 Letwell Road, Maltby",
           "2 Moorgate Gardens, Rotherham"]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TYPED = ["wood", "letwell gardens", "gardens", "smith", "wood lane", "lane wood", "zzz"]


@pytest.fixture
def desk(make_ctx):
    return make_ctx("agent", "agent1", "Priya Shah")


@pytest.fixture
def busy(desk, engine) -> None:
    """Forty cases of a few callers and streets; every fourth shares its received time with
    the one before, so the id decides their order."""
    for n in range(40):
        name = NAMES[n % len(NAMES)]
        saved = log_call(desk, CallInput(
            caller_phone=f"01709 8{n % len(NAMES):05d}" if name else "", caller_name=name,
            address=STREETS[n % len(STREETS)], postcode="S66 8AA", category="Fly tipping",
            description="Reported by phone"))
        with engine.begin() as connection:
            connection.execute(update(Case).where(Case.reference == saved.reference).values(
                received_at=START + timedelta(minutes=n - n % 4 // 3)))


def plan(patch: pytest.MonkeyPatch, name: str, window: int = 10**6) -> None:
    if name == "gather":  # the filter's own index leads, its cases sorted
        patch.setattr(case_plan, "SPARSE_MATCHES", 10**9)
    else:  # read in order, checked against the word's owners, within a window
        patch.setattr(case_plan, "SPARSE_MATCHES", 0)
        patch.setattr(case_plan, "MEMBERSHIP_MATCHES", 10**9)
        patch.setattr(case_plan.Planner, "window", lambda self, need: window)


def test_walking_and_gathering_give_the_same_pages(desk, busy, monkeypatch):
    answers = {}
    for name, window in [("gather", 0), ("walk", 10**6), ("walk", 5), ("walk", 1)]:
        with monkeypatch.context() as patch:
            plan(patch, name, window)
            for typed in TYPED:
                for limit in (3, 200):
                    answers.setdefault((typed, limit), {})[name, window] = search(
                        desk, limit=limit, text=typed)
    for (typed, limit), by_plan in answers.items():
        gathered = by_plan["gather", 0]
        assert all(walked == gathered for walked in by_plan.values()), (typed, limit, by_plan)
    wood = {n for n in range(40) if "Wood" in NAMES[n % len(NAMES)] or n % len(STREETS) == 1}
    assert len(answers["wood", 3]["gather", 0]) == len(wood)  # names and the street, once each
    assert answers["zzz", 3]["gather", 0] == []
    newest_first = answers["wood", 200]["gather", 0]
    assert newest_first == search(desk, text="wood")  # as planned


# PostgreSQL only: SQLite reads the window's end first (its planner would not stop early).
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_walk_stops_when_the_page_is_full_on_postgresql(desk, busy, engine, monkeypatch):
    assert engine.dialect.name == "postgresql"
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    plan(monkeypatch, "walk", 30)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = case_search.search_cases(desk, case_search.CaseQuery(text="wood"), limit=5)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(page.rows) == 5 and page.next is not None
    pages = [s for s in statements if "reference" in s]
    assert len(pages) == 1 and "walked" in pages[0]
    assert not any("OFFSET" in s for s in statements)  # the window's end was never needed
