"""What the control costs the reader, measured on the demo store and written down
(test-artifacts/disclosure-costs.json; docs/disclosure.md, "What it costs")."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from reports.selection import Selection
from tests.disclosure.conftest import ROOT, World

COSTS = ROOT / "test-artifacts" / "disclosure-costs.json"


def _costs(world: World, name: str, table: str, column: str, selection: Selection) -> dict:
    published = next(
        t for t in world.published("trekkersgroep", name, selection).tables() if t.name == table
    )
    exact = next(t for t in world.published_exact(name, selection).tables() if t.name == table)
    keys = [
        c for c in ("region_code", "period", "month", "year_label") if c in exact.values.columns
    ]
    joined = exact.values.select(*keys, true=column).join(
        published.values.select(*keys, shown=column).with_columns(
            hidden=published.markers[column].is_not_null()
        ),
        on=keys,
    )
    known = joined.filter(pl.col("true").is_not_null())
    shown = known.filter(pl.col("shown").is_not_null())
    return {
        "cells": known.height,
        "share not shown": round(known["hidden"].mean(), 3),
        "share not shown among true counts of 5 or more": round(
            known.filter(pl.col("true") >= 5)["hidden"].mean() or 0.0, 3
        ),
        "mean absolute difference of shown counts": round(
            (shown["shown"] - shown["true"]).abs().mean() or 0.0, 3
        ),
        "share of shown counts published exactly": round(
            (shown["shown"] == shown["true"]).mean() or 0.0, 3
        ),
    }


def test_the_cost_of_the_control(world: World) -> None:
    """Monthly and quarterly intakes per region and the timeliness rates, as the trekkersgroep
    sees them against the exact figures."""
    months = Selection(date(2024, 1, 1), date(2026, 9, 30))
    quarters = Selection(date(2024, 1, 1), date(2026, 9, 30), "quarter")
    costs = {
        "intakes per region and month": _costs(world, "intakes", "aanmeldingen", "intakes", months),
        "intakes per region and quarter": _costs(
            world, "intakes", "aanmeldingen", "intakes", quarters
        ),
        "tijdig per region and month": _costs(
            world, "response_time", "tijdige-opname", "tijdig", months
        ),
    }
    rates = _rate_costs(world, months)
    costs["timeliness rate per region and month"] = rates
    COSTS.parent.mkdir(parents=True, exist_ok=True)
    COSTS.write_text(json.dumps(costs, indent=2, ensure_ascii=False), encoding="utf-8")
    monthly = costs["intakes per region and month"]
    # Perturbation is small: shown counts are off by about one on average, many exactly right.
    assert 0.3 < monthly["mean absolute difference of shown counts"] < 1.5
    assert monthly["share of shown counts published exactly"] > 0.25
    # Larger periods hide less.
    quarterly = costs["intakes per region and quarter"]
    assert quarterly["share not shown"] <= monthly["share not shown"]
    assert rates["mean absolute difference (percentage points)"] < 15


def _rate_costs(world: World, selection: Selection) -> dict:
    name, table = "response_time", "tijdige-opname"
    published = next(
        t for t in world.published("trekkersgroep", name, selection).tables() if t.name == table
    )
    exact = next(t for t in world.published_exact(name, selection).tables() if t.name == table)
    keys = ["region_code", "period"]
    joined = exact.values.select(*keys, true="rate").join(
        published.values.select(*keys, shown="rate"), on=keys
    )
    known = joined.filter(pl.col("true").is_not_null())
    shown = known.filter(pl.col("shown").is_not_null())
    return {
        "rates": known.height,
        "share not shown": round(shown.height and 1 - shown.height / known.height, 3),
        "mean absolute difference (percentage points)": round(
            ((shown["shown"] - shown["true"]).abs().mean() or 0.0) * 100, 2
        ),
    }
