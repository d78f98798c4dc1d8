"""Hand-built Inputs for view tests: two regions (R1 'Regio Een', R2 'Regio Twee')."""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.store import schemas
from reports.inputs import Inputs
from tests import scopes


def hand_inputs(
    registrations: pl.DataFrame,
    counts: list[tuple[str, date, str, int]] | None = None,
    *,
    today: date,
    basis: str = "then",
) -> Inputs:
    """Inputs of the given registrations and monthly counts (region, month, measure, value)."""
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
    return Inputs(
        registrations=registrations,
        aggregates=aggregates,
        partners=pl.DataFrame(schema=schemas.REGISTRATION_PARTNER),
        staffing=pl.DataFrame(schema=schemas.STAFFING),
        agreements=pl.DataFrame(schema=schemas.VOLUME_AGREEMENT),
        regions=regions,
        populations=pl.DataFrame(),
        network_reference=pl.DataFrame(),
        basis=basis,  # type: ignore[arg-type]
        today=today,
        data_version=1,
        scope=scopes.everything(),
    )
