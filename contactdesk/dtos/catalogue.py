"""Services, enquiry categories and gazetteer addresses as the call form offers them."""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class AddressMatch:
    uprn: int
    usrn: int
    address: str
    street: str
    town: str
    postcode: str
