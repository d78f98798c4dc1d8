"""Figures kept per data version for every month (or year) give each selection exactly what
computing them from that selection's rows alone gives."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import random
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

import reports.views
from data_access.access.reads import Basis
from indicators.periods import add_months
from reports.inputs import Inputs, load_inputs
from reports.selection import Selection
from reports.views import PER_MONTH, PER_YEAR, selected
from reports.views.intakes import monthly_intake_rates
from reports.views.overview import key_figures, months_without_reach, trajectory_families
from reports.views.reach import (
    closures_per_year,
    families_per_year,
    further_care_per_year,
    trajectories_per_year,
)
from reports.views.referrers import monthly_referrer_groups, monthly_referrers
from reports.views.response_time import monthly_timeliness
from tests import scopes

Figure = Callable[..., pl.DataFrame]

MONTHLY: list[tuple[Figure, tuple[Any, ...]]] = [
    (monthly_intake_rates, ()),
    (monthly_timeliness, ("calendar_month",)),
    (monthly_timeliness, ("30_days",)),
    (monthly_referrer_groups, ()),
    (monthly_referrers, ()),
    (months_without_reach, ()),
    (trajectory_families, ()),
]
YEARLY: list[Figure] = [
    families_per_year,
    trajectories_per_year,
    closures_per_year,
    further_care_per_year,
]


@pytest.fixture(scope="module", params=["then", "today"])
def inputs(request: pytest.FixtureRequest, report_engine_module: Engine) -> Inputs:
    basis: Basis = request.param
    return load_inputs(report_engine_module, scopes.everything(), basis, date(2026, 11, 22))


@pytest.fixture(scope="module")
def report_engine_module(report_settings: Any) -> Any:
    from data_access.store.engine import make_engine

    engine = make_engine(report_settings)
    yield engine
    engine.dispose()


def _selections(inputs: Inputs) -> list[Selection]:
    """Periods of 1 to 30 months anywhere in the data, over all, one or three regions."""
    first = inputs.registrations["received_date"].min()
    last = inputs.registrations["received_date"].max()
    assert isinstance(first, date) and isinstance(last, date)
    regions = sorted(inputs.registrations["region_code"].drop_nulls().unique().to_list())
    pick = random.Random(20261122)
    span = (last.year - first.year) * 12 + last.month - first.month
    selections = []
    for choice in ((), regions[:1], pick.sample(regions, 3), (), (), regions[-2:]):
        start = add_months(first, pick.randrange(span))
        end = add_months(start, pick.randrange(30))
        selections.append(Selection(start, end, regions=tuple(choice), basis=inputs.basis))
    return selections


def _only(inputs: Inputs, selection: Selection) -> Inputs:
    """The inputs cut down to the selection's registrations and monthly counts."""
    return dataclasses.replace(
        inputs,
        registrations=selected(inputs.registrations, selection),
        aggregates=selected(inputs.aggregates, selection, "month"),
    )


def _same(left: pl.DataFrame, right: pl.DataFrame) -> None:
    assert_frame_equal(left, right, check_row_order=False)


def test_every_kept_figure_is_tested_here() -> None:
    """A figure newly kept per month or year, in any view, must join the checks below."""
    for module in pkgutil.iter_modules(reports.views.__path__):
        importlib.import_module(f"reports.views.{module.name}")
    assert {figure.__wrapped__ for figure, _ in MONTHLY} == set(PER_MONTH)  # type: ignore[attr-defined]
    assert {figure.__wrapped__ for figure in YEARLY} == set(PER_YEAR)  # type: ignore[attr-defined]


def test_monthly_figures_equal_those_of_the_selected_rows_alone(inputs: Inputs) -> None:
    """Each month depends only on its own rows: the kept figures, filtered to a selection,
    equal the figures computed from that selection's rows (both bases, several periods)."""
    seen = 0
    for selection in _selections(inputs):
        for figure, args in MONTHLY:
            kept = figure(inputs, selection, *args)
            fresh = figure(_only(inputs, selection), selection, *args)
            _same(kept, fresh)
            # Kept per set of regions: the all-regions figure agrees region by region.
            every = figure(inputs, dataclasses.replace(selection, regions=()), *args)
            _same(kept, every.filter(selection.in_regions()))
            seen += kept.height
    assert seen > 0


def _in_years(inputs: Inputs, selection: Selection) -> Inputs:
    """The inputs cut down to the selection's regions and to the registrations that can count
    in one of its years: received, started (first contact, else receipt) or closed in it."""
    years = list(range(selection.start.year, selection.end.year + 1))
    started = pl.coalesce("first_contact_date", "received_date").dt.year()
    return dataclasses.replace(
        inputs,
        registrations=inputs.registrations.filter(
            selection.in_regions(),
            pl.col("received_date").dt.year().is_in(years)
            | started.is_in(years)
            | pl.col("closed_date").dt.year().is_in(years),
        ),
        aggregates=inputs.aggregates.filter(
            selection.in_regions(), pl.col("month").dt.year().is_in(years)
        ),
    )


def test_yearly_figures_equal_those_of_the_selected_years_rows_alone(inputs: Inputs) -> None:
    """Each region-year depends only on its own rows: the kept figures equal those computed
    from the rows of the selected regions and years alone, and the all-regions figure agrees
    region by region."""
    seen = 0
    for selection in _selections(inputs):
        for figure in YEARLY:
            kept = figure(inputs, selection)
            _same(kept, figure(_in_years(inputs, selection), selection))
            every = figure(inputs, dataclasses.replace(selection, regions=()))
            _same(kept, every.filter(selection.in_regions()))
            seen += kept.height
    assert seen > 0


def test_key_figures_equal_those_of_the_selected_rows_alone(inputs: Inputs) -> None:
    """The overview's families (distinct over the months of a period) and every other key
    figure come out as from the selection's rows alone."""
    for selection in _selections(inputs):
        _same(key_figures(inputs, selection), key_figures(_only(inputs, selection), selection))


def test_a_kept_figure_is_computed_once_per_inputs_and_regions(inputs: Inputs) -> None:
    """Two periods of the same regions share one computation, other regions get their own, and
    other inputs (a new data version) compute anew."""
    inputs = dataclasses.replace(inputs)  # an empty memo of its own
    every, one_region = _selections(inputs)[:2]
    first = monthly_intake_rates(inputs, every)
    kept = len(inputs.memo)
    monthly_intake_rates(inputs, dataclasses.replace(every, start=one_region.start))
    assert len(inputs.memo) == kept
    monthly_intake_rates(inputs, one_region)
    assert len(inputs.memo) == kept + 1
    fresh = dataclasses.replace(inputs)
    assert not fresh.memo
    _same(monthly_intake_rates(fresh, every), first)
