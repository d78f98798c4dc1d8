"""Source profiles: TOML files that say how to read and map one kind of source file."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"

Kind = Literal["registrations", "aggregate", "staffing", "volume"]


class ProfileError(ValueError):
    """A profile is unknown or malformed; the message is Dutch."""


def normalise_key(value: str) -> str:
    """How free text is compared with a code table: case-, space- and edge-insensitive."""
    return " ".join(value.casefold().split())


@dataclass(frozen=True)
class Profile:
    """How to read one kind of source file and map it onto the harmonised store."""

    name: str
    label: str
    kind: Kind
    source_system: str
    supports: tuple[str, ...]
    path: Path
    reader: dict[str, Any]
    columns: dict[str, str]
    drop: tuple[str, ...] = ()
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    measures: dict[str, str] = field(default_factory=dict)
    partners: dict[str, Any] = field(default_factory=dict)
    postcode_table: Path | None = None
    requires_region: bool = False
    # "reject": a first contact or closure before the registration goes to quarantine;
    # "keep": the row is stored as delivered and the quality checks flag it (legacy registers,
    # whose history must not be lost).
    date_order: Literal["reject", "keep"] = "reject"

    @property
    def format(self) -> str:
        return str(self.reader.get("format", "auto"))

    def file_format(self, path: Path) -> str:
        """csv or xlsx, from the profile or else the file's extension."""
        if self.format != "auto":
            return self.format
        return "xlsx" if path.suffix.lower() in {".xlsx", ".xlsm"} else "csv"

    def header(self, field_name: str) -> str:
        """The header in the source file of a harmonised field (for messages)."""
        return self.columns.get(field_name, field_name)

    def required_headers(self) -> list[str]:
        """Every header the profile maps must be present in the file."""
        return list(self.columns.values()) + list(self.measures.values())

    def code_map(self, field_name: str) -> dict[str, str] | None:
        """The source → harmonised code table of a field, keys normalised; None if codes are
        already harmonised."""
        table = self.codes.get(field_name)
        if table is None:
            return None
        return {normalise_key(k): v for k, v in table.items()}


def _load(path: Path) -> Profile:
    """The profile in a file, parsed once per version of the file."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ProfileError(f"Profiel {path.name} is onleesbaar: {exc}") from exc
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _parse(path: Path, _mtime_ns: int, _size: int) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"Profiel {path.name} is onleesbaar: {exc}") from exc
    try:
        source = data["source"]
        postcodes = data.get("postcodes", {}).get("table")
        return Profile(
            name=source["name"],
            label=source.get("label", source["name"]),
            kind=source["kind"],
            source_system=source.get("source_system", source["name"]),
            supports=tuple(source.get("supports", [])),
            path=path,
            reader=data.get("reader", {}),
            columns=dict(data.get("columns", {})),
            drop=tuple(data.get("drop", {}).get("columns", [])),
            codes={k: dict(v) for k, v in data.get("codes", {}).items()},
            measures=dict(data.get("measures", {})),
            partners=dict(data.get("partners", {})),
            postcode_table=path.parent / postcodes if postcodes else None,
            requires_region=bool(source.get("requires_region", False)),
            date_order=data.get("validation", {}).get("date_order", "reject"),
        )
    except KeyError as exc:
        raise ProfileError(f"Profiel {path.name}: verplichte sleutel {exc} ontbreekt") from exc


def profile_dirs(extra: Path | None) -> list[Path]:
    """Built-in profiles first; an extra directory (settings) may add or override profiles."""
    return [BUILTIN_DIR] + ([extra] if extra is not None else [])


def available_profiles(extra: Path | None = None) -> dict[str, Profile]:
    """Every profile by name."""
    profiles: dict[str, Profile] = {}
    for directory in profile_dirs(extra):
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                profile = _load(path)
                profiles[profile.name] = profile
    return profiles


def get_profile(name: str, extra: Path | None = None) -> Profile:
    """One profile by name, or a Dutch error listing the known ones."""
    profiles = available_profiles(extra)
    if name not in profiles:
        known = ", ".join(sorted(profiles))
        raise ProfileError(f"Onbekende bron '{name}'. Gekende bronnen: {known}.")
    return profiles[name]
