"""Aanmeldingen kept per region and month: intakes and consults with their perturbations, the
population of the month's layout, and the nature of the requests."""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.access.perturbation import consistent_with, counted, noise_of, perturbed
from indicators._sources import CONSULT, INTAKE, MONTHLY_COUNTS, ROWS, intakes_only
from indicators.periods import month_end, month_start, truncate_to_month
from reports.inputs import Inputs
from reports.series import all_aggregates, per_month, unknown_where_unsupported

_KEYS = ["region_code", "month"]
INTAKE_COLUMNS = [
    "region_code",
    "month",
    "intakes",
    noise_of("intakes"),
    "consults",
    noise_of("consults"),
    "source",
]


def intake_cells(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, intakes, consults (with perturbations), source: the months with
    rows count their registrations; the others take a source's monthly count of intakes
    (consults unknown). A region-month with neither is absent: no zero is invented."""
    keys = inputs.cell_keys
    rows = inputs.registrations.lazy().filter(pl.col("received_date").is_not_null())
    from_rows = (
        rows.with_columns(month=truncate_to_month("received_date"))
        .group_by(_KEYS)
        .agg(
            *counted("intakes", pl.col("kind") == INTAKE, keys=keys, at=_KEYS),
            *counted("consults", pl.col("kind") == CONSULT, keys=keys, at=_KEYS),
        )
        .with_columns(source=pl.lit(ROWS))
        .collect()
    )
    # The month's intakes are the same cell whichever source counted them.
    from_counts = perturbed(
        all_aggregates(inputs)
        .filter(pl.col("measure") == "intakes")
        .group_by(_KEYS)
        .agg(pl.col("value").sum().cast(pl.Int64).alias("intakes"))
        .join(from_rows.select(_KEYS), on=_KEYS, how="anti"),
        "intakes",
        keys=keys,
        at=_KEYS,
    ).with_columns(
        pl.lit(None, pl.Int64).alias("consults"),
        pl.lit(None, pl.Int64).alias(noise_of("consults")),
        source=pl.lit(MONTHLY_COUNTS),
    )
    return pl.concat([from_rows.select(INTAKE_COLUMNS), from_counts.select(INTAKE_COLUMNS)])


@per_month
def monthly_intakes(inputs: Inputs) -> pl.DataFrame:
    """intake_cells with population_0_17 of the layout valid at each month's start; consults
    unknown (null) where the source registers none."""
    monthly = intake_cells(inputs)
    if monthly.is_empty():
        return monthly.with_columns(population_0_17=pl.lit(None, pl.Int64))
    first, last = monthly["month"].min(), monthly["month"].max()
    assert isinstance(first, date) and isinstance(last, date)
    # Cut where a population layout starts, so each month takes the population valid at its
    # own start, whatever other months the data holds.
    cuts = sorted({d for d in inputs.populations["valid_from"].to_list() if first < d <= last})
    starts = [month_start(first), *cuts]
    ends = [*(date.fromordinal(d.toordinal() - 1) for d in cuts), month_end(last)]
    parts = [
        monthly.filter(pl.col("month").is_between(start, end)).join(
            inputs.population_on(start).select("region_code", "population_0_17"),
            on="region_code",
            how="left",
        )
        for start, end in zip(starts, ends, strict=True)
    ]
    return unknown_where_unsupported(
        pl.concat(parts).sort("region_code", "month"), inputs, "consults", ["consults"]
    )


@per_month
def monthly_natures(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, request_nature ("ONBEKEND" when missing), intakes (with
    perturbation), rows only: the parts add up to the month's published intakes."""
    keys = inputs.cell_keys
    rows = intakes_only(inputs.registrations.lazy()).with_columns(
        month=truncate_to_month("received_date"),
        request_nature=pl.col("request_nature").fill_null("ONBEKEND"),
    )
    at = [*_KEYS, "request_nature"]
    parts = (
        rows.group_by(at)
        .agg(*counted("intakes", keys=keys, at=at))
        .with_columns(cell_key=keys.cell("intakes", at))
        .collect()
    )
    totals = rows.group_by(_KEYS).agg(*counted("intakes", keys=keys, at=_KEYS)).collect()
    return consistent_with(parts, totals, by=_KEYS, count="intakes").drop("cell_key")
