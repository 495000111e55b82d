"""Services and enquiry categories: seeding, lookup and routing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from .. import catalogue as seed
from ..domain.errors import FieldIssue, NotFoundError, ValidationError
from ..persistence.models import Category, CategoryGroup, Service, Setting
from ..persistence.uow import UnitOfWork


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    name: str
    group_name: str
    prefix: str
    service_id: int
    service_name: str
    target_amount: int
    target_unit: str
    location_required: bool
    prompts: tuple[str, ...]
    active: bool


def seed_reference_data(engine: Engine) -> None:
    """Insert the starting services, categories and settings that are missing.

    Matching is by code, so running it again (every ``db upgrade``) never
    overwrites what administrators have edited since.
    """
    with UnitOfWork(engine, write=True) as uow:
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


def _category_info(category: Category) -> CategoryInfo:
    return CategoryInfo(
        id=category.id, code=category.code, name=category.name,
        group_name=category.group.name, prefix=category.group.prefix,
        service_id=category.default_service.id, service_name=category.default_service.name,
        target_amount=category.target_amount, target_unit=category.target_unit,
        location_required=category.location_required,
        prompts=tuple(line for line in category.prompts.splitlines() if line.strip()),
        active=category.active,
    )


def list_categories(engine: Engine, *, include_inactive: bool = False) -> list[CategoryInfo]:
    with UnitOfWork(engine) as uow:
        query = select(Category).join(Category.group).order_by(CategoryGroup.sort_order, Category.name)
        if not include_inactive:
            query = query.where(Category.active.is_(True))
        return [_category_info(c) for c in uow.session.scalars(query)]


def list_services(engine: Engine) -> list[ServiceInfo]:
    with UnitOfWork(engine) as uow:
        rows = uow.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name))
        return [ServiceInfo(r.id, r.code, r.name) for r in rows]


def find_category(session: Session, text: str, field: str = "category") -> Category:
    """The category named by its code or name (any case); ValidationError when unknown."""
    key = (text or "").strip()
    if not key:
        raise ValidationError([FieldIssue(field, "is required")])
    category = session.scalar(
        select(Category).where((func.lower(Category.code) == key.lower())
                               | (func.lower(Category.name) == key.lower()))
    )
    if category is None:
        raise ValidationError([FieldIssue(field, f"'{key}' is not a known category")])
    return category


def find_service(session: Session, text: str, field: str = "service") -> Service:
    key = (text or "").strip()
    service = session.scalar(
        select(Service).where((func.lower(Service.code) == key.lower())
                              | (func.lower(Service.name) == key.lower()))
    )
    if service is None:
        raise ValidationError([FieldIssue(field, f"'{key}' is not a known service")])
    return service


def route(session: Session, category: Category, override: str | None, reason: str | None,
          field: str = "service") -> tuple[Service, str | None]:
    """The service a case goes to: the category's default unless overridden with a reason."""
    if not override or not override.strip():
        return category.default_service, None
    service = find_service(session, override, field)
    if service.id == category.default_service_id:
        return service, None
    if not (reason or "").strip():
        raise ValidationError([FieldIssue(
            "routing_reason",
            f"say why this goes to {service.name} rather than {category.default_service.name}")])
    return service, reason.strip()


def get_category(engine: Engine, code: str) -> CategoryInfo:
    with UnitOfWork(engine) as uow:
        category = uow.session.scalar(select(Category).where(Category.code == code))
        if category is None:
            raise NotFoundError(f"no category with code '{code}'")
        return _category_info(category)
