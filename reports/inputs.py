"""Everything a view needs, read once through data_access for a scope and a region basis."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast

import polars as pl
from sqlalchemy import Engine

from data_access.access import reads
from data_access.access.perturbation import RecordKeys
from data_access.access.reads import Basis
from data_access.access.scope import Scope
from data_access.quality.results import PASSPORT, passports
from data_access.reference import tables
from data_access.reference.codes import UNASSIGNED_LABEL, UNASSIGNED_REGION
from data_access.settings import get_settings

T = TypeVar("T")

# Region layouts change on these days: ELZ-based networks, then the 2025 municipal mergers.
LAYOUT_CHANGES = (date(2021, 7, 1), date(2025, 1, 1))


@dataclass(frozen=True)
class Inputs:
    """The frames behind every page, for one scope and basis; views only filter and compute."""

    registrations: pl.DataFrame
    aggregates: pl.DataFrame
    partners: pl.DataFrame
    staffing: pl.DataFrame
    agreements: pl.DataFrame
    regions: pl.DataFrame
    populations: (
        pl.DataFrame
    )  # region_code, valid_from, valid_to, population_total, population_0_17
    network_reference: pl.DataFrame
    basis: Basis
    today: date
    data_version: int
    scope: Scope
    # The data-quality passport per region (quality.results.PASSPORT): caveats for regions
    # below the threshold travel with every view's notes.
    passports: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PASSPORT))
    # The secret of the cell keys (data_access.access.perturbation); never shown.
    keys: RecordKeys | None = field(default=None, repr=False)
    # Compute kept series over every region, whatever the selection (reports.series): where
    # many selections follow (the app), every set of regions is then read from one result.
    # Off, a selection of one region computes that region only (a report from the CLI).
    every_region: bool = False
    # Results computed from these frames alone (report chapters), kept as long as the inputs.
    # init=False: dataclasses.replace gives the new inputs an empty memo of their own.
    memo: dict[Hashable, Any] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    # Sessions sharing these inputs compute a result once: the others wait for it instead of
    # each holding a whole-store computation's memory at the same time. Re-entrant: results are
    # built from other remembered results. A kept result is read without it (a dict read), so
    # a session served from the memo never waits behind another's new computation.
    lock: threading.RLock = field(
        default_factory=threading.RLock, init=False, compare=False, hash=False, repr=False
    )

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """compute(), once per key for these inputs: only for results that depend on nothing
        but the inputs and the key."""
        if key in self.memo:
            return cast(T, self.memo[key])
        with self.lock:
            if key not in self.memo:
                self.memo[key] = compute()
            return cast(T, self.memo[key])

    def kept(self, key: Hashable) -> Any:
        """The result remembered under `key`, or None (nothing is computed)."""
        return self.memo.get(key)

    @property
    def cell_keys(self) -> RecordKeys:
        """The secret the perturbations are drawn with (set by load_inputs)."""
        if self.keys is None:
            raise RuntimeError("Inputs without keys cannot perturb counts (use load_inputs).")
        return self.keys

    def protected(self, region: str = "region_code") -> pl.Expr:
        """Rows of regions outside the reader's detail scope: shown only under disclosure
        control, never as lists of registrations."""
        if self.scope.detail_regions is None:
            return pl.lit(False)
        return ~pl.col(region).is_in(sorted(self.scope.detail_regions))

    def region_names(self) -> dict[str, str]:
        """Region code → name, with the label for registrations that cannot be placed."""
        names = dict(self.regions.select("region_code", "region_name").iter_rows())
        names[UNASSIGNED_REGION] = UNASSIGNED_LABEL
        return names

    def population_on(self, day: date) -> pl.DataFrame:
        """REGION_POPULATION rows of the layout valid on `day`."""
        return self.populations.filter(
            (pl.col("valid_from") <= day)
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= day))
        ).drop("valid_from", "valid_to")

    def layout_periods(self, start: date, end: date) -> list[tuple[date, date]]:
        """The parts of [start, end] within which one region layout holds."""
        if self.basis == "today":
            return [(start, end)]
        cuts = [start] + [d for d in LAYOUT_CHANGES if start < d <= end]
        ends = [date.fromordinal(d.toordinal() - 1) for d in cuts[1:]] + [end]
        return list(zip(cuts, ends, strict=True))


def load_inputs(
    engine: Engine,
    scope: Scope,
    basis: Basis,
    today: date,
    keys: RecordKeys | None = None,
    *,
    every_region: bool = False,
) -> Inputs:
    """Read every frame the views need (the expensive part; the UI caches it per data version).

    Registrations of regions outside the scope arrive without identifiers (data_access), so
    views can show every region's figures while lists of registrations stay within the scope.
    Registrations and partner links carry the secret unit keys of the cell-key method, and the
    inputs its secret (`keys`, default from the configured pseudonym key). `every_region`:
    see Inputs.every_region.
    """
    keys = keys or RecordKeys.from_secret(get_settings().key_bytes())
    # Read before the frames: they are then at least this version, never older than their label
    # (an import in between costs one extra load, never a stale page).
    version = reads.data_version(engine)
    registrations, partners = reads.for_statistics(engine, scope, keys, basis=basis, today=today)
    aggregates = reads.aggregate_reports(engine)
    return Inputs(
        registrations=registrations,
        aggregates=aggregates,
        partners=partners,
        staffing=reads.staffing(engine),
        agreements=reads.volume_agreements(engine),
        regions=tables.regions(engine),
        populations=_population_layouts(engine, basis, today),
        network_reference=tables.network_reference_2020(engine),
        basis=basis,
        today=today,
        data_version=version,
        scope=scope,
        passports=passports(engine, get_settings().quality_threshold),
        keys=keys,
        every_region=every_region,
    )


def _population_layouts(engine: Engine, basis: Basis, today: date) -> pl.DataFrame:
    """Population per region for each layout period (one period under today's borders)."""
    if basis == "today":
        periods: list[tuple[date, date | None]] = [(date(2018, 1, 1), None)]
        frames = tables.region_populations(engine, [today])
    else:
        starts = [date(2018, 1, 1), *LAYOUT_CHANGES]
        periods = [
            (s, date.fromordinal(e.toordinal() - 1) if e else None)
            for s, e in zip(starts, [*LAYOUT_CHANGES, None], strict=True)
        ]
        # Each layout's population is taken on its last day, when every network of it existed.
        frames = tables.region_populations(engine, [e or today for _, e in periods])
    return pl.concat(
        [
            f.with_columns(valid_from=pl.lit(s), valid_to=pl.lit(e, pl.Date))
            for f, (s, e) in zip(frames, periods, strict=True)
        ]
    )
