from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

from sqlalchemy import select

from contactdesk.persistence.models import ReferenceCounter
from contactdesk.persistence.references import allocate_references, format_reference


def test_format():
    assert format_reference("SP", 2026, 123) == "SP-2026-000123"


def test_numbers_follow_on_per_prefix_and_year_from_the_database_clock(ctx):
    year = datetime.now(UTC).year
    with ctx.uow(write=True) as uow:
        first = allocate_references(uow.session, "SP")
        block = allocate_references(uow.session, "SP", 3)
        other = allocate_references(uow.session, "CT")
        uow.commit()
    assert first == [f"SP-{year}-000001"]
    assert block == [f"SP-{year}-00000{n}" for n in (2, 3, 4)]
    assert other == [f"CT-{year}-000001"]


def test_a_rolled_back_save_gives_its_number_back(ctx):
    with ctx.uow(write=True) as uow:
        allocate_references(uow.session, "PK", 5)  # never committed
    with ctx.uow(write=True) as uow:
        (ref,) = allocate_references(uow.session, "PK")
        uow.commit()
    assert ref.endswith("-000001")


def test_concurrent_writers_never_get_the_same_number(ctx):
    handed_out: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer():
        try:
            for _ in range(25):
                with ctx.uow(write=True) as uow:
                    refs = allocate_references(uow.session, "SP", 2)
                    uow.commit()
                with lock:
                    handed_out.extend(refs)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(handed_out) == 300 and len(set(handed_out)) == 300
    assert all(re.fullmatch(r"SP-\d{4}-\d{6}", r) for r in handed_out)
    with ctx.uow() as uow:
        assert uow.session.scalar(select(ReferenceCounter.last_value)) == 300
