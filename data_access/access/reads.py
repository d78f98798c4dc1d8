"""Named, typed, scope-aware reads of the registrations into polars frames."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any, Literal

import polars as pl
from sqlalchemy import ColumnElement, Engine, select

from data_access.access.perturbation import RecordKeys
from data_access.access.scope import Scope, _issue
from data_access.reference.areas import reassign_to_today
from data_access.reference.tables import area_tables
from data_access.store import columnar, schemas
from data_access.store.db import data_version as _data_version
from data_access.store.frames import read_frame as _frame
from data_access.store.models import (
    AggregateReport,
    Partner,
    Registration,
    RegistrationPartner,
    Staffing,
    VolumeAgreement,
)

Basis = Literal["then", "today"]


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
    scope: Scope | None,
    *,
    start: date | None = None,
    end: date | None = None,
    basis: Basis = "then",
    today: date | None = None,
) -> pl.DataFrame:
    """Registrations received between start and end (inclusive), on the chosen region basis;
    scope None: every region (for computations below the publishing boundary)."""
    return _registrations(engine, columnar.frames(engine), _whole(scope), start, end, basis, today)


def _whole(scope: Scope | None) -> Scope:
    """The scope asked for; None stands for the whole store."""
    return scope if scope is not None else _issue(None)


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
    return _frame(engine, stmt, schemas.REGISTRATION, bulk=True)


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


def for_statistics(
    engine: Engine,
    scope: Scope,
    keys: RecordKeys,
    *,
    basis: Basis = "then",
    today: date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every region's registrations and partner links, for computing figures below the
    publishing boundary: full rows for the reader's detail regions, identifier-free rows for
    the others. Both carry the secret record key (the registrations also the family key, the
    links the partner and sector keys) that the cell-key method draws perturbations from; they never
    leave the process. From the columnar parts both come from one snapshot of the store; on
    the 'today' basis the links follow their registration to today's region."""
    cached = columnar.frames(engine)
    everything = _registrations(engine, cached, _issue(None), None, None, basis, today)
    everything = everything.with_columns(
        record_key=keys.of("source_system", "source_record_id"),
        family_key=keys.of(pl.lit("family"), "family_id"),
    )
    partners = _registration_partners(engine, cached, _issue(None), None, None)
    placed = everything.select(
        pl.col("id").alias("registration_id"), pl.col("region_code").alias("_placed"), "record_key"
    )
    partners = (
        partners.join(placed, on="registration_id", how="inner")
        .with_columns(
            region_code=pl.col("_placed"),
            partner_key=keys.of(pl.lit("partner"), "partner_name"),
            sector_key=keys.of(pl.lit("sector"), pl.col("sector").fill_null("ONBEKEND")),
        )
        .drop("_placed")
    )
    return (
        _deidentified(everything.lazy(), scope).collect(),
        _deidentified(partners.lazy(), scope).collect(),
    )


def registration_partners(
    engine: Engine,
    scope: Scope | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """Organisations involved in registrations received between start and end."""
    return _registration_partners(engine, columnar.frames(engine), _whole(scope), start, end)


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
    return _frame(engine, stmt, schemas.REGISTRATION_PARTNER, bulk=True)


def aggregate_reports(
    engine: Engine,
    scope: Scope | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """Monthly counts of sources that deliver no rows."""
    scope = _whole(scope)
    a = AggregateReport
    stmt = select(a.region_code, a.month, a.measure, a.value, a.source_system).where(
        *_between(a.month, start, end)
    )
    if scope.detail_regions is not None:
        stmt = stmt.where(a.region_code.in_(sorted(scope.detail_regions)))
    return _frame(engine, stmt, schemas.AGGREGATE_REPORT)


def staffing(engine: Engine, scope: Scope | None = None) -> pl.DataFrame:
    """FTE per region, quarter, function and employer sector."""
    scope = _whole(scope)
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


def volume_agreements(engine: Engine, scope: Scope | None = None) -> pl.DataFrame:
    """Agreed yearly GV and SDJ volumes per region."""
    scope = _whole(scope)
    v = VolumeAgreement
    stmt = select(v.region_code, v.year, v.party, v.agreed)
    return scope.filter(_frame(engine, stmt, schemas.VOLUME_AGREEMENT).lazy()).collect()
