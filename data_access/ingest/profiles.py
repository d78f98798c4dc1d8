"""Source profiles: TOML files that say how to read and map one kind of source file."""

from __future__ import annotations

import functools
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from data_access.ingest.schema import (
    SENSITIVE,
    Kind,
    PartnersSpec,
    ProfileSpec,
    ReaderSpec,
    cross_problems,
    provided,
    validation_problems,
)

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


class ProfileError(ValueError):
    """A profile is unknown or malformed; the message is Dutch and names the file and key."""


def normalise_key(value: str) -> str:
    """How free text is compared with a code table: case-, space- and edge-insensitive."""
    return " ".join(value.casefold().split())


@dataclass(frozen=True)
class Profile:
    """A validated profile: how to read one kind of source file and map it onto the store."""

    spec: ProfileSpec
    path: Path
    sha256: str  # of the file's bytes: each batch records which profile text imported it

    @property
    def name(self) -> str:
        return self.spec.source.name

    @property
    def label(self) -> str:
        return self.spec.source.label

    @property
    def kind(self) -> Kind:
        return self.spec.source.kind

    @property
    def source_system(self) -> str:
        return self.spec.source.source_system or self.spec.source.name

    @property
    def supports(self) -> tuple[str, ...]:
        return tuple(self.spec.source.supports)

    @property
    def requires_region(self) -> bool:
        return self.spec.source.requires_region

    @property
    def reader(self) -> ReaderSpec:
        return self.spec.reader

    @property
    def columns(self) -> dict[str, str]:
        return self.spec.columns

    @property
    def drop(self) -> tuple[str, ...]:
        return tuple(self.spec.drop.columns)

    @property
    def measures(self) -> dict[str, str]:
        return self.spec.measures

    @property
    def partners(self) -> PartnersSpec:
        return self.spec.partners or PartnersSpec()

    @property
    def date_order(self) -> str:
        return self.spec.validation.date_order

    @property
    def postcode_table(self) -> Path | None:
        table = self.spec.postcodes
        return self.path.parent / table.table if table is not None else None

    @property
    def builtin(self) -> bool:
        return self.path.parent == BUILTIN_DIR

    @property
    def format(self) -> str:
        return self.spec.reader.format

    def file_format(self, name: str | Path) -> str:
        """csv or xlsx, from the profile or else the file's extension."""
        if self.format != "auto":
            return self.format
        return "xlsx" if Path(name).suffix.lower() in {".xlsx", ".xlsm"} else "csv"

    def header(self, field_name: str) -> str:
        """The header in the source file of a harmonised field (for messages)."""
        return self.columns.get(field_name, field_name)

    def provided(self) -> set[str]:
        """Every harmonised field the profile fills (schema.provided)."""
        return provided(self.spec)

    def required_headers(self) -> list[str]:
        """Every header the file must have: mapped columns that are not optional, measures,
        and the columns derive rules read."""
        optional = set(self.spec.reader.optional)
        headers = [h for f, h in self.columns.items() if f not in optional]
        headers += list(self.measures.values()) + [d.column for d in self.spec.derive]
        return list(dict.fromkeys(headers))

    def used_headers(self) -> set[str]:
        """Every header the profile reads or drops: other columns in a file are unmapped."""
        return (
            set(self.columns.values())
            | set(self.measures.values())
            | set(self.drop)
            | {d.column for d in self.spec.derive}
        )

    def kept_headers(self) -> set[str]:
        """Headers whose values may be kept in quarantine and shown: mapped and rule columns,
        never a dropped or sensitive one (the family key is kept only as a pseudonym)."""
        sensitive = {h for f, h in self.columns.items() if f in SENSITIVE}
        return self.used_headers() - set(self.drop) - sensitive

    def code_map(self, field_name: str) -> dict[str, str] | None:
        """The source → harmonised code table of a field, keys normalised; None if codes are
        already harmonised."""
        table = self.spec.codes.get(field_name)
        if table is None:
            return None
        return {normalise_key(k): v for k, v in table.items()}

    def patterns(self, field_name: str) -> list[tuple[str, str]]:
        """The field's ordered pattern rules: (regular expression, code), first match wins."""
        return list(self.spec.patterns.get(field_name, {}).items())


def parse_profile(text: str, file_name: str) -> ProfileSpec:
    """The validated profile in a TOML text, or a ProfileError naming the file and each key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"Profiel {file_name}: geen geldige TOML ({exc}).") from exc
    try:
        spec = ProfileSpec.model_validate(data)
    except ValidationError as exc:
        raise _error(file_name, validation_problems(exc)) from None
    problems = cross_problems(spec)
    if problems:
        raise _error(file_name, problems)
    return spec


def _error(file_name: str, problems: list[tuple[str, str]]) -> ProfileError:
    lines = [
        f"Profiel {file_name}, sleutel {key or '(hele bestand)'}: {text}." for key, text in problems
    ]
    return ProfileError("\n".join(lines))


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
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"Profiel {path.name} is onleesbaar: {exc}") from exc
    spec = parse_profile(text, path.name)
    if spec.source.name != path.stem:
        raise _error(
            path.name,
            [
                (
                    "source.name",
                    f"'{spec.source.name}' moet gelijk zijn aan de bestandsnaam ({path.stem})",
                )
            ],
        )
    if spec.postcodes is not None and not (path.parent / spec.postcodes.table).is_file():
        raise _error(
            path.name,
            [("postcodes.table", f"bestand {spec.postcodes.table} ontbreekt naast het profiel")],
        )
    return Profile(spec, path, hashlib.sha256(data).hexdigest())


def builtin_names() -> set[str]:
    """Names of the profiles that ship with the monitor: other profiles may not take them."""
    return {path.stem for path in BUILTIN_DIR.glob("*.toml")}


def _files(extra: Path | None) -> list[Path]:
    """Built-in profile files first, then the extra directory's (settings.profile_directory)."""
    files = sorted(BUILTIN_DIR.glob("*.toml"))
    if extra is not None and extra.is_dir():
        files += sorted(extra.glob("*.toml"))
    return files


def _checked(path: Path) -> Profile:
    if path.parent != BUILTIN_DIR and path.stem in builtin_names():
        raise _error(
            path.name,
            [
                (
                    "source.name",
                    f"'{path.stem}' is de naam van een ingebouwd profiel; kies een andere",
                )
            ],
        )
    return _load(path)


def available_profiles(extra: Path | None = None) -> dict[str, Profile]:
    """Every valid profile by name; an invalid file is left out (see profile_problems)."""
    profiles: dict[str, Profile] = {}
    for path in _files(extra):
        try:
            profile = _checked(path)
        except ProfileError:
            continue
        profiles[profile.name] = profile
    return profiles


def profile_problems(extra: Path | None = None) -> list[str]:
    """The Dutch refusal of every profile file that cannot be used."""
    problems = []
    for path in _files(extra):
        try:
            _checked(path)
        except ProfileError as exc:
            problems.append(str(exc))
    return problems


def get_profile(name: str, extra: Path | None = None) -> Profile:
    """One profile by name; a Dutch error naming the file and key if it is invalid, or listing
    the known ones if there is none."""
    for path in _files(extra):
        if path.stem == name:
            return _checked(path)
    known = ", ".join(sorted(available_profiles(extra)))
    raise ProfileError(f"Onbekende bron '{name}'. Gekende bronnen: {known}.")
