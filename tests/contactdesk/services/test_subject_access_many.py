"""Subject access for a caller with many cases, notes and mentions: the batched reads and the
narrowed mention scans give exactly what a straightforward reading gives (each case's entries
read one case at a time, every free text of the database read and confirmed). Both databases."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select, true
from sqlalchemy.orm import aliased

from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.calls import CallInput
from contactdesk.dtos.complaints import ComplaintInput
from contactdesk.dtos.subject_access import CaseEntry
from contactdesk.persistence.models import CaseHold, CaseNote, CaseStatusChange, User
from contactdesk.services import subject_access, subject_mentions
from contactdesk.services.calls import log_call
from contactdesk.services.cases import add_note, change_status, hold
from contactdesk.services.complaints import log_complaint
from contactdesk.services.subject_access import find_subject

CASES = 14


@pytest.fixture
def agent(make_ctx):
    return make_ctx("agent", "sarah.whitfield", "Sarah Whitfield")


def log(agent, phone, name, description, **fields):
    return log_call(agent, CallInput(caller_phone=phone, caller_name=name, category="Litter",
                                     address="1 Wellgate", description=description, **fields))


@pytest.fixture
def busy_world(agent):
    """Zoë Ann Brontë with many cases, each with notes, status changes and holds, calls that
    joined others' cases, and other people's records naming her in every way."""
    own = []
    for n in range(CASES):
        ref = log(agent, "01709 336000", "Zoë Ann Brontë", f"Bins missed, week {n}; "
                  "Bob Smith saw it").reference
        add_note(agent, ref, f"Rang back; Mrs Hirst on 07700 900{n:03d} agrees ({n})")
        add_note(agent, ref, f"Second note {n}")
        if n % 2:
            change_status(agent, ref, "in_progress", reason=f"Crew {n} sent")
        if n % 3 == 0:
            hold(agent, ref, f"Waiting for photos {n}")
        own.append(ref)
    others = []
    for n in range(6):
        ref = log(agent, f"01709 70{n:04d}", f"Other Person{n}", "Sofa dumped").reference
        log_call(agent, CallInput(caller_phone="01709 336000", add_to_case=ref,
                                  description=f"Also seen by her {n}"))
        others.append(ref)
    mentions = [
        log(agent, "01709 800001", "Carol Lee", "Neighbour 0 1 7 0 9 3 3 6 0 0 0 leaves bags"),
        log(agent, "01709 800002", "Dave Kay", "Graffiti"),
        log(agent, "01709 800003", "Erin Moss", "ZOË ANN BRONTË's hedge again"),
        log(agent, "01709 800004", "Fay Lamb", "Ring +44 (0)1709 336000 about it"),
    ]
    add_note(agent, mentions[1].reference, "Spoke to zoë  ann brontë, who saw it")
    add_note(agent, mentions[1].reference, "and 01709-336-000 rang later")
    log_call(agent, CallInput(caller_phone="01709 800005", outcome="information_given",
                              category="Litter", description="Asked for Zoë Ann Brontë"))
    log(agent, "01709 800006", "Gail Tse", "Ring 01709 336001 or Zoë Brontë")  # near misses
    log_complaint(agent, ComplaintInput(service="Streetpride", complainant_name="Hal Price",
                                        description="Zoë Ann Brontë's bins block the path"))
    return own, others, [m.reference for m in mentions]


def entries_one_case_at_a_time(s, case_ids, redactor):
    """Each case's notes, status changes and holds read one case at a time."""
    staff = aliased(User)
    entries = {}
    for case_id in case_ids:
        found = entries.setdefault(case_id, [])
        for at, by, visibility, body in s.execute(
                select(CaseNote.created_at, staff.full_name, CaseNote.visibility, CaseNote.body)
                .outerjoin(staff, staff.id == CaseNote.author_id)
                .where(CaseNote.case_id == case_id).order_by(CaseNote.id)):
            text, check = redactor.clean(body)
            found.append(CaseEntry(at, "note", by, text or "", visibility, check))
        for at, by, old, new, reason in s.execute(
                select(CaseStatusChange.changed_at, staff.full_name,
                       CaseStatusChange.from_status, CaseStatusChange.to_status,
                       CaseStatusChange.reason)
                .outerjoin(staff, staff.id == CaseStatusChange.changed_by_id)
                .where(CaseStatusChange.case_id == case_id).order_by(CaseStatusChange.id)):
            why, check = redactor.clean(reason)
            text = (f"{old} to {new}" if old else f"opened as {new}") + (f": {why}" if why else "")
            found.append(CaseEntry(at, "status change", by, text, None, check))
        for start, end, by, reason in s.execute(
                select(CaseHold.started_at, CaseHold.ended_at, staff.full_name, CaseHold.reason)
                .outerjoin(staff, staff.id == CaseHold.started_by_id)
                .where(CaseHold.case_id == case_id).order_by(CaseHold.id)):
            why, check = redactor.clean(reason)
            until = f"until {end.astimezone(LONDON):%d %b %Y %H:%M}" if end else "still on hold"
            found.append(CaseEntry(start, "hold", by, f"waiting for you, {until}: {why}", None,
                                   check))
    return entries


def comparable(records) -> dict:
    found = dataclasses.asdict(records)
    del found["request_id"], found["searched_at"]
    return found


def straightforward(ctx, monkeypatch, **criterion):
    """The search with every text read and confirmed in Python and entries read per case."""
    with monkeypatch.context() as patched:
        patched.setattr(subject_mentions.TextMatcher, "narrowing", lambda self, column: true())
        patched.setattr(subject_access, "_entries_by_case", entries_one_case_at_a_time)
        return find_subject(ctx, **criterion)


# Nine-digits: with many numbers, every text holding nine digits is read, in batches.
@pytest.mark.parametrize(("criterion", "phone_patterns"), [
    ({"phone": "01709 336000"}, 8), ({"phone": "01709 336000"}, 0),
    ({"name": "zoë ann brontë"}, 8)], ids=["phone", "phone-nine-digits", "name"])
def test_many_cases_and_mentions_match_a_straightforward_reading(ctx, busy_world, monkeypatch,
                                                                  criterion, phone_patterns):
    own, others, mentioned = busy_world
    monkeypatch.setattr(subject_access, "CHUNK", 4)  # several chunks of each kind
    monkeypatch.setattr(subject_mentions, "MAX_PHONE_PATTERNS", phone_patterns)
    monkeypatch.setattr(subject_mentions, "FETCH_SIZE", 2)
    found = find_subject(ctx, **criterion)
    assert comparable(found) == comparable(straightforward(ctx, monkeypatch, **criterion))
    # What both agree on is the whole story, not two empty answers.
    assert {c.reference for c in found.cases} == set(own) | set(others)
    entries = {c.reference: c.entries for c in found.cases}
    assert all(len(entries[ref]) == 3 + (n % 2) + (n % 3 == 0) for n, ref in enumerate(own))
    assert [e.at for e in entries[own[3]]] == sorted(e.at for e in entries[own[3]])
    flagged = {(m.kind, m.reference) for m in found.mentions}
    assert {("case", ref) for ref in mentioned} <= flagged
    assert {m.kind for m in found.mentions} == {"case", "call", "complaint"}


def test_a_title_cased_name_with_accents_is_found_in_capitals(ctx, busy_world):
    _own, _others, mentioned = busy_world
    found = find_subject(ctx, name="Zoë Ann Brontë")
    erin = next(m for m in found.mentions if m.reference == mentioned[2])
    assert erin.matched == ("name",) and "ZOË ANN BRONTË" in erin.excerpts[0]


def test_letters_an_any_case_match_folds_beyond_ascii_are_still_found(ctx, agent):
    # The Kelvin sign matches "k" and the long s "s" when case is ignored.
    seen = log(agent, "01709 800007", "Ian Moss", "Seen: \u212ait \u017fims by the wall")
    found = find_subject(ctx, name="Kit Sims")
    assert [m.reference for m in found.mentions] == [seen.reference]
