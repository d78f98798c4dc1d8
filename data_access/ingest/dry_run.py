"""A dry run: what an import of a file with a profile would do, without writing anything."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from data_access.ingest.files import LINE, source_name
from data_access.ingest.mapping import title_values
from data_access.ingest.pipeline import (
    Staged,
    notes_on_file,
    previous_batch,
    reject_line,
    sha256_of,
    stage,
)
from data_access.ingest.profiles import Profile
from data_access.ingest.rules import SHOWN_DATE
from data_access.ingest.schema import CAPABILITIES, FIELDS, SENSITIVE
from data_access.settings import Settings

# How many harmonised rows the dry run shows, and how many rejected lines the CLI prints.
SAMPLE_ROWS = 10
LISTED = 20

# The harmonised columns of a sample, with their Dutch headers: never the family pseudonym.
SAMPLE_COLUMNS = {
    "registrations": {
        LINE: "Regel",
        "source_record_id": "Dossiernummer",
        "region_code": "Regio",
        "nis_code": "NIS-code",
        "kind": "Soort",
        "received_date": "Aanmelding",
        "first_contact_date": "Eerste contact",
        "closed_date": "Afgesloten",
        "referrer": "Aanmelder",
        "request_nature": "Aard van de vraag",
        "response_type": "Aanbod",
        "closure_reason": "Reden afsluiting",
        "child_age": "Leeftijd",
    },
    "aggregate": {LINE: "Regel", "month": "Maand", "region_code": "Regio"},
    "staffing": {
        LINE: "Regel",
        "region_code": "Regio",
        "quarter": "Kwartaal",
        "function": "Functie",
        "sector": "Sector",
        "fte": "VTE",
    },
    "volume": {
        LINE: "Regel",
        "region_code": "Regio",
        "year": "Jaar",
        "party": "Partij",
        "agreed": "Afgesproken",
    },
}


@dataclass(frozen=True)
class DryRun:
    """What importing a file would do. Every value shown comes from a mapped column; a
    dropped, unmapped or personal column shows only its header."""

    file_name: str
    profile: Profile
    staged: Staged
    mapping: pl.DataFrame  # Veld, Kolom, Herkomst
    sample: pl.DataFrame  # harmonised rows under Dutch headers, as text
    unmapped_values: pl.DataFrame  # field, header, value, count
    quarantine: pl.DataFrame  # _line, column, reason
    supports: tuple[str, ...]  # Dutch names of the figures the source supplies
    already_imported_as: int | None = None

    @property
    def rows_read(self) -> int:
        return self.staged.rows_read

    @property
    def rows_accepted(self) -> int:
        return self.staged.rows.height

    @property
    def rows_rejected(self) -> int:
        return self.staged.rows_rejected

    @property
    def rows_duplicate(self) -> int:
        return self.staged.duplicates_in_file

    @property
    def dropped_columns(self) -> list[str]:
        present = set(self.staged.raw.frame.columns)
        return [c for c in self.profile.drop if c in present]

    @property
    def unmapped_columns(self) -> list[str]:
        return self.staged.unmapped_columns()

    def headline(self) -> str:
        """One Dutch sentence: what an import would do."""
        raw = self.staged.raw
        layout = f"kopregel op regel {raw.header_line}"
        if raw.delimiter:
            layout += f", scheidingsteken '{raw.delimiter}'"
        if raw.encoding:
            layout += f", codering {'UTF-8' if raw.encoding == 'utf-8-sig' else raw.encoding}"
        text = (
            f"Proefimport van {self.file_name} met bron {self.profile.name} ({layout}): "
            f"{self.rows_read} rijen gelezen, {self.rows_accepted} zouden aanvaard worden, "
            f"{self.rows_rejected} geweigerd, {self.rows_duplicate} dubbel in het bestand. "
            "Er is niets opgeslagen."
        )
        if self.already_imported_as is not None:
            text += f" Let op: dit bestand werd al ingelezen (batch {self.already_imported_as})."
        return text

    def notes(self) -> list[str]:
        """Footer lines, unmapped and dropped columns (headers only)."""
        notes = notes_on_file(self.staged.raw.footer_lines, self.unmapped_columns)
        if self.staged.raw.header_line > 1:
            notes.append(
                f"{self.staged.raw.header_line - 1} regel(s) boven de kopregel als titel gelezen."
            )
        if self.dropped_columns:
            notes.append(
                "Weggelaten kolommen (nooit opgeslagen of getoond): "
                f"{', '.join(self.dropped_columns)}."
            )
        return notes

    def summary(self) -> str:
        """The whole dry run as Dutch text, for the command line."""
        lines = [self.headline(), *self.notes(), "", "Kolomtoewijzing:"]
        lines += [f"  - {v}: {k or '—'} ({h})" for v, k, h in self.mapping.iter_rows()]
        lines += ["", "Cijfers die deze bron levert: " + (", ".join(self.supports) or "geen") + "."]
        if not self.unmapped_values.is_empty():
            lines += ["", "Waarden zonder code (zouden geweigerd worden):"]
            lines += [
                f"  - {header}: '{value}' ({count}×)"
                for _f, header, value, count in self.unmapped_values.iter_rows()
            ]
        if not self.quarantine.is_empty():
            lines += ["", f"Zou in quarantaine gaan ({self.quarantine.height} regels):"]
            lines += [
                f"  - {reject_line(line, column, reason)}"
                for line, column, reason in self.quarantine.head(LISTED).iter_rows()
            ]
            if self.quarantine.height > LISTED:
                lines.append(f"  … en {self.quarantine.height - LISTED} meer.")
        if not self.sample.is_empty():
            lines += ["", f"Eerste {self.sample.height} geharmoniseerde rijen:"]
            lines.append("  " + " | ".join(self.sample.columns))
            lines += ["  " + " | ".join(row) for row in self.sample.iter_rows()]
        return "\n".join(lines)


def dry_run(
    engine: Engine,
    settings: Settings,
    source: Path | bytes,
    profile: Profile,
    *,
    region: str | None = None,
    name: str | None = None,
    today: date | None = None,
) -> DryRun:
    """Read, map and check a file as an import would, and describe the result; writes nothing
    (not to the store, not to the data directory). Raises FatalImportError like an import."""
    name = source_name(source, name)
    staged = stage(engine, settings, source, profile, region=region, name=name, today=today)
    digest = sha256_of(source) if isinstance(source, Path) else hashlib.sha256(source).hexdigest()
    return DryRun(
        file_name=name,
        profile=profile,
        staged=staged,
        mapping=_mapping(staged, region),
        sample=_sample(staged),
        unmapped_values=staged.prepared.unmapped,
        quarantine=staged.quarantined(),
        supports=tuple(CAPABILITIES[c] for c in profile.supports),
        already_imported_as=previous_batch(engine, digest, profile.name, region),
    )


def _mapping(staged: Staged, region: str | None) -> pl.DataFrame:
    """Per harmonised field: the column it comes from and how (Dutch)."""
    profile, raw = staged.profile, staged.raw
    present = set(raw.frame.columns)
    titles = title_values(raw.title, profile)
    fields = FIELDS[profile.kind]
    derived = {d.field: d for d in profile.spec.derive}
    rows: list[tuple[str, str | None, str]] = []
    for field, label in fields.items():
        header = profile.columns.get(field)
        how: list[str] = []
        if header is not None:
            how.append("kolom" if header in present else "kolom ontbreekt (optioneel)")
        if field in profile.spec.fill_down.fields:
            how.append("lege cellen aangevuld van boven")
        if field in titles:
            how.append(
                "uit titelregel" if titles[field] is not None else "titelregel niet gevonden"
            )
        if field == "region_code" and region is not None:
            how.append(f"anders {region} (gekozen regio)")
        if field in derived:
            how.append(f"afgeleid uit kolom {derived[field].column}")
        if profile.code_map(field) or profile.patterns(field):
            how.append("codes en patronen van het profiel")
        if field in SENSITIVE:
            how.append(
                "gepseudonimiseerd" if field == "family_key" else "leeftijd berekend, weggelaten"
            )
        if field == "child_age" and {"birth_date", "birth_year"} & set(profile.columns):
            how.append("berekend")
        if how:
            rows.append((f"{label} ({field})", header, ", ".join(how)))
    for measure, header in profile.measures.items():
        rows.append((f"meting {measure}", header, "kolom" if header in present else "ontbreekt"))
    return pl.DataFrame(
        rows, schema={"Veld": pl.String, "Kolom": pl.String, "Herkomst": pl.String}, orient="row"
    )


def _sample(staged: Staged) -> pl.DataFrame:
    """The first harmonised rows as text under Dutch headers."""
    columns = {
        k: v for k, v in SAMPLE_COLUMNS[staged.profile.kind].items() if k in staged.rows.columns
    }
    if staged.profile.kind == "aggregate":
        columns.update({m: f"Meting {m}" for m in staged.profile.measures})
    rows = staged.rows.sort(LINE).head(SAMPLE_ROWS).select(list(columns))
    return rows.select(
        (
            pl.col(c).dt.strftime(SHOWN_DATE)
            if rows.schema[c] == pl.Date
            else pl.col(c).cast(pl.String)
        )
        .fill_null("")
        .alias(label)
        for c, label in columns.items()
    )
