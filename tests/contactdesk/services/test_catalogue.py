"""The catalogue as the call form reads it: categories, services, and who may read them."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from contactdesk import catalogue as seed
from contactdesk.domain.errors import NotFoundError, PermissionDenied
from contactdesk.persistence.models import Category
from contactdesk.services.catalogue import get_category, list_categories, list_services


def test_the_seeded_categories_and_services_are_listed(make_ctx):
    desk = make_ctx("agent")
    categories = list_categories(desk)
    assert {c.code for c in categories} == {item.code for item in seed.CATEGORIES}
    fly = next(c for c in categories if c.code == "fly_tipping")
    assert (fly.name, fly.group_name, fly.prefix, fly.service_name) == (
        "Fly tipping", "Streetpride", "SP", "Streetpride")
    assert (fly.target_amount, fly.target_unit, fly.location_required) == (3, "working_days", True)
    assert fly.prompts and all(line.strip() for line in fly.prompts)
    services = list_services(desk)
    assert {s.code for s in services} == {item.code for item in seed.SERVICES}
    assert [s.name for s in services] == sorted(s.name for s in services)
    assert get_category(desk, "fly_tipping") == fly
    with pytest.raises(NotFoundError, match="nonsense"):
        get_category(desk, "nonsense")


def test_a_retired_category_is_listed_only_when_asked_for(engine, make_ctx):
    with engine.begin() as connection:
        connection.execute(update(Category).where(Category.code == "graffiti")
                           .values(active=False))
    desk = make_ctx("agent")
    assert "graffiti" not in {c.code for c in list_categories(desk)}
    retired = [c for c in list_categories(desk, include_inactive=True) if c.code == "graffiti"]
    assert [c.active for c in retired] == [False]


def test_reading_the_catalogue_needs_its_permission(make_ctx):
    feed = make_ctx("telephony")  # may import call logs, nothing else
    for read in (list_categories, list_services):
        with pytest.raises(PermissionDenied, match="read the categories"):
            read(feed)
    with pytest.raises(PermissionDenied):
        get_category(feed, "fly_tipping")
