"""The benchmark machinery on a tiny store: it builds, measures and reports every figure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.report import markdown
from benchmarks.run import run_benchmark
from reports.registry import INDICATORS


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="the smoke test builds its own SQLite store; PostgreSQL runs take --database-url",
)
def test_benchmark_on_a_tiny_store_reports_every_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It imports a 0.01-scale demo, times imports per source kind, building and reading the
    columnar parts, reads, the pandas baseline of every indicator table, the indicator commands
    the quarterly report and every page, and renders them as Markdown tables."""
    for name in ("MONITOR_DATA_DIR", "DATABASE_URL", "MONITOR_PSEUDONYM_KEY", "MONITOR_AUTO_DEMO"):
        monkeypatch.delenv(name, raising=False)
    # The report's charts are drawn and read back by tests/reports/test_pdf.py; here the
    # section's machinery is under test, and kaleido's browser would cost 5 s of the suite.
    monkeypatch.setattr("reports.pdf.browser_path", lambda: None)
    results = run_benchmark(
        scales=[0.01],
        workdir=tmp_path,
        repeat=1,
        sections=["first_read", "reads", "baseline", "indicators", "report", "pages"],
        in_process=True,
    )
    (run,) = results["runs"]
    assert run["backend"] == "sqlite" and run["registrations"] > 1000
    assert {"uniform:csv", "uniform:xlsx", "spreadsheet:xlsx"} <= set(run["import"])
    assert all(v["rows_per_s"] > 0 for v in run["import"].values())
    assert run["reads"]["registrations_rows"] == run["registrations"]
    assert run["first_read"]["build_parts_s"] > 0 and run["first_read"]["after_import_s"] > 0
    tables = {"intakes", "response_time", "referrers", "volume", "staffing", "reach"}
    assert set(run["baseline"]) == tables | {"_rows"}
    assert all(run["baseline"][k]["cold_speedup"] > 0 for k in tables)
    assert {v["exit_code"] for v in run["indicators"].values()} == {0}
    assert run["indicators_peak_rss_mb"] > 0
    for kind in ("pdf", "xlsx"):
        assert run["report"][kind]["exit_code"] == 0 and run["report"][kind]["bytes"] > 1000
    # Every page the navigation offers ran, without an exception on the page.
    pages = run["pages"]
    assert {f"figures/{i.name}" for i in INDICATORS} <= set(pages)
    assert {name: p["errors"] for name, p in pages.items() if p["errors"]} == {}
    assert {"cpus", "memory_gb", "python", "packages"} <= set(results["machine"])
    report = markdown(results)
    assert "| uniform:csv |" in report and "| intakes |" in report
    assert "columnar parts" in report and "| pdf | KON |" in report


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="the comparison imports into SQLite stores of its own",
)
def test_imports_compare_with_another_revision(tmp_path: Path) -> None:
    """It imports the same tiny demo files with this tree and with a revision's own files
    (from git archive), alternating, and reports rows/s per source kind and their ratio."""
    from benchmarks.compare import compare_imports
    from benchmarks.report import comparison_markdown

    if not (Path(__file__).resolve().parents[2] / ".git").exists():
        pytest.skip("comparing revisions needs the git repository")
    compared = compare_imports(0.01, rounds=1, against="HEAD", workdir=tmp_path)
    assert {"uniform:csv", "spreadsheet:xlsx"} <= set(compared)
    for figures in compared.values():
        assert len(figures["this"]) == len(figures["HEAD"]) == 1
        assert figures["this_median"] > 0 and figures["HEAD_median"] > 0
        assert figures["ratio_median"] > 0
    (tree,) = tmp_path.glob("tree-*")
    assert (tree / "data_access" / "ingest" / "pipeline.py").is_file()
    assert "| uniform:csv |" in comparison_markdown(compared, "HEAD")


def test_peak_memory_starts_afresh_for_each_measurement() -> None:
    """A section's peak is its own: after reset_peak the memory freed before no longer counts."""
    from benchmarks.timing import peak_rss_mb, reset_peak

    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("the peak is reset through Linux's /proc/self/clear_refs")
    reset_peak()
    block = bytearray(256 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    with_block = peak_rss_mb()
    del block
    reset_peak()
    assert peak_rss_mb() <= with_block - 200
