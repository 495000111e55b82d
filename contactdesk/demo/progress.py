"""How far a demo-data run has got, for a progress bar or a terminal line.

A run reports ``(fraction, sentence)`` through a callback, from the thread it
runs on. Each stage owns a share of the bar, measured on a 30-day run on
SQLite, so the bar moves at a roughly even pace.
"""

from __future__ import annotations

from collections.abc import Callable

Report = Callable[[float, str], None]

# (first, last) fraction of the whole run each stage covers.
STAGES: dict[str, tuple[float, float, str]] = {
    "gazetteer": (0.00, 0.03, "Loading the demo streets and properties"),
    "plan": (0.03, 0.26, "Planning calls and cases"),
    "write": (0.26, 0.74, "Writing calls, cases and their history"),
    "complaints": (0.74, 0.77, "Adding complaints"),
    "telephony": (0.77, 0.97, "Filling the telephony feed"),
    "commit": (0.97, 1.00, "Saving"),
}


class Progress:
    def __init__(self, report: Report | None = None):
        self._report = report
        self._stage = STAGES["gazetteer"]

    def stage(self, name: str) -> None:
        self._stage = STAGES[name]
        self._send(self._stage[0])

    def part(self, done: int, total: int) -> None:
        """``done`` of ``total`` steps of the current stage are finished."""
        first, last, _text = self._stage
        self._send(first + (last - first) * (min(done, total) / total if total else 1.0))

    def finished(self) -> None:
        if self._report is not None:
            self._report(1.0, "Demo data created")

    def _send(self, fraction: float) -> None:
        if self._report is not None:
            self._report(fraction, self._stage[2])
