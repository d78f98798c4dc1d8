"""Run the quality suites with Great Expectations on the store and keep the results there.

Row-level checks run through GX's SQL data source on the store itself (SQLite or PostgreSQL);
checks over months, totals and quarters run GX on frames derived with polars from data read
through data_access. Great Expectations is imported only here, when checks run (it takes
seconds to import), and always with an ephemeral context: nothing is written to disk.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from sqlalchemy import Engine

from checks import frames
from checks.suites import ASSETS, BY_KEY, CHECKS, SQL_ASSETS, Check, Params
from data_access import quality, reads
from data_access.quality import ResultRecord
from data_access.reads import Scope
from data_access.settings import Settings

if TYPE_CHECKING:
    from great_expectations.data_context.data_context.abstract_data_context import (
        AbstractDataContext,
    )

# The registrations as the checks see them: blank required fields count as missing.
REGISTRATION_SQL: Final = """
SELECT id, batch_id,
  NULLIF(TRIM(family_id), '') AS family_id,
  NULLIF(TRIM(region_code), '') AS region_code,
  NULLIF(TRIM(kind), '') AS kind,
  received_date, first_contact_date, closed_date,
  referrer, request_nature, response_type, closure_reason, child_age,
  NULLIF(TRIM(source_system), '') AS source_system,
  NULLIF(TRIM(source_record_id), '') AS source_record_id
FROM registration
"""
# Keys that need a look at other rows: repeated source keys, same-day copies, network start.
REGISTRATION_KEYS_SQL: Final = """
SELECT r.id, r.batch_id, r.region_code, r.source_record_id, r.received_date, g.active_from,
  (SELECT COUNT(*) FROM registration k
   WHERE k.source_system = r.source_system AND k.source_record_id = r.source_record_id
  ) AS key_occurrences,
  (SELECT COUNT(*) FROM registration o
   WHERE o.family_id = r.family_id AND o.region_code = r.region_code
     AND o.received_date = r.received_date AND o.kind = r.kind AND o.id < r.id
  ) + 1 AS same_day_copy
FROM registration r LEFT JOIN region g ON g.code = r.region_code
"""
STAFFING_SQL: Final = """
SELECT id, batch_id, region_code, quarter || ' ' || function || ' ' || sector AS record, fte
FROM staffing
"""
SQL: Final = {
    "registration": REGISTRATION_SQL,
    "registration_keys": REGISTRATION_KEYS_SQL,
    "staffing": STAFFING_SQL,
}
# Every offending record is listed (not GX's default sample of 20): counts per region need them.
ALL_ROWS: Final = 10_000_000


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
            f"Kwaliteitscontrole (run {self.run_id}): {checked} controles op de hele opslag "
            f"in {self.seconds:.1f} s; {len(failed)} niet in orde."
        ]
        text += lines(failed)
        if self.batch_run_id is not None:
            in_batch = self.failed(batch=True)
            text.append(
                f"Batch {self.batch_id} (run {self.batch_run_id}): "
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
) -> CheckRunSummary:
    """Run every suite on the store (and the row checks on one import batch); store the results.

    `settings` is accepted for symmetry with the other entry points (the store is `engine`).
    """
    del settings
    started_at, clock = datetime.now(UTC), time.perf_counter()
    today = today or date.today()
    everything = Scope.everything()
    registrations = reads.registrations(engine, everything)
    aggregates = reads.aggregate_reports(engine, everything)
    staffing = reads.staffing(engine, everything)
    regions = reads.regions(engine)
    params = Params(today, tuple(regions["region_code"].to_list()))
    derived = {
        "region_months": frames.region_months(registrations, aggregates, regions, today),
        "monthly_counts": frames.monthly_counts(registrations, aggregates, today),
        "reconciliation": frames.reconciliation(registrations, aggregates),
        "team_totals": frames.team_totals(staffing),
        "reference_fte": frames.reference_fte(reads.network_reference_2020(engine)),
    }
    context = _context()
    url = engine.url.render_as_string(hide_password=False)
    results = _validate(context, url, CHECKS, params, derived, _sql_counts(engine, None), None)
    batch_results: list[ResultRecord] = []
    batch_run_id = None
    if batch_id is not None:
        batch_checks = [c for c in CHECKS if c.asset in SQL_ASSETS]
        batch_results = _validate(
            context, url, batch_checks, params, {}, _sql_counts(engine, batch_id), batch_id
        )
        batch_run_id = quality.store_run(
            engine,
            trigger=trigger,
            batch_id=batch_id,
            started_at=started_at,
            results=batch_results,
        )
    run_id = quality.store_run(
        engine, trigger=trigger, batch_id=None, started_at=started_at, results=results
    )
    return CheckRunSummary(
        run_id=run_id,
        results=tuple(results),
        seconds=time.perf_counter() - clock,
        batch_id=batch_id,
        batch_run_id=batch_run_id,
        batch_results=tuple(batch_results),
    )


def _sql_counts(engine: Engine, batch_id: int | None) -> dict[str, dict[str | None, int]]:
    """Rows per region behind each SQL asset: the element counts of its checks."""
    registrations = _normalised(quality.rows_per_region(engine, "registration", batch_id))
    staffing = _normalised(quality.rows_per_region(engine, "staffing", batch_id))
    return {"registration": registrations, "registration_keys": registrations, "staffing": staffing}


def _normalised(counts: dict[str | None, int]) -> dict[str | None, int]:
    out: dict[str | None, int] = defaultdict(int)
    for region, n in counts.items():
        out[_region(region)] += n
    return dict(out)


def _region(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _context() -> AbstractDataContext:
    # No usage statistics leave the machine.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _validate(
    context: AbstractDataContext,
    url: str,
    checks: Sequence[Check],
    params: Params,
    derived: dict[str, pl.DataFrame],
    sql_counts: dict[str, dict[str | None, int]],
    batch_id: int | None,
) -> list[ResultRecord]:
    """Run `checks` asset by asset; one ResultRecord per check and region."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suffix = "store" if batch_id is None else f"batch_{batch_id:d}"
    sql_source = context.data_sources.add_sql(f"store_{suffix}", connection_string=url)
    frame_source = context.data_sources.add_pandas(f"frames_{suffix}")
    records: list[ResultRecord] = []
    for asset_name in ASSETS:
        selected = [c for c in checks if c.asset == asset_name]
        if not selected:
            continue
        suite = gx.ExpectationSuite(name=f"{asset_name}_{suffix}")
        for check in selected:
            expectation_type = getattr(gxe, check.gx_type)
            suite.add_expectation(
                expectation_type(**check.arguments(params), meta={"key": check.key})
            )
        index_columns = list(ASSETS[asset_name])
        result_format = {
            "result_format": "COMPLETE",
            "unexpected_index_column_names": index_columns,
            "partial_unexpected_count": ALL_ROWS,
        }
        if asset_name in SQL_ASSETS:
            query = SQL[asset_name]
            if batch_id is not None:
                # An int formatted by Python, never user text: safe inside the query.
                query = f"SELECT * FROM ({query}) AS t WHERE t.batch_id = {int(batch_id):d}"
            query_asset = sql_source.add_query_asset(asset_name, query=query)
            batch = query_asset.add_batch_definition_whole_table("all").get_batch()
            counts = sql_counts[asset_name]
        else:
            frame = derived[asset_name]
            frame_asset = frame_source.add_dataframe_asset(asset_name)
            batch = frame_asset.add_batch_definition_whole_dataframe("all").get_batch(
                batch_parameters={"dataframe": frame.to_pandas()}
            )
            counts = _frame_counts(frame)
        outcome = batch.validate(suite, result_format=result_format)
        by_key = {
            r.expectation_config.meta["key"]: r
            for r in outcome.results
            if r.expectation_config is not None and r.expectation_config.meta
        }
        for check in selected:
            records += _records(check, by_key[check.key], index_columns[1], counts)
    return records


def _frame_counts(frame: pl.DataFrame) -> dict[str | None, int]:
    return {region: int(n) for region, n in frame.group_by("region_code").len().iter_rows()}


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
        record = item.get(record_column)
        offending[_region(item.get("region_code"))].append("" if record is None else str(record))
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
