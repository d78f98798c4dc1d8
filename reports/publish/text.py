"""Published tables as people read them: nl-BE text under Dutch headers, CSV and XLSX files."""

from __future__ import annotations

import io
import threading
import weakref
from typing import Final

import polars as pl

from reports.publish.boundary import PublishedTable, explained
from reports.publish.cells import Flag, Text, value_text
from reports.safe_files import csv_cell, csv_comment, workbook

NUMBER_FORMATS: Final = {
    "int": "#,##0",
    "year": "0",
    "dec1": "#,##0.0",
    "dec2": "#,##0.00",
    "pct": "0.0%",
}


def display(table: PublishedTable) -> pl.DataFrame:
    """Every cell as shown, under the Dutch headers (what a page, a CSV and the PDF show).
    Worked out once per table: a kept published view (reports.service) is drawn again on
    every rerun of its page."""
    with _SHOWN_LOCK:
        shown = _SHOWN.get(table)
    if shown is None:
        shown = _display(table)
        with _SHOWN_LOCK:
            _SHOWN[table] = shown
    return shown


# A published table is immutable and hashed by identity; its entry goes with the table.
_SHOWN: weakref.WeakKeyDictionary[PublishedTable, pl.DataFrame] = weakref.WeakKeyDictionary()
_SHOWN_LOCK = threading.Lock()


def _display(table: PublishedTable) -> pl.DataFrame:
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


# Said once wherever figures of regions outside the reader's detail are published.
PERTURBED: Final = (
    "Cijfers van regio's buiten je eigen regio('s) zijn licht verstoord (cell-key-methode): "
    "elk aantal wijkt een klein beetje af, telkens op dezelfde manier, zodat geen kleine "
    "aantallen of personen herkenbaar worden. Je eigen regio's zijn exact."
)


def legend_lines(symbols: tuple[str, ...], *, perturbed: bool = False) -> list[str]:
    """The legend of the symbols used, one line each, after the perturbation statement when
    some figures are perturbed."""
    lines = [f"'{symbol}': {explained(symbol)}" for symbol in symbols]
    return [PERTURBED, *lines] if perturbed else lines


def legend_of(table: PublishedTable) -> list[str]:
    """The legend a published table carries in every export."""
    return legend_lines(table.symbols, perturbed=table.perturbed)


def to_csv(table: PublishedTable) -> bytes:
    """The table as shown, for Excel in Belgium: ';', decimal comma, a BOM, notes as '#' lines,
    text that a spreadsheet would run as a formula neutralised."""
    shown = display(table)
    safe = shown.with_columns(
        pl.col(c).map_elements(csv_cell, return_dtype=pl.String) for c in shown.columns
    )
    buffer = io.StringIO()
    safe.write_csv(buffer, separator=";")
    lines = [csv_comment(note) for note in (table.title, *table.notes, *legend_of(table))]
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
    lines = [*table.notes, *legend_of(table)]
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
            elif value is None or isinstance(cell, Flag):
                sheet.write_blank(row, col, None)
            elif cell.format in NUMBER_FORMATS and not isinstance(cell, Text):
                sheet.write_number(row, col, float(value), formats[cell.format])
            else:
                sheet.write_string(row, col, value_text(value, cell, table.region_names))
