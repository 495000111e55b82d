"""Timing an action the same way in every benchmark: an optional warm-up, then runs."""

from __future__ import annotations

import time
from collections.abc import Callable


def timed(action: Callable[[], object], runs: int,
          warm_up: bool = True) -> tuple[list[float], float, object]:
    """Times in ms of ``runs`` runs (after a warm-up one), the warm-up's time, the last result."""
    first = 0.0
    result = None
    if warm_up:
        start = time.perf_counter()
        result = action()
        first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - start) * 1000)
    return times, first, result
