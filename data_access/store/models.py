"""SQLAlchemy 2 typed models of the harmonised store (docs/design.md §3).

Changed only via migrations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


# --- reference data -----------------------------------------------------------------------


class Region(Base):
    """A 1G1P network (samenwerkingsverband) and its team."""

    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(40))
    active_from: Mapped[date] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    name_basis: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class Elz(Base):
    """An eerstelijnszone (primary-care zone)."""

    __tablename__ = "elz"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    province: Mapped[str] = mapped_column(String(40))


class Municipality(Base):
    """A municipality version (NIS code) valid over a period (the 2019 and 2025 sets)."""

    __tablename__ = "municipality"
    __table_args__ = (UniqueConstraint("nis_code", "valid_from"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nis_code: Mapped[str] = mapped_column(String(5), index=True)
    name: Mapped[str] = mapped_column(String(80))
    province: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class MunicipalityCrosswalk(Base):
    """Pre-2025 NIS code → 2025 NIS code (whole-municipality mergers)."""

    __tablename__ = "municipality_crosswalk"
    nis_code_old: Mapped[str] = mapped_column(String(5), primary_key=True)
    nis_code_new: Mapped[str] = mapped_column(String(5), index=True)


class MunicipalityElz(Base):
    """Which ELZ a municipality belongs to over a period."""

    __tablename__ = "municipality_elz"
    __table_args__ = (UniqueConstraint("nis_code", "valid_from"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nis_code: Mapped[str] = mapped_column(String(5), index=True)
    elz_code: Mapped[str] = mapped_column(ForeignKey("elz.code"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class Population(Base):
    """Inhabitants of a (pre-2025) municipality on a reference date."""

    __tablename__ = "population"
    nis_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    reference_date: Mapped[date] = mapped_column(Date, primary_key=True)
    population_total: Mapped[int] = mapped_column(Integer)
    population_0_17: Mapped[int | None] = mapped_column(Integer)
    population_0_24: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))


class RegionArea(Base):
    """A municipality (first networks) or ELZ (from 2021-07-01) belonging to a region."""

    __tablename__ = "region_area"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    nis_code: Mapped[str | None] = mapped_column(String(5))
    elz_code: Mapped[str | None] = mapped_column(ForeignKey("elz.code"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # source | derived | indicative: indicative rows are never shown as official.
    basis: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(200))


class NetworkReference2020(Base):
    """The 2020 evaluation's table of the first 15 networks (FTE, inhabitants, partners)."""

    __tablename__ = "network_reference_2020"
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    network_name: Mapped[str] = mapped_column(String(120))
    fte_total: Mapped[float | None] = mapped_column(Float)
    fte_coordination: Mapped[float | None] = mapped_column(Float)
    fte_team: Mapped[float | None] = mapped_column(Float)
    fte_elp: Mapped[float | None] = mapped_column(Float)
    fte_other: Mapped[float | None] = mapped_column(Float)
    fte_note: Mapped[str | None] = mapped_column(Text)
    inhabitants: Mapped[int | None] = mapped_column(Integer)
    partners: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))


# --- imports and registrations ------------------------------------------------------------


class ImportBatch(Base):
    """One imported file; rows_read = rows_accepted + rows_rejected + rows_duplicate."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_profile: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_by: Mapped[str] = mapped_column(String(120))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="geladen")
    raw_path: Mapped[str | None] = mapped_column(String(255))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # The profile text that imported the batch (its file is kept under raw/profiles/) and how
    # often each of its mapping rules fired: counts only, never values.
    profile_sha256: Mapped[str | None] = mapped_column(String(64))
    rule_counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Quarantine(Base):
    """A rejected raw row, kept with its line, column and reason."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    column_name: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    raw_row: Mapped[dict[str, Any]] = mapped_column(JSON)


class Registration(Base):
    """One request (aanmelding) or consult question, harmonised."""

    __tablename__ = "registration"
    # No index on region and date: pages read the columnar parts, checks the whole table (only
    # the fallback read filters on them), and the index cost a sixth of every import's write.
    __table_args__ = (UniqueConstraint("source_system", "source_record_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # Not indexed: no query looks a family up, and an index on random pseudonyms touched a page
    # per row on every import (BENCHMARKS.md).
    family_id: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    nis_code: Mapped[str | None] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(12))
    received_date: Mapped[date] = mapped_column(Date)
    first_contact_date: Mapped[date | None] = mapped_column(Date)
    closed_date: Mapped[date | None] = mapped_column(Date)
    referrer: Mapped[str | None] = mapped_column(String(24))
    request_nature: Mapped[str | None] = mapped_column(String(24))
    response_type: Mapped[str | None] = mapped_column(String(24))
    closure_reason: Mapped[str | None] = mapped_column(String(24))
    child_age: Mapped[int | None] = mapped_column(SmallInteger)
    age_band: Mapped[str | None] = mapped_column(String(12))
    source_system: Mapped[str] = mapped_column(String(40))
    source_record_id: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)


class Partner(Base):
    """An organisation that can be involved in registrations."""

    __tablename__ = "partner"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    sector: Mapped[str] = mapped_column(String(24))


class RegistrationPartner(Base):
    """Organisations involved in a registration (many-to-many)."""

    __tablename__ = "registration_partner"
    # A link is its own key: on SQLite one b-tree, not a table plus its primary-key index.
    __table_args__ = ({"sqlite_with_rowid": False},)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), primary_key=True)


class AggregateReport(Base):
    """A monthly count from a source that delivers no rows."""

    __tablename__ = "aggregate_report"
    __table_args__ = (UniqueConstraint("source_system", "region_code", "month", "measure"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    month: Mapped[date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(Integer)
    source_system: Mapped[str] = mapped_column(String(40))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)


class Staffing(Base):
    """FTE of one function and employer sector in a region for a quarter."""

    __tablename__ = "staffing"
    __table_args__ = (UniqueConstraint("region_code", "quarter", "function", "sector"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    quarter: Mapped[str] = mapped_column(String(6))
    function: Mapped[str] = mapped_column(String(24))
    sector: Mapped[str] = mapped_column(String(24))
    fte: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


class VolumeAgreement(Base):
    """Agreed yearly number of registrations referred by GV or SDJ."""

    __tablename__ = "volume_agreement"
    __table_args__ = (UniqueConstraint("region_code", "year", "party"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    year: Mapped[int] = mapped_column(Integer)
    party: Mapped[str] = mapped_column(String(4))
    agreed: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


# --- quality, users, audit ----------------------------------------------------------------


class CheckRun(Base):
    """One run of the data-quality suites."""

    __tablename__ = "check_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    trigger: Mapped[str] = mapped_column(String(16))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    data_version: Mapped[int] = mapped_column(Integer)
    success: Mapped[bool | None] = mapped_column(Boolean)


class CheckResult(Base):
    """The outcome of one expectation in a run, per region where it applies."""

    __tablename__ = "check_result"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("check_run.id", ondelete="CASCADE"), index=True)
    suite: Mapped[str] = mapped_column(String(60))
    expectation: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str | None] = mapped_column(String(8))
    dimension: Mapped[str] = mapped_column(String(20))
    blocking: Mapped[bool] = mapped_column(Boolean, default=False)
    success: Mapped[bool] = mapped_column(Boolean)
    element_count: Mapped[int] = mapped_column(Integer, default=0)
    unexpected_count: Mapped[int] = mapped_column(Integer, default=0)
    sample_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class UserAccount(Base):
    """A person who may log in; roles are in role_assignment."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RoleAssignment(Base):
    """A role of a user, for one region where the role is regional."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("user_id", "role", "region_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))


class AuditEvent(Base):
    """Something a user did that must be traceable (login, import, export, user change)."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FeedbackNote(Base):
    """A critical friend's note for a region and quarter; a new version never overwrites."""

    __tablename__ = "feedback_note"
    __table_args__ = (UniqueConstraint("region_code", "quarter", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    quarter: Mapped[str] = mapped_column(String(6))
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StoreMeta(Base):
    """Key/value facts about the store: the data version (bumped by every data change), demo."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class QuarterSnapshot(Base):
    """The frozen figures of a closed quarter (for one region, or all when region_code is null):
    later corrections show as a difference against them, never as a silent change."""

    __tablename__ = "quarter_snapshot"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    data_version: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
