"""Trace a stored registration to its file, line, columns and the profile rules that set it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, select

from data_access.ingest.files import LINE, FatalImportError
from data_access.ingest.pipeline import stage
from data_access.ingest.profiles import Profile, ProfileError, get_profile, parse_profile
from data_access.ingest.schema import FIELDS
from data_access.settings import Settings
from data_access.store.models import ImportBatch, Registration


@dataclass(frozen=True)
class Trace:
    """Where a stored registration's values come from: never the values themselves."""

    source_system: str
    record_id: str
    batch_id: int
    file_name: str
    profile: str
    profile_sha256: str
    line: int
    # harmonised field, its column in the file (None when a rule alone set it), rules.
    fields: tuple[tuple[str, str | None, tuple[str, ...]], ...]

    def summary(self) -> str:
        """Dutch text for the command line."""
        lines = [
            f"{self.source_system} {self.record_id}: batch {self.batch_id}, bestand "
            f"{self.file_name}, regel {self.line}, profiel {self.profile} "
            f"(sha256 {self.profile_sha256[:12]}…)."
        ]
        for name, column, rules in self.fields:
            where = f"kolom {column}" if column else "geen kolom"
            how = f", regel(s) {', '.join(rules)}" if rules else ""
            lines.append(f"  - {name}: {where}{how}")
        return "\n".join(lines)


def trace(
    engine: Engine, settings: Settings, record_id: str, source_system: str | None = None
) -> Trace:
    """Trace a registration by its record number (and source system when several have it):
    its batch's kept file is read again with the profile text that imported it."""
    r, b = Registration, ImportBatch
    stmt = (
        select(r.source_system, r.batch_id, b.file_name, b.source_profile, b.region_code,
               b.raw_path, b.profile_sha256, b.imported_at)
        .join(b, b.id == r.batch_id)
        .where(r.source_record_id == record_id)
    )  # fmt: skip
    if source_system is not None:
        stmt = stmt.where(r.source_system == source_system)
    with engine.connect() as conn:
        found = conn.execute(stmt).all()
    if not found:
        raise FatalImportError(f"Geen registratie met dossiernummer '{record_id}'.")
    if len(found) > 1:
        systems = ", ".join(sorted(row.source_system for row in found))
        raise FatalImportError(
            f"Dossiernummer '{record_id}' komt voor in {systems}: kies er één (--system)."
        )
    row = found[0]
    if row.profile_sha256 is None or row.raw_path is None:
        raise FatalImportError(
            f"Batch {row.batch_id} werd ingelezen zonder profielherkomst of bewaard bestand."
        )
    raw_path = Path(row.raw_path)
    if not raw_path.is_file():
        raw_path = settings.raw_dir / raw_path.name
    profile = _profile_of(settings, row.source_profile, row.profile_sha256)
    staged = stage(
        engine,
        settings,
        raw_path,
        profile,
        region=row.region_code,
        name=row.file_name,
        today=row.imported_at.date(),
        trace=True,
    )
    match = staged.rows.filter(
        (pl.col("source_record_id") == record_id) & (pl.col("source_system") == row.source_system)
    )
    if match.is_empty():
        raise FatalImportError(f"{row.file_name}: dossiernummer '{record_id}' niet teruggevonden.")
    line = int(match[LINE][0])
    rules = staged.prepared.provenance.filter(pl.col(LINE) == line)
    fired: dict[str, list[str]] = {}
    for name, rule in rules.select("field", "rule").iter_rows():
        fired.setdefault(name, []).append(rule)
    if "birth_date" in profile.columns or "birth_year" in profile.columns:
        fired.setdefault("child_age", [])
    fields = tuple(
        (name, profile.columns.get(name) or _rule_column(profile, name), tuple(fired.get(name, ())))
        for name in FIELDS[profile.kind]
        if name in profile.columns or name in fired
    )
    return Trace(row.source_system, record_id, row.batch_id, row.file_name, profile.name,
                 row.profile_sha256, line, fields)  # fmt: skip


def _rule_column(profile: Profile, name: str) -> str | None:
    """The column a derived field is read from."""
    if name == "child_age":
        return profile.columns.get("birth_date") or profile.columns.get("birth_year")
    return next((d.column for d in profile.spec.derive if d.field == name), None)


def _profile_of(settings: Settings, name: str, sha256: str) -> Profile:
    """The profile text that imported a batch (kept by hash), beside today's profile file so
    its tables (postcodes) resolve."""
    kept = settings.raw_dir / "profiles" / f"{sha256}.toml"
    if not kept.is_file():
        raise ProfileError(f"Profieltekst {sha256[:12]}… van bron '{name}' is niet bewaard.")
    spec = parse_profile(kept.read_text(encoding="utf-8"), f"{name}.toml")
    try:
        path = get_profile(name, settings.profile_directory).path
    except ProfileError:
        path = kept
    return Profile(spec, path, sha256)
