"""The parliamentary answer: every region under disclosure control, totals that reconcile."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import polars as pl
from sqlalchemy import Engine, func, select

from data_access.store.models import AggregateReport, Registration
from reports.parliament import (
    HIDDEN,
    TOTAL,
    parliament_tables,
    parliament_xlsx,
    with_totals,
)

START, END = date(2022, 1, 1), date(2024, 12, 31)


def test_registrations_reconcile_with_the_store(report_engine: Engine) -> None:
    """Shown cells plus the stated hidden remainder equal the store's intakes of the period."""
    with report_engine.connect() as conn:
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
    table = parliament_tables(report_engine, START, END, date.today())[0]
    frame = table.frame
    regions = frame.filter(~pl.col("region_code").str.starts_with("_"))
    shown = int(regions["intakes"].fill_null(0).sum())
    hidden = int(frame.filter(pl.col("region_code") == HIDDEN)["intakes"].sum())
    total = int(frame.filter(pl.col("region_code") == TOTAL)["intakes"].sum())
    assert total == rows + counted
    assert shown + hidden == total
    assert regions["__hidden_intakes"].is_not_null().any()  # small cells really are hidden


def test_every_region_is_under_disclosure_control() -> None:
    """A lone small count is hidden as '<5' with a complement, whatever the reader's role."""
    frame = pl.DataFrame(
        {"region_code": ["A", "B", "C"], "month": [date(2024, 1, 1)] * 3, "intakes": [3, 20, 30]}
    )
    from data_access.access.disclosure import Disclosure

    out = with_totals(frame, ["intakes"], Disclosure())
    hidden = dict(zip(out["region_code"], out["__hidden_intakes"], strict=True))
    assert hidden["A"] == "<5" and hidden["B"] == "x" and hidden["C"] is None
    assert out.filter(pl.col("region_code") == HIDDEN)["intakes"].to_list() == [23]


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
