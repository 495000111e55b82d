"""What a write operation changed, so each view can decide whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Changed(StrEnum):
    CALLS = "calls"
    CASES = "cases"
    COMPLAINTS = "complaints"
    TELEPHONY = "telephony"     # queue attempts and agent events from a feed
    USERS = "users"
    CATALOGUE = "catalogue"     # services, categories, the gazetteer


@dataclass(frozen=True)
class OpChanges:
    operation: str
    kinds: frozenset[Changed]
    actor: str
    references: tuple[str, ...] = ()   # the case or complaint references it touched, if known

    def touches(self, *kinds: Changed) -> bool:
        return not self.kinds.isdisjoint(kinds)
