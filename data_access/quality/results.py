"""Data-quality results in the store: check runs and results, scoped reads, passports per region."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

import polars as pl
from sqlalchemy import Engine, func, insert, select

from data_access.access.scope import Scope, _issue
from data_access.store.db import bump_data_version, data_version
from data_access.store.frames import read_frame
from data_access.store.models import CheckResult, CheckRun, Registration, Staffing

DIMENSIONS: Final = ("completeness", "validity", "timeliness", "consistency")
DIMENSION_LABELS: Final = {
    "completeness": "Volledigheid",
    "validity": "Geldigheid",
    "timeliness": "Tijdigheid van aanlevering",
    "consistency": "Consistentie",
}
# Offending record ids kept per expectation and region: enough to find the pattern in the source.
SAMPLE_SIZE: Final = 20


@dataclass(frozen=True)
class ResultRecord:
    """The outcome of one expectation for one region (None: rows without a usable region)."""

    suite: str
    expectation: str
    region_code: str | None
    dimension: str
    blocking: bool
    success: bool
    element_count: int
    unexpected_count: int
    sample_ids: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def store_run(
    engine: Engine,
    *,
    trigger: str,
    batch_id: int | None,
    started_at: datetime,
    results: Sequence[ResultRecord],
) -> int:
    """Store a run and its results in one transaction; return the run id.

    The data version is bumped afterwards: passports change what the other pages show (caveats),
    so their caches must be re-read. The run keeps the version it checked.
    """
    blocking_failed = any(r.blocking and not r.success for r in results)
    with engine.begin() as conn:
        checked_version = data_version(conn)
        run_id = conn.scalar(
            insert(CheckRun)
            .values(
                started_at=started_at,
                finished_at=datetime.now(UTC),
                trigger=trigger[:16],
                batch_id=batch_id,
                data_version=checked_version,
                success=not blocking_failed,
            )
            .returning(CheckRun.id)
        )
        assert run_id is not None
        rows = [
            {
                "run_id": run_id,
                "suite": r.suite,
                "expectation": r.expectation,
                "region_code": r.region_code,
                "dimension": r.dimension,
                "blocking": r.blocking,
                "success": r.success,
                "element_count": r.element_count,
                "unexpected_count": r.unexpected_count,
                "sample_ids": list(r.sample_ids[:SAMPLE_SIZE]),
                "details": r.details,
            }
            for r in results
        ]
        if rows:
            conn.execute(insert(CheckResult), rows)
        bump_data_version(conn)
    return int(run_id)


def rows_per_region(
    engine: Engine, table: Literal["registration", "staffing"], batch_id: int | None = None
) -> dict[str | None, int]:
    """How many rows of a table (of one import batch) each region has: what checks count on."""
    model: type[Registration] | type[Staffing] = (
        Registration if table == "registration" else Staffing
    )
    stmt = select(model.region_code, func.count()).group_by(model.region_code)
    if batch_id is not None:
        stmt = stmt.where(model.batch_id == batch_id)
    with engine.connect() as conn:
        return {region: int(n) for region, n in conn.execute(stmt).all()}


_RUN_TYPES: dict[str, Any] = {
    "run_id": pl.Int64,
    "started_at": pl.Datetime("us", "UTC"),
    "finished_at": pl.Datetime("us", "UTC"),
    "trigger": pl.String,
    "batch_id": pl.Int64,
    "success": pl.Boolean,
    "failed": pl.Int64,
    "blocking_failed": pl.Int64,
}
RUNS = pl.Schema(_RUN_TYPES)


def check_runs(engine: Engine, *, store_wide: bool | None = None, limit: int = 100) -> pl.DataFrame:
    """The most recent runs, newest first, with their number of failed (blocking) results.

    store_wide=True: only runs over the whole store; False: only runs over one import batch.
    """
    r, c = CheckRun, CheckResult
    stmt = (
        select(
            r.id,
            r.started_at,
            r.finished_at,
            r.trigger,
            r.batch_id,
            r.success,
            func.count(c.id).filter(c.success.is_(False)),
            func.count(c.id).filter(c.success.is_(False), c.blocking.is_(True)),
        )
        .outerjoin(c, c.run_id == r.id)
        .group_by(r.id)
        .order_by(r.id.desc())
        .limit(limit)
    )
    if store_wide is True:
        stmt = stmt.where(r.batch_id.is_(None))
    elif store_wide is False:
        stmt = stmt.where(r.batch_id.is_not(None))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pl.DataFrame([tuple(row) for row in rows], schema=RUNS, orient="row")


def latest_run_id(engine: Engine, *, batch_id: int | None = None) -> int | None:
    """The newest run over the whole store, or over one import batch when batch_id is given."""
    stmt = select(func.max(CheckRun.id)).where(
        CheckRun.batch_id.is_(None) if batch_id is None else CheckRun.batch_id == batch_id
    )
    with engine.connect() as conn:
        value = conn.scalar(stmt)
    return int(value) if value is not None else None


_RESULT_TYPES: dict[str, Any] = {
    "run_id": pl.Int64,
    "suite": pl.String,
    "expectation": pl.String,
    "title": pl.String,
    "region_code": pl.String,
    "dimension": pl.String,
    "blocking": pl.Boolean,
    "success": pl.Boolean,
    "element_count": pl.Int64,
    "unexpected_count": pl.Int64,
    "sample_ids": pl.List(pl.String),
    "what": pl.String,
    "why": pl.String,
    "fix": pl.String,
    "note": pl.String,
}
RESULTS = pl.Schema(_RESULT_TYPES)


def check_results(engine: Engine, scope: Scope | None, run_id: int) -> pl.DataFrame:
    """Every result of a run; offending record ids only for regions in the reader's detail scope.

    Counts are aggregate information and shown for every region; the record ids (the sources'
    own record numbers, never internal ids) identify registrations, so they follow the scope.
    scope None: every region (the quality suites and passports, below the boundary).
    """
    scope = scope if scope is not None else _issue(None)
    c = CheckResult
    stmt = (
        select(
            c.run_id,
            c.suite,
            c.expectation,
            c.region_code,
            c.dimension,
            c.blocking,
            c.success,
            c.element_count,
            c.unexpected_count,
            c.sample_ids,
            c.details,
        )
        .where(c.run_id == run_id)
        .order_by(c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    records = []
    for row in rows:
        details: dict[str, Any] = row.details or {}
        # Rows without a region belong to no one's detail scope but the whole-store reader's.
        in_scope = (
            scope.allows(row.region_code) if row.region_code else scope.detail_regions is None
        )
        records.append(
            (
                row.run_id,
                row.suite,
                row.expectation,
                str(details.get("title", row.expectation)),
                row.region_code,
                row.dimension,
                row.blocking,
                row.success,
                row.element_count,
                row.unexpected_count,
                [str(x) for x in (row.sample_ids or [])] if in_scope else [],
                details.get("what"),
                details.get("why"),
                details.get("fix"),
                details.get("note"),
            )
        )
    return pl.DataFrame(records, schema=RESULTS, orient="row")


_SCORED = ("run_id", "region_code", "dimension", "element_count", "unexpected_count")


def _scored_results(engine: Engine, run_ids: list[int]) -> pl.DataFrame:
    """What passports are scored from, of several runs in one read: no sample ids and no
    details (decoding those for every run was most of the quality page's time)."""
    c = CheckResult
    stmt = select(c.run_id, c.region_code, c.dimension, c.element_count, c.unexpected_count).where(
        c.run_id.in_(run_ids)
    )
    return read_frame(engine, stmt, pl.Schema({name: RESULTS[name] for name in _SCORED}))


PASSPORT = pl.Schema(
    {
        "region_code": pl.String,
        "completeness": pl.Float64,
        "validity": pl.Float64,
        "timeliness": pl.Float64,
        "consistency": pl.Float64,
        "overall": pl.Float64,
        "below_threshold": pl.Boolean,
        "threshold": pl.Float64,
    }
)


def passport_scores(
    results: pl.DataFrame, threshold: float, by: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Scores 0–1 per region and dimension from a run's results (pure; see `passports`), or
    per `by` (e.g. the run) and region from several runs' results.

    A dimension's score is the share of elements (records, months, quarters) in order for its
    weakest expectation: a region is as reliable as its worst known problem. The overall score
    is the lowest dimension score; below_threshold when it is under `threshold`. Expectations
    without elements for a region (nothing to check) do not count.
    """
    rated = results.filter(
        pl.col("region_code").is_not_null() & (pl.col("element_count") > 0)
    ).with_columns(
        rate=(1 - pl.col("unexpected_count").cast(pl.Float64) / pl.col("element_count")).clip(
            0.0, 1.0
        )
    )
    schema = pl.Schema([*((name, RESULTS[name]) for name in by), *PASSPORT.items()])
    if rated.is_empty():
        return pl.DataFrame(schema=schema)
    keys = [*by, "region_code"]
    per_dimension = rated.group_by(*keys, "dimension").agg(pl.col("rate").min())
    wide = per_dimension.pivot(on="dimension", index=keys, values="rate")
    for dimension in DIMENSIONS:
        if dimension not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(dimension))
    return (
        wide.with_columns(overall=pl.min_horizontal(*DIMENSIONS))
        .with_columns(below_threshold=pl.col("overall") < threshold, threshold=pl.lit(threshold))
        .select(schema.names())
        .cast(schema)
        .sort(keys)
    )


def passports(engine: Engine, threshold: float, run_id: int | None = None) -> pl.DataFrame:
    """The passport per region of the newest run over the whole store (or of `run_id`).

    Columns: region_code, completeness, validity, timeliness, consistency (0–1, null when the
    dimension has nothing to check), overall, below_threshold, threshold. Empty before any run.
    """
    run = run_id if run_id is not None else latest_run_id(engine)
    if run is None:
        return pl.DataFrame(schema=PASSPORT)
    return passport_scores(_scored_results(engine, [run]), threshold)


def passport_history(engine: Engine, threshold: float, limit: int = 30) -> pl.DataFrame:
    """Passports of the last `limit` runs over the whole store, oldest first: the trend.

    Columns: run_id, finished_at, then the PASSPORT columns.
    """
    runs = check_runs(engine, store_wide=True, limit=limit).select("run_id", "finished_at")
    scores = passport_scores(
        _scored_results(engine, runs["run_id"].to_list()), threshold, by=("run_id",)
    )
    return (
        runs.join(scores, on="run_id")
        .select("run_id", "finished_at", *PASSPORT.names())
        .sort("run_id", "region_code")
    )
