"""What every page, export and command shows on a fixed demo store, as text files to compare.

The golden files were written by this module before the house was rearranged around the
indicator registry (issue 16); the test compares the rearranged code's output with them. A
beheerder sees every region in detail, so these figures involve no disclosure control.

    uv run python -m tests.golden.capture --write   # regenerate after an intended change
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from data_access.settings import Settings
from data_access.store.engine import make_engine
from demo.build import build_demo

GOLDEN_DIR = Path(__file__).resolve().parent / "files"
TODAY = date(2026, 11, 15)
SEED = 42
SCALE = 0.02


def build_store(directory: Path, url: str | None = None) -> Settings:
    """The fixed demo store the golden files describe."""
    settings = Settings(
        data_dir=directory,
        database_url=url or f"sqlite:///{directory / 'golden.db'}",
        pseudonym_key="golden",
    )
    engine = make_engine(settings)
    build_demo(engine, settings, seed=SEED, scale=SCALE, today=TODAY, run_checks=False)
    engine.dispose()
    return settings


def _figure_data(fig: go.Figure) -> list[dict[str, Any]]:
    """The data a chart draws: per trace its name and points, as plain values."""
    out = []
    for trace in fig.data:
        entry: dict[str, Any] = {"name": getattr(trace, "name", None)}
        for axis in ("x", "y", "z", "locations"):
            values = getattr(trace, axis, None)
            if values is not None:
                entry[axis] = [_plain(v) for v in values]
        out.append(entry)
    return out


def _plain(value: object) -> object:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, int | str | type(None)) else str(value)


def _csv(frame: pl.DataFrame) -> str:
    return frame.write_csv(separator=";")


def selections() -> dict[str, Any]:
    """The two selections every view is captured under."""
    from reports.selection import Selection

    return {
        "months": Selection(date(2025, 11, 1), date(2026, 10, 31), "month", (), "then"),
        "quarters": Selection(
            date(2024, 10, 1), date(2026, 9, 30), "quarter", ("KON", "GNT"), "today"
        ),
    }


def captured(settings: Settings) -> Iterator[tuple[str, str]]:
    """(file name, content) of every captured output."""
    from data_access.access.roles import operator_reader
    from reports import views as _views  # noqa: F401  (registers the per-month figures)
    from reports.inputs import load_inputs
    from reports.quarterly import quarterly_report
    from reports.views.compare import compare_view
    from reports.views.intakes import intakes_view
    from reports.views.overview import overview_view
    from reports.views.reach import reach_view
    from reports.views.referrers import referrers_view
    from reports.views.response_time import response_time_view
    from reports.views.staffing import staffing_view
    from reports.views.volume import volume_view

    engine = make_engine(settings)
    views = {
        "overview": overview_view,
        "intakes": intakes_view,
        "response_time": response_time_view,
        "response_time_30": lambda i, s: response_time_view(i, s, "30_days"),
        "referrers": referrers_view,
        "volume": volume_view,
        "staffing": staffing_view,
        "reach": reach_view,
        "compare": compare_view,
        "compare_clb": lambda i, s: compare_view(i, s, "BREDE_INSTAP", "calendar_month", "normal"),
    }
    for label, selection in selections().items():
        inputs = load_inputs(engine, operator_reader().scope, selection.basis, TODAY)
        for name, view_function in views.items():
            view = view_function(inputs, selection)
            tables = {"main": view.table, **view.tables}
            for key, table in tables.items():
                yield f"{label}/{name}/{key}.csv", _csv(table.display())
            charts = {key: _figure_data(fig) for key, fig in view.figures.items()}
            yield f"{label}/{name}/charts.json", json.dumps(charts, indent=1, sort_keys=True)
            tiles = getattr(view, "tiles", ())
            if tiles:
                rows = [[t.label, t.value, t.delta, t.delta_last_year] for t in tiles]
                yield f"{label}/{name}/tiles.json", json.dumps(rows, indent=1)
    beheerder = operator_reader()
    report = quarterly_report(engine, beheerder, "KON", "2026Q3", TODAY)
    for sheet, table in report.sheets():
        yield f"report/{sheet}.csv", _csv(table.display())
    engine.dispose()


def main() -> None:
    import tempfile

    if "--write" not in sys.argv:
        print("Gebruik: python -m tests.golden.capture --write")
        return
    with tempfile.TemporaryDirectory() as directory:
        settings = build_store(Path(directory))
        for name, content in captured(settings):
            path = GOLDEN_DIR / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    print(f"Golden files written to {GOLDEN_DIR}")


if __name__ == "__main__":
    main()
