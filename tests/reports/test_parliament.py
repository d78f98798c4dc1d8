"""The parliamentary answer: every region under disclosure control, totals that reconcile."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import polars as pl
from sqlalchemy import Engine, func, select

from data_access.access.perturbation import MAX_PERTURBATION, RecordKeys, perturbation
from data_access.access.roles import publication_reader
from data_access.store import schemas
from data_access.store.models import AggregateReport, Registration
from reports.inputs import Inputs
from reports.parliament import TOTAL, parliament_tables, parliament_view, parliament_xlsx
from reports.publish.boundary import SMALL, WITH_HIDDEN, PublishedTable, Thresholds, publish
from reports.publish.text import display
from reports.quarterly import report_inputs
from tests import scopes

START, END = date(2022, 1, 1), date(2024, 12, 31)


def _store_intakes(engine: Engine) -> int:
    """Aanmeldingen of the period in the store: rows plus monthly counts."""
    with engine.connect() as conn:
        rows = conn.scalar(
            select(func.count()).where(
                Registration.kind == "aanmelding", Registration.received_date.between(START, END)
            )
        )
        counted = conn.scalar(
            select(func.coalesce(func.sum(AggregateReport.value), 0)).where(
                AggregateReport.measure == "intakes", AggregateReport.month.between(START, END)
            )
        )
    return int(rows or 0) + int(counted or 0)


def _regions_and_totals(table: PublishedTable) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The region rows (with their intake markers) and the Flemish total rows of a table."""
    frame = table.values.with_columns(marker=table.markers["intakes"])
    return (
        frame.filter(pl.col("region_code") != TOTAL),
        frame.filter(pl.col("region_code") == TOTAL),
    )


def test_registrations_reconcile_with_the_store(report_engine: Engine) -> None:
    """Exactly counted, the Flemish totals equal the store's intakes of the period. Published,
    each month's total is the sum of its published cells ('<5' cells with their published
    value, between 1 and 4), within the perturbation of the true total; small cells really
    are hidden."""
    today = date.today()
    exact_view = parliament_view(
        report_inputs(report_engine, scopes.everything(), today), START, END
    )
    exact = publish(exact_view, scopes.everything(), Thresholds()).tables()[0]
    exact_regions, exact_totals = _regions_and_totals(exact)
    assert int(exact_totals["intakes"].sum()) == _store_intakes(report_engine)
    assert int(exact_regions["intakes"].sum()) == int(exact_totals["intakes"].sum())

    table = parliament_tables(report_engine, START, END, today)[0]
    assert table.perturbed
    regions, totals = _regions_and_totals(table)
    per_month = regions.group_by("month").agg(
        pl.col("intakes").fill_null(0).sum().alias("shown"),
        (pl.col("marker") == SMALL).sum().alias("hidden_cells"),
        pl.len().alias("cells"),
    )
    months = totals.select("month", pl.col("intakes").alias("total")).join(per_month, on="month")
    assert months.height == totals.height > 0
    for row in months.iter_rows(named=True):
        hidden = row["total"] - row["shown"]
        assert row["hidden_cells"] <= hidden <= 4 * row["hidden_cells"], row
    true_totals = exact_totals.select("month", pl.col("intakes").alias("true"))
    compared = months.join(true_totals, on="month")
    assert compared.height == months.height
    for row in compared.iter_rows(named=True):
        assert abs(row["total"] - row["true"]) <= MAX_PERTURBATION * row["cells"], row
    # Small cells really are hidden, and no count from 1 to 4 is shown.
    assert (regions["marker"] == SMALL).any()
    assert regions.filter(pl.col("intakes").is_between(1, 4)).is_empty()
    assert (regions["marker"].is_null() | regions["intakes"].is_null()).all()


# Three regions' intakes of January 2024; under this secret A's 3 is published as 2 (a small
# count) and B's and C's counts move by one.
_COUNTS = {"A": 3, "B": 20, "C": 30}
KEYS = RecordKeys.from_secret(b"parliament-0")


def _inputs() -> Inputs:
    """Three regions' intakes of January 2024 (A 3, B 20, C 30), none yet contacted."""
    rows = [
        {
            "id": index,
            "family_id": f"F{region}{i}",
            "region_code": region,
            "kind": "aanmelding",
            "received_date": date(2024, 1, 10),
            "source_system": f"uniform:{region}",
            "source_record_id": f"{region}{i}",
            "batch_id": 1,
            "record_key": index,
        }
        for index, (region, i) in enumerate(
            ((r, i) for r, n in _COUNTS.items() for i in range(n)), start=1
        )
    ]
    frame = pl.DataFrame(rows)
    registrations = frame.select(
        *(
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in schemas.REGISTRATION.items()
        ),
        pl.col("record_key").cast(pl.Int64),
        pl.col("record_key").alias("family_key").cast(pl.Int64),
    )
    empty = pl.DataFrame
    return Inputs(
        registrations=registrations,
        aggregates=empty(schema=schemas.AGGREGATE_REPORT).with_columns(
            cell_key=pl.lit(None, pl.Int64)
        ),
        partners=empty(schema=schemas.REGISTRATION_PARTNER).with_columns(
            record_key=pl.lit(None, pl.Int64),
            partner_key=pl.lit(None, pl.Int64),
            sector_key=pl.lit(None, pl.Int64),
        ),
        staffing=empty(schema=schemas.STAFFING),
        agreements=empty(schema=schemas.VOLUME_AGREEMENT),
        regions=pl.DataFrame(
            {
                "region_code": ["A", "B", "C"],
                "region_name": ["Aa", "Bee", "Cee"],
                "active_from": [date(2018, 9, 1)] * 3,
                "active_to": [None] * 3,
                "name_basis": ["source"] * 3,
            },
            schema=schemas.REGION,
        ),
        populations=empty(schema=schemas.REGION_POPULATION).with_columns(
            valid_from=pl.lit(None, pl.Date), valid_to=pl.lit(None, pl.Date)
        ),
        network_reference=empty(),
        basis="then",
        today=date(2024, 6, 1),
        data_version=1,
        scope=scopes.everything(),
        keys=KEYS,
    )


def _perturbed(region: str, count: int) -> int:
    """A count as published outside the detail: with the perturbation of its cell (the
    region's intakes of January 2024)."""
    cell = pl.DataFrame({"region_code": [region], "month": [date(2024, 1, 1)]})
    at = ["region_code", "month"]
    return count + int(cell.select(perturbation(pl.lit(count), KEYS.cell("intakes", at))).item())


def test_every_region_is_under_disclosure_control() -> None:
    """Whatever the reader's role, the answer is published for an audience with no region in
    detail: every count perturbed by its cell key, a small one shown as '<5' (no complement
    hidden beside it), and the Flemish total the sum of the published cells."""
    audience = publication_reader().scope
    assert audience.detail_regions == frozenset()
    view = publish(
        parliament_view(_inputs(), date(2024, 1, 1), date(2024, 1, 31)), audience, Thresholds()
    )
    intakes = view.tables()[0]
    assert intakes.perturbed
    published = dict(zip(intakes.values["region_code"], intakes.values["intakes"], strict=True))
    marked = dict(zip(intakes.values["region_code"], intakes.markers["intakes"], strict=True))
    assert published["A"] is None and marked["A"] == SMALL
    expected = {r: _perturbed(r, _COUNTS[r]) for r in ("B", "C")}
    assert expected != {"B": 20, "C": 30}  # these keys really move the counts
    assert (published["B"], published["C"]) == (expected["B"], expected["C"])
    assert marked["B"] is None and marked["C"] is None
    # The total counts A with its published value: the table adds up.
    assert published[TOTAL] == _perturbed("A", 3) + expected["B"] + expected["C"]
    assert 1 <= _perturbed("A", 3) <= 4
    assert WITH_HIDDEN not in intakes.symbols
    shown = display(intakes)
    assert shown["Regio"].to_list() == ["Aa", "Bee", "Cee", "Vlaanderen (totaal)"]
    assert shown["Aanmeldingen"].to_list()[0] == "<5"
    # None was contacted: all late, A's three again too small to show.
    assert shown["Niet binnen de maand"].to_list()[0] == "<5"
    assert shown["Binnen de maand opgepakt"].to_list()[:3] == ["0", "0", "0"]


def test_workbook_has_a_sheet_per_measure_and_the_definitions(report_engine: Engine) -> None:
    """One sheet per measure, and a sheet naming what monthly-count sources cannot supply."""
    book = openpyxl.load_workbook(
        io.BytesIO(parliament_xlsx(report_engine, START, END, date.today()))
    )
    assert book.sheetnames == [
        "Aanmeldingen",
        "Aard van de vraag",
        "Organisaties",
        "Trajecten",
        "Definities en bronnen",
    ]
    text = " ".join(str(c.value) for row in book["Definities en bronnen"].iter_rows() for c in row)
    assert "geen aard van de vraag, geen betrokken organisaties en geen trajecten" in text
    # The sheet with small cells explains the symbol it uses.
    intakes = " ".join(str(c.value) for row in book["Aanmeldingen"].iter_rows() for c in row)
    assert "'<5': een aantal van 1 tot 4" in intakes
