"""The fixed vocabularies of the domain, shared by validation, storage and the screens."""

from __future__ import annotations

from .complaints import Outcome, Stage
from .permissions import ROLES  # noqa: F401  (re-exported: the roles a person can hold)

CHANNELS = ("phone", "email", "face_to_face", "web", "letter")
CALL_OUTCOMES = ("resolved_first_contact", "case_created", "transferred", "information_given")
PRIORITIES = ("low", "normal", "high", "urgent")
TARGET_UNITS = ("working_hours", "working_days")
NOTE_VISIBILITY = ("internal", "caller")

# How a queue attempt ended: answered, abandoned, timed out, or another exit
# (left by key, queue empty, withdrawn, failed). NULL: no outcome yet (unresolved).
ATTEMPT_OUTCOMES = ("answered", "abandoned", "timeout", "key", "empty", "withdrawn", "failed")
APP_SOURCE = "app"  # the source name of calls logged in the app (its own call timer)

COMPLAINT_STAGES = tuple(stage.value for stage in Stage)
COMPLAINT_OUTCOMES = tuple(outcome.value for outcome in Outcome)
COMPLAINT_STATUSES = ("open", "closed")
COMPLAINT_PREFIX = "CMP"  # complaint references: CMP-2026-000012
