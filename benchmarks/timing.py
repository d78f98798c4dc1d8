"""Small measuring tools: wall-clock medians and the process's peak resident memory."""

from __future__ import annotations

import contextlib
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
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


def reset_peak() -> None:
    """Start this process's peak-memory figure afresh (Linux: /proc/self/clear_refs)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


def peak_rss_mb() -> float:
    """Peak resident memory of this process since it started or since `reset_peak`, in MB.

    Linux's VmHWM, not getrusage's ru_maxrss: ru_maxrss survives fork and exec, so a section
    run in a child process reported its parent's peak whenever that was higher (the 5M
    stores' import, 4,2 GB, showed as the pages' peak).
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
