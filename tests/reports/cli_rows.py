"""`1g1p indicator NAME` for Konekti over one quarter, as the report's tests read it."""

from __future__ import annotations

import csv

from indicators.periods import quarter_bounds
from tests.cli_run import invoke


def indicator_rows(name: str, quarter: str, *extra: str) -> list[dict[str, str]]:
    """The command's CSV rows (per quarter, region KON) for `quarter`, e.g. "2025Q3"."""
    start, end = (d.strftime("%Y-%m") for d in quarter_bounds(quarter))
    args = ["indicator", name, "--from", start, "--to", end, "--region", "KON", "--per", "quarter"]
    result = invoke(*args, *extra)
    assert result.returncode == 0, result.stderr
    lines = [
        line for line in result.stdout.lstrip("\ufeff").splitlines() if not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter=";"))
