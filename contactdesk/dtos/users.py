"""People who use the app, as the front ends see them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserInfo:
    id: int | None
    username: str
    full_name: str
    role: str
    active: bool
