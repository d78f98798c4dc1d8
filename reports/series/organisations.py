"""Betrokken organisaties kept per region and month: involvements per sector and registrations
that involve two sectors together; distinct organisations per fixed period."""

from __future__ import annotations

import polars as pl

from data_access.access.perturbation import counted, distinct_counts, noise_of
from indicators.periods import Granularity, period_columns, truncate_to_month
from reports.inputs import Inputs
from reports.selection import Selection
from reports.series import per_month

UNKNOWN_SECTOR = "ONBEKEND"


def _links(inputs: Inputs) -> pl.LazyFrame:
    return inputs.partners.lazy().with_columns(
        month=truncate_to_month("received_date"),
        sector=pl.col("sector").fill_null(UNKNOWN_SECTOR),
    )


@per_month
def monthly_involvements(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, sector, involvements (partner links of registrations received in
    the month) with perturbation."""
    return _involvements(inputs)


def _involvements(inputs: Inputs) -> pl.DataFrame:
    at = ["region_code", "month", "sector"]
    return inputs.remembered(
        "involvements",
        lambda: (
            _links(inputs)
            .group_by(at)
            .agg(*counted("involvements", keys=inputs.cell_keys, at=at))
            .collect()
        ),
    )


@per_month
def monthly_collaboration(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, sector, other_sector, registrations with perturbation: the
    registrations received in the month that involve both sectors (sector ≤ other_sector;
    sector = other_sector: those that involve that sector at all)."""
    per_registration = (
        _links(inputs)
        .select("region_code", "month", "registration_id", "record_key", "sector")
        .unique()
    )
    pairs = per_registration.join(
        per_registration.select("registration_id", pl.col("sector").alias("other_sector")),
        on="registration_id",
    ).filter(pl.col("sector") <= pl.col("other_sector"))
    at = ["region_code", "month", "sector", "other_sector"]
    return (
        pairs.group_by(at)
        .agg(*counted("registrations", keys=inputs.cell_keys, at=at, measure="collaboration"))
        .collect()
    )


def distinct_organisations(
    inputs: Inputs, start: pl.Expr, granularity: Granularity, by_sector: bool = False
) -> pl.DataFrame:
    """Per region and period (of the links received where `start` holds): organisations
    (distinct partners), sectors (distinct sectors) and registrations with partners, each with
    its perturbation, and involvements (the sum of the monthly cells); per sector too when
    `by_sector`. Distinct counts do not add up over months: each takes its key from the set it
    counts, so the same organisations give the same perturbation in any period."""
    links = _links(inputs).filter(start).with_columns(*period_columns("received_date", granularity))
    keys = ["region_code", "period", "period_start", *(["sector"] if by_sector else [])]
    organisations, sectors, registrations = (
        distinct_counts(links, keys, name, unit, key)
        for name, unit, key in (
            ("organisations", "partner_name", "partner_key"),
            ("sectors", "sector", "sector_key"),
            ("registrations", "registration_id", "record_key"),
        )
    )
    distinct = organisations.join(sectors, on=keys, nulls_equal=True).join(
        registrations, on=keys, nulls_equal=True
    )
    months = links.select("region_code", "month").unique().collect()
    involvements = (
        _involvements(inputs)
        .join(months, on=["region_code", "month"], how="semi")
        .with_columns(*period_columns("month", granularity))
        .group_by(keys)
        .agg(pl.col("involvements").sum(), pl.col(noise_of("involvements")).sum())
    )
    return distinct.collect().join(involvements, on=keys, how="left", nulls_equal=True).sort(keys)


def organisations_per_period(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """distinct_organisations per region and month or quarter of the selection. A selection is
    made of whole periods, and the distinct count of a whole period does not depend on the
    other periods chosen: the counts are made once over every region and period of the
    history, and each selection reads its own from them."""
    whole = inputs.remembered(
        ("organisations_per_period", selection.granularity),
        lambda: distinct_organisations(inputs, pl.lit(True), selection.granularity),
    )
    return whole.filter(selection.in_period("period_start") & selection.in_regions())


def organisations_per_sector(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """distinct_organisations per region and sector over the whole calendar years the selection
    overlaps: made once per set of years over every region, each selection's regions read
    from it."""
    years = tuple(selection.years)
    whole = inputs.remembered(
        ("organisations_per_sector", years),
        lambda: distinct_organisations(
            inputs, pl.col("received_date").dt.year().is_in(years), "all", by_sector=True
        ),
    )
    return whole.filter(selection.in_regions())
