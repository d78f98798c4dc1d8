"""The quarterly stuurgroep report: PDF and XLSX with the pages' tables, within the reader's scope."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine
from typer.testing import CliRunner

from cli import app
from data_access.access.roles import reader_for
from data_access.access.scope import AccessError
from indicators.periods import add_months, quarter_bounds, quarter_of
from reports.commands import report_command
from reports.quarterly import PROVISIONAL, quarterly_report, report_xlsx

TODAY = date.today()
QUARTER = quarter_of(add_months(TODAY, -3))
START, END = (d.strftime("%Y-%m") for d in quarter_bounds(QUARTER))
STUURGROEP = "stuurgroep.kon@demo.1g1p"


def _report(engine: Engine):  # type: ignore[no-untyped-def]
    reader = reader_for(engine, STUURGROEP)
    assert reader is not None
    return quarterly_report(engine, reader, "KON", QUARTER, TODAY)


def _sheet_rows(data: bytes, sheet: str) -> list[tuple[object, ...]]:
    rows = list(openpyxl.load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Regio")
    return rows[header:]


@pytest.mark.parametrize(
    ("indicator", "sheet"),
    [
        ("intakes", "Aanmeldingen"),
        ("response_time", "Tijdige opname"),
        ("staffing", "Personeelsinzet"),
    ],
)
def test_xlsx_sheets_equal_the_indicator_tables(
    report_engine: Engine, tmp_path, indicator: str, sheet: str
) -> None:  # type: ignore[no-untyped-def]
    """Each report sheet holds exactly the table `1g1p indicator --format xlsx` writes."""
    out = tmp_path / "indicator.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "indicator",
            indicator,
            "--from",
            START,
            "--to",
            END,
            "--region",
            "KON",
            "--per",
            "quarter",
            "--as",
            STUURGROEP,
            "--format",
            "xlsx",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    report = report_xlsx(_report(report_engine))
    assert _sheet_rows(report, sheet) == _sheet_rows(out.read_bytes(), "Tabel")
    cover = openpyxl.load_workbook(io.BytesIO(report))["Rapport"]
    assert PROVISIONAL in str(cover.cell(2, 1).value)


def test_the_workbook_cover_holds_the_first_page(report_engine: Engine) -> None:
    """The cover sheet has the key figures as the PDF's first page shows them, what stands
    out, and what the figures are (own region exact, disclosure control, symbols)."""
    report = _report(report_engine)
    assert report.key_messages is not None
    rows = list(
        openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))["Rapport"].iter_rows(
            values_only=True
        )
    )
    start = next(i for i, r in enumerate(rows) if r[0] == "Kernboodschappen")
    assert rows[start + 1][:6] == report.key_messages.header
    for offset, row in enumerate(report.key_messages.rows(), start=start + 2):
        assert rows[offset][:6] == row
    lines = [r[0] for r in rows]
    for line in (*report.key_messages.messages, *report.about):
        assert line in lines
    assert any("De cijfers van Konekti zijn exact" in str(line) for line in lines)


def test_a_one_region_chapter_has_no_total_row(report_engine: Engine) -> None:
    """The key figures of the region alone list its row once, no 'total' of one region, and
    Flanders as its comparison, as on the page."""
    report = _report(report_engine)
    (table,) = [t for t in report.chapters[0].tables() if t.name == "kerncijfers"]
    listed = table.values[table.listed()["_row"]]
    assert listed["region_code"].to_list() == ["KON", "_VLAANDEREN"]
    (sheet,) = [t for name, t in report.sheets if name == "Kerncijfers"]
    assert sheet is table


@pytest.mark.parametrize("maker", ["beheerder@demo.1g1p", "friend@demo.1g1p"])
def test_whoever_makes_a_regions_report_hands_out_the_same_figures(
    report_engine: Engine, maker: str
) -> None:
    """A beheerder, or a critical friend of two regions, makes the report a region's stuurgroep
    gets: the region exact, every other region (the friend's other one too) under disclosure
    control, so the handed-out report never shows more than that stuurgroep may see."""
    region = "KON" if maker.startswith("beheerder") else "GNT"
    reader = reader_for(report_engine, maker)
    assert reader is not None
    made = quarterly_report(report_engine, reader, region, QUARTER, TODAY)
    trechter = next(t for c in made.chapters for t in c.tables() if t.name == "trechter")
    assert trechter.perturbed
    others = trechter.values.filter(pl.col("region_code") != region)
    assert others.height and made.about[1].startswith("Cijfers van andere regio's")
    stuurgroep = next(
        t for c in _report(report_engine).chapters for t in c.tables() if t.name == "trechter"
    )
    if region == "KON":
        assert_frame_equal(trechter.values, stuurgroep.values)
        assert_frame_equal(trechter.markers, stuurgroep.markers)
    else:  # Waas-Dender, the friend's other region, as Konekti's stuurgroep sees it
        wad, counts = pl.col("region_code") == "WAD", ["numerator", "denominator", "proportion"]
        assert_frame_equal(
            trechter.values.filter(wad).select(counts), stuurgroep.values.filter(wad).select(counts)
        )


def test_a_stuurgroep_is_refused_another_regions_report(report_engine: Engine) -> None:
    """The stuurgroep of Konekti cannot get Gent's report, in Dutch, from the reports layer."""
    reader = reader_for(report_engine, STUURGROEP)
    assert reader is not None
    with pytest.raises(AccessError, match="geen toegang tot het kwartaalrapport van regio GNT"):
        quarterly_report(report_engine, reader, "GNT", QUARTER, TODAY)


def test_the_command_refuses_out_of_scope_and_writes_in_scope(
    report_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """`1g1p report --as` obeys the user's scope: refused for another region, a PDF for its own."""
    import typer

    runner_app = typer.Typer()
    runner_app.command()(report_command)
    out = tmp_path / "gnt.pdf"
    refused = CliRunner().invoke(
        runner_app, ["--region", "GNT", "--quarter", QUARTER, "--as", STUURGROEP, "--out", str(out)]
    )
    assert refused.exit_code == 1
    assert "geen toegang" in refused.output
    assert not out.exists()
    own = tmp_path / "kon.xlsx"
    done = CliRunner().invoke(
        runner_app, ["--region", "KON", "--quarter", QUARTER, "--as", STUURGROEP, "--out", str(own)]
    )
    assert done.exit_code == 0, done.output
    assert "Kerncijfers" in openpyxl.load_workbook(own).sheetnames
