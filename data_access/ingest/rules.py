"""Per-kind row preparation: map, parse and validate a raw text frame into store rows or rejects."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from data_access.ingest.files import LINE, FatalImportError, RawTable
from data_access.ingest.mapping import (
    RuleLog,
    age_at,
    date_formats,
    field_values,
    text,
    title_values,
    with_codes,
    with_derived,
)
from data_access.ingest.profiles import Profile, normalise_key
from data_access.ingest.schema import format_label, formats_label
from data_access.reference import codes

# A rule: (header named in the message, expression true for a bad row, Dutch reason).
Rule = tuple[str, pl.Expr, pl.Expr]

# Joins a registration's partners internally: the ASCII unit separator, which no name contains
# once it is stripped from the input (names may well contain '|' or ';').
PARTNER_JOIN = "\x1f"

# How a date appears in a Dutch message.
SHOWN_DATE = "%d/%m/%Y"

UNMAPPED = pl.Schema(
    {"field": pl.String, "header": pl.String, "value": pl.String, "count": pl.Int64}
)


def _no_unmapped() -> pl.DataFrame:
    return pl.DataFrame(schema=UNMAPPED)


def _no_provenance() -> pl.DataFrame:
    return pl.DataFrame(schema={LINE: pl.Int64, "field": pl.String, "rule": pl.String})


@dataclass(frozen=True)
class Prepared:
    """Rows ready for the store (with `_line`), rejected rows with column and reason, and how
    often each mapping rule fired."""

    rows: pl.DataFrame
    rejects: pl.DataFrame  # _line, column, reason
    rule_counts: dict[str, int] = field(default_factory=dict)
    # Values of mapped code columns that no code or pattern maps (field, header, value, count).
    unmapped: pl.DataFrame = field(default_factory=_no_unmapped)
    # _line, field, rule: which rule set a value (only when Context.trace asks for it).
    provenance: pl.DataFrame = field(default_factory=_no_provenance)


@dataclass(frozen=True)
class Context:
    """What validation needs beyond the file: reference codes, the region argument, today."""

    region: str | None
    today: date
    region_codes: frozenset[str]
    municipalities: pl.DataFrame  # nis_code, name_key, valid_from, valid_to
    key: bytes
    file_name: str = ""
    trace: bool = False


def pseudonym(key: bytes, raw: str) -> str:
    """Keyed hash (HMAC-SHA256) of a family identifier; the key never enters the store."""
    return hmac.digest(key, normalise_key(raw).encode(), hashlib.sha256).hex()


def pseudonyms(key: bytes, raw: pl.Series) -> pl.Series:
    """`pseudonym` of every value (null stays null), hashing each distinct normalised value once.

    The loop is the only per-value Python left (≈ 0,6 µs a new value, a dictionary look-up for
    a repeated one): the key's HMAC halves are computed once, ASCII values are normalised by
    polars, and the values are visited in row order, so no join puts them back.
    """
    inner, outer = _keyed_halves(key)
    inner_copy, outer_copy = inner.copy, outer.copy
    known: dict[bytes, str] = {}
    remembered = known.get
    digests: list[str | None] = []
    append = digests.append
    for message in _normalised_keys(raw).cast(pl.Binary).to_list():
        if message is None:
            append(None)
            continue
        digest = remembered(message)
        if digest is None:
            step = inner_copy()
            step.update(message)
            final = outer_copy()
            final.update(step.digest())
            digest = known[message] = final.hexdigest()
        append(digest)
    return pl.Series(raw.name, digests, dtype=pl.String)


# ASCII text: normalise_key (casefold, whitespace runs to one space, trimmed) is the lower case
# with runs of Python's ASCII whitespace (str.split) made one space, then trimmed.
_ASCII_SPACE = r"[\t\n\x0B\x0C\r\x1C-\x1F ]+"


def _normalised_keys(values: pl.Series) -> pl.Series:
    """`normalise_key` of every (non-null) value: by polars for ASCII text, in Python for the
    rest (Unicode case folding and white space differ from polars' lower case)."""
    ascii_only = values.str.len_bytes() == values.str.len_chars()  # one byte a character
    by_polars = values.str.to_lowercase().str.replace_all(_ASCII_SPACE, " ").str.strip_chars(" ")
    if ascii_only.all():
        return by_polars
    others = values.filter(~ascii_only).unique().to_list()
    table = dict(zip(others, map(normalise_key, others), strict=True))
    by_python = values.replace_strict(table, default=None, return_dtype=pl.String)
    return pl.select(pl.when(ascii_only).then(by_polars).otherwise(by_python)).to_series()


def _keyed_halves(key: bytes) -> tuple[Any, Any]:
    """HMAC-SHA256 under one key (RFC 2104) as its keyed inner and outer SHA-256 states,
    computed once: finishing them per value gives the same bytes as `hmac.digest` at a third
    of the cost, which counts at a million family keys."""
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    return (
        hashlib.sha256(padded.translate(hmac.trans_36)),
        hashlib.sha256(padded.translate(hmac.trans_5C)),
    )


def _per_distinct(raw: pl.Series, function: Callable[[str], str]) -> pl.Series:
    """`function` of every text value (null stays null), called once per distinct value."""
    distinct = raw.drop_nulls().unique().to_list()
    table = {value: function(value) for value in distinct}
    return raw.replace_strict(table, default=None, return_dtype=pl.String)


def _with_dates(frame: pl.DataFrame, columns: list[str], formats: list[str]) -> pl.DataFrame:
    """`frame` with each column parsed from `<column>_raw`: the profile's formats in order;
    the first format that parses a value wins. The next format is tried only while a column
    still holds values no earlier one parsed."""
    pending = list(columns)
    for i, attempt in enumerate(formats):
        if not pending:
            break
        frame = frame.with_columns(
            (
                pl.col(f"{c}_raw").str.strptime(pl.Date, attempt, strict=False, exact=True)
                if i == 0
                else pl.coalesce(
                    c, pl.col(f"{c}_raw").str.strptime(pl.Date, attempt, strict=False, exact=True)
                )
            ).alias(c)
            for c in pending
        )
        left = frame.select(
            (pl.col(f"{c}_raw").is_not_null() & pl.col(c).is_null()).any().alias(c) for c in pending
        )
        pending = [c for c in pending if left[c].item()]
    return frame


def _bad_date(column: str, header: str, formats: list[str]) -> Rule:
    label = formats_label(formats)
    return (
        header,
        pl.col(f"{column}_raw").is_not_null() & pl.col(column).is_null(),
        pl.format(
            "kolom {}: ongeldige of onmogelijke datum '{}' (verwacht {})",
            pl.lit(header),
            pl.col(f"{column}_raw"),
            pl.lit(label),
        ),
    )


def _missing(column: str, header: str, what: str) -> Rule:
    return (
        header,
        pl.col(column).is_null(),
        pl.lit(f"kolom {header}: {what} ontbreekt"),
    )


def _unknown_code(column: str, header: str) -> Rule:
    return (
        header,
        pl.col(f"{column}_raw").is_not_null() & pl.col(column).is_null(),
        pl.format("kolom {}: onbekende code '{}'", pl.lit(header), pl.col(f"{column}_raw")),
    )


def apply_rules(frame: pl.DataFrame, rules: list[Rule]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a frame into rows that pass every rule and rejects with all their reasons."""
    if not rules:
        return frame, pl.DataFrame(
            schema={LINE: pl.Int64, "column": pl.String, "reason": pl.String}
        )
    # Rules are row by row: find the bad rows with the cheap conditions, and build the reasons
    # (text for every rule) for those rows only.
    flagged = frame.with_columns(
        _bad=pl.any_horizontal([bad for _, bad, _ in rules]).fill_null(False)
    )
    if not flagged["_bad"].any():
        return frame, pl.DataFrame(
            schema={LINE: frame.schema[LINE], "column": pl.String, "reason": pl.String}
        )
    good = flagged.filter(~pl.col("_bad")).drop("_bad")
    frame = flagged.filter(pl.col("_bad")).drop("_bad")
    reasons = [
        pl.when(bad).then(reason).alias(f"_r{i}") for i, (_, bad, reason) in enumerate(rules)
    ]
    columns = [pl.when(bad).then(pl.lit(h)).alias(f"_c{i}") for i, (h, bad, _) in enumerate(rules)]
    checked = frame.with_columns(*reasons, *columns).with_columns(
        _reason=pl.concat_str(
            [f"_r{i}" for i in range(len(rules))], separator="; ", ignore_nulls=True
        ),
        _column=pl.coalesce([f"_c{i}" for i in range(len(rules))]),
    )
    rejects = checked.select(
        LINE, pl.col("_column").alias("column"), pl.col("_reason").alias("reason")
    )
    return good, rejects


CODED: dict[str, dict[str, str]] = {
    "referrer": codes.REFERRERS,
    "request_nature": codes.REQUEST_NATURES,
    "response_type": codes.RESPONSE_TYPES,
    "closure_reason": codes.CLOSURE_REASONS,
}


def _region_from_nowhere(profile: Profile, ctx: Context) -> FatalImportError:
    pattern = profile.spec.title.get("region_code")
    if pattern is not None:
        return FatalImportError(
            f"{ctx.file_name}: geen titelregel past op het patroon '{pattern}' van "
            f"title.region_code (profiel {profile.path.name}): geef de regio op (--region CODE)."
        )
    return FatalImportError(
        f"Bron '{profile.name}' zegt niet over welke regio het gaat: geef --region CODE."
    )


def prepare_registrations(raw: RawTable, profile: Profile, ctx: Context) -> Prepared:
    """Map, parse and check registration rows; pseudonymise the family key, drop identifiers."""
    cols = profile.columns
    formats = date_formats(profile, raw)
    log = RuleLog()
    frame = field_values(raw, profile, ctx.region, log)
    if (
        "region_code" not in cols
        and ctx.region is None
        and title_values(raw.title, profile).get("region_code") is None
    ):
        raise _region_from_nowhere(profile, ctx)
    frame = with_codes(frame, profile, "region_code", None, log)
    frame = frame.with_columns(
        source_record_id=pl.col("source_record_id_raw"),
        first_contact_date=pl.lit(None, pl.Date),
        closed_date=pl.lit(None, pl.Date),
    )
    if "kind" in profile.provided():
        frame = with_codes(frame, profile, "kind", codes.KINDS, log, upper=False)
    else:
        frame = frame.with_columns(kind=pl.lit("aanmelding"))
    dates: list[str] = [
        d for d in ("received_date", "first_contact_date", "closed_date") if d in cols
    ]
    frame = _with_dates(frame, dates, formats)
    for name, allowed in CODED.items():
        if f"{name}_raw" in frame.columns:
            frame = with_codes(frame, profile, name, allowed, log)
        else:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    frame = with_derived(frame, profile, log)
    frame = _with_municipality(frame, profile, ctx)
    frame = _with_age(frame, profile, formats, log)
    frame = frame.with_columns(family_id=pseudonyms(ctx.key, frame["family_key_raw"]))
    if "partners" in cols:
        frame = _with_partners(frame, profile)
    else:
        frame = frame.with_columns(partners=pl.lit(None, pl.String))
    h = profile.header
    rules: list[Rule] = [
        _missing("source_record_id", h("source_record_id"), "dossiernummer"),
        _missing("family_id", h("family_key"), "gezinssleutel"),
        (
            h("region_code"),
            # is_in is null for a null region: name the missing region explicitly.
            ~pl.col("region_code").is_in(sorted(ctx.region_codes)).fill_null(False),
            pl.format(
                "kolom {}: onbekende of ontbrekende regio '{}'",
                pl.lit(h("region_code")),
                pl.coalesce("region_code_raw", "region_code").fill_null(""),
            ),
        ),
        _missing("received_date_raw", h("received_date"), "aanmeldingsdatum"),
        _bad_date("received_date", h("received_date"), formats),
    ]
    for optional in ("first_contact_date", "closed_date"):
        if optional in cols:
            rules.append(_bad_date(optional, h(optional), formats))
    if "kind_raw" in frame.columns:
        rules.append(_unknown_code("kind", h("kind")))
    rules += [_unknown_code(f, h(f)) for f in CODED if f"{f}_raw" in frame.columns]
    rules += _municipality_rules(profile)
    rules += _age_rules(cols, h, formats)
    rules += [
        (
            h("received_date"),
            pl.col("received_date") > ctx.today,
            pl.format(
                "kolom {}: datum {} ligt in de toekomst",
                pl.lit(h("received_date")),
                pl.col("received_date").dt.strftime(SHOWN_DATE),
            ),
        ),
        (
            h("first_contact_date"),
            pl.col("first_contact_date") > ctx.today,
            pl.format(
                "kolom {}: datum {} ligt in de toekomst",
                pl.lit(h("first_contact_date")),
                pl.col("first_contact_date").dt.strftime(SHOWN_DATE),
            ),
        ),
    ]
    if profile.date_order == "reject":
        rules += _date_order_rules(h)
    rule_counts = log.counts(frame)
    unmapped = _unmapped(frame, profile)
    provenance = log.provenance(frame) if ctx.trace else _no_provenance()
    good, rejects = apply_rules(frame.drop(list(log.fields)), rules)
    rows = good.select(
        LINE,
        "source_record_id",
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
        pl.col("child_age").cast(pl.Int16),
        "partners",
    ).with_columns(
        source_system=pl.format("{}:{}", pl.lit(profile.source_system), pl.col("region_code"))
    )
    return Prepared(rows, rejects, rule_counts, unmapped, provenance)


def _unmapped(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """Per code field: the file's values that map to no code, with how often each occurs."""
    parts = [_no_unmapped()]
    for name in ("region_code", "kind", *CODED):
        if f"{name}_raw" not in frame.columns or name not in frame.columns:
            continue
        values = frame.filter(pl.col(f"{name}_raw").is_not_null() & pl.col(name).is_null())
        if values.is_empty():
            continue
        parts.append(
            values.group_by(pl.col(f"{name}_raw").alias("value"))
            .agg(pl.len().cast(pl.Int64).alias("count"))
            .select(
                pl.lit(name).alias("field"),
                pl.lit(profile.header(name)).alias("header"),
                "value",
                "count",
            )
        )
    return pl.concat(parts).sort("field", "count", "value", descending=[False, True, False])


def _date_order_rules(h: Callable[[str], str]) -> list[Rule]:
    """First contact and closure cannot precede the registration."""
    return [
        (
            h("first_contact_date"),
            pl.col("first_contact_date") < pl.col("received_date"),
            pl.format(
                "kolom {}: eerste contact ({}) vóór de aanmelding ({})",
                pl.lit(h("first_contact_date")),
                pl.col("first_contact_date").dt.strftime(SHOWN_DATE),
                pl.col("received_date").dt.strftime(SHOWN_DATE),
            ),
        ),
        (
            h("closed_date"),
            pl.col("closed_date") < pl.col("received_date"),
            pl.format(
                "kolom {}: afsluiting ({}) vóór de aanmelding ({})",
                pl.lit(h("closed_date")),
                pl.col("closed_date").dt.strftime(SHOWN_DATE),
                pl.col("received_date").dt.strftime(SHOWN_DATE),
            ),
        ),
    ]


def _with_municipality(frame: pl.DataFrame, profile: Profile, ctx: Context) -> pl.DataFrame:
    cols = profile.columns
    known = ctx.municipalities
    if "nis_code" in cols:
        return frame.with_columns(
            nis_code=pl.when(pl.col("nis_code_raw").is_in(known["nis_code"].unique().to_list()))
            .then(pl.col("nis_code_raw"))
            .otherwise(None)
        )
    if "municipality_name" in cols:
        by_name = frame.select(LINE, "municipality_name_raw", "received_date").with_columns(
            name_key=_per_distinct(frame["municipality_name_raw"], normalise_key)
        )
        matched = (
            by_name.join(known, on="name_key")
            .with_columns(
                _fits=(pl.col("valid_from") <= pl.col("received_date"))
                & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("received_date")))
            )
            .sort(LINE, "_fits", descending=[False, True])
            .unique(LINE, keep="first")
            .select(LINE, "nis_code")
        )
        return frame.join(matched, on=LINE, how="left")
    if "postcode" in cols and profile.postcode_table is not None:
        table = pl.read_csv(profile.postcode_table, infer_schema=False).select(
            "postcode", "nis_code"
        )
        return frame.join(table, left_on="postcode_raw", right_on="postcode", how="left")
    return frame.with_columns(nis_code=pl.lit(None, pl.String))


def _municipality_rules(profile: Profile) -> list[Rule]:
    for name, what in (
        ("nis_code", "NIS-code"),
        ("municipality_name", "gemeente"),
        ("postcode", "postcode"),
    ):
        if name in profile.columns:
            header = profile.header(name)
            return [
                (
                    header,
                    pl.col(f"{name}_raw").is_not_null() & pl.col("nis_code").is_null(),
                    pl.format(
                        "kolom {}: onbekende {} '{}'",
                        pl.lit(header),
                        pl.lit(what),
                        pl.col(f"{name}_raw"),
                    ),
                )
            ]
    return []


def _int_expr(column: str) -> pl.Expr:
    """Whole numbers, also when a spreadsheet wrote them as 12.0 or 12,0."""
    as_float = pl.col(column).str.replace(",", ".").cast(pl.Float64, strict=False)
    return pl.when(as_float == as_float.round(0)).then(as_float.cast(pl.Int64)).otherwise(None)


def _with_age(
    frame: pl.DataFrame, profile: Profile, formats: list[str], log: RuleLog
) -> pl.DataFrame:
    """child_age: as given, from a birth year, or at registration from a birth date (which is
    then dropped with the rest of the raw columns)."""
    cols = profile.columns
    if "child_age" in cols:
        return frame.with_columns(child_age=_int_expr("child_age_raw"))
    if "birth_year" in cols:
        age = pl.col("received_date").dt.year().cast(pl.Int64) - _int_expr("birth_year_raw")
        return frame.with_columns(
            child_age=age,
            **{log.column("child_age"): pl.when(age.is_not_null()).then(pl.lit("birth_year"))},
        )
    if "birth_date" in cols:
        frame = _with_dates(frame, ["birth_date"], formats)
        age = age_at(pl.col("received_date"), pl.col("birth_date"))
        return frame.with_columns(
            child_age=age,
            **{log.column("child_age"): pl.when(age.is_not_null()).then(pl.lit("birth_date"))},
        )
    return frame.with_columns(child_age=pl.lit(None, pl.Int64))


def _age_rules(cols: dict[str, str], h: Callable[[str], str], formats: list[str]) -> list[Rule]:
    if "birth_date" in cols:
        # A birth date is personal data: the reason never repeats it.
        header = h("birth_date")
        return [
            (
                header,
                pl.col("birth_date_raw").is_not_null() & pl.col("birth_date").is_null(),
                pl.lit(
                    f"kolom {header}: ongeldige geboortedatum (verwacht {formats_label(formats)})"
                ),
            ),
            (
                header,
                pl.col("child_age") < 0,
                pl.lit(f"kolom {header}: geboortedatum na de aanmelding"),
            ),
        ]
    field = "child_age" if "child_age" in cols else "birth_year" if "birth_year" in cols else None
    if field is None:
        return []
    return [
        (
            h(field),
            pl.col(f"{field}_raw").is_not_null()
            & (pl.col("child_age").is_null() | (pl.col("child_age") < 0)),
            pl.format(
                "kolom {}: geen geldige waarde '{}'", pl.lit(h(field)), pl.col(f"{field}_raw")
            ),
        )
    ]


def _with_partners(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """`frame` with `partners`: the partners as one normalised text 'SECTOR:Name␟SECTOR:Name'
    (sorted), null when none.

    A file repeats a few hundred partner lists made of a few dozen partners, so each distinct
    list is split once, each distinct entry mapped once, and the results joined back.
    """
    separator = profile.partners.separator
    lists = frame.select(pl.col("partners_raw").unique()).with_row_index("_list")
    pieces = (
        lists.select(
            "_list",
            pl.col("partners_raw")
            .str.replace_all(PARTNER_JOIN, " ", literal=True)
            .str.split(separator)
            .alias("_piece"),
        )
        .explode("_piece")
        # An empty piece is dropped; a blank one is kept (stripped), as it always was.
        .filter(pl.col("_piece").is_not_null() & (pl.col("_piece") != ""))
        .select("_list", pl.col("_piece").str.strip_chars().alias("_entry"))
    )
    mapped = pieces.select(pl.col("_entry").unique()).with_columns(
        _partner_entry(pl.col("_entry"), profile).alias("_mapped")
    )
    joined = (
        pieces.join(mapped, on="_entry", how="left")
        .group_by("_list")
        .agg(pl.col("_mapped").sort().str.join(PARTNER_JOIN).alias("partners"))
    )
    table = lists.join(joined, on="_list", how="left").select(
        "partners_raw",
        pl.when(pl.col("partners") == "").then(None).otherwise("partners").alias("partners"),
    )
    return frame.join(table, on="partners_raw", how="left", nulls_equal=True, maintain_order="left")


def _partner_entry(entry: pl.Expr, profile: Profile) -> pl.Expr:
    """One partner entry as 'SECTOR:Name', the sector named in it or found by keyword."""
    if profile.partners.format == "sector_name":
        sector = entry.str.extract(r"^([A-Z_]+):", 1)
        name = entry.str.replace(r"^[A-Z_]+:\s*", "")
        sector = (
            pl.when(sector.is_in(list(codes.PARTNER_SECTORS)))
            .then(sector)
            .otherwise(pl.lit("ANDERE"))
        )
        return pl.concat_str([sector, pl.lit(":"), name])
    keywords = profile.partners.sector_keywords
    sector_expr: pl.Expr = pl.lit("ANDERE")
    for keyword, sector_code in reversed(keywords):
        sector_expr = (
            pl.when(entry.str.contains(keyword, literal=True))
            .then(pl.lit(sector_code))
            .otherwise(sector_expr)
        )
    return pl.concat_str([sector_expr, pl.lit(":"), entry])


def prepare_aggregate(table: RawTable, profile: Profile, ctx: Context) -> Prepared:
    """Monthly totals: one row per month in the file, one store row per month and measure."""
    raw = table.frame
    if ctx.region is None:
        raise FatalImportError(
            f"Bron '{profile.name}' vraagt --region CODE (maandtotalen per regio)."
        )
    if ctx.region not in ctx.region_codes:
        raise FatalImportError(f"Onbekende regio '{ctx.region}' (--region).")
    fmt = profile.reader.month_format
    month_header = profile.columns["month"]
    frame = raw.select(
        LINE,
        text(month_header).alias("month_raw"),
        *[text(header).alias(f"m_{i}") for i, header in enumerate(profile.measures.values())],
    ).with_columns(
        month=(pl.col("month_raw") + "-01").str.strptime(pl.Date, fmt + "-%d", strict=False),
        **{f"v_{i}": _int_expr(f"m_{i}") for i in range(len(profile.measures))},
    )
    rules: list[Rule] = [
        _missing("month_raw", month_header, "maand"),
        (
            month_header,
            pl.col("month_raw").is_not_null() & pl.col("month").is_null(),
            pl.format(
                "kolom {}: ongeldige maand '{}' (verwacht {})",
                pl.lit(month_header),
                pl.col("month_raw"),
                pl.lit(format_label(fmt)),
            ),
        ),
        (
            month_header,
            pl.col("month") > ctx.today,
            pl.format(
                "kolom {}: maand {} ligt in de toekomst", pl.lit(month_header), pl.col("month_raw")
            ),
        ),
    ]
    for i, header in enumerate(profile.measures.values()):
        rules.append(
            (
                header,
                pl.col(f"m_{i}").is_not_null()
                & (pl.col(f"v_{i}").is_null() | (pl.col(f"v_{i}") < 0)),
                pl.format("kolom {}: geen geldig aantal '{}'", pl.lit(header), pl.col(f"m_{i}")),
            )
        )
    good, rejects = apply_rules(frame, rules)
    wide = good.select(
        LINE,
        "month",
        *[pl.col(f"v_{i}").alias(m) for i, m in enumerate(profile.measures)],
    ).with_columns(
        region_code=pl.lit(ctx.region),
        source_system=pl.lit(f"{profile.source_system}:{ctx.region}"),
    )
    return Prepared(wide, rejects)


def prepare_staffing(table: RawTable, profile: Profile, ctx: Context) -> Prepared:
    """FTE per region, quarter, function and sector."""
    raw = table.frame
    h = profile.header
    frame = raw.select(
        LINE, *[text(header).alias(f"{name}_raw") for name, header in profile.columns.items()]
    )
    frame = frame.with_columns(
        region_code=pl.col("region_code_raw").str.to_uppercase(),
        quarter=pl.col("quarter_raw").str.to_uppercase(),
        function=pl.col("function_raw").str.to_uppercase(),
        sector=pl.col("sector_raw").str.to_uppercase(),
        fte=pl.col("fte_raw").str.replace(",", ".").cast(pl.Float64, strict=False),
    )
    rules: list[Rule] = [
        (
            h("region_code"),
            ~pl.col("region_code").is_in(sorted(ctx.region_codes))
            | pl.col("region_code").is_null(),
            pl.format(
                "kolom {}: onbekende regio '{}'",
                pl.lit(h("region_code")),
                pl.col("region_code_raw"),
            ),
        ),
        (
            h("quarter"),
            ~pl.col("quarter").str.contains(r"^\d{4}Q[1-4]$") | pl.col("quarter").is_null(),
            pl.format(
                "kolom {}: ongeldig kwartaal '{}' (verwacht JJJJQn)",
                pl.lit(h("quarter")),
                pl.col("quarter_raw"),
            ),
        ),
        (
            h("function"),
            ~pl.col("function").is_in(list(codes.STAFFING_FUNCTIONS))
            | pl.col("function").is_null(),
            pl.format(
                "kolom {}: onbekende functie '{}'", pl.lit(h("function")), pl.col("function_raw")
            ),
        ),
        (
            h("sector"),
            ~pl.col("sector").is_in(list(codes.PARTNER_SECTORS)) | pl.col("sector").is_null(),
            pl.format("kolom {}: onbekende sector '{}'", pl.lit(h("sector")), pl.col("sector_raw")),
        ),
        (
            h("fte"),
            pl.col("fte").is_null() | (pl.col("fte") < 0),
            pl.format("kolom {}: geen geldig aantal VTE '{}'", pl.lit(h("fte")), pl.col("fte_raw")),
        ),
    ]
    good, rejects = apply_rules(frame, rules)
    return Prepared(
        good.select(LINE, "region_code", "quarter", "function", "sector", "fte"), rejects
    )


def prepare_volume(table: RawTable, profile: Profile, ctx: Context) -> Prepared:
    """Agreed yearly GV and SDJ numbers per region."""
    raw = table.frame
    h = profile.header
    frame = raw.select(
        LINE, *[text(header).alias(f"{name}_raw") for name, header in profile.columns.items()]
    )
    frame = frame.with_columns(
        region_code=pl.col("region_code_raw").str.to_uppercase(),
        year=_int_expr("year_raw").cast(pl.Int32),
        party=pl.col("party_raw").str.to_uppercase(),
        agreed=_int_expr("agreed_raw"),
    )
    rules: list[Rule] = [
        (
            h("region_code"),
            ~pl.col("region_code").is_in(sorted(ctx.region_codes))
            | pl.col("region_code").is_null(),
            pl.format(
                "kolom {}: onbekende regio '{}'",
                pl.lit(h("region_code")),
                pl.col("region_code_raw"),
            ),
        ),
        (
            h("year"),
            pl.col("year").is_null() | (pl.col("year") < 2018) | (pl.col("year") > 2100),
            pl.format("kolom {}: ongeldig jaar '{}'", pl.lit(h("year")), pl.col("year_raw")),
        ),
        (
            h("party"),
            ~pl.col("party").is_in(list(codes.VOLUME_PARTIES)) | pl.col("party").is_null(),
            pl.format(
                "kolom {}: partij moet GV of SDJ zijn, niet '{}'",
                pl.lit(h("party")),
                pl.col("party_raw"),
            ),
        ),
        (
            h("agreed"),
            pl.col("agreed").is_null() | (pl.col("agreed") < 0),
            pl.format(
                "kolom {}: geen geldig aantal '{}'", pl.lit(h("agreed")), pl.col("agreed_raw")
            ),
        ),
    ]
    good, rejects = apply_rules(frame, rules)
    return Prepared(good.select(LINE, "region_code", "year", "party", "agreed"), rejects)


PREPARERS: dict[str, Callable[[RawTable, Profile, Context], Prepared]] = {
    "registrations": prepare_registrations,
    "aggregate": prepare_aggregate,
    "staffing": prepare_staffing,
    "volume": prepare_volume,
}
