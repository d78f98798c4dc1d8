"""Bronprofiel maken: what the mapping screen offers, suggests, previews and saves."""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from sqlalchemy import Engine

from data_access.access.audit import audit
from data_access.access.roles import Reader, require_beheerder
from data_access.ingest.builder import (
    DATE_CANDIDATES,
    Choices,
    Sample,
    build_profile,
    code_options,
    read_sample,
    reader_spec,
    sample_title_value,
    save_profile,
    suggest_codes,
    suggest_columns,
    suggest_date_formats,
    suggest_drop,
    suggest_footer,
    supported,
)
from data_access.ingest.dry_run import dry_run
from data_access.ingest.profiles import Profile, available_profiles
from data_access.ingest.schema import CAPABILITIES, FIELDS, format_label
from data_access.settings import Settings
from reports.publish.spec import View
from reports.views.common import dry_run_view, region_choices

FIELD_LABELS: Final = FIELDS["registrations"]
# Fields whose values the screen maps onto a code list, in the order it shows them.
CODED: Final = ("kind", "referrer", "request_nature", "response_type", "closure_reason")
DATE_FIELDS: Final = ("received_date", "first_contact_date", "closed_date")
NONE: Final = "—"
DELIMITERS: Final = {
    "auto": "Automatisch (, of ;)",
    ";": "Puntkomma (;)",
    ",": "Komma (,)",
    "\t": "Tab",
    "|": "Verticale streep (|)",
}
ENCODINGS: Final = {
    "auto": "Automatisch (UTF-8 of Windows)",
    "utf-8": "UTF-8",
    "cp1252": "Windows (cp1252)",
}
DATE_FORMATS: Final = {fmt: format_label(fmt) for fmt in DATE_CANDIDATES}
REGION_SOURCES: Final = {
    "column": "Uit een kolom van het bestand",
    "title": "Uit een titelregel boven de tabel",
    "import": "Kies ik bij het inlezen",
}
CAPABILITY_LABELS: Final = CAPABILITIES
TITLE_PATTERN: Final = r"^regio:\s*(.+)$"


def sample_of(
    data: bytes,
    file_name: str,
    *,
    delimiter: str = "auto",
    encoding: str = "auto",
    header_row: int | Literal["auto"] = "auto",
    footer: str = "",
) -> Sample:
    """The uploaded sample read in memory (never written). FatalImportError (Dutch) when it
    cannot be read."""
    reader = reader_spec(
        file_name, delimiter=delimiter, encoding=encoding, header_row=header_row, footer=footer
    )
    return read_sample(data, Path(file_name).name, reader)


def known_profiles(settings: Settings) -> list[Profile]:
    """The built-in profiles and the earlier ones in the profile directory: their columns and
    codes are the screen's suggestions."""
    return list(available_profiles(settings.profile_directory).values())


def column_suggestions(settings: Settings, sample: Sample) -> dict[str, str]:
    """Harmonised field → the sample's header it most likely comes from."""
    return suggest_columns(sample.headers, known_profiles(settings))


def footer_suggestion(sample: Sample) -> str:
    """A footer pattern when the sample ends with a totals line, else ''."""
    return suggest_footer(sample)


def date_format_suggestions(sample: Sample, columns: dict[str, str]) -> list[str]:
    """The date formats the chosen date columns are written in."""
    return suggest_date_formats(sample, [columns[f] for f in DATE_FIELDS if f in columns])


def drop_suggestions(sample: Sample, columns: dict[str, str], rule_columns: list[str]) -> list[str]:
    """Columns to drop: personal ones, and every column nothing maps or reads."""
    return suggest_drop(sample.headers, [*columns.values(), *rule_columns])


def drop_without_rules(drop: list[str], derive: list[tuple[str, str, str, str]]) -> list[str]:
    """The columns to drop, less those a status rule reads (chosen after the drop list)."""
    read = {rule[1] for rule in derive}
    return [h for h in drop if h not in read]


def code_choices(engine: Engine, name: str) -> dict[str, str]:
    """Code → Dutch label of a code field ('—' for no code), regions by name."""
    regions = region_choices(engine) if name == "region_code" else None
    return {NONE: "— geen code (rij weigeren) —", **code_options(name, regions)}


def code_suggestions(
    engine: Engine, settings: Settings, name: str, values: list[str]
) -> dict[str, str]:
    """Source value → the code it most likely means (code lists, earlier profiles)."""
    regions = region_choices(engine) if name == "region_code" else None
    return suggest_codes(name, values, known_profiles(settings), regions)


def title_value(sample: Sample, pattern: str) -> str | None:
    """The value a title-line pattern finds above the sample's header."""
    return sample_title_value(sample, pattern)


def figures_possible(columns: dict[str, str], derived: list[str], region_chosen: bool) -> list[str]:
    """The figures this mapping can supply (the default of source.supports)."""
    return supported(columns, derived, region_chosen)


def preview(
    engine: Engine,
    settings: Settings,
    sample: Sample,
    choices: Choices,
    *,
    reader: Reader,
    region: str | None = None,
) -> tuple[str, View]:
    """The profile as TOML and a dry run of the sample with it; nothing is written. Raises
    ProfileError or FatalImportError (Dutch)."""
    require_beheerder(reader, "bronprofielen maken")
    text, profile = build_profile(choices, settings.profile_directory)
    run = dry_run(engine, settings, sample.data, profile, region=region, name=sample.file_name)
    return text, dry_run_view(run)


def save(
    engine: Engine, settings: Settings, text: str, *, reader: Reader, replace: bool = False
) -> Path:
    """Save a validated profile to the profile directory (every app process and the command
    line see it at once); refuses a built-in name. The audit trail records who saved it."""
    require_beheerder(reader, "bronprofielen opslaan")
    path = save_profile(text, settings.profile_directory, replace=replace)
    audit(engine, reader.email, "profiel_opgeslagen", {"profiel": path.stem})
    return path
