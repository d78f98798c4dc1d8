"""Every output of every page and command, as a stuurgroep, the trekkersgroep and a critical
friend of two regions: no value the rules should have controlled is shown.

For each published table the walk knows what every column is (its declared cell) and which
rows are outside the reader's detail, and checks: no count of 1–4 there; a rate or share only
on a base of at least 10 and without a hidden count in it; a change, a figure per unit and a
rank never beside a hidden count; lists of registrations of detail regions only."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from typer.testing import CliRunner

from data_access.access.roles import demo_readers, ensure_demo_users, publication_reader
from data_access.settings import get_settings
from reports.parliament import parliament_view
from reports.publish.boundary import PublishedTable, PublishedView, Thresholds, publish
from reports.publish.cells import (
    Count,
    Difference,
    PerUnit,
    Rank,
    Rate,
    Share,
)
from reports.publish.text import to_csv
from reports.quarterly import quarterly_report
from reports.registry import INDICATORS, indicator
from reports.selection import Selection
from tests import scopes
from tests.disclosure.conftest import READERS, TODAY, World

SELECTIONS = {
    "twaalf maanden": Selection(date(2025, 10, 1), date(2026, 9, 30)),
    "kwartalen": Selection(date(2025, 1, 1), date(2026, 9, 30), "quarter"),
    "één regio": Selection(date(2025, 10, 1), date(2026, 9, 30), regions=("WHM",)),
    "huidige regio's": Selection(date(2025, 10, 1), date(2026, 9, 30), basis="today"),
}
EMAILS = {
    "trekkersgroep": "trekker@demo.1g1p",
    "stuurgroep": "stuurgroep.kon@demo.1g1p",
    "critical friend": "friend@demo.1g1p",
}


def _any(columns: list[pl.Series], height: int) -> pl.Series:
    """Row-wise: any of these boolean columns (none: all false)."""
    if not columns:
        return pl.Series([False] * height, dtype=pl.Boolean)
    frame = pl.DataFrame({str(i): c for i, c in enumerate(columns)})
    return frame.select(pl.any_horizontal(pl.all().fill_null(False))).to_series()


def violations(table: PublishedTable, detail: frozenset[str] | None) -> list[str]:
    """What `table` shows that the rules should have controlled, for a reader who sees
    `detail` exactly (None: everything)."""
    if detail is None:
        return []
    values, markers = table.values, table.markers
    height = values.height
    listed = pl.Series([False] * height, dtype=pl.Boolean).scatter(table.listed()["_row"], True)
    if "region_code" in values.columns:
        region = values["region_code"].cast(pl.String)
        protected = ~region.is_in(sorted(detail)).fill_null(False)
        # A total row ("_TOTAAL", "_VLAANDEREN") is controlled when any row in it is.
        total = region.str.starts_with("_").fill_null(False)
        if not (protected & ~total).any():
            protected = protected & ~total
    else:
        protected = pl.Series([True] * height, dtype=pl.Boolean)
    counts = {c.key for c in (*table.cells, *table.inputs) if isinstance(c, Count)}

    def hidden(column: str) -> pl.Series:
        if column in markers.columns:
            return markers[column].is_not_null()
        return pl.Series([False] * height, dtype=pl.Boolean)

    found: list[str] = []
    for cell in table.cells:
        shown = values[cell.key].is_not_null() & protected & listed
        if isinstance(cell, Count):
            small = shown & values[cell.key].is_between(1, 4)
            if small.any():
                found.append(f"{table.name}: {cell.key} = {values[cell.key].filter(small)[:5]}")
        elif isinstance(cell, Rate):
            base_columns = [values[c].fill_null(0) for c in cell.denominator if c in counts]
            if base_columns:
                base = pl.DataFrame(base_columns).sum_horizontal()
                if (shown & (base < 10)).any():
                    found.append(f"{table.name}: {cell.key} on a base under 10")
            if (shown & _any([hidden(c) for c in cell.inputs], height)).any():
                found.append(f"{table.name}: {cell.key} beside a hidden count")
        elif (
            isinstance(cell, Share | Difference | PerUnit | Rank)
            and (shown & _any([hidden(c) for c in cell.inputs], height)).any()
        ):
            found.append(f"{table.name}: {cell.key} beside a hidden count")
    return found


def _walk(view: PublishedView, detail: frozenset[str] | None) -> list[str]:
    found = []
    for table in view.tables():
        found += violations(table, detail)
        lists_registrations = any(c.key in {"source_record_id", "file_number"} for c in table.cells)
        if lists_registrations and detail is not None and "region_code" in table.values.columns:
            # A list of registrations never holds another region's rows.
            others = set(table.values["region_code"].drop_nulls()) - detail
            if others:
                found.append(f"{table.name}: registrations of {sorted(others)}")
    return found


@pytest.mark.parametrize("reader", list(READERS))
def test_every_page_as_every_reader(world: World, reader: str) -> None:
    """Every indicator, under every kind of selection, as this reader."""
    detail = world.inputs(reader).scope.detail_regions
    found = []
    for entry in INDICATORS:
        for label, selection in SELECTIONS.items():
            view = world.published(reader, entry.name, selection)
            found += [f"{entry.name} ({label}): {v}" for v in _walk(view, detail)]
    assert found == []


def test_the_quarterly_report_as_stuurgroep_and_friend(world: World) -> None:
    """The report of an own region: every chapter, as its stuurgroep and as a friend."""
    ensure_demo_users(world.engine)
    readers = {r.email: r for r in demo_readers(world.engine)}
    for email, region in (("stuurgroep.kon@demo.1g1p", "KON"), ("friend@demo.1g1p", "WAD")):
        reader = readers[email]
        report = quarterly_report(world.engine, reader, region, "2026Q2", TODAY)
        found = [
            v for chapter in report.chapters for v in _walk(chapter, reader.scope.detail_regions)
        ]
        assert found == [], email
        assert report.chapters


def test_the_parliamentary_answer(world: World) -> None:
    """The answer for parliament: no region in detail."""
    reader = publication_reader()
    inputs = world.inputs("trekkersgroep")
    view = parliament_view(inputs, date(2025, 1, 1), date(2026, 9, 30))
    published = publish(view, reader.scope, Thresholds())
    assert _walk(published, frozenset()) == []
    assert published.perturbed


@pytest.mark.parametrize("reader", list(READERS))
def test_the_command_line_prints_the_published_table(
    world: World, reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`1g1p indicator … --as` writes exactly the page's published table for that reader."""
    from cli import app

    ensure_demo_users(world.engine)
    monkeypatch.setenv("DATABASE_URL", world.settings.url)
    monkeypatch.setenv("MONITOR_DATA_DIR", str(world.settings.data_dir))
    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", world.settings.pseudonym_key or "")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app,
            [
                "indicator",
                "intakes",
                "--from",
                "2025-10",
                "--to",
                "2026-09",
                "--as",
                EMAILS[reader],
            ],
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    view = world.published(reader, "intakes", SELECTIONS["twaalf maanden"])
    assert view.main is not None
    expected = to_csv(view.main).decode("utf-8-sig")
    printed = result.stdout_bytes.decode("utf-8-sig")
    assert _rows(printed).equals(_rows(expected))


def _rows(csv_text: str) -> pl.DataFrame:
    body = "\n".join(line for line in csv_text.splitlines() if not line.startswith("#"))
    return pl.read_csv(io.StringIO(body), separator=";", infer_schema=False)


def test_the_walk_finds_what_is_not_controlled(world: World) -> None:
    """The walk can fail: the trekkersgroep's figures published as for a beheerder (every
    region exact) are full of what the rules control."""
    inputs = world.inputs("trekkersgroep")
    view = indicator("response_time").build(inputs, SELECTIONS["twaalf maanden"])
    exact = publish(view, scopes.everything(), Thresholds())
    found = _walk(exact, frozenset())
    assert any("shows" in f or " = " in f for f in found)
    assert any("base under 10" in f for f in found)
