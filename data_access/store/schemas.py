"""Polars schemas of the frames the read API returns: the contract between store and indicators."""

from __future__ import annotations

from typing import Final

import polars as pl

# One registration (aanmelding or consult). region_code is the region on the chosen basis
# ("then": as organised at received_date; "today": re-assigned through municipality → ELZ →
# today's region, UNASSIGNED_REGION when that is impossible).
REGISTRATION: Final = pl.Schema(
    {
        "id": pl.Int64,
        "family_id": pl.String,
        "region_code": pl.String,
        "nis_code": pl.String,
        "kind": pl.String,
        "received_date": pl.Date,
        "first_contact_date": pl.Date,
        "closed_date": pl.Date,
        "referrer": pl.String,
        "request_nature": pl.String,
        "response_type": pl.String,
        "closure_reason": pl.String,
        "child_age": pl.Int16,
        "source_system": pl.String,
        "source_record_id": pl.String,
        "batch_id": pl.Int64,
    }
)

# Organisations involved in a registration.
REGISTRATION_PARTNER: Final = pl.Schema(
    {
        "registration_id": pl.Int64,
        "region_code": pl.String,
        "received_date": pl.Date,
        "partner_name": pl.String,
        "sector": pl.String,
    }
)

# Monthly counts from sources without rows. month is the first day of the month.
# measure: "intakes", "within_month", or "referrer_group:<GROUP>" (see codes.REFERRER_GROUPS).
AGGREGATE_REPORT: Final = pl.Schema(
    {
        "region_code": pl.String,
        "month": pl.Date,
        "measure": pl.String,
        "value": pl.Int64,
        "source_system": pl.String,
    }
)

# FTE by region, quarter and function. quarter is "YYYYQn"; quarter_start its first day.
STAFFING: Final = pl.Schema(
    {
        "region_code": pl.String,
        "quarter": pl.String,
        "quarter_start": pl.Date,
        "function": pl.String,
        "sector": pl.String,
        "fte": pl.Float64,
    }
)

VOLUME_AGREEMENT: Final = pl.Schema(
    {"region_code": pl.String, "year": pl.Int32, "party": pl.String, "agreed": pl.Int64}
)

REGION: Final = pl.Schema(
    {
        "region_code": pl.String,
        "region_name": pl.String,
        "active_from": pl.Date,
        "active_to": pl.Date,
        "name_basis": pl.String,
    }
)

# Inhabitants of a region's area on a reference date (the layout valid then).
# population_0_17 is null where no age breakdown exists (Brussels).
REGION_POPULATION: Final = pl.Schema(
    {
        "region_code": pl.String,
        "population_total": pl.Int64,
        "population_0_17": pl.Int64,
        "area_basis": pl.String,
    }
)
