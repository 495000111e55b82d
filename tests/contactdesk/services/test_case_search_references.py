"""Finding cases by any part of their reference ("8662", "2026-0086"), on both databases,
in every plan the search can choose, alongside the word search it shares the text with."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, update

from contactdesk.persistence.models import Case, ReferenceCounter
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.case_search import CaseQuery, search_cases
from contactdesk.services.search_text import reference_fragment, reference_ranges
from tests.contactdesk.services.test_case_search import PLANS, force_plan

# reference: the street its case is about
REFERENCES = {
    "SP-2026-008662": "14 Wellgate, Rotherham",
    "SP-2026-086620": "3 Moorgate Road, Rotherham",
    "SP-2025-008662": "Fitzwilliam Road",
    "CT-2026-000866": "2 Doncaster Gate",
    "SP-2026-000101": "Unit 8662, Parkgate",  # found by the words of its location too
}


@pytest.fixture
def desk(make_ctx):
    return make_ctx("agent", "agent1", "Priya Shah")


@pytest.fixture
def numbered(desk, engine) -> None:
    """One case per REFERENCES entry, renumbered to it, with the reference counters moved
    on as thousands of cases would have (the search reads them)."""
    for reference, address in REFERENCES.items():
        category = "Council tax payment" if reference.startswith("CT") else "Fly tipping"
        logged = log_call(desk, CallInput(category=category, address=address,
                                          description="Reported by phone")).reference
        with engine.begin() as connection:
            connection.execute(update(Case).where(Case.reference == logged)
                               .values(reference=reference))
    last: dict[tuple[str, int], int] = {}
    for reference in REFERENCES:
        prefix, year, number = reference.split("-")
        key = (prefix, int(year))
        last[key] = max(last.get(key, 0), int(number))
    with engine.begin() as connection:
        connection.execute(delete(ReferenceCounter))
        connection.execute(insert(ReferenceCounter), [
            {"prefix": prefix, "year": year, "last_value": value}
            for (prefix, year), value in last.items()])


def found(ctx, text: str) -> set[str]:
    refs, after = set(), None
    while True:
        page = search_cases(ctx, CaseQuery(text=text), after, 2)  # small pages: paging too
        refs.update(row.reference for row in page.rows)
        if page.next is None:
            return refs
        after = page.next


def test_any_part_of_a_reference_finds_its_cases(desk, numbered, monkeypatch):
    expected = {
        # the end of the number, as read out ("ending 8662"), and the unit numbered so
        "8662": {"SP-2026-008662", "SP-2026-086620", "SP-2025-008662", "SP-2026-000101"},
        "008662": {"SP-2026-008662", "SP-2025-008662"},
        "0008": {"CT-2026-000866"},
        # the beginning, any case, and parts spanning the year
        "SP-2026-0086": {"SP-2026-008662"},
        "sp-2026-0086": {"SP-2026-008662"},
        "2026-0086": {"SP-2026-008662"},
        "p-2026-08": {"SP-2026-086620"},
        "5-0086": {"SP-2025-008662"},
        "ct-2026-000866": {"CT-2026-000866"},
        # too short to be a reference part: the words alone
        "86": {"SP-2026-000101"},  # the unit number begins with it
        "8663": set(),
        "wellgate": {"SP-2026-008662"},
    }
    for plan in PLANS:
        with monkeypatch.context() as patch:
            force_plan(patch, plan)
            for typed, refs in expected.items():
                assert found(desk, typed) == refs, f"searching for {typed!r} ({plan})"


def test_a_reference_part_combines_with_the_filters(desk, numbered):
    page = search_cases(desk, CaseQuery(text="8662", statuses=("new",), sort="reference",
                                        descending=False))
    assert [row.reference for row in page.rows] == [
        "SP-2025-008662", "SP-2026-000101", "SP-2026-008662", "SP-2026-086620"]
    page = search_cases(desk, CaseQuery(text="8662", statuses=("resolved",)))
    assert page.rows == ()


def test_reading_a_reference_part():
    assert reference_fragment(" 8662 ") == "8662"
    assert reference_fragment("p-2026-0086") == "P-2026-0086"
    assert [reference_fragment(t) for t in ("86", "SP-", "wellgate", "14 wellgate", "8%62",
                                            "86_2", "")] == [None] * 7


def test_reference_parts_become_ranges_of_the_reference_index():
    sp = [("SP", 2026, 89_408)]
    # At the end of the number, in its middle (a run of ten), never past the last one.
    assert reference_ranges("8662", sp) == (
        [(f"SP-2026-0{n}8662", f"SP-2026-0{n}8662") for n in range(8)]
        + [("SP-2026-086620", "SP-2026-086629"), ("SP-2026-088662", "SP-2026-088662")])
    assert reference_ranges("2026-0086", [*sp, ("CT", 2025, 100)]) == [
        ("SP-2026-008600", "SP-2026-008699")]
    assert reference_ranges("P-2026", sp) == [("SP-2026-000001", "SP-2026-089408")]
    assert reference_ranges("000", [("SP", 2026, 5)]) == [("SP-2026-000001", "SP-2026-000005")]
    assert reference_ranges("8662", [("SP", 2026, 0)]) == []
    # A short part in many years would be thousands of ranges: read in order instead.
    assert reference_ranges("123", [("SP", year, 90_000) for year in range(2000, 2030)]) is None
