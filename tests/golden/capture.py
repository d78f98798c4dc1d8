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


# Each view's tables and charts under the names their files had when they were first written.
TABLES = {
    "overview": {"kerncijfers": "main"},
    "intakes": {"aanmeldingen": "main", "aard-van-de-vraag": "nature"},
    "response_time": {
        "tijdige-opname": "main",
        "dagen-tot-eerste-contact": "days",
        "kalendermaand-of-30-dagen": "comparison",
        "openstaand-na-de-termijn": "overdue",
    },
    "referrers": {"aanmeldersgroepen": "main", "aanmelders": "referrers"},
    "volume": {"volumeafspraken": "main"},
    "staffing": {
        "personeelsinzet": "main",
        "vte-per-100000-inwoners": "per_100k",
        "aanmeldingen-per-vte": "per_fte",
        "referentie-2020": "reference_2020",
    },
    "reach": {
        "bereikte-gezinnen": "main",
        "trajecten": "trajectories",
        "lopende-trajecten": "ongoing",
        "redenen-van-afsluiting": "closure_reasons",
        "doorstroom": "further_care",
    },
    "organisations": {"organisaties-per-sector": "partners"},
    "compare": {
        "trechter": "main",
        "per-1000-minderjarigen": "rates",
        "aanmeldingen-per-maand": "multiples",
        "kalendermaand-of-30-dagen": "comparison",
    },
}
CHARTS = {
    "overview": {"Aanmeldingen per regio: deze periode en vorig jaar": "intakes"},
    "intakes": {
        "Aanmeldingen": "intakes",
        "Per 1.000 min-18": "rate",
        "Aard van de vraag": "nature",
    },
    "response_time": {"Tijdige opname": "rate", "Dagen tot eerste contact": "days"},
    "referrers": {
        "Aanmeldersgroepen per regio": "groups",
        "Aandeel brede instap": "brede_instap",
    },
    "volume": {
        "GV: afgesproken en gerealiseerd": "GV",
        "SDJ: afgesproken en gerealiseerd": "SDJ",
        "Voortgang": "progress",
    },
    "staffing": {
        "VTE per functie": "by_function",
        "Totaal VTE per kwartaal": "total",
        "VTE per 100.000 inwoners": "per_100k",
        "Aanmeldingen per VTE": "per_fte",
    },
    "reach": {
        "Bereikte gezinnen per regio en jaar": "families",
        "Trajecten per regio": "trajectories",
        "Redenen van afsluiting": "closure_reasons",
    },
    "organisations": {"Betrokken organisaties per sector": "partners"},
    "compare": {
        "Trechter": "funnel",
        "Per 1.000": "rates",
        "Per maand": "multiples",
        "Rangorde": "ranks",
    },
}
# Captured views: (file folder, indicator, options). Betrokken organisaties was a part of
# Bereik en trajecten when the files were written: its sector table keeps its old place.
VIEWS = (
    ("overview", "overview", {}),
    ("intakes", "intakes", {}),
    ("response_time", "response_time", {}),
    ("response_time_30", "response_time", {"rule": "30_days"}),
    ("referrers", "referrers", {}),
    ("volume", "volume", {}),
    ("staffing", "staffing", {}),
    ("reach", "reach", {}),
    ("reach", "organisations", {}),
    ("compare", "compare", {}),
    ("compare_clb", "compare", {"indicator": "BREDE_INSTAP", "method": "normal"}),
)


def captured(settings: Settings) -> Iterator[tuple[str, str]]:
    """(file name, content) of every captured output, as a beheerder sees it."""
    from data_access.access.roles import operator_reader
    from reports.inputs import load_inputs
    from reports.publish.boundary import PublishedChart, PublishedMetrics, Thresholds, publish
    from reports.publish.text import display
    from reports.quarterly import quarterly_report
    from reports.registry import indicator

    engine = make_engine(settings)
    reader = operator_reader()
    for label, selection in selections().items():
        inputs = load_inputs(engine, reader.scope, selection.basis, TODAY)
        charts: dict[str, dict[str, Any]] = {}
        for folder, name, options in VIEWS:
            view = indicator(name).build(inputs, selection, **options)
            published = publish(view, reader.scope, Thresholds())
            for table in published.tables():
                key = TABLES[name].get(table.name)
                if key is not None:
                    yield f"{label}/{folder}/{key}.csv", _csv(display(table))
            blocks = [b for section in published.sections for b in section.blocks]
            kept = charts.setdefault(folder, {})
            for block in blocks:
                if isinstance(block, PublishedChart) and block.title in CHARTS[name]:
                    kept[CHARTS[name][block.title]] = _figure_data(block.figure)
                if isinstance(block, PublishedMetrics):
                    rows = [[t.label, t.value, *t.changes] for t in block.tiles]
                    yield f"{label}/{folder}/tiles.json", json.dumps(rows, indent=1)
        for folder, kept in charts.items():
            yield f"{label}/{folder}/charts.json", json.dumps(kept, indent=1, sort_keys=True)
    report = quarterly_report(engine, reader, "KON", "2026Q3", TODAY)
    for sheet, table in report.sheets:
        yield f"report/{sheet}.csv", _csv(display(table))
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
