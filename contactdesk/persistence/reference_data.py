"""The starting catalogue every database gets: services, categories and settings."""

from __future__ import annotations

from sqlalchemy import Engine, select

from .. import catalogue as seed
from .database import Database
from .models import Category, CategoryGroup, Service, Setting
from .uow import UnitOfWork

# Audit rows written by schema upgrades name this actor.
SYSTEM_ACTOR = "system:db-upgrade"


def seed_reference_data(engine: Engine, actor: str = SYSTEM_ACTOR) -> None:
    """Insert the starting services, categories and settings that are missing.

    Matching is by code, so running it again (every ``db upgrade``) never
    overwrites what administrators have edited since.
    """
    with UnitOfWork(Database(engine), None, actor, write=True) as uow:
        s = uow.session
        services = {row.code: row for row in s.scalars(select(Service))}
        for item in seed.SERVICES:
            if item.code not in services:
                services[item.code] = Service(code=item.code, name=item.name,
                                              contact_email=item.contact_email, active=True)
                s.add(services[item.code])
        groups = {row.code: row for row in s.scalars(select(CategoryGroup))}
        for order, item in enumerate(seed.GROUPS):
            if item.code not in groups:
                groups[item.code] = CategoryGroup(code=item.code, name=item.name,
                                                  prefix=item.prefix, sort_order=order)
                s.add(groups[item.code])
        s.flush()
        existing = set(s.scalars(select(Category.code)))
        for item in seed.CATEGORIES:
            if item.code not in existing:
                s.add(Category(
                    code=item.code, name=item.name, group_id=groups[item.group].id,
                    default_service_id=services[item.service].id, target_amount=item.target,
                    target_unit=item.unit, location_required=item.location_required,
                    prompts="\n".join(item.prompts), keywords=item.keywords, active=True,
                ))
        have = set(s.scalars(select(Setting.key)))
        for key, value in seed.DEFAULT_SETTINGS.items():
            if key not in have:
                s.add(Setting(key=key, value=value))
        uow.commit()
