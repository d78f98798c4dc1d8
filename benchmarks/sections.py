"""What the benchmark measures on a built store; each section runs in a process of its own so
its peak memory is its own."""

from __future__ import annotations

import functools
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.timing import median_seconds, peak_rss_mb, reset_peak, timed
from data_access.access.roles import operator_reader
from data_access.settings import Settings, get_settings
from data_access.store.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
PAGE_FILES = {f"{p.parent.name}/{p.stem}": p for p in sorted((ROOT / "pages").glob("*/*.py"))}


def _pages() -> dict[str, tuple[Path, str | None]]:
    """Every page as the navigation offers it: each indicator of the registry (on its own page,
    or on the shared figure page told which one it is), then the other pages."""
    from reports.registry import INDICATORS

    shared = PAGE_FILES["figures/indicator"]
    pages: dict[str, tuple[Path, str | None]] = {
        f"figures/{i.name}": (PAGE_FILES.get(f"figures/{i.name}", shared), i.name)
        for i in INDICATORS
    }
    for name, path in PAGE_FILES.items():
        if path != shared and name not in pages:
            pages[name] = (path, None)
    return pages


FIRST_MONTH = "2018-09"


def _last_full_month(today: date) -> date:
    from indicators.periods import add_months, month_start

    return add_months(month_start(today), -1)


def after_an_import(settings: Settings) -> None:
    """Put this process in the state the first view after an import meets: every in-process
    cache empty, and no columnar part yet for the newest batch (a reader reads that batch's
    rows from the store; data_access.store.columnar)."""
    from data_access.store import columnar
    from data_access.store.engine import make_engine

    engine = make_engine(settings)
    # Every earlier batch has its part, as in a running system (a store just built or a cache
    # just deleted has none: building them all is first_read's figure, not a cold view's).
    columnar.frames(engine)
    columnar._LAST.clear()
    folder = columnar.directory(engine)
    if folder is not None and folder.is_dir():
        parts = [p for p in folder.glob("*.arrow") if p.name.startswith(("reg-", "par-"))]
        newest = max((int(p.name.split("-")[1]) for p in parts), default=None)
        for path in parts:
            if int(path.name.split("-")[1]) == newest:
                path.unlink()
    engine.dispose()


def first_read(settings: Settings, repeat: int) -> dict[str, Any]:
    """The one-off cost of building the columnar parts of a whole store (after an upgrade or a
    deleted cache), against a read from parts after an import."""
    from data_access.access import reads
    from data_access.store import columnar

    engine = make_engine(settings)

    def no_parts() -> None:
        columnar.invalidate(engine)

    build = median_seconds(lambda: reads.registrations(engine, None), 1, no_parts)
    after = median_seconds(
        lambda: reads.registrations(engine, None),
        repeat,
        lambda: after_an_import(settings),
    )
    engine.dispose()
    return {"first_read": {"build_parts_s": build, "after_import_s": after}}


def pages(settings: Settings, repeat: int) -> dict[str, Any]:
    """Script time of every page through AppTest: cold (first view after an import: the
    inputs cache emptied) and warm (a rerun after moving the month filter)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from indicators.periods import add_months
    from ui import store

    def cold_caches() -> None:
        # An import bumps the data version: the cached inputs and data are read anew.
        store.service().clear()
        st.cache_data.clear()
        after_an_import(settings)

    results: dict[str, Any] = {}
    # Pay Python's module imports (plotly, the views) once, outside every figure.
    pages = _pages()
    warm_up = AppTest.from_file(str(pages["figures/intakes"][0]), default_timeout=600)
    warm_up.session_state["_indicator"] = "intakes"
    warm_up.run()
    for name, (path, indicator) in pages.items():
        app: dict[str, AppTest] = {}

        def first_view(
            path: Path = path, indicator: str | None = indicator, app: dict[str, AppTest] = app
        ) -> None:
            at = AppTest.from_file(str(path), default_timeout=600)
            if indicator is not None:
                at.session_state["_indicator"] = indicator
            app["at"] = at.run()

        cold = median_seconds(first_view, repeat, before=cold_caches)
        at = app["at"]
        errors = [str(e.message)[:200] for e in at.exception]
        sliders = [w for w in at.select_slider if w.key == "maanden"]
        step = [0]

        def filter_change(
            at: AppTest = at, sliders: list[Any] = sliders, step: list[int] = step
        ) -> None:
            if sliders:
                first, last = sliders[0].value
                step[0] += 1
                shift = -1 if step[0] % 2 else 1
                sliders[0].set_value((add_months(first, shift), add_months(last, shift)))
            at.run()

        warm = median_seconds(filter_change, repeat)
        errors += [str(e.message)[:200] for e in at.exception]
        results[name] = {
            "cold_s": cold,
            "warm_s": warm,
            "warm_is_filter_change": bool(sliders),
            "errors": errors,
        }
    return {"pages": results, "pages_peak_rss_mb": peak_rss_mb()}


# The indicators the pandas baseline also computes (benchmarks.baseline), by registry name.
BASELINED = ("intakes", "response_time", "referrers", "volume", "staffing", "reach")


def _published_main(name: str, inputs: Any, selection: Any) -> Any:
    """An indicator's view published for the operator (whole store in detail): its main table."""
    from reports.publish.boundary import Thresholds, publish
    from reports.registry import indicator

    view = indicator(name).build(inputs, selection)
    return publish(view, inputs.scope, Thresholds()).main


def indicators(settings: Settings, repeat: int) -> dict[str, Any]:
    """`1g1p indicator NAME` over the whole history: cold = the command in-process (reads the
    store, computes, writes CSV); warm = the view and its CSV on inputs already loaded."""
    from typer.testing import CliRunner

    from cli import app
    from reports.inputs import load_inputs
    from reports.selection import Selection

    today = date.today()
    last = _last_full_month(today)
    runner = CliRunner()
    engine = make_engine(settings)
    inputs = load_inputs(engine, operator_reader().scope, "then", today)
    selection = Selection(date(2018, 9, 1), last, "month", (), "then")
    results: dict[str, Any] = {}
    for name in BASELINED:
        args = ["indicator", name, "--from", FIRST_MONTH, "--to", last.strftime("%Y-%m")]
        outcome: dict[str, Any] = {}

        def command(args: list[str] = args, outcome: dict[str, Any] = outcome) -> None:
            result = runner.invoke(app, args)
            outcome["exit_code"] = result.exit_code
            outcome["csv_bytes"] = len(result.stdout_bytes)

        cold = median_seconds(command, repeat, lambda: after_an_import(settings))
        warm = median_seconds(functools.partial(_csv_of_main, name, inputs, selection), repeat)
        results[name] = {"cold_s": cold, "warm_s": warm, **outcome}
    engine.dispose()
    return {"indicators": results, "indicators_peak_rss_mb": peak_rss_mb()}


def checks(settings: Settings, repeat: int) -> dict[str, Any]:
    """The full quality suite (every suite on the whole store), Great Expectations' import
    included once in the first run and reported apart."""

    import_seconds, _ = timed(lambda: __import__("great_expectations"))
    from checks.run import run_checks

    engine = make_engine(settings)
    outcome: dict[str, Any] = {}

    def run() -> None:
        summary = run_checks(engine, settings, trigger="benchmark")
        outcome["expectations"] = len(summary.results)

    seconds = median_seconds(run, repeat)
    engine.dispose()
    return {
        "checks": {"suite_s": seconds, "gx_import_s": round(import_seconds, 2), **outcome},
        "checks_peak_rss_mb": peak_rss_mb(),
    }


REPORT_REGION = "KON"


def report(settings: Settings, repeat: int) -> dict[str, Any]:
    """`1g1p report` of one region and its last closed quarter, in-process, each run the first
    export after an import: the PDF (charts drawn by kaleido in Chromium) and the XLSX."""
    from typer.testing import CliRunner

    from cli import app
    from indicators.periods import add_months, month_start, quarter_of

    quarter = quarter_of(add_months(month_start(date.today()), -3))
    runner = CliRunner()
    results: dict[str, Any] = {"region": REPORT_REGION, "quarter": quarter}
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("pdf", "xlsx"):
            out = Path(folder) / f"kwartaalrapport.{kind}"
            outcome: dict[str, Any] = {}

            def command(out: Path = out, outcome: dict[str, Any] = outcome) -> None:
                args = ["report", "--region", REPORT_REGION, "--quarter", quarter]
                result = runner.invoke(app, [*args, "--out", str(out)])
                outcome["exit_code"] = result.exit_code
                outcome["bytes"] = out.stat().st_size if out.exists() else 0

            cold = median_seconds(command, repeat, lambda: after_an_import(settings))
            results[kind] = {"cold_s": cold, **outcome}
    return {"report": results, "report_peak_rss_mb": peak_rss_mb()}


def baseline(settings: Settings, repeat: int) -> dict[str, Any]:
    """The straightforward pandas implementation of every indicator table (benchmarks.baseline:
    a read_sql per page view, then groupbys) against our views over the same history: cold =
    the inputs loaded after an import plus the view, warm = the view on loaded inputs."""
    import pandas as pd
    from sqlalchemy import create_engine

    from benchmarks.baseline import BASELINES, read
    from reports.inputs import load_inputs
    from reports.selection import Selection

    engine = create_engine(settings.url)
    today = pd.Timestamp(date.today())
    ours_engine = make_engine(settings)
    last = _last_full_month(date.today())
    selection = Selection(date(2018, 9, 1), last, "month", (), "then")
    loaded: dict[str, Any] = {}

    def load() -> None:
        loaded["inputs"] = load_inputs(ours_engine, operator_reader().scope, "then", date.today())

    results: dict[str, Any] = {}
    for name, analyst in BASELINES.items():
        read_s, frames = timed(functools.partial(read, engine, analyst))
        groupby_s = median_seconds(functools.partial(analyst.compute, frames, today), repeat)
        page_view_s = median_seconds(
            functools.partial(_read_and_compute, engine, analyst, today), repeat
        )
        ours_cold = median_seconds(
            functools.partial(_loaded_main, name, load, loaded, selection),
            repeat,
            functools.partial(after_an_import, settings),
        )
        ours_warm = median_seconds(
            functools.partial(_loaded_main, name, None, loaded, selection), repeat
        )
        results[name] = {
            "baseline_read_s": round(read_s, 3),
            "baseline_groupby_s": groupby_s,
            "baseline_page_view_s": page_view_s,
            "ours_cold_s": ours_cold,
            "ours_warm_s": ours_warm,
            "cold_speedup": round(page_view_s / ours_cold, 2),
            "warm_speedup": round(page_view_s / ours_warm, 2),
            "warm_speedup_vs_groupby_only": round(groupby_s / ours_warm, 2),
        }
        if name == "intakes":
            results["_rows"] = len(frames["registrations"])
    engine.dispose()
    ours_engine.dispose()
    return {"baseline": results, "baseline_peak_rss_mb": peak_rss_mb()}


def _loaded_main(name: str, load: Any, loaded: dict[str, Any], selection: Any) -> Any:
    """An indicator's main table on the loaded inputs, loading them first when `load` is
    given (a cold view)."""
    if load is not None:
        load()
    return _published_main(name, loaded["inputs"], selection)


def _csv_of_main(name: str, inputs: Any, selection: Any) -> bytes:
    from reports.publish.text import to_csv

    return to_csv(_published_main(name, inputs, selection))


def _read_and_compute(engine: Any, analyst: Any, today: Any) -> Any:
    """A pandas page view: read the analyst's tables, then compute."""
    from benchmarks.baseline import read

    return analyst.compute(read(engine, analyst), today)


def raw_reads(settings: Settings, repeat: int) -> dict[str, Any]:
    """The read of every registration into polars: our read API against pandas read_sql."""
    import pandas as pd

    from data_access.access import reads

    engine = make_engine(settings)
    ours = median_seconds(
        lambda: reads.registrations(engine, None),
        repeat,
        lambda: after_an_import(settings),
    )
    theirs = median_seconds(lambda: pd.read_sql("SELECT * FROM registration", engine), repeat)
    frame: pl.DataFrame = reads.registrations(engine, None)
    engine.dispose()
    return {
        "reads": {"registrations_rows": frame.height, "ours_s": ours, "pandas_read_sql_s": theirs}
    }


def browser(settings: Settings, repeat: int) -> dict[str, Any]:
    """Debian's Chromium through every page as a stuurgroep, and the floor app
    (benchmarks.browser): opening pages and changing filters, where the time goes."""
    from benchmarks.browser import browser_section

    return browser_section(settings, repeat)


SECTIONS = {
    "first_read": first_read,
    "reads": raw_reads,
    "baseline": baseline,
    "indicators": indicators,
    "pages": pages,
    "checks": checks,
    "report": report,
    "browser": browser,
}


def run_section(name: str, repeat: int) -> dict[str, Any]:
    """Run one section on the store the environment points at."""
    get_settings.cache_clear()
    reset_peak()  # sections run in-process share one process
    return SECTIONS[name](get_settings(), repeat)
