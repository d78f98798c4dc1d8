"""What a view asks to publish: tables with their cells, charts drawn from a table, key
figures, text; in ordered sections. Nothing here is shown until the boundary publishes it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import polars as pl

from reports.publish.cells import Cell

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from reports.publish.boundary import PublishedTable


@dataclass(frozen=True)
class Totals:
    """Total rows the boundary adds from the published rows: per group of `by` (every row
    when empty), labelled `label` in column `label_column`, first or last. `over`: a boolean
    column limiting the rows summed (the selected regions, beside a Flemish total of all)."""

    label: str
    label_column: str = "region_code"
    by: tuple[str, ...] = ()
    first: bool = True
    # Columns whose total is unknown unless every row's value is known (a like-for-like total).
    complete: tuple[str, ...] = ()
    # Text columns the total row takes when every row agrees, else `mixed` (e.g. the source).
    common: tuple[str, ...] = ()
    mixed: str = "gemengd"
    over: str | None = None


@dataclass(frozen=True, eq=False)
class TableSpec:
    """A frame with what each shown column is (`cells`) and the columns computed with them but
    not shown (`inputs`). `records`: one row per registration (a list, never aggregated), which
    only regions in the reader's detail may see."""

    frame: pl.DataFrame
    cells: tuple[Cell, ...]
    title: str
    notes: tuple[str, ...] = ()
    region_names: dict[str, str] = field(default_factory=dict)
    inputs: tuple[Cell, ...] = ()
    totals: tuple[Totals, ...] = ()  # added in this order, each from the published rows
    records: bool = False
    region: str = "region_code"
    name: str = ""  # the table's stable name in files and exports (default: from the title)
    rows_shown: int | None = None  # rows on screen at once, more get pages (None: ui default)
    # A boolean column: rows where it is false take part in computations (a Flemish value
    # over every region) and may feed charts, but are not listed.
    visible: str | None = None
    # The row order once published: (column, descending) pairs, nulls last (e.g. by a rate).
    order: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, eq=False)
class ChartSpec:
    """A chart drawn by `draw` from the published `table` only, so it shows no more than the
    table does (None: nothing to draw). The table is within reach of the chart
    (accessibility)."""

    table: TableSpec
    draw: Callable[[PublishedTable], go.Figure | None]
    title: str
    show_table: bool = True  # the table shown below the chart (else in the chart's expander)


@dataclass(frozen=True)
class Metric:
    """One key figure as a tile: a published table's `column` in the row where `row_column`
    equals `row_value`, with changes from `changes` columns (label, column) of that row."""

    label: str
    column: str
    help: str = ""
    changes: tuple[tuple[str, str], ...] = ()  # (wording, difference column)
    higher_is_better: bool = False
    trend: str | None = None  # a column of `trend_table` with the period's values


@dataclass(frozen=True, eq=False)
class MetricsSpec:
    """Key figures of one row of a published table, as tiles."""

    table: TableSpec
    metrics: tuple[Metric, ...]
    row_column: str = "region_code"
    row_value: str = ""
    trend_table: TableSpec | None = None
    # The row each tile is set against (Flanders beside the own region), named in its tile.
    reference_value: str | None = None
    reference_label: str = ""


@dataclass(frozen=True, eq=False)
class Remark:
    """Text written from a published table (a Flemish value, the regions outside a limit), so
    it says nothing the table does not."""

    table: TableSpec
    write: Callable[[PublishedTable], Sequence[str]]
    kind: Literal["caption", "text", "info", "warning"] = "caption"


@dataclass(frozen=True)
class Paragraph:
    """Text of the view itself: a caption, an explanation, a key message."""

    text: str
    kind: Literal["caption", "text", "info", "warning"] = "caption"


Block = TableSpec | ChartSpec | MetricsSpec | Paragraph | Remark


@dataclass(frozen=True)
class Section:
    """A titled part of a view: its blocks in order, and notes that hold for all of them."""

    title: str
    blocks: tuple[Block, ...]
    notes: tuple[str, ...] = ()
    collapsed: bool = False  # drawn only when opened, below the fold


@dataclass(frozen=True)
class View:
    """What one indicator shows for one selection: ordered sections, and the notes of the
    whole view (basis, sources, quality caveats)."""

    title: str
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()
    main: TableSpec | None = None  # the table `1g1p indicator` writes

    def tables(self) -> Sequence[TableSpec]:
        """Every table of the view, in order (charts' tables included once)."""
        seen: list[TableSpec] = []
        for section in self.sections:
            for block in section.blocks:
                table = block if isinstance(block, TableSpec) else getattr(block, "table", None)
                if table is not None and all(table is not t for t in seen):
                    seen.append(table)
        return seen
