"""Series: the figures kept month by month (or year by year) per data version, below the
boundary, each count with its perturbation; views sum and filter them for a selection.

A figure decorated with `per_month` is computed once per inputs (one data version) over
every month, for the selected regions, and each selection keeps its own months: a filter
change filters a few thousand region-months instead of recounting the registrations. Every
count in a series is a finest published cell (region × month × category) with its cell-key
perturbation (data_access.access.perturbation), so a period's figure is the sum of its
months' published cells and no window can be told apart from the months it is made of.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Hashable
from typing import Concatenate, ParamSpec

import polars as pl

from indicators._sources import region_months_with_rows
from reports.inputs import Inputs
from reports.selection import Selection

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
    month's registrations and monthly counts; its extra arguments must be hashable (they key
    the remembered result)."""
    PER_MONTH.append(compute)
    return _remembered(compute, lambda selection: selection.in_period("month"))


def per_year(
    compute: PerPeriod[P],
) -> Callable[Concatenate[Inputs, Selection, P], pl.DataFrame]:
    """Like per_month, for a figure per region_code and calendar `year`: computed once over
    every year, each selection keeps the years it overlaps."""
    PER_YEAR.append(compute)
    return _remembered(compute, lambda selection: pl.col("year").is_in(selection.years))


def _remembered(
    compute: PerPeriod[P], in_period: Callable[[Selection], pl.Expr]
) -> Callable[Concatenate[Inputs, Selection, P], pl.DataFrame]:
    def for_selection(
        inputs: Inputs, selection: Selection, /, *args: P.args, **kwargs: P.kwargs
    ) -> pl.DataFrame:
        # Each region's rows depend on that region's registrations alone (tests/reports/views/
        # test_per_period.py): a set of regions is read from every region's figure when that
        # is kept or wanted (Inputs.every_region), and is computed on its own otherwise (a
        # report on one region computes that region only).
        extra = (args, tuple(sorted(kwargs.items())))
        every: pl.DataFrame | None = inputs.kept((compute, (), *extra))
        if every is not None:
            return every.filter(selection.in_regions() & in_period(selection))
        computed = dataclasses.replace(selection, regions=()) if inputs.every_region else selection
        key: Hashable = (compute, tuple(sorted(set(computed.regions))), *extra)
        whole = inputs.remembered(
            key, lambda: compute(of_regions(inputs, computed), *args, **kwargs)
        )
        return whole.filter(selection.in_regions() & in_period(selection))

    functools.update_wrapper(for_selection, compute)
    return for_selection


def of_regions(inputs: Inputs, selection: Selection) -> Inputs:
    """The inputs with only the selected regions' registrations, links and monthly counts."""
    if not selection.regions:
        return inputs
    return dataclasses.replace(
        inputs,
        registrations=inputs.registrations.filter(selection.in_regions()),
        aggregates=inputs.aggregates.filter(selection.in_regions()),
        partners=inputs.partners.filter(selection.in_regions()),
    )


def months_with_rows(inputs: Inputs) -> pl.DataFrame:
    """region_code, month of every region-month with a registration row of any kind: read once
    per inputs (every view that tells a month without deliveries from a 0 needs it)."""
    return inputs.remembered(
        "months_with_rows",
        lambda: region_months_with_rows(inputs.registrations.lazy()).collect(),
    )


def all_aggregates(inputs: Inputs) -> pl.DataFrame:
    """Every monthly count the basis can use (none under today's regions: they carry no
    municipality, so they cannot be re-assigned)."""
    return inputs.aggregates.clear() if inputs.basis == "today" else inputs.aggregates


def months_without(inputs: Inputs, capability: str) -> pl.DataFrame:
    """region_code, month where no source delivering rows supports `capability` (its profile's
    `supports`), so the figure is "not available" there rather than zero. Profiles from
    MONITOR_PROFILE_DIR count exactly as the built-in ones."""
    from data_access.ingest.profiles import available_profiles
    from data_access.settings import get_settings

    profiles = available_profiles(get_settings().profile_directory)
    capable = [p.source_system for p in profiles.values() if capability in p.supports]
    # Few distinct sources per region-month: reduce first, then look at the source names.
    return (
        inputs.registrations.lazy()
        .select("region_code", "source_system", month=pl.col("received_date").dt.truncate("1mo"))
        .unique()
        .with_columns(_capable=pl.col("source_system").str.split(":").list.first().is_in(capable))
        .group_by("region_code", "month")
        .agg(pl.col("_capable").any())
        .filter(~pl.col("_capable"))
        .drop("_capable")
        .collect()
    )


def unknown_where_unsupported(
    monthly: pl.DataFrame, inputs: Inputs, capability: str, columns: list[str]
) -> pl.DataFrame:
    """Null `columns` (and their perturbations) of the region-months whose sources cannot
    supply `capability`: a figure a source does not register is unknown there, never zero."""
    from data_access.access.perturbation import noise_of

    blind = months_without(inputs, capability).with_columns(_blind=pl.lit(True))
    nulled = [c for c in columns] + [noise_of(c) for c in columns if noise_of(c) in monthly.columns]
    return (
        monthly.join(blind, on=["region_code", "month"], how="left")
        .with_columns(
            pl.when(pl.col("_blind")).then(None).otherwise(pl.col(c)).alias(c) for c in nulled
        )
        .drop("_blind")
    )
