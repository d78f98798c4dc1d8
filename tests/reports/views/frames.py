"""Hand-built Inputs for view tests: two regions (R1 'Regio Een', R2 'Regio Twee')."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Final

import polars as pl

from data_access.access.perturbation import RecordKeys
from data_access.store import schemas
from reports.inputs import Inputs
from tests import scopes

# The secret behind the record keys of hand-built inputs (load_inputs derives it from the
# pseudonym key).
KEYS: Final = RecordKeys.from_secret(b"view tests")


def keyed(inputs: Inputs, keys: RecordKeys = KEYS) -> Inputs:
    """`inputs` with the secret keys load_inputs gives them (data_access.access.reads
    .for_statistics, reports.inputs.load_inputs): record_key and family_key on the
    registrations, record, partner and sector keys on the partner links, a cell_key on the
    monthly counts. A hand-built registration without a source record number is keyed by its
    id, so every registration has its own key. Keys already there are kept."""
    registrations = inputs.registrations
    if "record_key" not in registrations.columns:
        record = pl.coalesce(pl.col("source_record_id"), pl.col("id").cast(pl.String))
        registrations = registrations.with_columns(
            record_key=keys.of("source_system", record),
            family_key=keys.of(pl.lit("family"), "family_id"),
        )
    partners = inputs.partners
    if "partner_key" not in partners.columns:
        record_keys = registrations.select(
            pl.col("id").alias("registration_id"), "record_key"
        ).unique("registration_id")
        partners = partners.join(record_keys, on="registration_id", how="left").with_columns(
            partner_key=keys.of(pl.lit("partner"), "partner_name"),
            sector_key=keys.of(pl.lit("sector"), pl.col("sector").fill_null("ONBEKEND")),
        )
    aggregates = inputs.aggregates
    if "cell_key" not in aggregates.columns:
        aggregates = aggregates.with_columns(
            cell_key=keys.of(
                pl.lit("aggregate"),
                "source_system",
                "region_code",
                pl.col("month").cast(pl.String),
                "measure",
            )
        )
    return dataclasses.replace(
        inputs, registrations=registrations, partners=partners, aggregates=aggregates, keys=keys
    )


def hand_inputs(
    registrations: pl.DataFrame,
    counts: list[tuple[str, date, str, int]] | None = None,
    *,
    today: date,
    basis: str = "then",
) -> Inputs:
    """Inputs of the given registrations and monthly counts (region, month, measure, value),
    keyed as load_inputs keys them."""
    aggregates = pl.DataFrame(
        [(*row, f"monthly_counts:{row[0]}") for row in counts or []],
        schema=schemas.AGGREGATE_REPORT,
        orient="row",
    )
    regions = pl.DataFrame(
        {
            "region_code": ["R1", "R2"],
            "region_name": ["Regio Een", "Regio Twee"],
            "active_from": [date(2018, 9, 1)] * 2,
            "active_to": [None, None],
            "name_basis": ["source"] * 2,
        },
        schema=schemas.REGION,
    )
    return keyed(
        Inputs(
            registrations=registrations,
            aggregates=aggregates,
            partners=pl.DataFrame(schema=schemas.REGISTRATION_PARTNER),
            staffing=pl.DataFrame(schema=schemas.STAFFING),
            agreements=pl.DataFrame(schema=schemas.VOLUME_AGREEMENT),
            regions=regions,
            populations=pl.DataFrame(
                schema={**schemas.REGION_POPULATION, "valid_from": pl.Date, "valid_to": pl.Date}
            ),
            network_reference=pl.DataFrame(),
            basis=basis,  # type: ignore[arg-type]
            today=today,
            data_version=1,
            scope=scopes.everything(),
        )
    )
