"""Retention: periods per category group, and anonymising closed cases past them.

Cases are made as the desk makes them (log_call, notes, holds, status changes) at a
fixed clock, then a run on a chosen date anonymises exactly the cases past their
group's period, each in its own transaction, with the audit chain intact and
every statistic and report figure as before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from contactdesk.domain.errors import PermissionDenied, ValidationError
from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.cases import CaseQuery
from contactdesk.dtos.complaints import ComplaintInput
from contactdesk.dtos.retention import CALLER_ANONYMISED, CALLER_UNLINKED
from contactdesk.dtos.stats import StatsQuery
from contactdesk.services import (
    call_stats,
    callers,
    case_performance,
    case_search,
    cases,
    daily_summary,
    reports,
    service_deadlines,
)
from contactdesk.services.audit_trail import verify_audit
from contactdesk.services.calls import log_call
from contactdesk.services.complaints import log_complaint
from contactdesk.services.retention import (
    months_before,
    retention_periods,
    run_retention,
    set_retention,
)

from ...helpers.pdf_text import pdf_text

AS_OF = date(2025, 6, 1)  # with 12 months: cases closed on or before 1 June 2024 (London)


class Clock:
    """The desk's clock, moved by the test."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock():
    return Clock(datetime(2024, 3, 4, 9, 0, tzinfo=UTC))


@pytest.fixture
def desk(make_ctx, clock):
    return make_ctx("agent", "ann.agent", "Ann Agent", clock=clock)


@pytest.fixture
def admin(make_ctx, clock):
    return make_ctx("admin", "test.admin", "Test Admin", clock=clock)


def new_case(desk, clock, at: datetime, *, name: str, phone: str, category: str,
             description: str, address: str, postcode: str = "") -> str:
    clock.at = at
    saved = log_call(desk, CallInput(
        caller_name=name, caller_phone=phone, category=category, description=description,
        address=address, postcode=postcode, started_at=at - timedelta(minutes=4),
        answered_at=at - timedelta(minutes=3, seconds=40), wait_seconds=20.0))
    return saved.reference


def close(desk, clock, reference: str, at: datetime, reason: str = "") -> None:
    clock.at = at - timedelta(hours=1)
    cases.change_status(desk, reference, "resolved", reason=reason)
    clock.at = at
    cases.change_status(desk, reference, "closed")


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


@pytest.fixture
def story(desk, admin, clock):
    """Six cases: three past Streetpride's 12 months on AS_OF, three that must stay."""
    r = {}
    r["margaret"] = new_case(desk, clock, at("2024-03-04"), name="Margaret Oldroyd",
                             phone="01709 823456", category="Litter", address="14 Wellgate",
                             postcode="S60 2TH",
                             description="Cans thrown over Mrs Oldroyd's hedge every night")
    clock.at = at("2024-03-04", 11)
    cases.add_note(desk, r["margaret"], "Rang Margaret back on her mobile 07700 900123")
    cases.hold(desk, r["margaret"], "Waiting for Margaret Oldroyd to send photos")
    clock.at = at("2024-03-05", 9)
    cases.resume(desk, r["margaret"])
    close(desk, clock, r["margaret"], at("2024-03-06", 15), "Told Margaret the hedge is clear")
    # Derek has another case still open: his old one is unlinked, he stays.
    r["derek_old"] = new_case(desk, clock, at("2024-03-05"), name="Derek Bramall",
                              phone="0114 496 0321", category="Fly tipping",
                              address="Garages behind 7 Moorgate",
                              description="Sofa and mattress dumped by the Moorgate garages")
    close(desk, clock, r["derek_old"], at("2024-03-10", 12))
    r["derek_open"] = new_case(desk, clock, at("2025-05-20"), name="Derek Bramall",
                               phone="0114 496 0321", category="Graffiti",
                               address="Bramall Lane bus shelter", description="Tags on shelter")
    # Sue complained about her case: the complaint keeps her, the case lets her go.
    r["sue"] = new_case(desk, clock, at("2024-03-06"), name="Sue Wragg", phone="01709 336600",
                        category="Missed bin collection", address="3 Clifton Lane",
                        description="Green bin missed at Sue's, third time")
    close(desk, clock, r["sue"], at("2024-03-07", 16))
    clock.at = at("2024-03-08")
    log_complaint(desk, ComplaintInput(case_reference=r["sue"], description="Bins missed again"))
    # Council tax keeps its cases indefinitely; a recent Streetpride case is not due.
    r["tax"] = new_case(desk, clock, at("2024-03-05", 14), name="Priya Kaur",
                        phone="01709 550011", category="ct_payment", address="",
                        description="Paid twice in March, Priya wants a refund")
    close(desk, clock, r["tax"], at("2024-03-05", 16))
    r["recent"] = new_case(desk, clock, at("2025-05-19"), name="Tom Hague",
                           phone="01709 447788", category="Litter", address="Hague Road",
                           description="Litter on Hague Road")
    close(desk, clock, r["recent"], at("2025-05-21"))
    clock.at = at("2025-06-01", 8)
    set_retention(admin, "streetpride", 12)
    return r


def figures(admin, tmp_path, name: str):
    """Every statistic and the performance report's text, for a span covering the cases."""
    out = reports.performance_report(admin, date(2025, 3, 1), date(2025, 5, 31),
                                     tmp_path / f"{name}.pdf")
    days = [date(2024, 3, 4) + timedelta(days=n) for n in range(8)] + [date(2025, 5, 20)]
    return {
        "calls": call_stats.call_stats(admin, StatsQuery(date(2024, 3, 1), AS_OF, by="day")),
        "agents": call_stats.call_stats(admin, StatsQuery(date(2024, 3, 1), AS_OF, by="agent")),
        "compared": call_stats.compare_with_year_earlier(admin, date(2025, 3, 1),
                                                         date(2025, 5, 31)),
        "cases": case_performance.case_handling_compared(admin, date(2025, 3, 1),
                                                         date(2025, 5, 31)),
        "days": [daily_summary.daily_summary(admin, day) for day in days],
        "deadlines": service_deadlines.service_deadlines(admin, date(2024, 3, 1), AS_OF),
        "report": pdf_text(out),
    }


def audit_values(engine, *needles: str) -> list[tuple]:
    """Audit rows whose old or new value holds any of ``needles``."""
    with engine.connect() as con:
        rows = con.execute(text("SELECT id, entity, entity_id, field, old_value, new_value "
                                "FROM audit_log")).all()
    return [row for row in rows
            if any(n in (row.old_value or "") or n in (row.new_value or "") for n in needles)]


def test_only_cases_past_retention_are_anonymised_and_nothing_else_moves(
        story, admin, desk, engine, tmp_path):
    before = figures(admin, tmp_path, "before")
    periods = {p.code: p for p in retention_periods(admin, AS_OF)}
    assert (periods["streetpride"].months, periods["streetpride"].past_retention) == (12, 3)
    assert periods["council_tax"].months is None and periods["council_tax"].past_retention == 0

    run = run_retention(admin, as_of=AS_OF)

    assert [c.reference for c in run.cases] == [story["margaret"], story["sue"], story["derek_old"]]
    assert [c.caller for c in run.cases] == [CALLER_ANONYMISED, CALLER_UNLINKED, CALLER_UNLINKED]
    assert run.cases[0].closed_on == date(2024, 3, 6) and run.cases[0].months == 12
    assert "complaints are not touched" in run.summary()
    assert verify_audit(admin).intact and verify_audit(admin).redacted > 0
    # Nothing typed about Margaret, or in the other two cases, survives in the audit.
    # Derek and Sue are kept: their caller rows (and Sue's complaint) keep their addresses.
    assert audit_values(engine, "Oldroyd", "823456", "07700 900123", "Wellgate", "hedge",
                        "Margaret", "Sofa", "mattress", "third time", "Green bin") == []
    assert {row.entity for row in audit_values(engine, "Moorgate", "Clifton")} == {"callers",
                                                                          "complaints"}

    margaret = cases.get_case(admin, story["margaret"])
    assert (margaret.description, margaret.caller_name, margaret.caller_phone) == (
        "[removed]", None, None)
    assert margaret.summary.location is None and margaret.summary.postcode is None
    assert [n.body for n in margaret.notes] == ["[removed]"]
    assert (margaret.summary.status, margaret.summary.category) == ("closed", "Litter")
    assert margaret.closed_at == at("2024-03-06", 15)
    derek_old = cases.get_case(admin, story["derek_old"])
    assert derek_old.caller_name is None and derek_old.description == "[removed]"
    with engine.connect() as con:
        reasons = con.execute(text(
            "SELECT reason FROM case_status_history WHERE reason IS NOT NULL UNION ALL "
            "SELECT reason FROM case_holds")).scalars().all()
        summaries = dict(con.execute(text(
            "SELECT c.reference, k.summary FROM calls k JOIN call_cases l ON l.call_id = k.id "
            "JOIN cases c ON c.id = l.case_id")).all())
        margaret_row = con.execute(text(
            "SELECT p.name, p.phone_e164, p.phone_raw, p.address, p.postcode, p.anonymised_at "
            "FROM callers p JOIN cases c ON c.caller_id = p.id WHERE c.reference = :r"),
            {"r": story["margaret"]}).one()
        kept = con.execute(text("SELECT name FROM callers WHERE anonymised_at IS NULL "
                                "ORDER BY name")).scalars().all()
        complaint = con.execute(text("SELECT complainant_name, description FROM complaints")).one()
    assert reasons == ["[removed]", "[removed]"]
    assert summaries[story["margaret"]] is None and summaries[story["derek_old"]] is None
    assert summaries[story["tax"]] == "Paid twice in March, Priya wants a refund"
    assert tuple(margaret_row[:5]) == (None,) * 5 and margaret_row.anonymised_at is not None
    assert kept == ["Derek Bramall", "Priya Kaur", "Sue Wragg", "Tom Hague"]
    assert tuple(complaint) == ("Sue Wragg", "Bins missed again")  # complaints untouched

    # The app's searches no longer find the anonymised cases by phone, name or street.
    def found(words: str) -> set[str]:
        return {row.reference for row in case_search.search_cases(desk, CaseQuery(words)).rows}

    assert found("01709 823456") == found("Oldroyd") == found("Wellgate") == set()
    assert found("0114 496 0321") == found("Bramall") == {story["derek_open"]}
    assert found("Wragg") == set() and found("Moorgate") == set()
    assert callers.find_by_phone(desk, "+441709823456") is None
    derek = callers.caller_history(desk, "+441144960321")
    assert [c.reference for c in derek.recent_calls] == [story["derek_open"]]
    # The cases that were not due are as they were.
    assert cases.get_case(admin, story["tax"]).caller_name == "Priya Kaur"
    assert cases.get_case(admin, story["recent"]).description == "Litter on Hague Road"
    assert cases.get_case(admin, story["derek_open"]).caller_phone == "+441144960321"

    assert figures(admin, tmp_path, "after") == before
    # Run again: nothing left to do, and the run itself is on record each time.
    assert run_retention(admin, as_of=AS_OF).cases == ()
    with engine.connect() as con:
        runs = con.execute(text("SELECT new_value FROM audit_log WHERE action = 'anonymise' "
                                "AND entity = 'retention_run' ORDER BY id")).scalars().all()
        per_case = con.execute(text("SELECT new_value FROM audit_log WHERE action = 'anonymise' "
                                    "AND entity = 'cases' ORDER BY id")).scalars().all()
    assert runs == ["3 cases anonymised", "0 cases anonymised"]
    assert per_case[0] == "retention: Streetpride, closed 2024-03-06, 12 months"


def snapshot(engine, references) -> dict[str, str]:
    """Each case as 'original' or 'anonymised'; anything in between fails here."""
    states = {}
    with engine.connect() as con:
        for ref in references:
            row = con.execute(text(
                "SELECT c.description, c.location, c.anonymised_at, c.caller_id, p.name, "
                "p.phone_e164, (SELECT body FROM case_notes n WHERE n.case_id = c.id) AS note, "
                "(SELECT k.summary FROM calls k JOIN call_cases l ON l.call_id = k.id "
                " WHERE l.case_id = c.id) AS summary "
                "FROM cases c LEFT JOIN callers p ON p.id = c.caller_id WHERE c.reference = :r"),
                {"r": ref}).one()
            original = (row.description.startswith("Bags dumped") and row.location is not None
                        and row.anonymised_at is None and row.name is not None
                        and row.phone_e164 is not None and row.note.startswith("Caller")
                        and row.summary is not None)
            anonymised = (row.description == "[removed]" and row.location is None
                          and row.anonymised_at is not None and row.name is None
                          and row.phone_e164 is None and row.note == "[removed]"
                          and row.summary is None)
            assert original or anonymised, f"{ref} is half anonymised: {tuple(row)}"
            states[ref] = "anonymised" if anonymised else "original"
    return states


class Interrupted(Exception):
    pass


def test_an_interrupted_run_leaves_whole_cases_and_a_rerun_finishes(desk, admin, clock, engine):
    references = []
    for n in range(5):
        ref = new_case(desk, clock, at(f"2023-01-{n + 2:02d}"), name=f"Caller Number{n}",
                       phone=f"01709 82345{n}", category="Fly tipping", address=f"{n} Main St",
                       description=f"Bags dumped outside {n} Main St")
        cases.add_note(desk, ref, f"Caller {n} rang again")
        close(desk, clock, ref, at(f"2023-02-{n + 2:02d}"))
        references.append(ref)
    set_retention(admin, "SP", 24)
    seen = []

    def stop_after_two(done: int, total: int) -> None:
        seen.append((done, total, snapshot(engine, references)))
        if done == 2:
            raise Interrupted("power cut")

    with pytest.raises(Interrupted):
        run_retention(admin, as_of=AS_OF, progress=stop_after_two)

    assert [(d, t) for d, t, _ in seen] == [(1, 5), (2, 5)]
    assert list(seen[0][2].values()) == ["anonymised"] + ["original"] * 4
    states = snapshot(engine, references)
    assert list(states.values()) == ["anonymised"] * 2 + ["original"] * 3
    assert verify_audit(admin).intact

    rerun = run_retention(admin, as_of=AS_OF, progress=lambda d, t: seen.append((d, t, None)))
    assert [c.reference for c in rerun.cases] == references[2:]
    assert [(d, t) for d, t, _ in seen[2:]] == [(1, 3), (2, 3), (3, 3)]
    assert set(snapshot(engine, references).values()) == {"anonymised"}
    assert verify_audit(admin).intact
    assert audit_values(engine, "Bags dumped", "Number", "Main St", "rang again") == []


def test_a_dry_run_lists_what_a_run_would_do_and_changes_nothing(desk, admin, clock, engine):
    # One caller, two old cases: the first is unlinked (the second is still live),
    # the second then takes the caller with it.
    first = new_case(desk, clock, at("2023-05-01"), name="Joan Sitwell", phone="01709 700700",
                     category="Graffiti", address="Sitwell Park", description="Tags on the wall")
    close(desk, clock, first, at("2023-05-03"))
    second = new_case(desk, clock, at("2023-06-01"), name="Joan Sitwell", phone="01709 700700",
                      category="Litter", address="Sitwell Park", description="Crisp packets")
    close(desk, clock, second, at("2023-06-02"))
    set_retention(admin, "streetpride", 12)
    with engine.connect() as con:
        audit_rows = con.execute(text("SELECT count(*) FROM audit_log")).scalar()

    preview = run_retention(admin, as_of=AS_OF, dry_run=True)

    assert preview.dry_run and preview.anonymised == 0 and preview.total == 2
    assert [(c.reference, c.caller) for c in preview.cases] == [
        (first, CALLER_UNLINKED), (second, CALLER_ANONYMISED)]
    assert preview.summary().startswith("Would anonymise 2 closed cases past retention")
    with engine.connect() as con:
        assert con.execute(text("SELECT count(*) FROM audit_log")).scalar() == audit_rows
        assert con.execute(text("SELECT count(*) FROM cases WHERE anonymised_at IS NOT NULL")
                           ).scalar() == 0
    assert cases.get_case(admin, first).caller_name == "Joan Sitwell"

    done = run_retention(admin, as_of=AS_OF)
    assert done.cases == preview.cases and done.anonymised == 2
    assert done.summary().startswith("Anonymised 2 closed cases past retention as of 2025-06-01 "
                                     "(callers: 1 anonymised, 1 unlinked)")


def test_closure_is_counted_in_london_days_and_calendar_months(desk, admin, clock):
    # 23:30 on 1 June 2024 in London (BST) is 22:30 UTC: on the last day, so due.
    due = new_case(desk, clock, at("2024-05-01"), name="", phone="", category="Litter",
                   address="Park Road", description="Late closure")
    close(desk, clock, due, datetime(2024, 6, 1, 22, 30, tzinfo=UTC))
    # 00:10 on 2 June in London is still 1 June in UTC: a day too late.
    not_yet = new_case(desk, clock, at("2024-05-01"), name="", phone="", category="Litter",
                       address="Park Road", description="Early next day")
    close(desk, clock, not_yet, datetime(2024, 6, 1, 23, 10, tzinfo=UTC))
    set_retention(admin, "streetpride", 12)
    assert [c.reference for c in run_retention(admin, as_of=AS_OF, dry_run=True).cases] == [due]
    assert months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2025, 1, 15), 1200) == date(1925, 1, 15)


def test_setting_periods_checks_its_input_and_is_audited(admin, make_ctx, engine):
    period = set_retention(admin, " Council_Tax ", 72)
    assert (period.code, period.months, period.period_text) == ("council_tax", 72, "72 months")
    assert set_retention(admin, "CT", None).period_text == "kept indefinitely"
    for bad in (0, 1201, -3, "12", 2.5, True):
        with pytest.raises(ValidationError, match="from 1 to 1200, or none to keep"):
            set_retention(admin, "council_tax", bad)
    with pytest.raises(ValidationError, match="no category group 'bins': use one of streetpride"):
        set_retention(admin, "bins", 12)
    with engine.connect() as con:
        changes = con.execute(text(
            "SELECT old_value, new_value FROM audit_log WHERE entity = 'category_groups' "
            "AND field = 'retention_months' ORDER BY id")).all()
    assert [tuple(c) for c in changes] == [(None, "72"), ("72", None)]
    supervisor = make_ctx("supervisor")
    for refused in (lambda: set_retention(supervisor, "CT", 12),
                    lambda: retention_periods(supervisor),
                    lambda: run_retention(supervisor, dry_run=True)):
        with pytest.raises(PermissionDenied, match="set retention periods"):
            refused()


def test_an_anonymised_case_can_no_longer_be_changed(desk, admin, clock):
    from contactdesk.domain.errors import TransitionError

    reference = new_case(desk, clock, datetime(2024, 1, 8, 10, 0, tzinfo=UTC), name="Rita Ora",
                         phone="01709 823111", category="Fly tipping",
                         description="Sofa on the verge", address="2 Wellgate, Rotherham")
    close(desk, clock, reference, datetime(2024, 1, 10, 10, 0, tzinfo=UTC))
    set_retention(admin, "streetpride", 12)
    assert run_retention(admin, as_of=AS_OF).anonymised == 1
    for change in (lambda: cases.add_note(desk, reference, "Back again"),
                   lambda: cases.change_status(desk, reference, "in_progress")):
        with pytest.raises(TransitionError, match="anonymised under the retention policy"):
            change()
    assert cases.get_case(desk, reference).description == "[removed]"
