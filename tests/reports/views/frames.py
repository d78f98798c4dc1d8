"""Hand-built Inputs for view tests: two regions (R1 'Regio Een', R2 'Regio Twee')."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, Final

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


def registrations(*rows: dict[str, Any]) -> pl.DataFrame:
    """Aanmeldingen of R1 (unless a row says otherwise) with file numbers DOS-001, …"""
    filled = [
        {
            "id": index,
            "kind": "aanmelding",
            "region_code": "R1",
            "source_system": f"uniform:{row.get('region_code', 'R1')}",
            "source_record_id": f"DOS-{index:03d}",
            **row,
        }
        for index, row in enumerate(rows, start=1)
    ]
    return pl.DataFrame(
        {name: [row.get(name) for row in filled] for name in schemas.REGISTRATION},
        schema=schemas.REGISTRATION,
    )


# The day the running month of autumn_2026 is looked at: November's window is still open.
AUTUMN_TODAY: Final = date(2026, 12, 6)


def autumn_2026(region: str = "R1") -> list[dict[str, Any]]:
    """A closed October 2026 (8 tijdig, 2 laat: 80 %) and the running November as on
    6 December: 42 picked up within days, 1 after its deadline, 40 still without contact
    (97,7 % of the assessable ones, as Konekti showed)."""
    october = [
        {"received_date": date(2026, 10, 5), "first_contact_date": date(2026, 10, 8)}
    ] * 8 + [{"received_date": date(2026, 10, 5), "first_contact_date": date(2026, 11, 20)}] * 2
    november = (
        [{"received_date": date(2026, 11, 10), "first_contact_date": date(2026, 11, 12)}] * 42
        + [{"received_date": date(2026, 11, 2), "first_contact_date": date(2026, 12, 4)}]
        + [{"received_date": date(2026, 11, 20)}] * 40
    )
    return [{**row, "region_code": region} for row in (*october, *november)]
