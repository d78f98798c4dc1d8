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

import reports.series
import reports.views
from data_access.access.reads import Basis
from indicators.periods import add_months
from reports.inputs import Inputs, load_inputs
from reports.selection import Selection
from reports.series import PER_MONTH, PER_YEAR
from reports.series.intakes import monthly_intakes, monthly_natures
from reports.series.organisations import monthly_collaboration, monthly_involvements
from reports.series.reach import (
    closures,
    monthly_trajectories,
    yearly_closures,
    yearly_families,
    yearly_further_care,
    yearly_trajectories,
)
from reports.series.referrers import monthly_referrer_groups, monthly_referrers
from reports.series.timeliness import monthly_contact_days, monthly_contacts, monthly_timeliness
from reports.views.overview import key_counts
from tests import scopes

Figure = Callable[..., pl.DataFrame]

MONTHLY: list[tuple[Figure, tuple[Any, ...]]] = [
    (monthly_intakes, ()),
    (monthly_natures, ()),
    (monthly_timeliness, ("calendar_month",)),
    (monthly_timeliness, ("30_days",)),
    (monthly_contact_days, ()),
    (monthly_contacts, ()),
    (monthly_referrer_groups, ()),
    (monthly_referrers, ()),
    (monthly_involvements, ()),
    (monthly_collaboration, ()),
    (monthly_trajectories, ()),
]
YEARLY: list[Figure] = [
    yearly_families,
    yearly_trajectories,
    yearly_closures,
    yearly_further_care,
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


def _selected(
    frame: pl.DataFrame, selection: Selection, date_column: str = "received_date"
) -> pl.DataFrame:
    """The rows in the selected period and regions."""
    return frame.filter(selection.in_period(date_column) & selection.in_regions())


def _started_or_closed(selection: Selection) -> pl.Expr:
    """Registrations whose trajectory started (first contact, else receipt) or closed in the
    selected period: the months of monthly_trajectories are those of start and closing."""
    started = pl.coalesce("first_contact_date", "received_date")
    return started.is_between(selection.start, selection.end) | selection.in_period("closed_date")


def _only(inputs: Inputs, selection: Selection, figure: Figure | None = None) -> Inputs:
    """The inputs cut down to the selection's registrations (placed in a month by receipt, or
    for trajectories by start and closing), partner links and monthly counts."""
    registrations = (
        inputs.registrations.filter(_started_or_closed(selection) & selection.in_regions())
        if figure is monthly_trajectories
        else _selected(inputs.registrations, selection)
    )
    return dataclasses.replace(
        inputs,
        registrations=registrations,
        aggregates=_selected(inputs.aggregates, selection, "month"),
        partners=_selected(inputs.partners, selection),
    )


def _same(left: pl.DataFrame, right: pl.DataFrame) -> None:
    assert_frame_equal(left, right, check_row_order=False)


def test_every_kept_figure_is_tested_here() -> None:
    """A figure newly kept per month or year, in any series or view, must join the checks
    below."""
    for package in (reports.series, reports.views):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    assert {figure.__wrapped__ for figure, _ in MONTHLY} == set(PER_MONTH)  # type: ignore[attr-defined]
    assert {figure.__wrapped__ for figure in YEARLY} == set(PER_YEAR)  # type: ignore[attr-defined]
    assert yearly_closures.__wrapped__ is closures  # type: ignore[attr-defined]


def test_monthly_figures_equal_those_of_the_selected_rows_alone(inputs: Inputs) -> None:
    """Each month depends only on its own rows: the kept figures, filtered to a selection,
    equal the figures computed from that selection's rows (both bases, several periods), with
    the same perturbations."""
    seen = 0
    for selection in _selections(inputs):
        for figure, args in MONTHLY:
            kept = figure(inputs, selection, *args)  # from every region's, once that is kept
            fresh = figure(_only(inputs, selection, figure), selection, *args)
            _same(kept, fresh)
            # Kept per set of regions: the all-regions figure agrees region by region.
            every = figure(inputs, dataclasses.replace(selection, regions=()), *args)
            _same(kept, every.filter(selection.in_regions()))
            if selection.regions:  # the set computed on its own, nothing kept yet
                _same(figure(dataclasses.replace(inputs), selection, *args), fresh)
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
            if selection.regions:  # the set computed on its own, nothing kept yet
                _same(figure(dataclasses.replace(inputs), selection), kept)
            seen += kept.height
    assert seen > 0


def _with_families_year(inputs: Inputs, selection: Selection) -> Inputs:
    """The inputs cut down to the selection's regions and to the rows its key figures count:
    received in the period, or in the calendar year the period ends in (the overview's
    families are those of that whole year) or starting a trajectory in it."""
    year = selection.end.year
    started = pl.coalesce("first_contact_date", "received_date").dt.year()
    registrations = inputs.registrations.filter(
        selection.in_regions(),
        selection.in_period() | (pl.col("received_date").dt.year() == year) | (started == year),
    )
    aggregates = inputs.aggregates.filter(
        selection.in_regions(),
        selection.in_period("month") | (pl.col("month").dt.year() == year),
    )
    return dataclasses.replace(inputs, registrations=registrations, aggregates=aggregates)


def test_key_figures_equal_those_of_the_selected_rows_alone(inputs: Inputs) -> None:
    """The overview's families (distinct over the calendar year the period ends in) and every
    other key figure come out as from the rows of the selection and that year alone, with
    the same perturbations."""
    seen = 0
    for selection in _selections(inputs):
        kept = key_counts(inputs, selection)
        _same(kept, key_counts(_with_families_year(inputs, selection), selection))
        seen += int(kept["families"].is_not_null().sum())
    assert seen > 0


def test_a_kept_figure_is_computed_once_per_inputs_and_regions(inputs: Inputs) -> None:
    """Two periods of the same regions share one computation; a set of regions gets its own
    until every region's figure is kept, and is read from that after; other inputs (a new data
    version) compute anew."""
    inputs = dataclasses.replace(inputs)  # an empty memo of its own
    every, one_region = _selections(inputs)[:2]
    other = dataclasses.replace(one_region, regions=_selections(inputs)[2].regions)
    intakes = monthly_intakes.__wrapped__  # type: ignore[attr-defined]

    def computed() -> list[tuple[str, ...]]:
        return sorted(key[1] for key in inputs.memo if isinstance(key, tuple) and key[0] is intakes)

    alone = monthly_intakes(inputs, one_region)
    assert computed() == [one_region.regions]
    first = monthly_intakes(inputs, every)
    monthly_intakes(inputs, dataclasses.replace(every, start=one_region.start))
    assert computed() == [(), one_region.regions]
    # Every region's figure is kept now: another set is read from it, not computed.
    _same(monthly_intakes(inputs, other), monthly_intakes(dataclasses.replace(inputs), other))
    _same(monthly_intakes(inputs, one_region), alone)
    assert computed() == [(), one_region.regions]
    fresh = dataclasses.replace(inputs)
    assert not fresh.memo
    _same(monthly_intakes(fresh, every), first)


def test_inputs_for_every_region_compute_each_figure_once_over_all(inputs: Inputs) -> None:
    """The app's inputs (every_region) compute a figure over every region even for one
    region's selection, and read every later set from it; the figures are those of the
    region computed on its own."""
    app = dataclasses.replace(inputs, every_region=True)
    _, one_region = _selections(inputs)[:2]
    other = dataclasses.replace(one_region, regions=_selections(inputs)[2].regions)
    for figure, args in MONTHLY:
        wrapped = figure.__wrapped__  # type: ignore[attr-defined]
        for selection in (one_region, other):
            alone = figure(dataclasses.replace(inputs), selection, *args)
            _same(figure(app, selection, *args), alone)
        kept = [k[1] for k in app.memo if isinstance(k, tuple) and k[0] is wrapped]
        assert kept and set(kept) == {()}, figure.__name__  # never a set of its own
