"""Small measuring tools: wall-clock medians and the process's peak resident memory."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call takes, and what it returned."""
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def median_seconds(
    action: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None
) -> float:
    """Median wall-clock seconds of `repeat` calls; `before` runs untimed before each call."""
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        samples.append(timed(action)[0])
    return round(statistics.median(samples), 4)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
