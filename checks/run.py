"""Run the quality suites with Great Expectations on the store and keep the results there.

The store's rows are read once, straight from the store (not from a cache of it); polars derives
what each check looks at (blank fields as missing, repeated keys, months, totals, quarters) and
GX validates each asset as one in-memory frame through its pandas data source. Letting GX query
the store itself costs a full scan per expectation and metric (about a minute on 1M rows,
BENCHMARKS.md). Great Expectations is imported only here, when checks run (it takes seconds to
import), and always with an ephemeral context: nothing is written to disk.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from sqlalchemy import Engine

from checks import frames
from checks.suites import ASSETS, BY_KEY, CHECKS, ROW_ASSETS, Check, Params
from data_access.access import reads
from data_access.ingest import recovery
from data_access.quality import results as quality
from data_access.quality.results import ResultRecord
from data_access.reference import tables
from data_access.settings import Settings
from data_access.store import schemas
from data_access.store.frames import driver_frame
from indicators.formatting import fmt_dec

if TYPE_CHECKING:
    from great_expectations.data_context.data_context.abstract_data_context import (
        AbstractDataContext,
    )

# The registration table as stored; checks/frames.py derives what each check sees from it.
# Every column the reads know except the municipality, which no check looks at.
_STORED: Final = [name for name in schemas.REGISTRATION.names() if name != "nis_code"]
# The read schema's types, but the age as stored: an out-of-range age is what the checks report.
REGISTRATION_COLUMNS: Final = pl.Schema(
    {name: pl.Int64 if name == "child_age" else schemas.REGISTRATION[name] for name in _STORED}
)
REGISTRATION_SQL: Final = f"SELECT {', '.join(_STORED)} FROM registration"
STAFFING_SQL: Final = """
SELECT id, batch_id, region_code, quarter || ' ' || function || ' ' || sector AS record, fte
FROM staffing
"""
STAFFING_COLUMNS: Final = pl.Schema(
    {
        "id": pl.Int64,
        "batch_id": pl.Int64,
        "region_code": pl.String,
        "record": pl.String,
        "fte": pl.Float64,
    }
)
# Every offending record is listed (not GX's default sample of 20): counts per region need them.
ALL_ROWS: Final = 10_000_000
# GX's cheapest result: whether the check passed.
PASS_OR_FAIL: Final = {"result_format": "BOOLEAN_ONLY"}
# The arguments of GX expectations that name a column.
_COLUMN_ARGUMENTS: Final = ("column", "column_A", "column_B")
# Text columns whose values repeat on average this often are handed to GX as categoricals.
REPEATS: Final = 10


@dataclass(frozen=True)
class CheckRunSummary:
    """What a run found over the whole store (and over the import batch, when one was given)."""

    run_id: int
    results: tuple[ResultRecord, ...]
    seconds: float
    batch_id: int | None = None
    batch_run_id: int | None = None
    batch_results: tuple[ResultRecord, ...] = ()

    @property
    def blocking_failed(self) -> bool:
        """Whether a blocking expectation failed (then `1g1p check` exits with code 1)."""
        return any(r.blocking and not r.success for r in (*self.results, *self.batch_results))

    def failed(self, batch: bool = False) -> dict[str, int]:
        """Failed expectation → number of offending records or months, over all regions."""
        totals: dict[str, int] = defaultdict(int)
        for r in self.batch_results if batch else self.results:
            if not r.success:
                totals[r.expectation] += r.unexpected_count
        return dict(totals)

    def summary(self) -> str:
        """A Dutch summary for the command line and the import page."""

        def lines(failed: dict[str, int]) -> list[str]:
            return [
                f"  - {'BLOKKEREND: ' if BY_KEY[k].blocking else ''}{BY_KEY[k].title} ({n}×)"
                if k in BY_KEY
                else f"  - {k} ({n}×)"
                for k, n in sorted(failed.items(), key=lambda item: (not _blocks(item[0]), item[0]))
            ]

        checked = len({r.expectation for r in self.results})
        failed = self.failed()
        text = [
            f"Kwaliteitscontrole nr. {self.run_id}: {checked} controles op de hele opslag "
            f"in {fmt_dec(self.seconds, 1)} s; {len(failed)} niet in orde."
        ]
        text += lines(failed)
        if self.batch_run_id is not None:
            in_batch = self.failed(batch=True)
            text.append(
                f"Batch {self.batch_id} (controle nr. {self.batch_run_id}): "
                + ("alle controles in orde." if not in_batch else f"{len(in_batch)} niet in orde.")
            )
            text += lines(in_batch)
        if self.blocking_failed:
            text.append("Blokkerende fouten: los ze op in de bron en lees opnieuw in.")
        return "\n".join(text)


def _blocks(key: str) -> bool:
    return key in BY_KEY and BY_KEY[key].blocking


def run_checks(
    engine: Engine,
    settings: Settings,
    *,
    batch_id: int | None = None,
    trigger: str,
    today: date | None = None,
    earlier_batches: Sequence[int] = (),
) -> CheckRunSummary:
    """Run every suite on the store (and the row checks on one import batch); store the results.

    `earlier_batches` get their own row checks too (batches whose import was killed before
    its checks ran: checks.pending). Every batch committed before the store is read counts as
    checked once the run over the whole store is stored (data_access.ingest.recovery).
    `settings` is accepted for symmetry with the other entry points (the store is `engine`).
    """
    del settings
    started_at, clock = datetime.now(UTC), time.perf_counter()
    today = today or date.today()
    covered = recovery.newest_batch(engine)
    # Read once from the store itself (not from a cache of it): every check and derived frame
    # starts from these rows.
    registrations = stored_registrations(engine)
    aggregates = reads.aggregate_reports(engine)
    regions = tables.regions(engine)
    params = Params(today, tuple(regions["region_code"].to_list()))
    derived = {
        "region_months": frames.region_months(registrations, aggregates, regions, today),
        "monthly_counts": frames.monthly_counts(registrations, aggregates, today),
        "reconciliation": frames.reconciliation(registrations, aggregates),
        "team_totals": frames.team_totals(reads.staffing(engine)),
        "reference_fte": frames.reference_fte(tables.network_reference_2020(engine)),
    }
    rows = {
        "registration": frames.checked_registrations(registrations),
        "registration_keys": frames.registration_keys(registrations, regions),
        "staffing": _read(engine, STAFFING_SQL, STAFFING_COLUMNS),
    }
    del registrations  # the derived frames hold what the checks need; free its own columns
    results = _validate(CHECKS, params, {**rows, **derived})
    batch_results: list[ResultRecord] = []
    batch_run_id = last_batch = None
    batch_checks = [c for c in CHECKS if c.asset in ROW_ASSETS]
    for batch in [*(b for b in earlier_batches if b != batch_id), batch_id]:
        if batch is None:
            continue
        last_batch = batch
        in_batch = {name: f.filter(pl.col("batch_id") == batch) for name, f in rows.items()}
        batch_results = _validate(batch_checks, params, in_batch)
        batch_run_id = quality.store_run(
            engine,
            trigger=trigger,
            batch_id=batch,
            started_at=started_at,
            results=batch_results,
        )
    run_id = quality.store_run(
        engine, trigger=trigger, batch_id=None, started_at=started_at, results=results
    )
    recovery.mark_checked(engine, covered)
    return CheckRunSummary(
        run_id=run_id,
        results=tuple(results),
        seconds=time.perf_counter() - clock,
        batch_id=last_batch,
        batch_run_id=batch_run_id,
        batch_results=tuple(batch_results),
    )


def stored_registrations(engine: Engine) -> pl.DataFrame:
    """Every registration as stored (REGISTRATION_COLUMNS), blanks and all."""
    return _read(engine, REGISTRATION_SQL, REGISTRATION_COLUMNS)


def _read(engine: Engine, sql: str, schema: pl.Schema) -> pl.DataFrame:
    """Every row of a query without parameters, as a frame of `schema` (store.frames)."""
    with engine.connect() as conn:
        return driver_frame(conn, sql, (), schema)


def _context() -> AbstractDataContext:
    # No usage statistics leave the machine.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


# One ephemeral context per process, with one in-memory data source and one asset per frame,
# made on the first run. GX writes its whole configuration as YAML (in memory) each time a data
# source or asset is added: made anew on every run, that was a sixth of a run on a small store.
# Runs take turns on it, as GX's context is not made for threads.
_GX_LOCK: Final = threading.Lock()


@cache
def _frame_source() -> Any:
    """The kept pandas data source (call with _GX_LOCK held)."""
    return _context().data_sources.add_pandas("frames")


@cache
def _batch_definition(asset_name: str) -> Any:
    """The kept whole-frame batch definition of an asset (call with _GX_LOCK held)."""
    asset = _frame_source().add_dataframe_asset(asset_name)
    return asset.add_batch_definition_whole_dataframe("all")


def _validate(
    checks: Sequence[Check], params: Params, assets: dict[str, pl.DataFrame]
) -> list[ResultRecord]:
    """Run `checks` asset by asset, each asset one in-memory frame validated by GX; one
    ResultRecord per check and region."""
    with _GX_LOCK:
        return _validate_held(checks, params, assets)


def _validate_held(
    checks: Sequence[Check], params: Params, assets: dict[str, pl.DataFrame]
) -> list[ResultRecord]:
    from great_expectations.validator.v1_validator import Validator

    _frame_source()  # the context first: GX makes suites and expectations inside it
    records: list[ResultRecord] = []
    for asset_name in ASSETS:
        selected = [c for c in checks if c.asset == asset_name]
        if not selected:
            continue
        index_columns = list(ASSETS[asset_name])
        # GX copies whole frames while it checks: hand it only the columns the checks name.
        columns = _columns(selected, params, index_columns)
        # What Batch.validate does, without first loading the batch for a Batch object: GX
        # fingerprints every frame it loads (pandas hashing, seconds on a million rows).
        validator = Validator(
            batch_definition=_batch_definition(asset_name),
            batch_parameters={"dataframe": _pandas(assets[asset_name].select(columns))},
        )
        # Stored rows count per region as written in the store (registration_keys keeps the
        # untrimmed region); derived frames per region as derived.
        if asset_name in ROW_ASSETS:
            counted = assets["registration_keys" if asset_name == "registration" else asset_name]
            counts = _normalised(_frame_counts(counted))
        else:
            counts = _frame_counts(assets[asset_name])
        # First only whether each check passes, then the offending records of those that fail
        # (and of any that may pass with some, by GX's `mostly`), on the same loaded batch. GX
        # computes many more metrics per expectation for a complete result: where most checks
        # pass, as on the demo store, a run takes a quarter less at 0,01 and an eighth less at
        # 1M (BENCHMARKS.md).
        results = _results_by_key(validator, selected, params, PASS_OR_FAIL)
        listed = [
            c for c in selected if not results[c.key].success or "mostly" in c.arguments(params)
        ]
        if listed:
            results |= _results_by_key(validator, listed, params, _complete(index_columns))
        for check in selected:
            records += _records(check, results[check.key], index_columns[1], counts)
    return records


def _results_by_key(
    validator: Any, checks: Sequence[Check], params: Params, result_format: dict[str, Any]
) -> dict[str, Any]:
    """The GX result of each check, by its key: the checks validated as one suite."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    expectations = [
        getattr(gxe, check.gx_type)(
            **{k: _comparable(v) for k, v in check.arguments(params).items()},
            meta={"key": check.key},
        )
        for check in checks
    ]
    # Handed to the suite whole: suite.add_expectation compares each one with every one added
    # before (pydantic dicts), which took a third of a run on the 0,01 demo store.
    suite = gx.ExpectationSuite(name="checks", expectations=expectations)
    validator.result_format = result_format
    outcome = validator.validate_expectation_suite(suite)
    return {
        r.expectation_config.meta["key"]: r
        for r in outcome.results
        if r.expectation_config is not None and r.expectation_config.meta
    }


def _complete(index_columns: list[str]) -> dict[str, Any]:
    """GX's result format that lists every offending row by these columns."""
    return {
        "result_format": "COMPLETE",
        "unexpected_index_column_names": index_columns,
        "partial_unexpected_count": ALL_ROWS,
    }


def _pandas(frame: pl.DataFrame) -> Any:
    """The pandas copy GX validates, in dtypes GX checks vectorised and cheaply.

    Dates become datetime64[ns] and integers int64 (GX compares other dtypes value by value in
    Python); text that repeats (codes, regions) becomes categorical, so the copies and the
    fingerprint GX makes of the frame handle small integer codes instead of strings.
    """
    repeated = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String and frame[name].n_unique() * REPEATS <= frame.height
    ]
    casts = [
        pl.col(name).cast(pl.Datetime("ns") if dtype == pl.Date else pl.Int64)
        for name, dtype in frame.schema.items()
        if dtype == pl.Date or dtype.is_integer()
    ]
    return frame.with_columns(*casts, pl.col(repeated).cast(pl.Categorical)).rechunk().to_pandas()


def _columns(checks: Sequence[Check], params: Params, index_columns: list[str]) -> list[str]:
    """The index columns, then every column the checks name."""
    arguments = [check.arguments(params) for check in checks]
    named = {str(a[key]) for a in arguments for key in _COLUMN_ARGUMENTS if key in a}
    return [*index_columns, *sorted(named - set(index_columns))]


def _comparable(value: object) -> object:
    """A date bound as midnight of that day: the pandas frames hold dates as datetime64."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())
    return value


def _frame_counts(frame: pl.DataFrame) -> dict[str | None, int]:
    return {region: int(n) for region, n in frame.group_by("region_code").len().iter_rows()}


def _text(value: object) -> str | None:
    """A value GX reports for a record, None when missing (pandas reports NaN for a missing
    string)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _normalised(counts: dict[str | None, int]) -> dict[str | None, int]:
    out: dict[str | None, int] = defaultdict(int)
    for region, n in counts.items():
        out[_region(region)] += n
    return dict(out)


def _region(value: object) -> str | None:
    return (_text(value) or "").strip() or None


def _raised(exception_info: Any) -> str | None:
    """The message of an exception GX caught while checking, if any (its shapes vary)."""
    infos: Iterable[Any] = (
        [exception_info]
        if isinstance(exception_info, dict) and "raised_exception" in exception_info
        else (exception_info.values() if isinstance(exception_info, dict) else [])
    )
    for info in infos:
        if isinstance(info, dict) and info.get("raised_exception"):
            return str(info.get("exception_message") or "onbekende fout")
    return None


def _records(
    check: Check, result: Any, record_column: str, counts: dict[str | None, int]
) -> list[ResultRecord]:
    details: dict[str, Any] = {**check.guidance(), "gx": check.gx_type}
    error = _raised(result.exception_info)
    if error is not None:
        return [
            ResultRecord(
                suite=check.suite,
                expectation=check.key,
                region_code=None,
                dimension=check.dimension,
                blocking=check.blocking,
                success=False,
                element_count=sum(counts.values()),
                unexpected_count=0,
                details={**details, "note": f"De controle kon niet uitgevoerd worden: {error}"},
            )
        ]
    offending: dict[str | None, list[str]] = defaultdict(list)
    for item in result.result.get("unexpected_index_list") or []:
        record = _text(item.get(record_column))
        offending[_region(item.get("region_code"))].append(record or "")
    # Nothing to check (no rows, no months) is a pass, recorded so every check has a result.
    regions = sorted(set(counts) | set(offending), key=lambda r: (r is None, r or "")) or [None]
    return [
        ResultRecord(
            suite=check.suite,
            expectation=check.key,
            region_code=region,
            dimension=check.dimension,
            blocking=check.blocking,
            success=not offending.get(region),
            element_count=counts.get(region, 0),
            unexpected_count=len(offending.get(region, [])),
            sample_ids=sorted(offending.get(region, []))[: quality.SAMPLE_SIZE],
            details=details,
        )
        for region in regions
    ]
