"""The profile language: a source profile file's keys as pydantic models, refused in Dutch."""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal

import polars as pl
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from data_access.reference import codes

Kind = Literal["registrations", "aggregate", "staffing", "volume"]

# Harmonised fields a profile may map, per kind, with what they mean (Dutch, for messages and
# the mapping screen).
FIELDS: Final[dict[str, dict[str, str]]] = {
    "registrations": {
        "source_record_id": "dossiernummer",
        "family_key": "gezinssleutel (wordt gepseudonimiseerd)",
        "region_code": "regio",
        "nis_code": "NIS-code van de gemeente",
        "municipality_name": "gemeente (naam)",
        "postcode": "postcode",
        "kind": "soort (aanmelding of consultvraag)",
        "received_date": "datum aanmelding",
        "first_contact_date": "datum eerste contact",
        "closed_date": "afsluitdatum",
        "referrer": "aanmelder",
        "request_nature": "aard van de vraag",
        "response_type": "aanbod",
        "closure_reason": "reden afsluiting",
        "child_age": "leeftijd",
        "birth_year": "geboortejaar (voor de leeftijd)",
        "birth_date": "geboortedatum (alleen voor de leeftijd, nooit bewaard)",
        "partners": "betrokken partners",
    },
    "aggregate": {"month": "maand"},
    "staffing": {
        "region_code": "regio",
        "quarter": "kwartaal",
        "function": "functie",
        "sector": "sector",
        "fte": "VTE",
    },
    "volume": {"region_code": "regio", "year": "jaar", "party": "partij", "agreed": "afgesproken"},
}

REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "registrations": ("source_record_id", "family_key", "received_date"),
    "aggregate": ("month",),
    "staffing": ("region_code", "quarter", "function", "sector", "fte"),
    "volume": ("region_code", "year", "party", "agreed"),
}

# Fields whose source values are personal data: hashed (family key) or only used to derive
# another field (birth date); their values are never stored, quarantined or shown.
SENSITIVE: Final = frozenset({"family_key", "birth_date"})

# Fields whose values map onto a code list; region codes are checked against the store.
CODE_LISTS: Final[dict[str, dict[str, str] | None]] = {
    "kind": codes.KINDS,
    "referrer": codes.REFERRERS,
    "request_nature": codes.REQUEST_NATURES,
    "response_type": codes.RESPONSE_TYPES,
    "closure_reason": codes.CLOSURE_REASONS,
    "region_code": None,
}

# What a source can supply (source.supports), with the Dutch name of the figure.
CAPABILITIES: Final[dict[str, str]] = {
    "intakes": "Aanmeldingen",
    "consults": "Consultvragen",
    "response_time": "Tijdige opname",
    "referrers": "Aanmelders (per aanmelder)",
    "referrer_groups": "Aanmeldersgroepen",
    "volume": "Volumeafspraken GV/SDJ",
    "reach": "Bereik en trajecten",
    "partners": "Betrokken organisaties",
    "staffing": "Personeelsinzet",
}
# Per kind: each capability it can claim and the fields (registrations) or measures
# (aggregate) it cannot be computed without.
NEEDS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "registrations": {
        "intakes": ("received_date",),
        "consults": ("kind",),
        "response_time": ("first_contact_date",),
        "referrers": ("referrer",),
        "volume": ("referrer",),
        "reach": ("response_type",),
        "partners": ("partners",),
    },
    "aggregate": {
        "intakes": ("intakes",),
        "response_time": ("intakes", "within_month"),
        "referrer_groups": ("referrer_group:",),
    },
    "staffing": {"staffing": ()},
    "volume": {"volume": ()},
}

DATE_DIRECTIVES: Final = {
    "%d": "DD",
    "%m": "MM",
    "%Y": "JJJJ",
    "%y": "JJ",
    "%H": "UU",
    "%M": "MM",
    "%S": "SS",
}
NAME = re.compile(r"[a-z][a-z0-9_]*")
REGION_CODE = re.compile(r"[A-Z][A-Z0-9_]{1,9}")


def format_label(fmt: str) -> str:
    """A strptime format as a Dutch reader writes it: %d/%m/%Y → DD/MM/JJJJ."""
    return re.sub(r"%[a-zA-Z]", lambda m: DATE_DIRECTIVES.get(m.group(0), m.group(0)), fmt)


def formats_label(formats: list[str] | tuple[str, ...]) -> str:
    """Several formats: "DD/MM/JJJJ of JJJJ-MM-DD"."""
    labels = [format_label(f) for f in formats]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " of " + labels[-1]


def _date_format(value: str) -> str:
    unknown = sorted(set(re.findall(r"%.", value)) - set(DATE_DIRECTIVES))
    if unknown:
        raise ValueError(
            f"datumformaat '{value}' gebruikt {', '.join(unknown)}; toegelaten zijn "
            f"{', '.join(DATE_DIRECTIVES)}"
        )
    if "%d" not in value or "%m" not in value or ("%Y" not in value and "%y" not in value):
        raise ValueError(f"datumformaat '{value}' moet dag (%d), maand (%m) en jaar (%Y) bevatten")
    return value


def _month_format(value: str) -> str:
    if "%m" not in value or "%Y" not in value or re.search(r"%[^mY]", value):
        raise ValueError(f"maandformaat '{value}' bevat precies %Y en %m, bv. %Y-%m")
    return value


def _pattern(value: str) -> str:
    """A regular expression as polars (Rust regex) reads it; matched without case."""
    try:
        pl.select(pl.lit("").str.contains(f"(?i){value}"))
    except pl.exceptions.PolarsError as exc:
        first = str(exc).splitlines()[-1] if str(exc).strip() else str(exc)
        raise ValueError(f"geen geldig patroon '{value}' ({first.strip()})") from None
    return value


def _title_pattern(value: str) -> str:
    _pattern(value)
    groups = pl.Series([""]).str.extract_groups(f"(?i){value}").struct.fields
    if len(groups) != 1:
        raise ValueError(
            f"patroon '{value}' moet precies één groep tussen haakjes hebben: de waarde"
        )
    return value


def _name(value: str) -> str:
    if not NAME.fullmatch(value) or len(value) > 30:
        raise ValueError(
            f"'{value}' is geen geldige naam: kleine letters, cijfers en _, beginnend met een "
            "letter, hoogstens 30 tekens"
        )
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("mag niet leeg zijn")
    return value


DateFormat = Annotated[str, AfterValidator(_date_format)]
Pattern = Annotated[str, AfterValidator(_pattern)]
TitlePattern = Annotated[str, AfterValidator(_title_pattern)]
Header = Annotated[str, AfterValidator(_non_empty)]


class _Strict(BaseModel):
    """Unknown keys and loose types are refused, never ignored."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourceSpec(_Strict):
    """[source]: what the profile is."""

    name: Annotated[str, AfterValidator(_name)]
    label: Annotated[str, AfterValidator(_non_empty)]
    kind: Kind
    source_system: Annotated[str, AfterValidator(_name)] | None = None
    supports: list[str] = Field(default_factory=list)
    requires_region: bool = False

    @field_validator("supports")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in CAPABILITIES]
        if unknown:
            raise ValueError(
                f"onbekende cijfers {', '.join(unknown)}; gekend: {', '.join(CAPABILITIES)}"
            )
        return value


class ReaderSpec(_Strict):
    """[reader]: how the file is read."""

    format: Literal["auto", "csv", "xlsx"] = "auto"
    delimiter: str = ","
    encoding: Literal["utf-8", "cp1252", "auto"] = "utf-8"
    sheet: str | None = None
    header_row: int | Literal["auto"] = 1
    footer: list[Pattern] = Field(default_factory=list)
    date_formats: list[DateFormat] = Field(default_factory=lambda: ["%Y-%m-%d"], min_length=1)
    month_format: Annotated[str, AfterValidator(_month_format)] = "%Y-%m"
    optional: list[str] = Field(default_factory=list)

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str) -> str:
        if value != "auto" and (len(value) != 1 or value in '"\r\n'):
            raise ValueError('één teken (bv. ";" of ","), of "auto" voor , of ;')
        return value

    @field_validator("header_row", mode="before")
    @classmethod
    def _header_row(cls, value: Any) -> Any:
        if value == "auto" or (type(value) is int and value >= 1):
            return value
        raise ValueError('verwacht een regelnummer (1, 2, …) of "auto"')


class ValidationSpec(_Strict):
    """[validation]: what to do with dates in the wrong order."""

    date_order: Literal["reject", "keep"] = "reject"


class DropSpec(_Strict):
    """[drop]: columns never stored, quarantined or shown."""

    columns: list[Header] = Field(default_factory=list)


class FillDownSpec(_Strict):
    """[fill_down]: fields whose empty cells take the value of the row above."""

    fields: list[str] = Field(default_factory=list)


class PostcodesSpec(_Strict):
    """[postcodes]: a table postcode → NIS code beside the profile."""

    table: Header


class PartnersSpec(_Strict):
    """[partners]: how the partners cell is split and each partner's sector found."""

    separator: Annotated[str, AfterValidator(_non_empty)] = ";"
    format: Literal["name", "sector_name"] = "name"
    sector_keywords: list[tuple[str, str]] = Field(default_factory=list)

    @field_validator("sector_keywords", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        # TOML has arrays, not tuples: accept [keyword, sector] pairs.
        if isinstance(value, list):
            value = [tuple(v) if isinstance(v, list) else v for v in value]
        return value

    @field_validator("sector_keywords")
    @classmethod
    def _sectors(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        unknown = [s for _, s in value if s not in codes.PARTNER_SECTORS]
        if unknown:
            raise ValueError(
                f"onbekende sector {', '.join(unknown)}; gekend: {', '.join(codes.PARTNER_SECTORS)}"
            )
        return value


class DeriveSpec(_Strict):
    """[[derive]]: a code set from another column where the field itself is empty."""

    field: str
    column: Header
    pattern: Pattern
    value: str


class ProfileSpec(_Strict):
    """A whole source profile file."""

    source: SourceSpec
    reader: ReaderSpec = Field(default_factory=ReaderSpec)
    validation: ValidationSpec = Field(default_factory=ValidationSpec)
    columns: dict[str, Header] = Field(default_factory=dict)
    drop: DropSpec = Field(default_factory=DropSpec)
    codes: dict[str, dict[str, str]] = Field(default_factory=dict)
    patterns: dict[str, dict[Pattern, str]] = Field(default_factory=dict)
    derive: list[DeriveSpec] = Field(default_factory=list)
    title: dict[str, TitlePattern] = Field(default_factory=dict)
    fill_down: FillDownSpec = Field(default_factory=FillDownSpec)
    measures: dict[str, Header] = Field(default_factory=dict)
    partners: PartnersSpec | None = None
    postcodes: PostcodesSpec | None = None


Problem = tuple[str, str]  # (key, Dutch message)

_TYPES: Final = {
    "string_type": "verwacht tekst tussen aanhalingstekens",
    "int_type": "verwacht een geheel getal",
    "bool_type": "verwacht true of false",
    "list_type": "verwacht een lijst [ … ]",
    "tuple_type": 'verwacht een paar ["trefwoord", "SECTOR"]',
    "dict_type": "verwacht een tabel",
    "model_type": "verwacht een tabel",
    "model_attributes_type": "verwacht een tabel",
    "extra_forbidden": "onbekende sleutel",
    "missing": "verplichte sleutel ontbreekt",
    "too_short": "mag niet leeg zijn",
}


def key_path(loc: tuple[str | int, ...]) -> str:
    """A location as the profile's author writes it: reader.delimiter, codes.referrer."clb",
    derive[1].field (arrays counted from 1)."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part + 1}]"
            continue
        text = part if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part) else f'"{part}"'
        out += f".{text}" if out else text
    return out


def _message(error: Any) -> str:
    kind = error["type"]
    if kind in {"value_error", "assertion_error"}:
        return str(error["ctx"]["error"])
    if kind == "literal_error":
        expected = str(error["ctx"]["expected"]).replace(" or ", " of ")
        return f"moet {expected} zijn, niet {error['input']!r}"
    if kind == "too_long":
        return "te veel waarden"
    return _TYPES.get(kind, str(error["msg"]))


def validation_problems(exc: ValidationError) -> list[Problem]:
    """Pydantic's errors as (key, Dutch message)."""
    problems: list[Problem] = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        # A tuple's element errors repeat the pair's own message: report the pair once.
        if error["type"] == "tuple_type" or (loc and isinstance(loc[-1], int) and "sector" in loc):
            loc = loc[:-1]
        problem = (key_path(loc), _message(error))
        if problem not in problems:
            problems.append(problem)
    return problems


def provided(spec: ProfileSpec) -> set[str]:
    """The fields a profile fills: from a column, a title line, a derive rule, or (region)
    from --region; child_age also from a birth year or date."""
    fields = set(spec.columns) | set(spec.title) | {d.field for d in spec.derive}
    if spec.source.requires_region:
        fields.add("region_code")
    if fields & {"birth_year", "birth_date"}:
        fields.add("child_age")
    return fields


def cross_problems(spec: ProfileSpec) -> list[Problem]:
    """What the keys say together: fields of the kind, codes of the code lists, figures the
    mapping can supply, nothing both stored and dropped."""
    kind = spec.source.kind
    fields = FIELDS[kind]
    known = ", ".join(fields)
    problems: list[Problem] = []
    for field in spec.columns:
        if field not in fields:
            problems.append((f"columns.{field}", f"onbekend veld voor {kind}; gekend: {known}"))
    for field in REQUIRED[kind]:
        if field not in spec.columns and field not in spec.title:
            problems.append((f"columns.{field}", f"verplicht veld ({fields[field]}) ontbreekt"))
    if kind == "registrations" and "region_code" not in provided(spec):
        problems.append(
            (
                "source.requires_region",
                "de regio komt nergens vandaan: wijs region_code toe in [columns] of [title], "
                "of zet requires_region = true (de regio wordt dan bij het inlezen gekozen)",
            )
        )
    for a, b in (
        ("child_age", "birth_year"),
        ("child_age", "birth_date"),
        ("birth_year", "birth_date"),
    ):
        if a in spec.columns and b in spec.columns:
            problems.append((f"columns.{b}", f"kies één van {a} en {b}"))
    problems += _code_problems(spec, fields)
    problems += _rule_problems(spec, fields)
    problems += _support_problems(spec)
    problems += _kind_problems(spec)
    return problems


def _bad_code(field: str, code: str) -> str | None:
    allowed = CODE_LISTS[field]
    if allowed is None:
        return None if REGION_CODE.fullmatch(code) else f"'{code}' is geen regiocode (bv. KON)"
    if code in allowed:
        return None
    return f"onbekende code '{code}' voor {field}; gekend: {', '.join(allowed)}"


def _code_problems(spec: ProfileSpec, fields: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    have = provided(spec)
    for table_name, tables in (("codes", spec.codes), ("patterns", spec.patterns)):
        for field, table in tables.items():
            if field not in CODE_LISTS or field not in fields:
                coded = ", ".join(f for f in CODE_LISTS if f in fields) or "geen"
                problems.append((f"{table_name}.{field}", f"geen codeveld; codevelden: {coded}"))
                continue
            if field not in have:
                problems.append(
                    (f"{table_name}.{field}", f"veld {field} is niet toegewezen in [columns]")
                )
            for source_value, code in table.items():
                bad = _bad_code(field, code)
                if bad:
                    problems.append((key_path((table_name, field, source_value)), bad))
    return problems


def _rule_problems(spec: ProfileSpec, fields: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    dropped = set(spec.drop.columns)
    for i, rule in enumerate(spec.derive):
        where = f"derive[{i + 1}]"
        if rule.field not in CODE_LISTS or rule.field not in fields:
            problems.append((f"{where}.field", f"'{rule.field}' is geen codeveld"))
        else:
            bad = _bad_code(rule.field, rule.value)
            if bad:
                problems.append((f"{where}.value", bad))
        if rule.column in dropped:
            problems.append((f"{where}.column", f"kolom '{rule.column}' staat ook in [drop]"))
        if rule.column in spec.columns.values():
            problems.append(
                (f"{where}.column", f"kolom '{rule.column}' is al toegewezen in [columns]")
            )
    for field in spec.title:
        if field not in fields or field in SENSITIVE or field == "source_record_id":
            problems.append((f"title.{field}", "dit veld kan niet uit een titelregel komen"))
    for field in spec.fill_down.fields:
        if field not in spec.columns:
            problems.append(("fill_down.fields", f"veld {field} is niet toegewezen in [columns]"))
        elif field in SENSITIVE:
            problems.append(("fill_down.fields", f"{field} kan niet aangevuld worden"))
    for field in spec.reader.optional:
        if field not in spec.columns:
            problems.append(("reader.optional", f"veld {field} is niet toegewezen in [columns]"))
        elif field in REQUIRED[spec.source.kind]:
            problems.append(("reader.optional", f"{field} is verplicht, niet optioneel"))
    for field, header in spec.columns.items():
        if header in dropped and field not in SENSITIVE:
            problems.append(
                (
                    "drop.columns",
                    f"kolom '{header}' is toegewezen aan {field} en kan niet ook weggelaten "
                    "worden (alleen family_key en birth_date worden na gebruik weggelaten)",
                )
            )
    if "postcode" in spec.columns and spec.postcodes is None:
        problems.append(("postcodes.table", "postcode vraagt een tabel postcode → NIS-code"))
    return problems


def _support_problems(spec: ProfileSpec) -> list[Problem]:
    kind = spec.source.kind
    needs = NEEDS[kind]
    problems: list[Problem] = []
    have = provided(spec)
    for capability in spec.source.supports:
        if capability not in needs:
            problems.append(("source.supports", f"{capability} kan niet uit een bron van {kind}"))
            continue
        for need in needs[capability]:
            if kind == "aggregate":
                found = any(
                    m == need or (need.endswith(":") and m.startswith(need)) for m in spec.measures
                )
            else:
                found = need in have
            if not found:
                problems.append(
                    ("source.supports", f"{capability} vraagt {need}, dat het profiel niet levert")
                )
    return problems


def _kind_problems(spec: ProfileSpec) -> list[Problem]:
    kind = spec.source.kind
    problems: list[Problem] = []
    if kind != "aggregate" and spec.measures:
        problems.append(("measures", "alleen voor maandtotalen (kind = aggregate)"))
    if kind == "aggregate":
        if not spec.measures:
            problems.append(("measures", "maandtotalen vragen minstens één meting"))
        for measure in spec.measures:
            group = measure.removeprefix("referrer_group:")
            if measure not in {"intakes", "within_month"} and not (
                measure.startswith("referrer_group:") and group in codes.REFERRER_GROUPS
            ):
                problems.append(
                    (
                        key_path(("measures", measure)),
                        "onbekende meting; gekend: intakes, within_month, referrer_group:GROEP "
                        f"({', '.join(codes.REFERRER_GROUPS)})",
                    )
                )
    if kind != "registrations":
        for key, present in (
            ("partners", spec.partners is not None),
            ("postcodes", spec.postcodes is not None),
            ("derive", bool(spec.derive)),
        ):
            if present:
                problems.append((key, "alleen voor registraties (kind = registrations)"))
    return problems


def key_paths(model: type[BaseModel] = ProfileSpec, prefix: str = "") -> list[str]:
    """Every key a profile file may hold, as docs/profiles.md names them: reader.delimiter;
    tables of free keys (columns, codes) and arrays of tables (derive) by their own name."""
    keys: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        keys.append(path)
        inner = _model_of(info.annotation)
        if inner is not None:
            keys += key_paths(inner, f"{path}.")
    return keys


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, directly, optionally or as a list's items."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None
