"""Published tables as people read them: nl-BE text under Dutch headers, CSV and XLSX files."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

import polars as pl

from indicators.formatting import (
    MISSING,
    fmt_dec,
    fmt_int,
    fmt_pct,
    month_label,
    period_label,
    quarter_label,
)
from reports.publish.boundary import LEGEND, PublishedTable
from reports.publish.cells import Cell, Format, Text
from reports.safe_files import csv_cell, csv_comment, workbook

# Times are stored in UTC and shown as the wall-clock time in Flanders.
LOCAL_TIME_ZONE: Final = "Europe/Brussels"

NUMBER_FORMATS: Final = {
    "int": "#,##0",
    "year": "0",
    "dec1": "#,##0.0",
    "dec2": "#,##0.00",
    "pct": "0.0%",
}


# Formats that take a sign when shown as a change.
SIGNED: Final = {*NUMBER_FORMATS, "points"}


def value_text(value: object, cell: Cell, names: dict[str, str], *, signed: bool = False) -> str:
    """One value as shown (nl-BE)."""
    if value is None:
        return MISSING
    if isinstance(cell, Text) and cell.codes is not None:
        return cell.codes.get(str(value), str(value))
    text = _formatted(value, cell.format, names)
    if signed and text != MISSING and not text.startswith("-") and cell.format in SIGNED:
        return f"+{text}"
    return text


def _formatted(value: object, kind: Format, names: dict[str, str]) -> str:
    if kind == "int":
        return fmt_int(value)  # type: ignore[arg-type]
    if kind == "year":
        return str(value)
    if kind == "dec1":
        return fmt_dec(value, 1)  # type: ignore[arg-type]
    if kind == "dec2":
        return fmt_dec(value, 2)  # type: ignore[arg-type]
    if kind == "pct":
        return fmt_pct(value)  # type: ignore[arg-type]
    if kind == "points":
        return f"{fmt_dec(value * 100, 1)} ptn"  # type: ignore[operator]
    if kind == "datetime" and isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(LOCAL_TIME_ZONE)) if value.tzinfo else value
        return local.strftime("%d/%m/%Y %H:%M")
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind == "month" and isinstance(value, date):
        return month_label(value)
    if kind == "quarter":
        return quarter_label(str(value))
    if kind == "period":
        return period_label(str(value))
    if kind == "region":
        return names.get(str(value), str(value))
    if kind == "bool":
        return "ja" if value else "nee"
    return str(value)


def shown_value(table: PublishedTable, column: str, row: int, *, signed: bool = False) -> str:
    """The text one cell of a published table shows: its symbol, or its value."""
    marker = table.markers[column][row]
    if marker is not None:
        return str(marker)
    cell = next(c for c in (*table.cells, *table.inputs) if c.key == column)
    return value_text(table.values[column][row], cell, table.region_names, signed=signed)


def display(table: PublishedTable) -> pl.DataFrame:
    """Every cell as shown, under the Dutch headers (what a page, a CSV and the PDF show)."""
    out = {}
    rows = table.listed()["_row"]
    for cell in table.cells:
        values = table.values[cell.key].gather(rows).to_list()
        markers = table.markers[cell.key].gather(rows).to_list()
        out[cell.label] = [
            m if m is not None else value_text(v, cell, table.region_names)
            for v, m in zip(values, markers, strict=True)
        ]
    return pl.DataFrame(out, schema=dict.fromkeys(out, pl.String))


def legend_lines(symbols: tuple[str, ...]) -> list[str]:
    """The legend of the disclosure symbols used, one line each."""
    return [f"'{symbol}': {LEGEND[symbol]}" for symbol in symbols]


def to_csv(table: PublishedTable) -> bytes:
    """The table as shown, for Excel in Belgium: ';', decimal comma, a BOM, notes as '#' lines,
    text that a spreadsheet would run as a formula neutralised."""
    shown = display(table)
    safe = shown.with_columns(
        pl.col(c).map_elements(csv_cell, return_dtype=pl.String) for c in shown.columns
    )
    buffer = io.StringIO()
    safe.write_csv(buffer, separator=";")
    lines = [
        csv_comment(note) for note in (table.title, *table.notes, *legend_lines(table.symbols))
    ]
    return ("\ufeff" + "\n".join(lines) + "\n" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: PublishedTable) -> bytes:
    """The table as XLSX: numbers stay numbers with a Dutch number format; text never becomes
    a formula or a link."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    write_sheet(book, table, "Tabel")
    book.close()
    return buffer.getvalue()


def write_sheet(book: object, table: PublishedTable, name: str) -> None:
    """`table` (title, notes, legend, header, values) on a new sheet of an xlsxwriter book."""
    sheet = book.add_worksheet(name[:31])  # type: ignore[attr-defined]
    bold = book.add_format({"bold": True})  # type: ignore[attr-defined]
    formats = {k: book.add_format({"num_format": f}) for k, f in NUMBER_FORMATS.items()}  # type: ignore[attr-defined]
    lines = [*table.notes, *legend_lines(table.symbols)]
    sheet.write_string(0, 0, table.title, bold)
    for i, note in enumerate(lines, start=1):
        sheet.write_string(i, 0, note)
    top = len(lines) + 2
    for col, cell in enumerate(table.cells):
        sheet.write_string(top, col, cell.label, bold)
        sheet.set_column(col, col, max(12, len(cell.label) + 2))
        rows = table.listed()["_row"]
        values = table.values[cell.key].gather(rows).to_list()
        markers = table.markers[cell.key].gather(rows).to_list()
        for row, (value, marker) in enumerate(zip(values, markers, strict=True), start=top + 1):
            if marker is not None:
                sheet.write_string(row, col, str(marker))
            elif value is None:
                sheet.write_blank(row, col, None)
            elif cell.format in NUMBER_FORMATS and not isinstance(cell, Text):
                sheet.write_number(row, col, float(value), formats[cell.format])
            else:
                sheet.write_string(row, col, value_text(value, cell, table.region_names))
