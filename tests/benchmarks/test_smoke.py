"""The benchmark machinery on a tiny store: it builds, measures and reports every figure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.report import markdown
from benchmarks.run import run_benchmark


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="the smoke test builds its own SQLite store; PostgreSQL runs take --database-url",
)
def test_benchmark_on_a_tiny_store_reports_every_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It imports a 0.01-scale demo, times imports per source kind, building and reading the
    columnar parts, reads, the pandas baseline and the indicator commands, and renders them as
    Markdown tables."""
    for name in ("MONITOR_DATA_DIR", "DATABASE_URL", "MONITOR_PSEUDONYM_KEY", "MONITOR_AUTO_DEMO"):
        monkeypatch.delenv(name, raising=False)
    results = run_benchmark(
        scales=[0.01],
        workdir=tmp_path,
        repeat=1,
        sections=["first_read", "reads", "baseline", "indicators"],
        in_process=True,
    )
    (run,) = results["runs"]
    assert run["backend"] == "sqlite" and run["registrations"] > 1000
    assert {"uniform:csv", "uniform:xlsx", "spreadsheet:xlsx"} <= set(run["import"])
    assert all(v["rows_per_s"] > 0 for v in run["import"].values())
    assert run["reads"]["registrations_rows"] == run["registrations"]
    assert run["first_read"]["build_parts_s"] > 0 and run["first_read"]["after_import_s"] > 0
    assert set(run["baseline"]) == {"intakes", "response_time", "_rows"}
    assert all(run["baseline"][k]["cold_speedup"] > 0 for k in ("intakes", "response_time"))
    assert {v["exit_code"] for v in run["indicators"].values()} == {0}
    assert run["indicators_peak_rss_mb"] > 0
    assert {"cpus", "memory_gb", "python", "packages"} <= set(results["machine"])
    report = markdown(results)
    assert "| uniform:csv |" in report and "| intakes |" in report
    assert "columnar parts" in report
