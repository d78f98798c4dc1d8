"""Build a profile without writing TOML: read a sample in memory, suggest, write, save."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from data_access.ingest.files import LINE, FatalImportError, RawTable, read_table
from data_access.ingest.mapping import EXCEL_DATE, title_value
from data_access.ingest.profiles import (
    Profile,
    ProfileError,
    builtin_names,
    normalise_key,
    parse_profile,
)
from data_access.ingest.schema import (
    CODE_LISTS,
    FIELDS,
    NEEDS,
    ProfileSpec,
    ReaderSpec,
    SourceSpec,
    provided,
)

# Headers that hold what a profile must drop: names, addresses, contact details, free notes.
PERSONAL = re.compile(
    r"naam|voornaam|adres|straat|rijksregister|insz|telefoon|gsm|e-?mail|opmerking|notitie|"
    r"begeleider|medewerker|consulent",
    re.IGNORECASE,
)
# Where the mapping screen looks for a footer: the first cell of a file's last lines.
FOOTER_WORDS = re.compile(
    r"^\s*(?:(totaal|aantal|einde|afgedrukt|gegenereerd)\b|(-{3,}|={3,}))", re.IGNORECASE
)
# The date formats the screen recognises in a sample, most usual first.
DATE_CANDIDATES = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%y",
)
# Headers a network is likely to use for each field (besides the headers of earlier profiles).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "source_record_id": (
        "dossiernr",
        "dossiernummer",
        "dossier",
        "nr",
        "id",
        "vraagid",
        "registratienummer",
    ),
    "family_key": (
        "gezin",
        "gezinsnummer",
        "gezinsid",
        "familie-id",
        "familienummer",
        "klantnummer",
        "clientid",
        "cliëntnummer",
    ),
    "region_code": ("regio", "netwerk", "region_code"),
    "nis_code": ("nis", "nis-code", "niscode"),
    "municipality_name": ("gemeente", "woonplaats"),
    "postcode": ("postcode",),
    "kind": ("type", "soort", "soort registratie"),
    "received_date": (
        "datum aanmelding",
        "aanmelddatum",
        "aanmeldingsdatum",
        "datum vraag",
        "ontvangen",
    ),
    "first_contact_date": (
        "datum eerste contact",
        "eerste contact",
        "datum 1e contact",
        "datum eerste gesprek",
        "eerstecontact",
    ),
    "closed_date": ("afsluitdatum", "einddatum", "datum einde", "datum afsluiting", "afgesloten"),
    "referrer": ("aanmelder", "verwezen door", "doorverwijzer", "verwijzer", "aanmeldercode"),
    "request_nature": ("aard van de vraag", "soort vraag", "vraag", "hulpvraag", "vraagcode"),
    "response_type": ("aanbod", "traject", "interventie", "antwoordcode"),
    "closure_reason": (
        "reden afsluiting",
        "reden einde",
        "afsluitreden",
        "reden stop",
        "afsluitcode",
    ),
    "child_age": ("leeftijd",),
    "birth_year": ("geboortejaar",),
    "birth_date": ("geboortedatum", "geboren", "geb. datum"),
    "partners": ("partners", "betrokken partners", "betrokken organisaties"),
}
# How many distinct values of a code column the screen offers to map.
VALUE_LIMIT = 40


@dataclass(frozen=True)
class Sample:
    """An uploaded sample, read in memory only: never written anywhere."""

    file_name: str
    data: bytes
    table: RawTable

    @property
    def headers(self) -> list[str]:
        return [c for c in self.table.frame.columns if c != LINE]

    def values(self, header: str, limit: int = VALUE_LIMIT) -> list[tuple[str, int]]:
        """A column's distinct non-empty values with their counts, most frequent first."""
        if header not in self.table.frame.columns:
            return []
        text = self.table.frame[header].cast(pl.String).str.strip_chars()
        counts = (
            text.filter(text.is_not_null() & (text != ""))
            .value_counts(name="n")
            .sort(["n", header], descending=[True, False])
            .head(limit)
        )
        return [(str(v), int(n)) for v, n in counts.iter_rows()]


def reader_spec(
    file_name: str,
    *,
    delimiter: str = "auto",
    encoding: str = "auto",
    header_row: int | Literal["auto"] = "auto",
    sheet: str | None = None,
    footer: str = "",
) -> ReaderSpec:
    """The reader settings a sample is read with (and the profile will hold)."""
    fmt = "xlsx" if Path(file_name).suffix.lower() in {".xlsx", ".xlsm"} else "csv"
    return ReaderSpec.model_validate(
        {
            "format": fmt,
            "delimiter": delimiter,
            "encoding": encoding,
            "header_row": header_row,
            "sheet": sheet,
            "footer": [footer] if footer else [],
        }
    )


def read_sample(data: bytes, file_name: str, reader: ReaderSpec) -> Sample:
    """Read an uploaded sample from memory; FatalImportError (Dutch) for an unreadable one."""
    spec = ProfileSpec(
        source=SourceSpec(name="voorbeeld", label="Voorbeeld", kind="registrations"),
        reader=reader,
    )
    profile = Profile(spec, Path("voorbeeld.toml"), "")
    table = read_table(data, profile, file_name)
    if not [c for c in table.frame.columns if c != LINE]:
        raise FatalImportError(f"{file_name}: geen kolommen gevonden.")
    return Sample(file_name, data, table)


def _key(text: str) -> str:
    """Headers compared without case, spaces or punctuation."""
    return re.sub(r"[^0-9a-zà-ÿ]+", "", text.casefold())


def suggest_columns(headers: list[str], profiles: Iterable[Profile]) -> dict[str, str]:
    """Per registrations field, the header it most likely comes from: the field's name, a
    usual Dutch header, or a header an earlier profile mapped to it. Each header once."""
    known: dict[str, list[str]] = {f: [f, *SYNONYMS.get(f, ())] for f in FIELDS["registrations"]}
    for profile in profiles:
        if profile.kind == "registrations":
            for name, header in profile.columns.items():
                known[name].append(header)
    by_key = {_key(h): h for h in headers}
    taken: set[str] = set()
    found: dict[str, str] = {}
    for name, candidates in known.items():
        for candidate in candidates:
            match = by_key.get(_key(candidate))
            if match is not None and match not in taken:
                found[name] = match
                taken.add(match)
                break
    return found


def suggest_drop(headers: list[str], mapped: Iterable[str]) -> list[str]:
    """Headers that look personal, and every header nothing maps: a profile says of each
    column what happens to it."""
    used = set(mapped)
    return [h for h in headers if h not in used or PERSONAL.search(h)]


def suggest_footer(sample: Sample) -> str:
    """A footer pattern when the sample's last lines start like a totals line."""
    lines = sample.data.decode("latin-1", errors="replace").splitlines()[-6:]
    if sample.table.file_format == "xlsx":
        frame = sample.table.frame.drop(LINE)
        lines = [
            next((str(c) for c in row if c not in (None, "")), "")
            for row in frame.tail(6).iter_rows()
        ]
    for line in lines:
        match = FOOTER_WORDS.match(re.split(r"[;,\t]", line.strip().strip('"'))[0])
        if match and match.group(1):
            return f"^{match.group(1).lower()}\\b"
        if match:
            return f"^{re.escape(match.group(2)[0])}{{3,}}"
    return ""


def sample_title_value(sample: Sample, pattern: str) -> str | None:
    """What a title-line pattern finds above the sample's header (None for a bad pattern)."""
    try:
        return title_value(sample.table.title, pattern)
    except pl.exceptions.PolarsError:
        return None


def suggest_date_formats(sample: Sample, headers: Iterable[str]) -> list[str]:
    """The formats that read the sample's values of these columns, the most used first."""
    texts = [value for header in headers for value, _n in sample.values(header, limit=1000)]
    series = pl.Series(texts, dtype=pl.String)
    counts = {
        fmt: int(series.str.strptime(pl.Date, fmt, strict=False, exact=True).is_not_null().sum())
        for fmt in DATE_CANDIDATES
    }
    found = [fmt for fmt in DATE_CANDIDATES if counts[fmt] > 0]
    if sample.table.file_format == "xlsx":
        found = [f for f in found if f != EXCEL_DATE]  # read from an XLSX whatever the profile
    return sorted(found, key=lambda f: -counts[f]) or ["%d/%m/%Y"]


def code_options(name: str, regions: dict[str, str] | None = None) -> dict[str, str]:
    """The codes a field can take, with their Dutch labels (regions: their names)."""
    if name == "region_code":
        return dict(regions or {})
    table = CODE_LISTS[name]
    assert table is not None
    return dict(table)


def suggest_codes(
    name: str,
    values: Iterable[str],
    profiles: Iterable[Profile],
    regions: dict[str, str] | None = None,
) -> dict[str, str]:
    """Per source value, the code it most likely means: the code or its Dutch label, an
    earlier profile's code table or pattern, or a known word it starts with."""
    options = code_options(name, regions)
    known = {normalise_key(code): code for code in options}
    known.update({normalise_key(label): code for code, label in options.items()})
    patterns: list[tuple[str, str]] = []
    for profile in profiles:
        known.update((profile.code_map(name) or {}).items())
        patterns += profile.patterns(name)
    found: dict[str, str] = {}
    for value in values:
        key = normalise_key(value)
        # The value itself, else the longest known text it starts with ("clb menen" → "clb").
        starts = [k for k in known if key.startswith(k + " ")]
        code = known.get(key) or (known[max(starts, key=len)] if starts else None)
        if code is None:
            code = next(
                (
                    target
                    for pattern, target in patterns
                    if pl.Series([value]).str.contains(f"(?i){pattern}").item()
                ),
                None,
            )
        if code is not None and code in options:
            found[value] = code
    return found


def supported(columns: dict[str, str], derived: Iterable[str], region_chosen: bool) -> list[str]:
    """The figures a registrations mapping can supply."""
    spec = ProfileSpec(
        source=SourceSpec(
            name="voorbeeld", label="x", kind="registrations", requires_region=region_chosen
        ),
        columns=columns,
    )
    have = provided(spec) | set(derived)
    return [c for c, needs in NEEDS["registrations"].items() if set(needs) <= have]


@dataclass
class Choices:
    """What the beheerder chose on the mapping screen: the whole of a registrations profile."""

    name: str
    label: str
    reader: ReaderSpec
    columns: dict[str, str]
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    region_title: str = ""  # a title-line pattern for the region, "" for none
    requires_region: bool = False
    derive: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # field, column, value, code
    drop: list[str] = field(default_factory=list)
    supports: list[str] = field(default_factory=list)
    date_formats: list[str] = field(default_factory=lambda: ["%d/%m/%Y"])


def _s(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _list(items: Iterable[str]) -> str:
    return "[" + ", ".join(_s(i) for i in items) + "]"


def generalised(table: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Value → code entries, and pattern rules where two or more values of one code start
    with the same word no other code's value starts with ("CLB Menen", "clb Waregem" →
    '^clb\\b'): the next "CLB Roeselare" is then mapped too."""
    first = {value: normalise_key(value).split(" ")[0] for value in table}
    codes: dict[str, set[str]] = {}
    for value, word in first.items():
        codes.setdefault(word, set()).add(table[value])
    counts = Counter(first.values())
    words = {
        word: next(iter(found))
        for word, found in codes.items()
        if len(found) == 1 and counts[word] >= 2 and re.fullmatch(r"[\w&/.-]+", word)
    }
    patterns = {f"^{re.escape(w)}\\b": code for w, code in sorted(words.items())}
    return {v: c for v, c in table.items() if first[v] not in words}, patterns


def profile_toml(choices: Choices) -> str:
    """The profile as TOML text, in the layout of docs/profiles.md."""
    reader = choices.reader
    out = [
        "# Made on the mapping screen (Bronprofiel maken).",
        "[source]",
        f"name = {_s(choices.name)}",
        f"label = {_s(choices.label)}",
        'kind = "registrations"',
        f"supports = {_list(choices.supports)}",
    ]
    if choices.requires_region:
        out.append("requires_region = true")
    out += ["", "[validation]", "# Legacy history is kept as delivered.", 'date_order = "keep"']
    out += ["", "[reader]", f"format = {_s(reader.format)}"]
    if reader.format == "csv":
        out += [f"delimiter = {_s(reader.delimiter)}", f"encoding = {_s(reader.encoding)}"]
    if reader.sheet:
        out.append(f"sheet = {_s(reader.sheet)}")
    header = reader.header_row
    out.append(f"header_row = {_s(header) if isinstance(header, str) else header}")
    if reader.footer:
        out.append(f"footer = {_list(reader.footer)}")
    out.append(f"date_formats = {_list(choices.date_formats)}")
    out += ["", "[columns]", *(f"{k} = {_s(v)}" for k, v in choices.columns.items())]
    if choices.drop:
        out += ["", "[drop]", f"columns = {_list(choices.drop)}"]
    if choices.region_title:
        out += ["", "[title]", f"region_code = {_s(choices.region_title)}"]
    for name, table in choices.codes.items():
        exact, patterns = generalised(table) if name != "region_code" else (table, {})
        if exact:
            out += ["", f"[codes.{name}]", *(f"{_s(k)} = {_s(v)}" for k, v in exact.items())]
        if patterns:
            out += ["", f"[patterns.{name}]", *(f"{_s(k)} = {_s(v)}" for k, v in patterns.items())]
    for name, column, value, code in choices.derive:
        out += [
            "",
            "[[derive]]",
            f"field = {_s(name)}",
            f"column = {_s(column)}",
            f"pattern = {_s('^' + re.escape(value.casefold()) + '$')}",
            f"value = {_s(code)}",
        ]
    return "\n".join(out) + "\n"


def build_profile(choices: Choices, directory: Path) -> tuple[str, Profile]:
    """The TOML text and the validated profile; ProfileError (Dutch) when it is refused."""
    if choices.name in builtin_names():
        raise ProfileError(
            f"Profiel {choices.name}.toml, sleutel source.name: '{choices.name}' is de naam van "
            "een ingebouwd profiel; kies een andere."
        )
    text = profile_toml(choices)
    spec = parse_profile(text, f"{choices.name}.toml")
    return text, Profile(spec, directory / f"{choices.name}.toml", "")


def save_profile(text: str, directory: Path, *, replace: bool = False) -> Path:
    """Write a validated profile to the profile directory, where every app process and the
    command line read it; atomically, so no reader sees half a file."""
    spec = parse_profile(text, "profiel.toml")
    name = spec.source.name
    if name in builtin_names():
        raise ProfileError(
            f"Profiel {name}.toml, sleutel source.name: '{name}' is de naam van een ingebouwd "
            "profiel; kies een andere."
        )
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{name}.toml"
    if target.exists() and not replace:
        raise ProfileError(
            f"Profiel {name}.toml bestaat al in {directory}: kies een andere naam of vervang het."
        )
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, target)
    return target
