"""Finding cases: each search key, each filter, keyset paging in every sort, on both databases.

The planner picks a different plan by how many rows each filter's index holds
(its own index leading, an ordered read checking rows or sets, a look-ahead
window falling back to the indexes). Test data is small, so the ``plan``
fixture forces each plan by moving the thresholds: every result must be the
same whichever plan produced it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from string import ascii_uppercase, punctuation

import pytest
from alembic import command
from sqlalchemy import Engine, case, func, select, text, update

from contactdesk.context import Actor, ServiceContext
from contactdesk.demo.generator import generate_demo_data
from contactdesk.domain.errors import PermissionDenied
from contactdesk.domain.permissions import Role
from contactdesk.persistence.database import Database
from contactdesk.persistence.engine import create_database_engine
from contactdesk.persistence.migrations import (
    _foreign_keys_deferred_on_sqlite,
    alembic_config,
    upgrade,
)
from contactdesk.persistence.models import (
    Caller,
    CallerNameWord,
    Case,
    CaseLocationWord,
    Category,
    Service,
)
from contactdesk.services import case_plan, cases
from contactdesk.services.calls import CallInput, log_call
from contactdesk.services.case_search import (
    SORTS,
    CaseQuery,
    phone_e164,
    postcode_prefixes,
    reference_prefix,
    search_cases,
    search_words,
)

PLANS = ("as-planned", "in-order", "by-membership", "window-then-indexes", "window-then-in-order")


def force_plan(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Force one of the search's plans (the small test data would always get the first)."""
    if name != "as-planned":
        monkeypatch.setattr(case_plan, "SPARSE_MATCHES", 0)  # no filter's index leads
        members = name == "by-membership"
        monkeypatch.setattr(case_plan, "MEMBERSHIP_MATCHES", 10**9 if members else 0)
    if name.startswith("window"):
        monkeypatch.setattr(case_plan.Planner, "window", lambda self, need: 3)
        fallback = 10**9 if name == "window-then-indexes" else 0
        monkeypatch.setattr(case_plan, "FALLBACK_MATCHES", fallback)


@pytest.fixture
def desk(make_ctx) -> ServiceContext:
    """An agent at the desk: logs the calls and searches."""
    return make_ctx("agent", "agent1", "Priya Shah")


def search(ctx: ServiceContext, limit: int = 200, **query) -> list[str]:
    """References found, across every page."""
    found, after = [], None
    while True:
        page = search_cases(ctx, CaseQuery(**query), after, limit)
        found.extend(row.reference for row in page.rows)
        if page.next is None:
            return found
        after = page.next


def found(ctx: ServiceContext, **query) -> set[str]:
    return set(search(ctx, **query))


# -- the free-text keys -------------------------------------------------------------

PEOPLE = {
    # name: (phone, address, postcode, category)
    "ann": ("01709 823456", "Ann Jones", "14 Wellgate, Rotherham", "S60 2TH", "Fly tipping"),
    "peter": ("07911 123456", "Peter O'Brien-Smith", "3 Moorgate Road, Rotherham", "S60 3AB",
              "Graffiti"),
    "annabel": ("0113 496 0123", "Annabel Wells", "Wellington Street, Maltby", "S66 8AA",
                "Litter"),
    "anonymous": ("", "", "Fitzwilliam Road", "S65 1AA", "Dog fouling"),
    "karen": ("01709 111222", "Mrs Karen Jones", "2 Doncaster Gate", "S65 1DJ",
              "Council tax payment"),
}


@pytest.fixture
def people(desk) -> dict[str, str]:
    """One case for each of PEOPLE, by name: their references."""
    refs = {}
    for key, (phone, name, address, postcode, category) in PEOPLE.items():
        saved = log_call(desk, CallInput(caller_phone=phone, caller_name=name, address=address,
                                         postcode=postcode, category=category,
                                         description="Reported by phone"))
        refs[key] = saved.reference
    return refs


def test_each_search_key_finds_its_cases_and_no_others(desk, people, monkeypatch):
    ann, peter, annabel, anonymous, karen = (people[k] for k in PEOPLE)
    street_cases = {ann, peter, annabel, anonymous}
    year = ann.split("-")[1]
    expected = {
        # references: whole, any case, or the beginning of one
        ann: {ann}, ann.lower(): {ann}, f"  {karen} ": {karen},
        f"sp-{year}-00000": street_cases, "SP-": street_cases, "ct-": {karen},
        f"SP-{year}-000009": set(), "SP-1999": set(),
        # phones in any format match the caller's number exactly
        "01709 823456": {ann}, "+441709823456": {ann}, "(01709) 823-456": {ann},
        "+44 (0)1709 823456": {ann}, "07911123456": {peter}, "0113 496 0123": {annabel},
        "01709 8": set(), "01709 82345": set(), "01709 823457": set(),
        # names: every word begins a word of the name, any case
        "jones": {ann, karen}, "JON": {ann, karen}, "ann jones": {ann}, "jones ann": {ann},
        "ann": {ann, annabel}, "karen j": {karen}, "mrs": {karen}, "o'brien": {peter},
        "brien": {peter}, "smith": {peter}, "O'Brien-Smith": {peter},
        # street and place: every word begins a word of the location
        "wellgate": {ann}, "14 wellgate": {ann}, "wellgate, 14": {ann}, "moorgate": {peter},
        "well": {ann, annabel}, "fitzwilliam": {anonymous}, "rotherham": {ann, peter},
        "maltby": {annabel}, "doncaster gate": {karen},
        # postcodes: whole or the beginning, any spacing and case
        "S60 2TH": {ann}, "s602th": {ann}, " s60  2th ": {ann}, "s60 2": {ann},
        "s60 3": {peter}, "s60": {ann, peter}, "S65": {anonymous, karen}, "s6": {ann, peter,
        annabel, anonymous, karen}, "s65 1d": {karen}, "S61": set(),
        # nothing, or words split between the name and the location
        "zzz": set(), "jones wellgate": set(), "ann fitzwilliam": set(), "-": set(),
    }
    for plan in PLANS:
        with monkeypatch.context() as patch:
            force_plan(patch, plan)
            for typed, refs in expected.items():
                assert found(desk, text=typed) == refs, f"searching for {typed!r} ({plan})"


def test_search_words_fold_like_the_database(engine, desk):
    """The migration's triggers and ``search_words`` cut text into the same words."""
    awkward = ("Flat 2/B, O'Neil's  Yard;\tUPPER-lower\n(rear) " + punctuation + " end "
               + "x" * 45 + " Łódź Straße")
    saved = log_call(desk, CallInput(caller_phone="01709 823456", caller_name=awkward[:120],
                                     address=awkward[:200], category="Litter",
                                     description="Litter"))
    with engine.connect() as s:
        case_id = s.scalar(select(Case.id).where(Case.reference == saved.reference))
        location = set(s.scalars(select(CaseLocationWord.word)
                                 .where(CaseLocationWord.case_id == case_id)))
        name = set(s.scalars(select(CallerNameWord.word)))
    assert location == set(search_words(awkward[:200]))
    assert name == set(search_words(awkward[:120]))
    assert {"flat", "2", "b", "o", "neil", "s", "yard", "upper", "lower", "rear", "end",
            "x" * 40, "Łódź", "straße"} <= location
    assert found(desk, text="o'neil yard") == found(desk, text="UPPER") == {saved.reference}
    # Plain ASCII text takes a shorter way in SQLite's triggers: the same words.
    for n, plain in enumerate(["14 WELLGATE, Rotherham S60 2TH", "Flat 2/B, O'Neil-Smith Yard.",
                               "Flat 2/B; O'Neil-Smith @ Yard", "tab\tin here"]):
        log_call(desk, CallInput(caller_phone=f"01709 82345{n}", caller_name=plain,
                                 outcome="information_given", category="Litter"))
        with engine.connect() as connection:
            words = set(connection.scalars(
                select(CallerNameWord.word).join(Caller, Caller.id == CallerNameWord.caller_id)
                .where(Caller.phone_e164 == f"+44170982345{n}")))
        assert words == set(search_words(plain)), plain


def test_the_word_tables_follow_changes_to_names_and_locations(engine, desk, people):
    ann = people["ann"]
    assert found(desk, text="jones") == {ann, people["karen"]}
    # The same phone again, another name: the caller's name is updated.
    log_call(desk, CallInput(caller_phone="01709 823456", caller_name="Ann Smithson",
                             outcome="information_given", category="Litter"))
    assert found(desk, text="jones") == {people["karen"]}
    assert found(desk, text="smithson") == {ann}
    with engine.begin() as connection:
        connection.execute(update(Case).where(Case.reference == ann)
                           .values(location="Clifton Park Museum"))
    assert found(desk, text="wellgate") == set()
    assert found(desk, text="clifton museum") == {ann}
    with engine.begin() as connection:  # anonymised: the words go too
        connection.execute(update(Case).where(Case.reference == ann).values(location=None))
        connection.execute(update(Caller).where(Caller.phone_e164 == "+441709823456")
                           .values(name=None))
    assert found(desk, text="clifton") == found(desk, text="smithson") == set()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migration_fills_the_word_tables_for_existing_cases(fresh_database_url, kind):
    engine = create_database_engine(fresh_database_url(kind, migrated=False))
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        upgrade(engine)  # seeds the reference data on 0001... then the search indexes
        # No users row: going back to 0001 rebuilds the users table on SQLite, which a
        # case referring to a user would block.
        desk = ServiceContext(Database(engine), Actor("os:tester", Role.AGENT, "Tester"))
        saved = log_call(desk, CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                                         address="14 Wellgate", category="Litter",
                                         description="Litter"))
        # Back to before the word tables, keeping the case (foreign keys off while SQLite
        # rebuilds tables, as for an upgrade).
        with engine.connect() as connection, _foreign_keys_deferred_on_sqlite(connection), \
                connection.begin():
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        upgrade(engine)
        assert found(desk, text="ann wel") == set()  # name and street words do not mix
        assert found(desk, text="jones") == found(desk, text="wellgate") == {saved.reference}
    finally:
        engine.dispose()


# -- filters --------------------------------------------------------------------------

def test_each_filter_and_the_overdue_flag(engine, make_ctx, monkeypatch):
    first_desk = make_ctx("agent", "agent1", "Priya Shah")
    second_desk = make_ctx("agent", "agent2", "Tom Hall")
    first, second = first_desk.actor.user_id, second_desk.actor.user_id
    made = {}
    for n, (category, desk) in enumerate([("Fly tipping", first_desk), ("Graffiti", first_desk),
                                          ("Council tax payment", second_desk),
                                          ("Fly tipping", second_desk), ("Litter", second_desk)]):
        made[n] = log_call(desk, CallInput(category=category, address=f"{n} High Street",
                                           description="Reported")).reference
    cases.change_status(second_desk, made[1], "resolved")  # now last updated by second
    cases.change_status(second_desk, made[3], "routed")
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for n, due in ((0, now - timedelta(hours=1)), (1, now - timedelta(days=2)),
                       (3, now - timedelta(days=1)), (4, None)):
            connection.execute(update(Case).where(Case.reference == made[n]).values(due_at=due))
        fly_tipping = connection.scalar(select(Category.id).where(Category.code == "fly_tipping"))
        taxation = connection.scalar(select(Service.id).where(Service.code == "local_taxation"))
    expected = [
        ({}, {0, 1, 2, 3, 4}),
        ({"statuses": ("new",)}, {0, 2, 4}),
        ({"statuses": ("resolved", "routed")}, {1, 3}),
        ({"statuses": ("closed",)}, set()),
        ({"category_id": fly_tipping}, {0, 3}),
        ({"service_id": taxation}, {2}),
        # Overdue: open and past its due time (resolved case 1 and undated case 4 are not).
        ({"overdue_only": True}, {0, 3}),
        ({"mine_user_id": first}, {0, 1}),
        ({"mine_user_id": second}, {1, 2, 3, 4}),
        ({"mine_user_id": second, "category_id": fly_tipping, "overdue_only": True,
          "statuses": ("routed",), "text": "high street"}, {3}),
        ({"mine_user_id": first, "service_id": taxation}, set()),
    ]
    for plan in PLANS:
        with monkeypatch.context() as patch:
            force_plan(patch, plan)
            for query, numbers in expected:
                assert found(first_desk, **query) == {made[n] for n in numbers}, (query, plan)
    rows = {row.reference: row for row in search_cases(first_desk, CaseQuery()).rows}
    assert {ref for ref, row in rows.items() if row.overdue} == {made[0], made[3]}
    assert rows[made[2]].category == "Council tax payment"
    assert rows[made[2]].service == "Local Taxation" and rows[made[0]].service == "Streetpride"
    assert rows[made[0]].location == "0 High Street" and rows[made[4]].due_at is None


# -- keyset paging ---------------------------------------------------------------------

@pytest.fixture
def demo(engine, ctx) -> ServiceContext:
    """A day of demo cases, with the awkward bits every sort must survive: equal sort
    values, cases without a due time, and two categories of the same name.

    The context searches; its database's engine gives the expected orders."""
    generate_demo_data(ctx, days=1, today=date(2026, 11, 20), telephony=False)
    with engine.begin() as connection:
        connection.execute(update(Case).where(Case.id % 9 == 0).values(due_at=None))
        same = connection.scalar(select(Case.received_at).where(Case.id == 20))
        connection.execute(update(Case).where(Case.id.between(21, 30)).values(received_at=same))
        connection.execute(update(Case).where(Case.id.between(31, 40))
                           .values(due_at=select(Case.due_at).where(Case.id == 41)
                                   .scalar_subquery()))
        connection.execute(update(Category).where(Category.code == "graffiti")
                           .values(name="Fly tipping"))
    return ctx


def expected_order(engine: Engine, sort: str, descending: bool, where=()) -> list[str]:
    """The plain ORDER BY: sort column (no due time last), then id."""
    key = {"reference": [Case.reference], "received_at": [Case.received_at],
           "due_at": [case((Case.due_at.is_(None), 1), else_=0), Case.due_at],
           "status": [Case.status], "category": [Category.name, Category.id],
           "service": [Service.name, Service.id]}[sort]
    order = [k.desc() if descending and n else k.asc() if n == 0 and sort == "due_at"
             else k.desc() if descending else k.asc() for n, k in enumerate([*key, Case.id])]
    query = (select(Case.reference).join(Category, Category.id == Case.category_id)
             .join(Service, Service.id == Case.service_id).where(*where).order_by(*order))
    with engine.connect() as connection:
        return list(connection.scalars(query))


def test_every_page_in_every_sort_holds_the_next_rows_once(demo, engine, monkeypatch):
    for sort in SORTS:
        for descending in (False, True):
            walked = search(demo, limit=97, sort=sort, descending=descending)
            assert walked == expected_order(engine, sort, descending), (sort, descending)
            assert len(walked) == len(set(walked)) > 700
    statuses = ("new", "routed", "resolved", "duplicate")
    with engine.connect() as connection:
        user = connection.scalar(select(Case.created_by_id).where(Case.id == 5))
    mine = [Case.status.in_(statuses), (Case.created_by_id == user) | (Case.updated_by_id == user)]
    for n, plan in enumerate(PLANS):
        with monkeypatch.context() as patch:
            force_plan(patch, plan)
            for m, sort in enumerate(SORTS):
                descending = (n + m) % 2 == 0
                walked = search(demo, limit=120, sort=sort, descending=descending,
                                statuses=statuses)
                assert walked == expected_order(engine, sort, descending,
                                                [Case.status.in_(statuses)]), (plan, sort)
                walked = search(demo, limit=7, sort=sort, descending=not descending,
                                mine_user_id=user, statuses=statuses)
                assert walked == expected_order(engine, sort, not descending, mine), (plan, sort)


def test_a_cursor_in_the_cases_without_a_due_time_goes_on_from_there(demo, engine):
    query = CaseQuery(sort="due_at", descending=False)
    with engine.connect() as connection:
        undated = connection.scalar(select(func.count()).where(Case.due_at.is_(None)))
    pages, after = [], None
    while True:
        page = search_cases(demo, query, after, limit=40)
        pages.append(page)
        if page.next is None:
            break
        after = page.next
    undated_cursors = [p.next for p in pages[:-1] if p.next.sort_value is None]
    assert undated_cursors and sum(r.due_at is None for p in pages for r in p.rows) == undated
    assert all(r.due_at is None for r in pages[-1].rows)


def test_bad_arguments_are_refused(desk):
    with pytest.raises(ValueError, match="unknown sort"):
        search_cases(desk, CaseQuery(sort="caller"))
    with pytest.raises(ValueError, match="limit"):
        search_cases(desk, CaseQuery(), limit=0)


def test_searching_needs_permission_to_read_cases(people, make_ctx):
    assert found(make_ctx("supervisor"), text="jones") == {people["ann"], people["karen"]}
    with pytest.raises(PermissionDenied, match="find and read cases"):
        search_cases(make_ctx("telephony"), CaseQuery(text="jones"))


# -- reading what was typed ----------------------------------------------------------

def test_reading_references_phones_and_postcodes():
    assert reference_prefix(" sp-2026-000123 ") == "SP-2026-000123"
    assert reference_prefix("ben-20") == "BEN-20"
    assert reference_prefix("SP-") == "SP-"
    assert [reference_prefix(t) for t in ("SP", "SP2026", "SP-2026-0000001", "S-1")] == [None] * 4
    assert phone_e164("(01709) 823-456") == phone_e164("+44 1709 823456") == "+441709823456"
    assert [phone_e164(t) for t in ("12345", "01709 8", "14 wellgate", "S60 2TH")] == [None] * 4
    assert postcode_prefixes("s60 2") == ("S60 2",)
    assert postcode_prefixes("S602TH") == ("S60 2TH",)
    assert postcode_prefixes("s60") == ("S60", "S6 0")
    assert postcode_prefixes("  sw1a 1aa ") == ("SW1A 1AA",)
    assert [postcode_prefixes(t) for t in ("", "jones", "14 wellgate", "S60-2TH", "1 2 3")] == [()] * 5
    assert search_words("Mrs  O'Brien-SMITH, 14") == ("mrs", "o", "brien", "smith", "14")
    assert search_words(ascii_uppercase) == (ascii_uppercase.lower(),)
    assert search_words(" ,; ") == ()


def test_the_word_tables_have_their_triggers(engine):
    """A later migration that rebuilds cases or callers on SQLite must recreate them."""
    if engine.dialect.name == "sqlite":
        names = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        names = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with engine.connect() as connection:
        triggers = set(connection.scalars(text(names)))
    assert {t for t in triggers if "words" in t} >= (
        {"case_location_words_insert", "case_location_words_update",
         "caller_name_words_insert", "caller_name_words_update"}
        if engine.dialect.name == "sqlite" else
        {"case_location_words_refresh", "caller_name_words_refresh"})
