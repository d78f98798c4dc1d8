"""Named, typed, scope-aware reads of the store into polars frames; the only way pages read data."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import polars as pl
from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import aliased

from data_access import columnar, schemas
from data_access.db import data_version as _data_version
from data_access.frames import read_frame as _frame
from data_access.geography import AreaTables, reassign_to_today, with_region
from data_access.models import (
    AggregateReport,
    Elz,
    ImportBatch,
    MunicipalityCrosswalk,
    MunicipalityElz,
    NetworkReference2020,
    Partner,
    Population,
    Quarantine,
    Region,
    RegionArea,
    Registration,
    RegistrationPartner,
    Staffing,
    VolumeAgreement,
)

Basis = Literal["then", "today"]


@dataclass(frozen=True)
class Scope:
    """Which regions a reader may see in detail; None means every region."""

    detail_regions: frozenset[str] | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def regions(cls, *codes: str) -> Scope:
        return cls(frozenset(codes))

    def allows(self, region_code: str | None) -> bool:
        return self.detail_regions is None or region_code in self.detail_regions

    def filter(self, frame: pl.LazyFrame, column: str = "region_code") -> pl.LazyFrame:
        """Keep the rows of regions in scope."""
        if self.detail_regions is None:
            return frame
        return frame.filter(pl.col(column).is_in(sorted(self.detail_regions)))


def _between(column: Any, start: date | None, end: date | None) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if start is not None:
        clauses.append(column >= start)
    if end is not None:
        clauses.append(column <= end)
    return clauses


def data_version(engine: Engine) -> int:
    """The store's data version: caches of registration reads are keyed on it."""
    with engine.connect() as conn:
        return _data_version(conn)


def registrations(
    engine: Engine,
    scope: Scope,
    *,
    start: date | None = None,
    end: date | None = None,
    basis: Basis = "then",
    today: date | None = None,
) -> pl.DataFrame:
    """Registrations received between start and end (inclusive), on the chosen region basis."""
    return _registrations(engine, columnar.frames(engine), scope, start, end, basis, today)


def _registrations(
    engine: Engine,
    cached: columnar.Frames | None,
    scope: Scope,
    start: date | None,
    end: date | None,
    basis: Basis,
    today: date | None,
) -> pl.DataFrame:
    if cached is not None:
        frame = cached[0].lazy().filter(*_within(pl.col("received_date"), start, end))
    else:
        frame = _registrations_from_store(engine, scope, start, end, basis).lazy()
    if basis == "today":
        frame = reassign_to_today(frame, area_tables(engine), today or date.today())
    return scope.filter(frame).select(schemas.REGISTRATION.names()).collect()


def _within(column: pl.Expr, start: date | None, end: date | None) -> list[pl.Expr]:
    clauses = [pl.lit(True)]
    if start is not None:
        clauses.append(column >= start)
    if end is not None:
        clauses.append(column <= end)
    return clauses


def _registrations_from_store(
    engine: Engine, scope: Scope, start: date | None, end: date | None, basis: Basis
) -> pl.DataFrame:
    r = Registration
    stmt = select(
        r.id,
        r.family_id,
        r.region_code,
        r.nis_code,
        r.kind,
        r.received_date,
        r.first_contact_date,
        r.closed_date,
        r.referrer,
        r.request_nature,
        r.response_type,
        r.closure_reason,
        r.child_age,
        r.source_system,
        r.source_record_id,
        r.batch_id,
    ).where(*_between(r.received_date, start, end))
    if basis == "then" and scope.detail_regions is not None:
        stmt = stmt.where(r.region_code.in_(sorted(scope.detail_regions)))
    return _frame(engine, stmt, schemas.REGISTRATION)


# Out of the reader's detail scope, statistics are computed from registrations stripped of every
# identifier. Their substitute keys are hashed with a per-process random seed, so they count
# distinct families and registrations but link to nothing in the store or in another process.
_SEED = secrets.randbits(62)


def _deidentified(frame: pl.LazyFrame, scope: Scope, region: str = "region_code") -> pl.LazyFrame:
    if scope.detail_regions is None:
        return frame
    outside = ~pl.col(region).is_in(sorted(scope.detail_regions))

    def hidden(column: str, value: pl.Expr) -> pl.Expr:
        return pl.when(outside).then(value).otherwise(pl.col(column)).alias(column)

    substitutes = {
        "id": -(pl.col("id").hash(_SEED) % (1 << 62)).cast(pl.Int64) - 1,
        "registration_id": -(pl.col("registration_id").hash(_SEED) % (1 << 62)).cast(pl.Int64) - 1,
        "family_id": pl.col("family_id").hash(_SEED).cast(pl.String),
        "nis_code": pl.lit(None, pl.String),
        "child_age": pl.lit(None, pl.Int16),
        "source_record_id": pl.lit(None, pl.String),
        "batch_id": pl.lit(None, pl.Int64),
    }
    names = frame.collect_schema().names()
    return frame.with_columns([hidden(c, e) for c, e in substitutes.items() if c in names])


def registrations_for_statistics(
    engine: Engine,
    scope: Scope,
    *,
    start: date | None = None,
    end: date | None = None,
    basis: Basis = "then",
    today: date | None = None,
) -> pl.DataFrame:
    """Every region's registrations for computing figures: full rows for the reader's detail
    regions, identifier-free rows for the others (pages show only disclosure-controlled
    aggregates of those)."""
    everything = registrations(
        engine, Scope.everything(), start=start, end=end, basis=basis, today=today
    )
    return _deidentified(everything.lazy(), scope).collect()


def partners_for_statistics(
    engine: Engine, scope: Scope, *, basis: Basis = "then", today: date | None = None
) -> pl.DataFrame:
    """Organisations involved, per registration, with identifier-free keys outside the detail
    scope; on the 'today' basis placed under today's regions."""
    return for_statistics(engine, scope, basis=basis, today=today)[1]


def for_statistics(
    engine: Engine, scope: Scope, *, basis: Basis = "then", today: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """registrations_for_statistics and partners_for_statistics of the whole period in one
    pass, placing the registrations on the basis once for both. From the columnar parts both
    come from one snapshot of the store."""
    cached = columnar.frames(engine)
    everything = _registrations(engine, cached, Scope.everything(), None, None, basis, today)
    partners = _registration_partners(engine, cached, Scope.everything(), None, None)
    if basis == "today":
        placed = everything.select(
            pl.col("id").alias("registration_id"), pl.col("region_code").alias("_today")
        )
        partners = (
            partners.join(placed, on="registration_id", how="inner")
            .with_columns(region_code=pl.col("_today"))
            .drop("_today")
        )
    return (
        _deidentified(everything.lazy(), scope).collect(),
        _deidentified(partners.lazy(), scope).collect(),
    )


def registration_partners(
    engine: Engine, scope: Scope, *, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Organisations involved in registrations received between start and end."""
    return _registration_partners(engine, columnar.frames(engine), scope, start, end)


def _registration_partners(
    engine: Engine,
    cached: columnar.Frames | None,
    scope: Scope,
    start: date | None,
    end: date | None,
) -> pl.DataFrame:
    if cached is not None:
        registrations, links = cached
        placed = registrations.lazy().select(
            pl.col("id").alias("registration_id"), "region_code", "received_date"
        )
        frame = (
            links.lazy()
            .join(placed, on="registration_id", how="inner")
            .filter(*_within(pl.col("received_date"), start, end))
        )
        return scope.filter(frame).select(schemas.REGISTRATION_PARTNER.names()).collect()
    r, rp, p = Registration, RegistrationPartner, Partner
    stmt = (
        select(rp.registration_id, r.region_code, r.received_date, p.name, p.sector)
        .join(r, r.id == rp.registration_id)
        .join(p, p.id == rp.partner_id)
        .where(*_between(r.received_date, start, end))
    )
    if scope.detail_regions is not None:
        stmt = stmt.where(r.region_code.in_(sorted(scope.detail_regions)))
    return _frame(engine, stmt, schemas.REGISTRATION_PARTNER)


def aggregate_reports(
    engine: Engine, scope: Scope, *, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Monthly counts of sources that deliver no rows."""
    a = AggregateReport
    stmt = select(a.region_code, a.month, a.measure, a.value, a.source_system).where(
        *_between(a.month, start, end)
    )
    if scope.detail_regions is not None:
        stmt = stmt.where(a.region_code.in_(sorted(scope.detail_regions)))
    return _frame(engine, stmt, schemas.AGGREGATE_REPORT)


def staffing(engine: Engine, scope: Scope) -> pl.DataFrame:
    """FTE per region, quarter, function and employer sector."""
    s = Staffing
    stmt = select(s.region_code, s.quarter, s.function, s.sector, s.fte)
    raw = pl.Schema({k: v for k, v in schemas.STAFFING.items() if k != "quarter_start"})
    frame = _frame(engine, stmt, raw).with_columns(
        quarter_start=pl.date(
            pl.col("quarter").str.slice(0, 4).cast(pl.Int32),
            (pl.col("quarter").str.slice(5, 1).cast(pl.Int8) - 1) * 3 + 1,
            1,
        )
    )
    return scope.filter(frame.lazy()).select(schemas.STAFFING.names()).collect()


def volume_agreements(engine: Engine, scope: Scope) -> pl.DataFrame:
    """Agreed yearly GV and SDJ volumes per region."""
    v = VolumeAgreement
    stmt = select(v.region_code, v.year, v.party, v.agreed)
    return scope.filter(_frame(engine, stmt, schemas.VOLUME_AGREEMENT).lazy()).collect()


def regions(engine: Engine) -> pl.DataFrame:
    """Every region (network) with its active period; reference data, not scoped."""
    g = Region
    stmt = select(g.code, g.name, g.active_from, g.active_to, g.name_basis).order_by(g.code)
    return _frame(engine, stmt, schemas.REGION)


def elz(engine: Engine) -> pl.DataFrame:
    """The ELZ with name and province."""
    stmt = select(Elz.code, Elz.name, Elz.province).order_by(Elz.code)
    return _frame(
        engine,
        stmt,
        pl.Schema({"elz_code": pl.String, "elz_name": pl.String, "province": pl.String}),
    )


def region_areas(engine: Engine) -> pl.DataFrame:
    """Which municipalities or ELZ belong to which region, when, and on what basis."""
    a = RegionArea
    stmt = select(a.region_code, a.nis_code, a.elz_code, a.valid_from, a.valid_to, a.basis)
    return _frame(
        engine,
        stmt,
        pl.Schema(
            {
                "region_code": pl.String,
                "nis_code": pl.String,
                "elz_code": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "basis": pl.String,
            }
        ),
    )


def area_tables(engine: Engine) -> AreaTables:
    """The reference frames that place a municipality in a region on a date."""
    m = MunicipalityElz
    layout = _frame(
        engine,
        select(m.nis_code, m.elz_code, m.valid_from, m.valid_to),
        pl.Schema(
            {
                "nis_code": pl.String,
                "elz_code": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
            }
        ),
    )
    c = MunicipalityCrosswalk
    crosswalk = _frame(
        engine,
        select(c.nis_code_old, c.nis_code_new),
        pl.Schema({"nis_code_old": pl.String, "nis_code_new": pl.String}),
    )
    return AreaTables(region_areas(engine), layout, crosswalk)


def region_population(engine: Engine, on: date) -> pl.DataFrame:
    """Inhabitants of each region's area as it was on `on` (latest population figures).

    Brussels: the network's stated 362.700 inhabitants replace the region's 1,2 million, and
    there is no age breakdown (reference/README.md).
    """
    p, newer = Population, aliased(Population)
    latest = select(func.max(newer.reference_date)).where(newer.nis_code == p.nis_code)
    pop = _frame(
        engine,
        select(p.nis_code, p.population_total, p.population_0_17).where(
            p.reference_date == latest.scalar_subquery()
        ),
        pl.Schema(
            {"nis_code": pl.String, "population_total": pl.Int64, "population_0_17": pl.Int64}
        ),
    )
    placed = (
        pop.lazy()
        .with_columns(on=pl.lit(on))
        .pipe(with_region, area_tables(engine), on="on")
        .filter(pl.col("area_region").is_not_null())
        .group_by(pl.col("area_region").alias("region_code"))
        .agg(
            pl.col("population_total").sum(),
            # A sum over a partly unknown breakdown is unknown, not an undercount.
            pl.when(pl.col("population_0_17").null_count() == 0)
            .then(pl.col("population_0_17").sum())
            .otherwise(None)
            .alias("population_0_17"),
            pl.when((pl.col("area_basis") == "indicative").any())
            .then(pl.lit("indicative"))
            .otherwise(pl.lit("source"))
            .alias("area_basis"),
        )
        .collect()
    )
    stated = network_reference_2020(engine).filter(pl.col("region_code") == "BRU")
    if stated.height and stated["inhabitants"][0] is not None:
        placed = placed.with_columns(
            population_total=pl.when(pl.col("region_code") == "BRU")
            .then(pl.lit(stated["inhabitants"][0], pl.Int64))
            .otherwise(pl.col("population_total")),
            area_basis=pl.when(pl.col("region_code") == "BRU")
            .then(pl.lit("stated"))
            .otherwise(pl.col("area_basis")),
        )
    return (
        placed.select(schemas.REGION_POPULATION.names())
        .cast(schemas.REGION_POPULATION)
        .sort("region_code")
    )


def network_reference_2020(engine: Engine) -> pl.DataFrame:
    """The 2020 evaluation's table of the first 15 networks (FTE, inhabitants, partners)."""
    n = NetworkReference2020
    stmt = select(
        n.region_code,
        n.network_name,
        n.fte_total,
        n.fte_coordination,
        n.fte_team,
        n.fte_elp,
        n.fte_other,
        n.inhabitants,
        n.partners,
        n.fte_note,
    ).order_by(n.region_code)
    return _frame(
        engine,
        stmt,
        pl.Schema(
            {
                "region_code": pl.String,
                "network_name": pl.String,
                "fte_total": pl.Float64,
                "fte_coordination": pl.Float64,
                "fte_team": pl.Float64,
                "fte_elp": pl.Float64,
                "fte_other": pl.Float64,
                "inhabitants": pl.Int64,
                "partners": pl.Int64,
                "fte_note": pl.String,
            }
        ),
    )


_IMPORT_BATCH_TYPES: dict[str, Any] = {
    "batch_id": pl.Int64,
    "file_name": pl.String,
    "source_profile": pl.String,
    "region_code": pl.String,
    "imported_at": pl.Datetime("us", "UTC"),
    "imported_by": pl.String,
    "rows_read": pl.Int64,
    "rows_accepted": pl.Int64,
    "rows_rejected": pl.Int64,
    "rows_duplicate": pl.Int64,
    "rows_updated": pl.Int64,
    "status": pl.String,
}
IMPORT_BATCH = pl.Schema(_IMPORT_BATCH_TYPES)


def import_batches(engine: Engine, scope: Scope) -> pl.DataFrame:
    """Every import batch with its counts, newest first."""
    b = ImportBatch
    stmt = select(
        b.id,
        b.file_name,
        b.source_profile,
        b.region_code,
        b.imported_at,
        b.imported_by,
        b.rows_read,
        b.rows_accepted,
        b.rows_rejected,
        b.rows_duplicate,
        b.rows_updated,
        b.status,
    ).order_by(b.id.desc())
    frame = _frame(engine, stmt, IMPORT_BATCH)
    if scope.detail_regions is None:
        return frame
    return frame.filter(pl.col("region_code").is_in(sorted(scope.detail_regions)))


QUARANTINE = pl.Schema(
    {
        "batch_id": pl.Int64,
        "line_number": pl.Int64,
        "column_name": pl.String,
        "reason": pl.String,
        "raw_row": pl.String,
    }
)


def quarantined_rows(engine: Engine, scope: Scope, batch_id: int) -> pl.DataFrame:
    """The rejected rows of one batch with line, column and reason (raw row as JSON text)."""
    b, q = ImportBatch, Quarantine
    stmt = (
        select(q.batch_id, q.line_number, q.column_name, q.reason, q.raw_row, b.region_code)
        .join(b, b.id == q.batch_id)
        .where(q.batch_id == batch_id)
        .order_by(q.line_number)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    allowed = [row for row in rows if scope.allows(row.region_code)]

    return pl.DataFrame(
        {
            "batch_id": [row.batch_id for row in allowed],
            "line_number": [row.line_number for row in allowed],
            "column_name": [row.column_name for row in allowed],
            "reason": [row.reason for row in allowed],
            "raw_row": [json.dumps(row.raw_row, ensure_ascii=False) for row in allowed],
        },
        schema=QUARANTINE,
    )
