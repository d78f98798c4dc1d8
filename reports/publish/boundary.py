"""The one publishing boundary: every figure that leaves the process is made here.

`publish` takes what a view asks to show and the reader's scope, and returns what may be
shown. Outside the reader's detail (and everywhere for publication) counts are published
with their cell-key perturbation and 1–4 are not shown ('<5'); every other figure is
computed again here from the published counts and hidden by the rules of its kind; charts
are drawn from the published tables only; lists of registrations keep the detail regions
only. The published types can be made nowhere else (a private token), and the one render
module accepts nothing else (docs/disclosure.md).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import polars as pl

from data_access.access.perturbation import noise_of
from data_access.access.scope import Scope
from indicators.formatting import MISSING as FORMATTED_MISSING
from reports.publish.cells import (
    Cell,
    Computed,
    Count,
    Difference,
    Flag,
    Histogram,
    Measure,
    PerUnit,
    Quantile,
    Rank,
    Rate,
    Share,
    Text,
    value_text,
)
from reports.publish.spec import (
    ChartSpec,
    MetricsSpec,
    Paragraph,
    Remark,
    TableSpec,
    Totals,
    View,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

# The symbols a published cell can carry instead of its value, with their Dutch legend. The
# first two follow the configured thresholds (Thresholds.small, .thin): these are the defaults.
SMALL: Final = "<5"
THIN: Final = "n<10"
WITH_HIDDEN: Final = "x"
# A cell without a value: never a hidden figure and never a zero.
MISSING: Final = FORMATTED_MISSING
# A mark on a row whose figures are not final yet (Flag cells declare where).
PROVISIONAL: Final = "voorlopig"
LEGEND: Final = {
    SMALL: "een aantal van 1 tot 4 buiten je eigen regio('s): niet getoond",
    THIN: "een percentage of gemiddelde op minder dan 10 buiten je eigen regio('s): niet getoond",
    WITH_HIDDEN: "afgeleid van een niet getoond aantal: niet getoond (ook een percentage)",
    MISSING: "geen cijfer: de bron leverde het niet aan of kent het niet, of er valt niets te "
    "berekenen (zoals een percentage zonder noemer); nooit 0 en nooit een verborgen cijfer",
    PROVISIONAL: "de termijn van één maand loopt nog voor een deel van de aanmeldingen van die "
    "periode: wie nog geen contact had telt als lopend, niet als laat, dus het percentage "
    "ligt nog te hoog; het telt niet mee in kerncijfers en vergelijkingen",
}
_SMALL_PATTERN: Final = re.compile(r"<(\d+)")
_THIN_PATTERN: Final = re.compile(r"n<(\d+)")


def explained(symbol: str) -> str:
    """The Dutch legend of a symbol, also of '<n' and 'n<n' under other thresholds."""
    if symbol in LEGEND:
        return LEGEND[symbol]
    if thin := _THIN_PATTERN.fullmatch(symbol):
        return LEGEND[THIN].replace("10", thin.group(1), 1)
    if small := _SMALL_PATTERN.fullmatch(symbol):
        return LEGEND[SMALL].replace("4", str(int(small.group(1)) - 1), 1)
    raise KeyError(symbol)


def _legend_order(symbol: str) -> int:
    """Where a symbol stands in a legend: small counts, thin bases, derived, missing, marks."""
    if _THIN_PATTERN.fullmatch(symbol):
        return 1
    if _SMALL_PATTERN.fullmatch(symbol):
        return 0
    return {WITH_HIDDEN: 2, MISSING: 3, PROVISIONAL: 4}.get(symbol, 5)


def in_legend_order(symbols: set[str]) -> tuple[str, ...]:
    """The symbols in the order a legend lists them."""
    return tuple(sorted(symbols, key=lambda s: (_legend_order(s), s)))


_TOKEN: Final = object()


class DisclosureError(RuntimeError):
    """A table asked to publish a count without its perturbation: a bug, never shown."""


@dataclass(frozen=True)
class Thresholds:
    """The configured minimum count and minimum denominator (MONITOR_MIN_COUNT, …)."""

    min_count: int = 5
    min_denominator: int = 10

    @property
    def small(self) -> str:
        """The symbol of a count from 1 to min_count − 1 not shown ('<5')."""
        return f"<{self.min_count}"

    @property
    def thin(self) -> str:
        """The symbol of a rate on fewer than min_denominator not shown ('n<10')."""
        return f"n<{self.min_denominator}"


@dataclass(frozen=True, eq=False)
class PublishedTable:
    """A table as it may be shown: values (hidden ones null), the symbol of each hidden or
    marked cell, the shown columns, title and notes."""

    values: pl.DataFrame
    markers: pl.DataFrame  # one String column per shown cell: its symbol, or null
    cells: tuple[Cell, ...]
    title: str
    notes: tuple[str, ...]
    region_names: dict[str, str]
    name: str
    rows_shown: int | None
    perturbed: bool  # some rows are outside the reader's detail: their counts are perturbed
    visible: str | None  # a boolean column: only its true rows are listed (all feed charts)
    inputs: tuple[Cell, ...]  # published but not listed: for charts, tiles and computations
    _token: object = field(repr=False)
    # The reader's own regions among the table's rows, which charts set apart from the others
    # (none for the trekkersgroep and the beheerder, who have no region of their own).
    highlight: frozenset[str] = frozenset()
    totals: frozenset[str] = frozenset()  # the region codes of the total rows (a Flemish line)
    # A list of records some of whose rows the reader's role may not see (left out): an empty
    # table then says so, not "no data".
    withheld: bool = False

    def __post_init__(self) -> None:
        if self._token is not _TOKEN:
            raise TypeError("A published table is made only by reports.publish.boundary.")

    @property
    def is_empty(self) -> bool:
        return self.listed().height == 0

    def listed(self) -> pl.DataFrame:
        """The numbers (`_row`) of the rows listed in the table: every row, unless some are
        there for charts and computations only (`visible`)."""
        return self._listed

    # Worked out once: a published table is kept and drawn again (reports.service) unchanged.
    @functools.cached_property
    def _listed(self) -> pl.DataFrame:
        rows = self.values.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"))
        if self.visible is None:
            return rows
        return rows.filter(self.values[self.visible].fill_null(False))

    def shown(self, column: str, row: int, *, signed: bool = False) -> str:
        """The text one cell shows: its symbol, or its value."""
        marker = self.markers[column][row]
        if marker is not None:
            return str(marker)
        cell = next(c for c in (*self.cells, *self.inputs) if c.key == column)
        return value_text(self.values[column][row], cell, self.region_names, signed=signed)

    @functools.cached_property
    def symbols(self) -> tuple[str, ...]:
        """The symbols this table shows instead of values (for its legend): disclosure
        symbols, '–' where a cell has no value, and the marks of its Flag cells."""
        rows = self.listed()["_row"]
        keys = [cell.key for cell in self.cells]
        markers = self.markers.select(pl.col(keys).gather(rows))
        shown = markers.select(pl.concat_list(pl.all()).explode().drop_nulls().unique())
        used = set(shown.to_series().to_list())
        # '–': a cell (not a flag) with neither a value nor a symbol. Whole frames at once:
        # a few steps per table rather than a few per column.
        plain = [cell.key for cell in self.cells if not isinstance(cell, Flag)]
        if plain and markers.height:
            no_value = self.values.select(pl.col(plain).gather(rows).is_null()).to_numpy()
            no_symbol = markers.select(pl.col(plain).is_null()).to_numpy()
            if (no_value & no_symbol).any():
                used.add(MISSING)
        return in_legend_order(used)


@dataclass(frozen=True, eq=False)
class PublishedChart:
    """A chart drawn from a published table, with that table."""

    figure: go.Figure
    table: PublishedTable
    title: str
    show_table: bool
    _token: object = field(repr=False)

    def __post_init__(self) -> None:
        if self._token is not _TOKEN:
            raise TypeError("A published chart is made only by reports.publish.boundary.")


@dataclass(frozen=True)
class Tile:
    """One published key figure: its value and changes as Dutch text."""

    label: str
    value: str
    changes: tuple[str | None, ...]  # one per comparison, None where it is unknown
    help: str
    higher_is_better: bool
    trend: tuple[float, ...]
    reference: str | None = None  # the same figure of the reference row ("Vlaanderen: 77,8%")


@dataclass(frozen=True, eq=False)
class PublishedMetrics:
    """Key figures as tiles, from a published table."""

    tiles: tuple[Tile, ...]
    table: PublishedTable
    _token: object = field(repr=False)

    def __post_init__(self) -> None:
        if self._token is not _TOKEN:
            raise TypeError("Published key figures are made only by reports.publish.boundary.")


PublishedBlock = PublishedTable | PublishedChart | PublishedMetrics | Paragraph


@dataclass(frozen=True)
class PublishedSection:
    """A published section: its blocks in order and its notes."""

    title: str
    blocks: tuple[PublishedBlock, ...]
    notes: tuple[str, ...]
    collapsed: bool


@dataclass(frozen=True, eq=False)
class PublishedView:
    """A view as it may be shown: ordered sections, notes, the legend of the symbols used."""

    title: str
    sections: tuple[PublishedSection, ...]
    notes: tuple[str, ...]
    main: PublishedTable | None
    _token: object = field(repr=False)

    def __post_init__(self) -> None:
        if self._token is not _TOKEN:
            raise TypeError("A published view is made only by reports.publish.boundary.")

    def tables(self) -> list[PublishedTable]:
        """Every published table of the view, in order, once."""
        out: list[PublishedTable] = []
        for section in self.sections:
            for block in section.blocks:
                table = (
                    block if isinstance(block, PublishedTable) else getattr(block, "table", None)
                )
                if table is not None and all(table is not t for t in out):
                    out.append(table)
        return out

    @functools.cached_property
    def symbols(self) -> tuple[str, ...]:
        """The disclosure symbols used anywhere in the view."""
        return in_legend_order({s for table in self.tables() for s in table.symbols})

    @property
    def perturbed(self) -> bool:
        """Whether any figure of the view is published under disclosure control."""
        return any(table.perturbed for table in self.tables())

    @property
    def is_empty(self) -> bool:
        return all(table.is_empty for table in self.tables())


# --- publishing --------------------------------------------------------------------------------


def publish(view: View, scope: Scope, thresholds: Thresholds) -> PublishedView:
    """The view as this scope may see it."""
    tables: dict[int, PublishedTable] = {}

    def table(spec: TableSpec) -> PublishedTable:
        if id(spec) not in tables:
            tables[id(spec)] = publish_table(spec, scope, thresholds)
        return tables[id(spec)]

    sections = []
    for section in view.sections:
        blocks: list[PublishedBlock] = []
        for block in section.blocks:
            if isinstance(block, TableSpec):
                blocks.append(table(block))
            elif isinstance(block, ChartSpec):
                published = table(block.table)
                figure = block.draw(published) if not published.is_empty else None
                if figure is not None:
                    blocks.append(
                        PublishedChart(figure, published, block.title, block.show_table, _TOKEN)
                    )
            elif isinstance(block, Remark):
                blocks.extend(
                    Paragraph(text, block.kind) for text in block.write(table(block.table))
                )
            elif isinstance(block, MetricsSpec):
                trend = table(block.trend_table) if block.trend_table is not None else None
                blocks.append(_metrics(block, table(block.table), trend))
            else:
                blocks.append(block)
        sections.append(
            PublishedSection(section.title, tuple(blocks), section.notes, section.collapsed)
        )
    main = table(view.main) if view.main is not None else None
    return PublishedView(view.title, tuple(sections), view.notes, main, _TOKEN)


def publish_table(spec: TableSpec, scope: Scope, thresholds: Thresholds) -> PublishedTable:
    """One table as this scope may see it."""
    cells = (*spec.cells, *spec.inputs)
    frame = spec.frame
    detail = scope.detail_regions
    has_region = spec.region in frame.columns
    if has_region and detail is not None:
        protected = ~pl.col(spec.region).is_in(sorted(detail))
    else:
        protected = pl.lit(detail is not None)
    frame = frame.with_columns(protected.fill_null(True).alias("_protected"), _total=pl.lit(False))
    withheld = False
    if spec.records:
        # A list of registrations: only the regions the reader sees in detail, ever.
        withheld = bool(frame["_protected"].any())
        frame = frame.filter(~pl.col("_protected"))
    frame = _counts(frame, cells, thresholds)
    if frame.height:
        rows = frame
        for totals in spec.totals:
            frame = _with_totals(frame, rows, cells, totals, thresholds, spec.visible)
    frame = _derived(frame, cells, thresholds)
    frame = _flagged(frame, cells)
    if spec.order:
        frame = frame.sort(
            [pl.when(_hidden(frame, c)).then(None).otherwise(pl.col(c)) for c, _ in spec.order],
            descending=[d for _, d in spec.order],
            nulls_last=True,
            maintain_order=True,
        )
    return _finished(frame, spec, _highlight(frame, spec, scope), withheld=withheld)


def _highlight(frame: pl.DataFrame, spec: TableSpec, scope: Scope) -> frozenset[str]:
    """The reader's detail regions that are rows of the table."""
    if spec.region not in frame.columns or not scope.detail_regions:
        return frozenset()
    present = set(frame[spec.region].drop_nulls().cast(pl.String).unique().to_list())
    return frozenset(scope.detail_regions & present)


def _counts(frame: pl.DataFrame, cells: Sequence[Cell], thresholds: Thresholds) -> pl.DataFrame:
    """Counts (and histograms) perturbed in protected rows; '<5' marks in protected rows."""
    protected = pl.col("_protected")
    changes: list[pl.Expr] = []
    for cell in cells:
        if not isinstance(cell, Count | Histogram):
            continue
        noise = noise_of(cell.key)
        if noise not in frame.columns:
            if frame.filter(pl.col("_protected") & pl.col(cell.key).is_not_null()).height:
                raise DisclosureError(f"count '{cell.key}' has no perturbation ('{noise}')")
            frame = frame.with_columns(
                pl.lit(None, pl.List(pl.Int64) if isinstance(cell, Histogram) else pl.Int64).alias(
                    noise
                )
            )
        if isinstance(cell, Histogram):
            published = (
                pl.when(protected & pl.col(noise).is_not_null())
                .then(pl.col(cell.key) + pl.col(noise))
                .otherwise(pl.col(cell.key))
            )
            changes.append(published.alias(cell.key))
            continue
        published = pl.when(protected).then(pl.col(cell.key) + pl.col(noise).fill_null(0))
        published = published.otherwise(pl.col(cell.key))
        small = protected & published.is_between(1, thresholds.min_count - 1)
        changes += [
            published.alias(cell.key),
            pl.when(small).then(pl.lit(thresholds.small)).otherwise(None).alias(_marker(cell.key)),
        ]
    return frame.with_columns(changes) if changes else frame


def _marker(column: str) -> str:
    return f"_m_{column}"


def _with_totals(
    frame: pl.DataFrame,
    rows: pl.DataFrame,
    cells: Sequence[Cell],
    totals: Totals,
    thresholds: Thresholds,
    visible: str | None,
) -> pl.DataFrame:
    """`frame` with total rows added, summed from the published `rows` (never from another
    total): counts and additive measures summed (the '<5' cells with their published value),
    protected when any row in them is. A total row is always listed."""
    summed = [
        c.key for c in cells if isinstance(c, Count) or (isinstance(c, Measure) and c.additive)
    ]
    if totals.over is not None:
        rows = rows.filter(pl.col(totals.over).fill_null(False))
    by = list(totals.by)
    grouped = rows.group_by(by, maintain_order=True) if by else None
    aggregations = [
        *(
            pl.when(pl.col(k).null_count() == 0 if k in totals.complete else pl.col(k).count() > 0)
            .then(pl.col(k).sum())
            .alias(k)
            for k in summed
        ),
        pl.col("_protected").any().alias("_protected"),
        # A total is marked (e.g. provisional) when any of its rows is.
        *(pl.col(c.key).any().alias(c.key) for c in cells if isinstance(c, Flag)),
        *(
            pl.when(pl.col(c).n_unique() == 1)
            .then(pl.col(c).first())
            .otherwise(pl.lit(totals.mixed))
            .alias(c)
            for c in totals.common
        ),
    ]
    added = grouped.agg(aggregations) if grouped is not None else rows.select(aggregations)
    added = added.with_columns(pl.lit(totals.label).alias(totals.label_column), _total=pl.lit(True))
    if visible is not None:
        added = added.with_columns(pl.lit(True).alias(visible))
    combined = pl.concat([added, frame] if totals.first else [frame, added], how="diagonal_relaxed")
    # The '<5' rule holds for a total like for any count (a total over one hidden region).
    small = [
        pl.when(pl.col("_total") & (pl.col(totals.label_column) == totals.label))
        .then(
            pl.when(pl.col("_protected") & pl.col(c.key).is_between(1, thresholds.min_count - 1))
            .then(pl.lit(thresholds.small))
            .otherwise(None)
        )
        .otherwise(pl.col(_marker(c.key)) if _marker(c.key) in combined.columns else None)
        .alias(_marker(c.key))
        for c in cells
        if isinstance(c, Count)
    ]
    return combined.with_columns(small)


def _hidden(frame: pl.DataFrame, column: str) -> pl.Expr:
    marker = _marker(column)
    return pl.col(marker).is_not_null() if marker in frame.columns else pl.lit(False)


@dataclass(frozen=True)
class _Figure:
    """A derived figure to set: its value, and when it is hidden ('x') or thin ('n<10')."""

    key: str
    value: pl.Expr
    thin: pl.Expr
    hidden: pl.Expr
    known_from: str | None = None


def _derived(frame: pl.DataFrame, cells: Sequence[Cell], thresholds: Thresholds) -> pl.DataFrame:
    """Every derived figure again from the published columns, with its hiding rule. Level by
    level, a figure after those it is computed from: the figures of one level are set in one
    step, and their markers in the next (one step per figure was a fifth of publishing)."""
    counts = {c.key for c in cells if isinstance(c, Count | Histogram)}
    for level in _levels(cells):
        figures = [_figure(frame, cell, counts, thresholds) for cell in level]
        frame = _set(thresholds, frame, [f for f in figures if f is not None])
        for cell in level:
            if isinstance(cell, Computed) and cell.compute is not None:
                # Computed from a frame, not an expression: the level's figures first.
                visible = frame.with_columns(
                    pl.when(_hidden(frame, c)).then(None).otherwise(pl.col(c)).alias(c)
                    for c in cell.from_columns
                )
                hidden = pl.any_horizontal(_hidden(frame, c) for c in cell.from_columns)
                computed = _Figure(cell.key, pl.lit(cell.compute(visible)), pl.lit(False), hidden)
                frame = _set(thresholds, frame, [computed])
    return frame


def _figure(
    frame: pl.DataFrame, cell: Cell, counts: set[str], thresholds: Thresholds
) -> _Figure | None:
    """The figure a derived cell sets (None for a count, a text or a Computed cell)."""
    protected = pl.col("_protected")
    if isinstance(cell, Rate):
        numerator = pl.sum_horizontal(cell.numerator)
        denominator = pl.sum_horizontal(cell.denominator)
        value = (
            pl.when(denominator > 0)
            .then(numerator.cast(pl.Float64) / denominator * cell.scale)
            .otherwise(None)
        )
        unknown = pl.any_horizontal(pl.col(c).is_null() for c in cell.inputs)
        thin_base = [c for c in cell.denominator if c in counts]
        thin = (
            protected & (pl.sum_horizontal(thin_base) < thresholds.min_denominator)
            if thin_base
            else pl.lit(False)
        )
        # Hidden when any count in it is: a rate beside its shown numerator gives the
        # denominator, and with it a hidden part of it (7 tijdig at 63,6 % → laat 4).
        hidden = pl.any_horizontal(_hidden(frame, c) for c in (*cell.numerator, *cell.denominator))
        return _Figure(cell.key, pl.when(unknown).then(None).otherwise(value), thin, hidden)
    if isinstance(cell, Share):
        within = list(cell.within) or ["_protected"]
        total = pl.col(cell.count).sum().over(within)
        value = pl.when(total > 0).then(pl.col(cell.count).cast(pl.Float64) / total)
        thin = protected & (total < thresholds.min_denominator)
        return _Figure(cell.key, value, thin, _hidden(frame, cell.count))
    if isinstance(cell, Difference):
        of, against = pl.col(cell.of), pl.col(cell.against)
        if cell.relative:
            value = pl.when(against > 0).then((of - against).cast(pl.Float64) / against)
            thin = (
                protected & (against < thresholds.min_denominator)
                if cell.against in counts
                else pl.lit(False)
            )
        else:
            value = (of - against).cast(pl.Float64) * cell.scale
            thin = pl.lit(False)
        hidden = _hidden(frame, cell.of) | _hidden(frame, cell.against)
        return _Figure(cell.key, value, thin, hidden)
    if isinstance(cell, PerUnit):
        unit = pl.col(cell.unit)
        value = pl.when(unit > 0).then(pl.col(cell.count).cast(pl.Float64) / unit * cell.per)
        return _Figure(cell.key, value, pl.lit(False), _hidden(frame, cell.count))
    if isinstance(cell, Rank):
        # Only shown figures of regions are ranked: a total row or a hidden figure is not.
        shown = pl.col(cell.of).is_not_null() & ~_hidden(frame, cell.of) & ~pl.col("_total")
        ranked = pl.when(shown).then(pl.col(cell.of)).otherwise(None)
        ranked = ranked.rank("min", descending=cell.descending)
        value = (ranked.over(list(cell.within)) if cell.within else ranked).cast(pl.Int64)
        return _Figure(cell.key, value, pl.lit(False), _hidden(frame, cell.of), cell.of)
    if isinstance(cell, Quantile):
        from_histogram = pl.col(cell.histogram).map_elements(
            functools.partial(_quantile, q=cell.q), return_dtype=pl.Float64
        )
        n = pl.col(cell.histogram).list.sum()
        value = pl.when(protected).then(from_histogram).otherwise(pl.col(cell.key))
        thin = protected & (n < thresholds.min_denominator)
        return _Figure(cell.key, value, thin, pl.lit(False))
    return None


def _flagged(frame: pl.DataFrame, cells: Sequence[Cell]) -> pl.DataFrame:
    """The mark of each Flag cell where its column is true (its value stays, for charts)."""
    flags = [c for c in cells if isinstance(c, Flag)]
    if not flags:
        return frame
    return frame.with_columns(
        pl.when(pl.col(c.key).fill_null(False)).then(pl.lit(c.symbol)).alias(_marker(c.key))
        for c in flags
    )


def _levels(cells: Sequence[Cell]) -> list[list[Cell]]:
    """The cells by level: a cell computed from no derived cell first, then each cell one
    level after the highest of the derived cells it is computed from."""
    derived = {c.key: c for c in cells if c.inputs}
    level: dict[str, int] = {}

    def of(cell: Cell) -> int:
        if cell.key not in level:
            level[cell.key] = -1  # a cycle would be a spec error; it must not recurse forever
            sources = [of(derived[s]) for s in cell.inputs if s in derived]
            level[cell.key] = 1 + max(sources, default=-1)
        return level[cell.key]

    levels: list[list[Cell]] = []
    for cell in cells:
        at = of(cell)
        while len(levels) <= at:
            levels.append([])
        levels[at].append(cell)
    return levels


def _set(thresholds: Thresholds, frame: pl.DataFrame, figures: list[_Figure]) -> pl.DataFrame:
    """Set derived columns, then their markers: 'x' when a figure stems from a hidden count,
    'n<10' when its base is too small; only where there is a value to hide (`known_from`:
    the column whose value decides that, default the derived one itself)."""
    if not figures:
        return frame
    frame = frame.with_columns(f.value.alias(f.key) for f in figures)
    return frame.with_columns(
        pl.when(f.hidden.fill_null(False) & pl.col(f.known_from or f.key).is_not_null())
        .then(pl.lit(WITH_HIDDEN))
        .when(f.thin.fill_null(False) & pl.col(f.known_from or f.key).is_not_null())
        .then(pl.lit(thresholds.thin))
        .otherwise(None)
        .alias(_marker(f.key))
        for f in figures
    )


def _quantile(histogram: Sequence[int] | None, q: float) -> float | None:
    """The q-quantile of the values 0, 1, 2, … counted by `histogram`, interpolated linearly
    between order statistics as a spreadsheet's PERCENTILE (and polars' median) does."""
    if histogram is None:
        return None
    counts = [max(0, int(c)) for c in histogram]
    n = sum(counts)
    if n == 0:
        return None
    position = q * (n - 1)
    low, high = math.floor(position), math.ceil(position)

    def value_at(rank: int) -> int:
        seen = 0
        for value, count in enumerate(counts):
            seen += count
            if rank < seen:
                return value
        return len(counts) - 1

    lower, upper = value_at(low), value_at(high)
    return lower + (upper - lower) * (position - low)


def _finished(
    frame: pl.DataFrame,
    spec: TableSpec,
    highlight: frozenset[str] = frozenset(),
    *,
    withheld: bool = False,
) -> PublishedTable:
    """Hidden values nulled; the values and markers of the shown cells and of the inputs
    (charts may draw from an input such as a period's first day; it passed the same rules)."""
    kept = [*spec.cells, *(c for c in spec.inputs if c.key in frame.columns)]
    if spec.visible is not None and all(c.key != spec.visible for c in kept):
        kept.append(Text(spec.visible, "Getoond", "bool"))
    values = frame.select(
        pl.col(c.key)
        if isinstance(c, Flag)
        else pl.when(_hidden(frame, c.key)).then(None).otherwise(pl.col(c.key)).alias(c.key)
        for c in kept
    )
    # With a real column among them, the literal (marker-less) columns take the frame's length.
    markers = frame.select(
        pl.col("_protected"),
        *(
            (pl.col(_marker(c.key)) if _marker(c.key) in frame.columns else pl.lit(None))
            .cast(pl.String)
            .alias(c.key)
            for c in kept
        ),
    ).drop("_protected")
    name = spec.name or _slug(spec.title)
    return PublishedTable(
        values,
        markers,
        spec.cells,
        spec.title,
        spec.notes,
        spec.region_names,
        name,
        spec.rows_shown,
        bool(frame["_protected"].any()) if frame.height else False,
        spec.visible,
        tuple(kept[len(spec.cells) :]),
        _TOKEN,
        highlight,
        frozenset(t.label for t in spec.totals),
        withheld,
    )


def _slug(title: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "tabel"


def _metrics(
    spec: MetricsSpec,
    table: PublishedTable,
    trend_table: PublishedTable | None,
) -> PublishedMetrics:
    """The tiles of one row of a published table (the total row of the overview)."""
    indexed = table.values.with_row_index("_i")
    rows = indexed.filter(pl.col(spec.row_column) == spec.row_value)
    reference = indexed.filter(pl.col(spec.row_column).eq_missing(spec.reference_value))
    tiles = []
    for metric in spec.metrics:
        value: str = "–"
        changes: tuple[str | None, ...] = tuple(None for _ in metric.changes)
        if not rows.is_empty():
            index = int(rows["_i"][0])
            value = table.shown(metric.column, index)
            known = table.values[metric.column][index] is not None
            changes = tuple(
                f"{table.shown(column, index, signed=True)} t.o.v. {wording}"
                if known and table.values[column][index] is not None
                else None
                for wording, column in metric.changes
            )
        trend: tuple[float, ...] = ()
        if trend_table is not None and metric.trend is not None:
            totals = trend_table.values.filter(pl.col(spec.row_column) == spec.row_value)
            trend = tuple(float(v) for v in totals[metric.trend].to_list() if v is not None)
        against = None
        if not reference.is_empty():
            against = (
                f"{spec.reference_label}: {table.shown(metric.column, int(reference['_i'][0]))}"
            )
        tiles.append(
            Tile(metric.label, value, changes, metric.help, metric.higher_is_better, trend, against)
        )
    return PublishedMetrics(tuple(tiles), table, _TOKEN)
