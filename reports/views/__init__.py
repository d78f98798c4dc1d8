"""Views: what a page, an export and `1g1p indicator` show for one indicator and selection."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Concatenate, ParamSpec

import plotly.graph_objects as go
import polars as pl

from indicators._sources import MONTHLY_COUNTS
from reports.inputs import Inputs
from reports.selection import Selection
from reports.tables import Table


@dataclass(frozen=True)
class View:
    """The main table (the indicator's CLI output), extra tables, figures and caveats."""

    table: Table
    figures: dict[str, go.Figure] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return self.table.is_empty


def selected(
    frame: pl.DataFrame, selection: Selection, date_column: str = "received_date"
) -> pl.DataFrame:
    """The rows in the selected period and regions."""
    return frame.filter(selection.in_period(date_column) & selection.in_regions())


def selected_aggregates(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Monthly counts in the selected period and regions (only on the 'then' basis: they carry
    no municipality, so they cannot be re-assigned to today's regions)."""
    return selected(all_aggregates(inputs), selection, "month")


P = ParamSpec("P")
PerPeriod = Callable[Concatenate[Inputs, P], pl.DataFrame]
# Every figure registered with per_month or per_year, for the tests that each is truly
# computed month by month (year by year) and region by region.
PER_MONTH: list[Callable[..., pl.DataFrame]] = []
PER_YEAR: list[Callable[..., pl.DataFrame]] = []


def per_month(
    compute: PerPeriod[P],
) -> Callable[Concatenate[Inputs, Selection, P], pl.DataFrame]:
    """Decorate a figure per region_code and month in which each month depends only on that
    month's registrations and monthly counts: it is computed once per inputs (one data version)
    over every month (for the selected regions), and each selection keeps its own months. A
    filter change then filters a few thousand region-months instead of recounting the
    registrations.

    compute(inputs, *args) reads `inputs.registrations` and `all_aggregates(inputs)`; its extra
    arguments must be hashable (they key the remembered result).
    """
    PER_MONTH.append(compute)
    return _remembered(compute, lambda selection: selection.in_period("month"))


def per_year(
    compute: PerPeriod[P],
) -> Callable[Concatenate[Inputs, Selection, P], pl.DataFrame]:
    """Like per_month, for a figure per region_code and calendar `year` (the yearly target's
    unit): computed once over every year, each selection keeps the years it overlaps."""
    PER_YEAR.append(compute)
    return _remembered(compute, lambda selection: pl.col("year").is_in(selection.years))


def _remembered(
    compute: PerPeriod[P], in_period: Callable[[Selection], pl.Expr]
) -> Callable[Concatenate[Inputs, Selection, P], pl.DataFrame]:
    @functools.wraps(compute)
    def for_selection(
        inputs: Inputs, selection: Selection, *args: P.args, **kwargs: P.kwargs
    ) -> pl.DataFrame:
        # Kept per set of regions too: a report on one region computes that region only.
        regions = tuple(sorted(set(selection.regions)))
        key: Hashable = (compute, regions, args, tuple(sorted(kwargs.items())))
        whole = inputs.remembered(
            key, lambda: compute(_of_regions(inputs, selection), *args, **kwargs)
        )
        return whole.filter(in_period(selection))

    return for_selection


def _of_regions(inputs: Inputs, selection: Selection) -> Inputs:
    """The inputs with only the selected regions' registrations and monthly counts."""
    if not selection.regions:
        return inputs
    return dataclasses.replace(
        inputs,
        registrations=inputs.registrations.filter(selection.in_regions()),
        aggregates=inputs.aggregates.filter(selection.in_regions()),
    )


def all_aggregates(inputs: Inputs) -> pl.DataFrame:
    """Every monthly count the basis can use (none under today's regions: they carry no
    municipality, so they cannot be re-assigned)."""
    return inputs.aggregates.clear() if inputs.basis == "today" else inputs.aggregates


def source_notes(frame: pl.DataFrame, inputs: Inputs, what: str) -> list[str]:
    """Say which regions' figures come from monthly counts, never hiding it."""
    if "source" not in frame.columns:
        return []
    from_counts = frame.filter(pl.col("source") != "rijen")["region_code"].unique().sort().to_list()
    if not from_counts:
        return []
    names = inputs.region_names()
    listed = ", ".join(names.get(c, c) for c in from_counts)
    return [
        f"{listed}: cijfers (deels) uit {MONTHLY_COUNTS} zonder dossiers; {what} niet "
        "beschikbaar voor die maanden."
    ]


def months_without(registrations: pl.DataFrame, capability: str) -> pl.DataFrame:
    """region_code, month where no source delivering rows supports `capability` (its profile's
    `supports`), so the figure is "not available" there rather than zero."""
    from data_access.ingest.profiles import available_profiles
    from data_access.settings import get_settings

    # Every profile the process can import with, the profile directory's as well as the
    # built-in ones: a figure of a source a beheerder added is shown exactly as a built-in's.
    profiles = available_profiles(get_settings().profile_directory).values()
    capable = [p.source_system for p in profiles if capability in p.supports]
    # Few distinct sources per region-month: reduce first, then look at the source names.
    return (
        registrations.lazy()
        .select("region_code", "source_system", month=pl.col("received_date").dt.truncate("1mo"))
        .unique()
        .with_columns(_capable=pl.col("source_system").str.split(":").list.first().is_in(capable))
        .group_by("region_code", "month")
        .agg(pl.col("_capable").any())
        .filter(~pl.col("_capable"))
        .drop("_capable")
        .collect()
    )


def disclosed(
    frame: pl.DataFrame,
    inputs: Inputs,
    *,
    counts: list[str],
    rates: dict[str, str] | None = None,
    derived: dict[str, str] | None = None,
    complement_by: tuple[tuple[str, ...], ...] = (),
) -> pl.DataFrame:
    """The frame under disclosure control for regions outside the reader's detail scope: use it
    for the table and the charts alike, so neither shows what the other hides."""
    if inputs.scope.detail_regions is None:
        return frame  # every region in detail: nothing to hide
    return inputs.disclosure.apply(
        frame,
        inputs.protected(),
        counts=counts,
        rates=rates,
        derived=derived,
        complement_by=complement_by,
    )


DISCLOSURE_NOTE = (
    "Buiten je eigen regio('s) tonen we kleine aantallen (1 tot 4) als '<5', geen percentage op "
    "minder dan 10 aanmeldingen ('n<10'), en verbergen we waar nodig een tweede cel ('x') zodat "
    "een verborgen aantal niet uit een totaal af te leiden is."
)


def disclosure_notes(inputs: Inputs) -> list[str]:
    """The disclosure note, for readers who see some regions only aggregated."""
    return [] if inputs.scope.detail_regions is None else [DISCLOSURE_NOTE]


def unknown_where_unsupported(
    monthly: pl.DataFrame, registrations: pl.DataFrame, capability: str, columns: list[str]
) -> pl.DataFrame:
    """Null `columns` of the region-months (region_code, month) whose sources cannot supply
    `capability`: a figure a source does not register is unknown there, never zero."""
    blind = months_without(registrations, capability).with_columns(_blind=pl.lit(True))
    return (
        monthly.join(blind, on=["region_code", "month"], how="left")
        .with_columns(
            pl.when(pl.col("_blind")).then(None).otherwise(pl.col(c)).alias(c) for c in columns
        )
        .drop("_blind")
    )


def basis_note(inputs: Inputs) -> str:
    """The basis statement every export carries."""
    label = "zoals toen georganiseerd" if inputs.basis == "then" else "huidige regio's"
    note = f"Regiobasis: {label}."
    if inputs.basis == "today":
        note += (
            " Registraties zonder gemeente staan onder 'Niet toe te wijzen'; maandtotalen "
            "zonder gemeente kunnen niet herverdeeld worden en tellen hier niet mee."
        )
    return note


def quality_notes(inputs: Inputs, region_codes: Iterable[str | None]) -> list[str]:
    """A caveat for each shown region whose data-quality passport is below the threshold."""
    from data_access.quality.results import DIMENSION_LABELS, DIMENSIONS
    from indicators.formatting import fmt_pct

    shown = {code for code in region_codes if code is not None}
    weak = inputs.passports.filter(
        pl.col("below_threshold") & pl.col("region_code").is_in(sorted(shown))
    )
    names = inputs.region_names()
    notes = []
    for row in weak.sort("region_code").iter_rows(named=True):
        scores = {d: row[d] for d in DIMENSIONS if row[d] is not None}
        weakest = min(scores, key=lambda d: scores[d])
        notes.append(
            f"Let op: de gegevenskwaliteit van {names.get(row['region_code'], row['region_code'])} "
            f"ligt onder de drempel ({DIMENSION_LABELS[weakest].lower()} "
            f"{fmt_pct(scores[weakest])}, drempel {fmt_pct(row['threshold'])}); zie "
            "Datakwaliteit."
        )
    return notes
