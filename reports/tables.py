"""Tables as shown: Dutch headers, nl-BE numbers, and CSV/XLSX exports of exactly that."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import polars as pl
import xlsxwriter

from data_access.access.disclosure import marker
from indicators.formatting import MISSING, fmt_dec, fmt_int, fmt_pct, month_label, quarter_label
from reports.safe_files import csv_cell, csv_comment, workbook

Kind = Literal["text", "int", "dec1", "dec2", "pct", "date", "month", "quarter", "period", "region"]


@dataclass(frozen=True)
class Column:
    """One shown column: the frame column, its Dutch header and how to show its values."""

    key: str
    label: str
    kind: Kind = "text"
    codes: dict[str, str] | None = None  # code → Dutch label, for code-list columns


@dataclass(frozen=True)
class Table:
    """A frame with its presentation; `notes` travel with it into every export."""

    frame: pl.DataFrame
    columns: tuple[Column, ...]
    title: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    region_names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A table outlives its inputs (a download button keeps it until the session ends), and
        # a text column cut from the registrations still points at the whole column's buffers
        # (hundreds of MB at 1M registrations): the table keeps its own copy of its text.
        object.__setattr__(self, "frame", _own_text(self.frame))

    @property
    def is_empty(self) -> bool:
        return self.frame.is_empty()

    def display(self) -> pl.DataFrame:
        """All values as nl-BE text under Dutch headers: what the page shows. A cell hidden by
        disclosure control shows why ('<5', 'n<10', 'x')."""
        out = {c.label: self._shown(c) for c in self.columns}
        return pl.DataFrame(out, schema=dict.fromkeys(out, pl.String))

    def _shown(self, column: Column) -> list[str]:
        values = [
            column.codes.get(str(v), str(v))
            if column.codes and v is not None
            else _fmt(v, column.kind, self.region_names)
            for v in self.frame[column.key].to_list()
        ]
        hidden = marker(column.key)
        if hidden not in self.frame.columns:
            return values
        return [
            m if m is not None else v
            for v, m in zip(values, self.frame[hidden].to_list(), strict=True)
        ]

    def to_csv(self) -> bytes:
        """The shown table as CSV for Excel in Belgium: ';' separator, decimal comma, BOM; no
        text cell can start a formula (reports.safe_files)."""
        shown = self.display()
        safe = pl.DataFrame(
            [
                pl.Series(csv_cell(name), [csv_cell(v) for v in shown[name].to_list()], pl.String)
                for name in shown.columns
            ]
        )
        buffer = io.StringIO()
        safe.write_csv(buffer, separator=";")
        lines = [csv_comment(note) for note in (self.title, *self.notes)]
        return ("\ufeff" + "\n".join(lines) + "\n" + buffer.getvalue()).encode("utf-8")

    def to_xlsx(self) -> bytes:
        """The shown table as XLSX, numbers kept numeric with a Dutch number format."""
        buffer = io.BytesIO()
        book = workbook(buffer)
        write_sheet(book, self, "Tabel")
        book.close()
        return buffer.getvalue()


NUMBER_FORMATS = {"int": "#,##0", "dec1": "#,##0.0", "dec2": "#,##0.00", "pct": "0.0%"}


def write_sheet(book: xlsxwriter.Workbook, table: Table, name: str) -> None:
    """Write `table` (title, notes, header, values) on a new sheet of `book`."""
    sheet = book.add_worksheet(name[:31])
    bold = book.add_format({"bold": True})
    formats = {k: book.add_format({"num_format": f}) for k, f in NUMBER_FORMATS.items()}
    # Text goes in with write_string: a string, never a formula or link, in any workbook.
    sheet.write_string(0, 0, table.title, bold)
    for i, note in enumerate(table.notes, start=1):
        sheet.write_string(i, 0, note)
    top = len(table.notes) + 2
    for col, column in enumerate(table.columns):
        sheet.write_string(top, col, column.label, bold)
        sheet.set_column(col, col, max(12, len(column.label) + 2))
        hidden = (
            table.frame[marker(column.key)].to_list()
            if marker(column.key) in table.frame.columns
            else [None] * table.frame.height
        )
        for row, (value, why) in enumerate(
            zip(table.frame[column.key].to_list(), hidden, strict=True), start=top + 1
        ):
            if why is not None:
                sheet.write_string(row, col, why)
            elif value is None:
                sheet.write_blank(row, col, None)
            elif column.kind in NUMBER_FORMATS:
                sheet.write_number(row, col, float(value), formats[column.kind])
            else:
                sheet.write_string(row, col, _fmt(value, column.kind, table.region_names))


def _fmt(value: object, kind: Kind, names: dict[str, str]) -> str:
    if value is None:
        return MISSING
    if kind == "int":
        return fmt_int(value)  # type: ignore[arg-type]
    if kind == "dec1":
        return fmt_dec(value, 1)  # type: ignore[arg-type]
    if kind == "dec2":
        return fmt_dec(value, 2)  # type: ignore[arg-type]
    if kind == "pct":
        return fmt_pct(value)  # type: ignore[arg-type]
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind == "month" and isinstance(value, date):
        return month_label(value)
    if kind == "quarter":
        return quarter_label(str(value))
    if kind == "period":
        from indicators.formatting import period_label

        return period_label(str(value))
    if kind == "region":
        return names.get(str(value), str(value))
    return str(value)


def _own_text(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its text columns copied into buffers of their own (Arrow's export copies
    polars' string views into one contiguous buffer)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(pl.Series(name, frame[name].to_arrow(), pl.String) for name in text)
