"""Services and enquiry categories: lookup and routing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..context import ServiceContext, operation
from ..domain.errors import FieldIssue, NotFoundError, ValidationError
from ..domain.permissions import Permission
from ..dtos.catalogue import CategoryInfo, ServiceInfo
from ..persistence.models import Category, CategoryGroup, Service


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


@operation(Permission.READ_CATALOGUE)
def list_categories(ctx: ServiceContext, *, include_inactive: bool = False) -> list[CategoryInfo]:
    with ctx.uow() as uow:
        query = (select(Category).join(Category.group)
                 .order_by(CategoryGroup.sort_order, Category.name))
        if not include_inactive:
            query = query.where(Category.active.is_(True))
        return [_category_info(c) for c in uow.session.scalars(query)]


@operation(Permission.READ_CATALOGUE)
def list_services(ctx: ServiceContext) -> list[ServiceInfo]:
    with ctx.uow() as uow:
        rows = uow.session.scalars(
            select(Service).where(Service.active.is_(True)).order_by(Service.name))
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


@operation(Permission.READ_CATALOGUE)
def get_category(ctx: ServiceContext, code: str) -> CategoryInfo:
    with ctx.uow() as uow:
        category = uow.session.scalar(select(Category).where(Category.code == code))
        if category is None:
            raise NotFoundError(f"no category with code '{code}'")
        return _category_info(category)
