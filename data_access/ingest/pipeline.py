"""Import a source file: validate, quarantine, deduplicate, and load in one transaction."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from data_access.ingest.files import (
    LINE,
    FatalImportError,
    RawTable,
    head_lines,
    holds_header,
    read_table,
    source_name,
)
from data_access.ingest.profiles import (
    Profile,
    ProfileError,
    available_profiles,
    get_profile,
    normalise_key,
)
from data_access.ingest.rules import PARTNER_JOIN, PREPARERS, Context, Prepared
from data_access.private_files import append_private, copy_private
from data_access.reference import tables
from data_access.settings import Settings
from data_access.store.db import bump_data_version, set_meta
from data_access.store.frames import driver_frame, read_frame
from data_access.store.models import (
    AggregateReport,
    ImportBatch,
    Municipality,
    Partner,
    Quarantine,
    Region,
    Registration,
    RegistrationPartner,
    Staffing,
    VolumeAgreement,
)

Progress = Callable[[float, str], None]

KEYS: dict[str, list[str]] = {
    "registrations": ["source_system", "source_record_id"],
    "aggregate": ["source_system", "month"],
    "staffing": ["region_code", "quarter", "function", "sector"],
    "volume": ["region_code", "year", "party"],
}
REGISTRATION_CONTENT = [
    "family_id",
    "region_code",
    "nis_code",
    "kind",
    "received_date",
    "first_contact_date",
    "closed_date",
    "referrer",
    "request_nature",
    "response_type",
    "closure_reason",
    "child_age",
    "partners",
]
CHUNK = 20_000


@dataclass
class ImportResult:
    """What an import did; rows_read = rows_accepted + rows_rejected + rows_duplicate."""

    file_name: str
    source: str
    batch_id: int | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    rows_updated: int = 0
    already_imported_as: int | None = None
    reasons: Counter[str] = field(default_factory=Counter)
    # The first rejected lines: (line, column or None, Dutch reason).
    first_rejects: list[tuple[int, str | None, str]] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)
    footer_lines: int = 0
    rule_counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """A Dutch summary for the CLI and the import page."""
        if self.already_imported_as is not None:
            return (
                f"{self.file_name}: dit bestand werd al ingelezen (batch "
                f"{self.already_imported_as}). Er is niets gewijzigd."
            )
        lines = [
            f"{self.file_name} (bron {self.source}, batch {self.batch_id}): "
            f"{self.rows_read} rijen gelezen, {self.rows_accepted} aanvaard "
            f"(waarvan {self.rows_updated} bijgewerkt), {self.rows_rejected} geweigerd, "
            f"{self.rows_duplicate} dubbel."
        ]
        lines += notes_on_file(self.footer_lines, self.unmapped_columns)
        if self.rows_rejected:
            lines.append("Geweigerde rijen staan in quarantaine. Eerste geweigerde regels:")
            lines += [f"  - {reject_line(*reject)}" for reject in self.first_rejects]
            lines.append("Meest voorkomende redenen:")
            lines += [f"  - {reason} ({n}×)" for reason, n in self.reasons.most_common(5)]
        return "\n".join(lines)


def notes_on_file(footer_lines: int, unmapped: list[str]) -> list[str]:
    """What the summary says about lines and columns the profile left out (Dutch)."""
    notes = []
    if footer_lines:
        notes.append(f"{footer_lines} regel(s) onder de tabel (voettekst) niet als rij geteld.")
    if unmapped:
        notes.append(
            "Kolommen die het profiel niet toewijst of weglaat, niet ingelezen: "
            f"{', '.join(unmapped)}."
        )
    return notes


def reject_line(line: int, column: str | None, reason: str) -> str:
    """A rejected line as the summary lists it: 'regel 5, kolom Aanmelder: …'."""
    where = f"regel {line}" + (f", kolom {column}" if column else "")
    prefix = f"kolom {column}: "
    return f"{where}: {reason.removeprefix(prefix) if column else reason}"


# How many rejected lines a summary lists.
FIRST_REJECTS = 10


@dataclass(frozen=True)
class Staged:
    """A file read, mapped and checked against the store's reference data; nothing written."""

    profile: Profile
    raw: RawTable
    ctx: Context
    prepared: Prepared
    rows: pl.DataFrame  # what would be stored, with _line
    rejects: pl.DataFrame  # _line, column, reason
    duplicates_in_file: int

    @property
    def rows_read(self) -> int:
        return self.raw.frame.height + len(self.raw.broken)

    @property
    def rows_rejected(self) -> int:
        return self.rejects.height + len(self.raw.broken)

    def unmapped_columns(self) -> list[str]:
        """The file's columns the profile neither reads nor drops."""
        used = self.profile.used_headers()
        return [c for c in self.raw.frame.columns if c != LINE and c not in used]

    def quarantined(self) -> pl.DataFrame:
        """_line, column, reason of every rejected line, broken lines included, by line."""
        broken = pl.DataFrame(
            {
                LINE: [line for line, _reason, _values in self.raw.broken],
                "column": [None] * len(self.raw.broken),
                "reason": [reason for _line, reason, _values in self.raw.broken],
            },
            schema={LINE: pl.Int64, "column": pl.String, "reason": pl.String},
        )
        return pl.concat([self.rejects.cast({LINE: pl.Int64}), broken]).sort(LINE)

    def first_rejects(self, n: int = FIRST_REJECTS) -> list[tuple[int, str | None, str]]:
        return [
            (int(line), column, reason)
            for line, column, reason in self.quarantined().head(n).iter_rows()
        ]


def sha256_of(path: Path) -> str:
    """Content hash of a file: its identity for 'same file twice' and the raw archive."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    engine: Engine,
    settings: Settings,
    path: Path,
    source: str,
    *,
    region: str | None = None,
    user: str = "cli",
    display_name: str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    is_demo: bool = False,
    archive: bool = True,
) -> ImportResult:
    """Import one file with a source profile; raises FatalImportError or ProfileError."""
    report = progress or (lambda _f, _m: None)
    name = display_name or path.name
    profile = get_profile(source, settings.profile_directory)
    digest = sha256_of(path)
    result = ImportResult(file_name=name, source=profile.name)
    previous = previous_batch(engine, digest, profile.name, region)
    if previous is not None:
        result.already_imported_as = previous
        return result
    staged = stage(
        engine, settings, path, profile, region=region, name=name, today=today, report=report
    )
    raw, ctx, rows, rejects = staged.raw, staged.ctx, staged.rows, staged.rejects
    raw_path = _archive(settings, path, digest) if archive else None
    report(0.45, "Opslaan in één transactie")
    registrations = rows if profile.kind == "registrations" else None
    with engine.connect() as conn, _without_key_lookups(conn, registrations), conn.begin():
        _serialise_imports(conn)
        batch_id = _create_batch(conn, name, digest, profile, region, user, raw_path, is_demo)
        inserted, updated, same = WRITERS[profile.kind](conn, rows, batch_id, report)
        _quarantine(conn, batch_id, raw, rejects, profile, ctx)
        result.batch_id = batch_id
        result.rows_read = staged.rows_read
        result.rows_rejected = staged.rows_rejected
        result.rows_duplicate = staged.duplicates_in_file + same
        result.rows_accepted = inserted + updated
        result.rows_updated = updated
        result.reasons = Counter(_reason_kind(r) for r in rejects["reason"].to_list())
        result.reasons.update(reason for _line, reason, _raw in raw.broken)
        assert result.rows_read == (
            result.rows_accepted + result.rows_rejected + result.rows_duplicate
        ), "import bookkeeping lost rows"
        conn.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(
                rows_read=result.rows_read,
                rows_accepted=result.rows_accepted,
                rows_rejected=result.rows_rejected,
                rows_duplicate=result.rows_duplicate,
                rows_updated=result.rows_updated,
                profile_sha256=profile.sha256,
                rule_counts=staged.prepared.rule_counts,
            )
        )
        if is_demo:
            set_meta(conn, "demo", "true")
        bump_data_version(conn)
    result.first_rejects = staged.first_rejects()
    result.unmapped_columns = staged.unmapped_columns()
    result.footer_lines = raw.footer_lines
    result.rule_counts = staged.prepared.rule_counts
    if raw_path is not None:
        _append_manifest(settings, digest, name, profile.name, region, user, raw_path, is_demo)
    if archive:
        _archive_profile(settings, profile)
    report(1.0, "Klaar")
    return result


def stage(
    engine: Engine,
    settings: Settings,
    source: Path | bytes,
    profile: Profile,
    *,
    region: str | None = None,
    name: str | None = None,
    today: date | None = None,
    report: Progress | None = None,
    trace: bool = False,
) -> Staged:
    """Read, map and check a file (a path, or bytes kept in memory) as an import would, without
    writing anything; raises FatalImportError for a file that cannot be imported at all."""
    report = report or (lambda _f, _m: None)
    name = source_name(source, name)
    report(0.05, "Bestand lezen")
    # The reference data is read while the file is parsed (both mostly outside the GIL); its
    # errors still come after the file's own, as before. An in-memory SQLite store is one
    # connection per thread (an empty database elsewhere): it is read on this thread.
    in_memory = engine.url.get_backend_name() == "sqlite" and engine.url.database in (
        None,
        "",
        ":memory:",
    )
    day = today or date.today()
    with ThreadPoolExecutor(max_workers=1) as pool:
        context = None if in_memory else pool.submit(_context, engine, settings, region, day)
        raw = read_table(source, profile, name)
        _require_headers(raw, profile, name, settings, source)
        report(0.25, "Rijen controleren")
        ctx = context.result() if context is not None else _context(engine, settings, region, day)
    ctx = dataclasses.replace(ctx, file_name=name, trace=trace)
    prepared = PREPARERS[profile.kind](raw, profile, ctx)
    rows, rejects = _reject_formulas(prepared, raw)
    rows, duplicates_in_file, conflicts = _dedupe_in_file(
        rows, KEYS[profile.kind], profile.header(KEYS[profile.kind][-1])
    )
    rejects = pl.concat([rejects, conflicts], how="vertical_relaxed")
    return Staged(profile, raw, ctx, prepared, rows, rejects, duplicates_in_file)


# Imports on PostgreSQL take this transaction-scoped advisory lock, so they commit in the order
# of their batch ids and never bump the data version from the same value (data_access.store.columnar
# relies on both); SQLite's write lock already does this.
IMPORT_LOCK = 19_121_001


def _serialise_imports(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({IMPORT_LOCK})")


@contextmanager
def _without_key_lookups(conn: Connection, registrations: pl.DataFrame | None) -> Iterator[None]:
    """SQLite without its foreign-key lookups while a file of registrations is written.

    Every key such a file writes is known good: its regions are checked here (regions are
    upserted, never deleted: data_access.reference.loader), and the batch, the registration ids and
    the partner ids are made or read inside the import's own transaction. Looking each one up
    again per row and per link cost about a tenth of the import (BENCHMARKS.md). The pragma
    only takes effect outside a transaction, so it is set before the import's begins and
    restored after it ends; a connection that cannot be restored is discarded, never pooled
    without its checks. Other kinds and PostgreSQL keep the lookups.
    """
    driver = conn.connection.driver_connection
    if (
        registrations is None
        or conn.dialect.name != "sqlite"
        or driver is None
        or driver.in_transaction
    ):
        yield
        return
    known = {code for (code,) in driver.execute("SELECT code FROM region")}
    unknown = set(registrations["region_code"].unique().to_list()) - known
    if unknown:  # the rules reject these rows first: reaching this is a bug, not bad input
        raise RuntimeError(
            f"rows of unknown regions reached the store: {sorted(map(str, unknown))}"
        )
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        _restore_key_lookups(conn, driver)


def _restore_key_lookups(conn: Connection, driver: Any) -> None:
    """Foreign keys back on, or the connection discarded. An interrupted import may already
    have had SQLAlchemy invalidate (close) the connection: then there is nothing to restore,
    and the interruption is what the caller must see."""
    if conn.invalidated:
        return
    try:
        driver.execute("PRAGMA foreign_keys=ON")
        restored = driver.execute("PRAGMA foreign_keys").fetchone() == (1,)
    except BaseException:
        conn.invalidate()
        raise
    if not restored:
        conn.invalidate()


def _reason_kind(reason: str) -> str:
    """Group reasons for the summary: the part before the quoted value."""
    return reason.split(" '")[0]


def previous_batch(engine: Engine, digest: str, source: str, region: str | None) -> int | None:
    """The batch that already imported these bytes with this profile (and region), if any."""
    with engine.connect() as conn:
        stmt = select(ImportBatch.id).where(
            ImportBatch.sha256 == digest, ImportBatch.source_profile == source
        )
        if region is not None:
            stmt = stmt.where(ImportBatch.region_code == region)
        return conn.scalar(stmt.order_by(ImportBatch.id.desc()).limit(1))


def _require_headers(
    raw: RawTable, profile: Profile, name: str, settings: Settings, source: Path | bytes
) -> None:
    present = set(raw.frame.columns)
    missing = [h for h in profile.required_headers() if h not in present]
    if not missing:
        return
    header_line = ", ".join(sorted(present - {LINE})[:12])
    message = (
        f"{name}, regel {raw.header_line}: verplichte kolom(men) ontbreken voor bron "
        f"'{profile.name}': {', '.join(missing)}. Gevonden kolommen: {header_line or '(geen)'}."
    )
    lines = head_lines(source) if raw.file_format == "csv" else []
    likely = [
        p.name
        for p in available_profiles(settings.profile_directory).values()
        if p.name != profile.name
        and p.required_headers()
        and (
            set(p.required_headers()) <= present
            if raw.file_format == "xlsx"
            else holds_header(lines, _delimiters(p), p.required_headers())
        )
    ]
    if likely:
        message += f" Dit bestand lijkt op bron '{likely[0]}'."
    elif len(present) <= 2:
        message += " Controleer het scheidingsteken en de codering."
    raise FatalImportError(message)


def _delimiters(profile: Profile) -> tuple[str, ...]:
    delimiter = profile.reader.delimiter
    return (",", ";") if delimiter == "auto" else (delimiter,)


def _context(engine: Engine, settings: Settings, region: str | None, today: date) -> Context:
    region_frame = tables.regions(engine)
    codes = frozenset(region_frame["region_code"].to_list())
    if region is not None and region not in codes:
        raise FatalImportError(
            f"Onbekende regio '{region}' (--region). Gekende regio's: {', '.join(sorted(codes))}."
        )
    m = Municipality
    stored = read_frame(
        engine,
        select(m.nis_code, m.name, m.valid_from, m.valid_to),
        pl.Schema(
            {"nis_code": pl.String, "name": pl.String, "valid_from": pl.Date, "valid_to": pl.Date}
        ),
    )
    municipalities = stored.select(
        "nis_code",
        pl.Series("name_key", [normalise_key(n) for n in stored["name"].to_list()], pl.String),
        "valid_from",
        "valid_to",
    )
    return Context(region, today, codes, municipalities, settings.key_bytes())


def _reject_formulas(prepared: Prepared, raw: RawTable) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A cell computed by a formula is not a registered fact: quarantine the row."""
    if not raw.formula_cells:
        return prepared.rows, prepared.rejects
    lines = sorted(raw.formula_cells)
    formula = pl.DataFrame(
        {
            LINE: lines,
            "column": [raw.formula_cells[line][0] for line in lines],
            "reason": [
                f"kolom {', '.join(raw.formula_cells[line])}: cel bevat een formule in plaats "
                "van een waarde"
                for line in lines
            ],
        },
        schema={LINE: pl.Int64, "column": pl.String, "reason": pl.String},
    )
    rows = prepared.rows.filter(~pl.col(LINE).is_in(lines))
    earlier = prepared.rejects.filter(~pl.col(LINE).is_in(lines))
    return rows, pl.concat([earlier, formula])


def _dedupe_in_file(
    rows: pl.DataFrame, keys: list[str], header: str
) -> tuple[pl.DataFrame, int, pl.DataFrame]:
    """Keep the first row per key; identical repeats are duplicates, differing ones rejected."""
    if not rows.select(keys).is_duplicated().any():  # the usual file: every key once
        conflicts = pl.DataFrame(
            schema={LINE: rows.schema[LINE], "column": pl.String, "reason": pl.String}
        )
        return rows, 0, conflicts
    content = [c for c in rows.columns if c != LINE]
    hashed = rows.with_columns(_h=pl.struct(content).hash())
    first = hashed.group_by(keys, maintain_order=True).agg(
        pl.col(LINE).first().alias("_first_line"), pl.col("_h").first().alias("_first_h")
    )
    marked = hashed.join(first, on=keys, how="left", nulls_equal=True)
    repeat = pl.col(LINE) != pl.col("_first_line")
    duplicates = marked.filter(repeat & (pl.col("_h") == pl.col("_first_h"))).height
    conflicts = marked.filter(repeat & (pl.col("_h") != pl.col("_first_h"))).select(
        LINE,
        pl.lit(header).alias("column"),
        pl.format(
            "kolom {}: '{}' komt al voor op regel {} met andere inhoud",
            pl.lit(header),
            pl.col(keys[-1]).cast(pl.String),
            pl.col("_first_line"),
        ).alias("reason"),
    )
    kept = marked.filter(~repeat).drop("_h", "_first_line", "_first_h")
    return kept, duplicates, conflicts


def _create_batch(
    conn: Connection,
    name: str,
    digest: str,
    profile: Profile,
    region: str | None,
    user: str,
    raw_path: Path | None,
    is_demo: bool,
) -> int:
    batch_id = conn.scalar(
        insert(ImportBatch)
        .values(
            file_name=name[:255],
            sha256=digest,
            source_profile=profile.name,
            region_code=region,
            imported_at=datetime.now(UTC),
            imported_by=user,
            raw_path=str(raw_path) if raw_path else None,
            is_demo=is_demo,
        )
        .returning(ImportBatch.id)
    )
    assert batch_id is not None
    return int(batch_id)


def _quarantine(
    conn: Connection,
    batch_id: int,
    raw: RawTable,
    rejects: pl.DataFrame,
    profile: Profile,
    ctx: Context,
) -> None:
    """Keep rejected rows with only what the profile maps and may keep: never a dropped,
    unmapped or personal column, and the family key only as a pseudonym."""
    for start in range(0, max(rejects.height, 1), CHUNK):
        entries = quarantine_entries(raw, rejects.slice(start, CHUNK), profile, ctx)
        for entry in entries:
            entry["batch_id"] = batch_id
        if entries:
            conn.execute(insert(Quarantine), entries)
    broken = [
        {
            "batch_id": batch_id,
            "line_number": line,
            "column_name": None,
            "reason": reason,
            "raw_row": values,
        }
        for line, reason, values in raw.broken
    ]
    for start in range(0, len(broken), CHUNK):
        conn.execute(insert(Quarantine), broken[start : start + CHUNK])


def quarantine_entries(
    raw: RawTable, rejects: pl.DataFrame, profile: Profile, ctx: Context
) -> list[dict[str, Any]]:
    """line_number, column_name, reason and raw_row (the kept values) of rejected rows."""
    from data_access.ingest.rules import pseudonym

    if rejects.is_empty():
        return []
    family_header = profile.columns.get("family_key")
    kept = profile.kept_headers()
    keep = [c for c in raw.frame.columns if c in kept or c == family_header]
    originals = raw.frame.select(LINE, *keep).join(rejects, on=LINE, how="inner").sort(LINE)
    entries: list[dict[str, Any]] = []
    for row in originals.iter_rows(named=True):
        values = {k: v for k, v in row.items() if k not in {LINE, "column", "reason"}}
        if family_header in values:
            family = values.pop(family_header)
            if family:
                values[family_header] = "pseudoniem:" + pseudonym(ctx.key, str(family))[:16]
        entries.append(
            {
                "line_number": row[LINE],
                "column_name": row["column"],
                "reason": row["reason"],
                "raw_row": values,
            }
        )
    return entries


# --- writers per kind: return (inserted, updated, unchanged) ------------------------------------


def _split_against_store(
    rows: pl.DataFrame, existing: pl.DataFrame, keys: list[str], content: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """New rows, changed rows (with the existing row's id when it has one), unchanged count."""
    if existing.is_empty():  # nothing of this file stored yet: every row is new
        if "id" in existing.columns:
            rows = rows.with_columns(id=pl.lit(None, existing.schema["id"]))
        return rows, rows.clear(), 0
    existing = existing.cast({c: rows.schema[c] for c in keys + content if c in existing.columns})
    with_hash = rows.with_columns(_h=pl.struct(content).hash())
    old = existing.with_columns(_old_h=pl.struct(content).hash()).select(
        keys + ["_old_h"] + (["id"] if "id" in existing.columns else [])
    )
    joined = with_hash.join(old, on=keys, how="left", nulls_equal=True)
    new = joined.filter(pl.col("_old_h").is_null())
    changed = joined.filter(pl.col("_old_h").is_not_null() & (pl.col("_old_h") != pl.col("_h")))
    same = joined.filter(pl.col("_old_h") == pl.col("_h")).height
    return new.drop("_h", "_old_h"), changed.drop("_h", "_old_h"), same


def _write_registrations(
    conn: Connection, rows: pl.DataFrame, batch_id: int, report: Progress
) -> tuple[int, int, int]:
    """Insert new registrations, update changed ones, and (re)link both to their partners.

    Every row inserted or changed gets this batch's id (data_access.store.columnar relies on it).
    Rows go to the driver as plain tuples on this connection, inside the file's transaction:
    SQLAlchemy's per-row parameter handling cost more than SQLite's own work (BENCHMARKS.md).
    """
    existing = _existing_registrations(conn, rows)
    new, changed, same = _split_against_store(
        rows, existing, KEYS["registrations"], REGISTRATION_CONTENT
    )
    columns = ["source_system", "source_record_id", *REGISTRATION_CONTENT[:-1], "batch_id"]
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        # The ids SQLite would give (largest id + 1, in order; this transaction holds the write
        # lock since the batch row), set explicitly so they need not be read back.
        last = conn.exec_driver_sql("SELECT MAX(id) FROM registration").scalar()
        new = new.with_columns(id=pl.int_range(pl.len(), dtype=pl.Int64) + (last or 0) + 1)
        columns = ["id", *columns]
    total = max(new.height, 1)
    for start in range(0, new.height, CHUNK):
        chunk = new.slice(start, CHUNK).with_columns(batch_id=pl.lit(batch_id))
        _insert_rows(conn, "registration", chunk.select(columns))
        report(0.45 + 0.4 * min(1.0, (start + CHUNK) / total), "Registraties opslaan")
    id_columns = ["id", "source_system", "source_record_id"]
    if sqlite:
        ids = new.select(id_columns)
        new = new.drop("id")
    else:
        # The new rows are exactly this batch's rows so far: read their ids back in one query.
        ids = _fetch_frame(
            conn,
            f"SELECT {', '.join(id_columns)} FROM registration WHERE batch_id = {_mark(conn)}",
            (batch_id,),
            {"id": pl.Int64(), "source_system": pl.String(), "source_record_id": pl.String()},
        )
    if changed.height:
        content = [*REGISTRATION_CONTENT[:-1], "batch_id"]
        update_sql = (
            "UPDATE registration SET "
            + ", ".join(f"{c} = {_mark(conn)}" for c in content)
            + f" WHERE id = {_mark(conn)}"
        )
        values = changed.with_columns(batch_id=pl.lit(batch_id)).select([*content, "id"])
        for start in range(0, values.height, CHUNK):
            _executemany(conn, update_sql, values.slice(start, CHUNK))
        # A changed registration's partners are replaced, in this same batch.
        _executemany(
            conn,
            f"DELETE FROM registration_partner WHERE registration_id = {_mark(conn)}",
            changed.select("id"),
        )
        ids = pl.concat([ids, changed.select(ids.columns)])
    _link_partners(conn, pl.concat([new, changed.drop("id")], how="diagonal"), ids)
    return new.height, changed.height, same


def _mark(conn: Connection) -> str:
    """The driver's positional placeholder (sqlite3: ?, psycopg: %s)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _insert_sql(conn: Connection, table: str, columns: list[str]) -> str:
    marks = ", ".join(_mark(conn) for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def _insert_rows(conn: Connection, table: str, frame: pl.DataFrame) -> None:
    """Insert a frame's rows into the table's columns of the same names, in this connection's
    transaction: COPY on PostgreSQL (several times faster than a multi-row executemany), an
    executemany on SQLite."""
    if frame.is_empty():
        return
    if conn.dialect.name != "postgresql":
        _executemany(conn, _insert_sql(conn, table, frame.columns), frame)
        return
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN") as copy:
        for row in _driver_rows(conn, frame):
            copy.write_row(row)
    cursor.close()


def _executemany(conn: Connection, sql: str, frame: pl.DataFrame) -> None:
    """`sql` once per row of `frame` (its columns in placeholder order), on this connection's
    driver cursor, in its open transaction: SQLAlchemy's per-row parameter handling would cost
    more than SQLite's own work."""
    if frame.is_empty():
        return
    driver_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, _driver_rows(conn, frame))
    except driver_error as exc:  # raised as exec_driver_sql would raise it
        raise DBAPIError.instance(
            sql, None, exc, driver_error, dialect=conn.dialect, ismulti=True
        ) from exc
    finally:
        cursor.close()


def _driver_rows(conn: Connection, frame: pl.DataFrame) -> Iterator[tuple[Any, ...]]:
    """A frame's rows as plain tuples for the driver, the same as frame.rows() gives; SQLite
    stores dates as ISO text (as SQLAlchemy does).

    Built lazily from whole columns: about half the cost of frame.rows(), and each tuple is
    freed once bound, so ten thousand of them never wake the cyclic garbage collector.
    """
    if conn.dialect.name == "sqlite":
        frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    return zip(*(series.to_list() for series in frame.iter_columns()), strict=True)


def _fetch_frame(
    conn: Connection, sql: str, params: tuple[Any, ...], schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """A query on this connection's driver cursor, in the file's transaction, as a frame."""
    return driver_frame(conn, sql, params, pl.Schema(schema))


# Keys per lookup statement: far below SQLite's and PostgreSQL's limits on bound parameters.
LOOKUP_CHUNK = 500


def _existing_registrations(conn: Connection, rows: pl.DataFrame) -> pl.DataFrame:
    """The stored registrations with the keys of this file, with their partners; only those
    keys are looked up (on the unique index), so the cost does not grow with the store."""
    names = ["id", "source_system", "source_record_id", *REGISTRATION_CONTENT[:-1]]
    schema: dict[str, pl.DataType] = {
        "id": pl.Int64(),
        **{n: rows.schema[n] for n in names[1:]},
    }
    mark = _mark(conn)
    parts = [pl.DataFrame(schema=schema)]
    keys = rows.select("source_system", "source_record_id").unique()
    for (system,), group in keys.group_by(["source_system"]):
        if not _any_stored_between(conn, str(system), group["source_record_id"]):
            continue
        records = group["source_record_id"].to_list()
        for start in range(0, len(records), LOOKUP_CHUNK):
            chunk = records[start : start + LOOKUP_CHUNK]
            sql = (
                f"SELECT {', '.join(names)} FROM registration WHERE source_system = {mark} "
                f"AND source_record_id IN ({', '.join(mark for _ in chunk)})"
            )
            found = _fetch_frame(conn, sql, (system, *chunk), schema)
            if found.height:
                parts.append(found)
    frame = pl.concat(parts)
    if frame.is_empty():
        return frame.with_columns(partners=pl.lit(None, pl.String))
    link_parts = [pl.DataFrame(schema={"id": pl.Int64, "sector": pl.String, "name": pl.String})]
    stored_ids = frame["id"].to_list()
    for start in range(0, len(stored_ids), LOOKUP_CHUNK):
        chunk = stored_ids[start : start + LOOKUP_CHUNK]
        link_parts.append(
            _fetch_frame(
                conn,
                "SELECT rp.registration_id, p.sector, p.name FROM registration_partner rp "
                "JOIN partner p ON p.id = rp.partner_id "
                f"WHERE rp.registration_id IN ({', '.join(mark for _ in chunk)})",
                tuple(chunk),
                {"id": pl.Int64(), "sector": pl.String(), "name": pl.String()},
            )
        )
    partners = (
        pl.concat(link_parts)
        .with_columns(entry=pl.concat_str(["sector", pl.lit(":"), "name"]))
        .group_by("id")
        .agg(pl.col("entry").sort().str.join(PARTNER_JOIN).alias("partners"))
    )
    return frame.join(partners, on="id", how="left")


def _any_stored_between(conn: Connection, system: str, records: pl.Series) -> bool:
    """Whether any registration of `system` is stored with a record id between the smallest
    and the largest of `records`: one index probe that spares a new file (the usual import)
    every per-key lookup. SQLite compares text by its UTF-8 bytes, as polars orders strings;
    PostgreSQL's collation may order differently, so there the lookup always runs."""
    if conn.dialect.name != "sqlite" or records.is_empty():
        return True
    found = conn.exec_driver_sql(
        "SELECT 1 FROM registration WHERE source_system = ? "
        "AND source_record_id BETWEEN ? AND ? LIMIT 1",
        (system, records.min(), records.max()),
    ).first()
    return found is not None


def _link_partners(conn: Connection, rows: pl.DataFrame, ids: pl.DataFrame) -> None:
    """Link rows to their partners (registering partners not yet known), by id from `ids`."""
    with_partners = rows.filter(pl.col("partners").is_not_null())
    if with_partners.is_empty():
        return
    # A file holds a few hundred distinct partner lists: split each once, then join the entries
    # to their rows (in row order, then entry order, as splitting every row would give them).
    entries = (
        with_partners.select(pl.col("partners").unique())
        .with_columns(entry=pl.col("partners").str.split(PARTNER_JOIN))
        .explode("entry")
        .with_columns(
            sector=pl.col("entry").str.extract(r"^([^:]+):", 1),
            name=pl.col("entry").str.replace(r"^[^:]+:", "").str.slice(0, 160),
        )
        .unique(["partners", "name"], keep="first", maintain_order=True)
    )
    links = with_partners.select("source_system", "source_record_id", "partners").join(
        entries, on="partners", how="inner", maintain_order="left_right"
    )
    partner_schema: dict[str, pl.DataType] = {"partner_id": pl.Int64(), "name": pl.String()}
    known = _fetch_frame(conn, "SELECT id, name FROM partner", (), partner_schema)
    fresh = links.unique("name", keep="first", maintain_order=True).filter(
        ~pl.col("name").is_in(known["name"].implode())
    )
    if fresh.height:
        _insert_rows(conn, "partner", fresh.select("name", "sector"))
        known = _fetch_frame(conn, "SELECT id, name FROM partner", (), partner_schema)
    pairs = (
        links.join(ids, on=["source_system", "source_record_id"], how="inner")
        .join(known, on="name", how="inner")
        .select(pl.col("id").alias("registration_id"), "partner_id")
    )
    for start in range(0, pairs.height, CHUNK):
        _insert_rows(conn, "registration_partner", pairs.slice(start, CHUNK))


def _write_aggregate(
    conn: Connection, rows: pl.DataFrame, batch_id: int, report: Progress
) -> tuple[int, int, int]:
    measures = [c for c in rows.columns if c not in {LINE, "month", "region_code", "source_system"}]
    a = AggregateReport
    systems = rows["source_system"].unique().to_list()
    stored = conn.execute(
        select(a.source_system, a.month, a.measure, a.value).where(a.source_system.in_(systems))
    ).all()
    existing = (
        pl.DataFrame(
            [tuple(s) for s in stored],
            schema=["source_system", "month", "measure", "value"],
            orient="row",
        ).pivot(on="measure", index=["source_system", "month"], values="value")
        if stored
        else pl.DataFrame(schema={"source_system": pl.String, "month": pl.Date})
    )
    for measure in measures:
        if measure not in existing.columns:
            existing = existing.with_columns(pl.lit(None, pl.Int64).alias(measure))
    new, changed, same = _split_against_store(rows, existing, KEYS["aggregate"], measures)
    touched = pl.concat([new, changed], how="diagonal")
    if changed.height:
        for source_system, month in changed.select("source_system", "month").iter_rows():
            conn.execute(delete(a).where(a.source_system == source_system, a.month == month))
    long = touched.unpivot(
        index=["month", "region_code", "source_system"],
        on=measures,
        variable_name="measure",
        value_name="value",
    ).filter(pl.col("value").is_not_null())
    if long.height:
        conn.execute(insert(a), long.with_columns(batch_id=pl.lit(batch_id)).to_dicts())
    report(0.85, "Maandtotalen opgeslagen")
    return new.height, changed.height, same


def _simple_writer(
    model: type, keys: list[str], content: list[str]
) -> Callable[..., tuple[int, int, int]]:
    """Upsert rows of a small keyed table (staffing, volume agreements)."""

    def write(
        conn: Connection, rows: pl.DataFrame, batch_id: int, report: Progress
    ) -> tuple[int, int, int]:
        table = model.__table__  # type: ignore[attr-defined]
        stored = conn.execute(select(*[table.c[c] for c in keys + content])).all()
        existing = pl.DataFrame([tuple(s) for s in stored], schema=keys + content, orient="row")
        new, changed, same = _split_against_store(rows, existing, keys, content)
        if new.height:
            conn.execute(
                insert(table),
                new.select(keys + content).with_columns(batch_id=pl.lit(batch_id)).to_dicts(),
            )
        if changed.height:
            stmt = (
                update(table)
                .where(*[table.c[k] == bindparam(f"k_{k}") for k in keys])
                .values({c: bindparam(c) for c in [*content, "batch_id"]})
            )
            params = changed.select(
                [pl.col(k).alias(f"k_{k}") for k in keys] + [pl.col(c) for c in content]
            ).with_columns(batch_id=pl.lit(batch_id))
            conn.execute(stmt, params.to_dicts())
        report(0.85, "Opgeslagen")
        return new.height, changed.height, same

    return write


WRITERS: dict[str, Callable[..., tuple[int, int, int]]] = {
    "registrations": _write_registrations,
    "aggregate": _write_aggregate,
    "staffing": _simple_writer(Staffing, KEYS["staffing"], ["fte"]),
    "volume": _simple_writer(VolumeAgreement, KEYS["volume"], ["agreed"]),
}


# --- raw archive and rebuild --------------------------------------------------------------------


def _archive(settings: Settings, path: Path, digest: str) -> Path:
    """Keep the raw file, content-addressed, so the store can be rebuilt from it."""
    target = settings.raw_dir / f"{digest}{path.suffix.lower()}"
    # Raw files hold what the source held (names, national numbers): owner-only.
    copy_private(path, target)
    return target


def _archive_profile(settings: Settings, profile: Profile) -> Path:
    """Keep the profile text that imported a batch (by its hash), so a stored value can be
    traced through the very rules that set it, even after the profile changed."""
    target = settings.raw_dir / "profiles" / f"{profile.sha256}.toml"
    # Beside the raw files, and as private as they are.
    copy_private(profile.path, target)
    return target


def _append_manifest(
    settings: Settings,
    digest: str,
    name: str,
    source: str,
    region: str | None,
    user: str,
    raw_path: Path,
    is_demo: bool,
) -> None:
    entry = {
        "sha256": digest,
        "file_name": name,
        "source": source,
        "region": region,
        "user": user,
        "raw_file": raw_path.name,
        "is_demo": is_demo,
        "imported_at": datetime.now(UTC).isoformat(),
    }
    with append_private(settings.raw_dir / "manifest.jsonl") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def manifest_entries(settings: Settings) -> list[dict[str, Any]]:
    """Every archived import, in the order it happened."""
    path = settings.raw_dir / "manifest.jsonl"
    if not path.exists():
        return []
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


DATA_TABLES = (
    RegistrationPartner,
    Registration,
    Partner,
    AggregateReport,
    Staffing,
    VolumeAgreement,
    Quarantine,
)


def clear_imported_data(engine: Engine) -> None:
    """Remove everything that came from imports (registrations, counts, batches), nothing else."""
    from data_access.store.models import CheckResult, CheckRun

    with engine.begin() as conn:
        _serialise_imports(conn)
        for model in (CheckResult, CheckRun, *DATA_TABLES):
            conn.execute(delete(model))
        conn.execute(delete(ImportBatch))
        bump_data_version(conn)


def rebuild(
    engine: Engine, settings: Settings, progress: Progress | None = None
) -> list[ImportResult]:
    """Recreate the imported data from the archived raw files, in their original order."""
    entries = manifest_entries(settings)
    clear_imported_data(engine)
    results = []
    seen: set[tuple[str, str, str | None]] = set()
    for i, entry in enumerate(entries):
        key = (entry["sha256"], entry["source"], entry["region"])
        if key in seen:
            continue
        seen.add(key)
        if progress:
            progress(i / max(len(entries), 1), entry["file_name"])
        results.append(
            import_file(
                engine,
                settings,
                settings.raw_dir / entry["raw_file"],
                entry["source"],
                region=entry["region"],
                user=entry["user"],
                display_name=entry["file_name"],
                is_demo=bool(entry.get("is_demo")),
                archive=False,
            )
        )
    return results


def known_region(engine: Engine, code: str) -> bool:
    """Whether a region code exists."""
    with engine.connect() as conn:
        return conn.scalar(select(Region.code).where(Region.code == code)) is not None


__all__ = [
    "FatalImportError",
    "ImportResult",
    "ProfileError",
    "clear_imported_data",
    "import_file",
    "rebuild",
]
