"""A profile's mapping rules: where each field's value comes from, and which rule set it.

Every rule that fires leaves its name (never a value) in a `_rule…` column of the row, so a
batch can count how often each rule fired and a stored value can be traced to its rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from data_access.ingest.files import LINE, RawTable
from data_access.ingest.profiles import Profile

# An XLSX cell that Excel keeps as a date is read as this text, whatever it shows.
EXCEL_DATE = "%Y-%m-%d %H:%M:%S"


@dataclass
class RuleLog:
    """The `_rule…` columns of a frame and the field each one is about."""

    fields: dict[str, str] = field(default_factory=dict)  # column → harmonised field

    def column(self, field_name: str) -> str:
        name = f"_rule{len(self.fields)}"
        self.fields[name] = field_name
        return name

    def counts(self, frame: pl.DataFrame) -> dict[str, int]:
        """How often each rule fired, by rule name."""
        fired: dict[str, int] = {}
        for column in self.fields:
            for label, n in frame[column].drop_nulls().value_counts().iter_rows():
                fired[label] = fired.get(label, 0) + int(n)
        return dict(sorted(fired.items()))

    def provenance(self, frame: pl.DataFrame) -> pl.DataFrame:
        """_line, field, rule: one row per value a rule set."""
        parts = [
            frame.select(LINE, pl.lit(name).alias("field"), pl.col(column).alias("rule")).filter(
                pl.col("rule").is_not_null()
            )
            for column, name in self.fields.items()
        ]
        empty = pl.DataFrame(schema={LINE: pl.Int64, "field": pl.String, "rule": pl.String})
        return pl.concat([empty, *parts]).sort(LINE, maintain_order=True)


def text(header: str) -> pl.Expr:
    """A source column as trimmed text, empty as null."""
    stripped = pl.col(header).cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def title_value(title: tuple[str, ...], pattern: str) -> str | None:
    """The pattern's group in the first title line it matches (without case), or None."""
    lines = pl.Series(list(title), dtype=pl.String)
    values = lines.str.extract(f"(?i){pattern}", 1).str.strip_chars().drop_nulls()
    values = values.filter(values != "")
    return values[0] if values.len() else None


def title_values(title: tuple[str, ...], profile: Profile) -> dict[str, str | None]:
    """Each [title] field's value from the lines above the header."""
    return {name: title_value(title, pattern) for name, pattern in profile.spec.title.items()}


def date_formats(profile: Profile, raw: RawTable) -> list[str]:
    """The profile's date formats in order, and Excel's own date cells in an XLSX."""
    formats = list(profile.reader.date_formats)
    if raw.file_format == "xlsx" and EXCEL_DATE not in formats:
        formats.append(EXCEL_DATE)
    return formats


def field_values(raw: RawTable, profile: Profile, region: str | None, log: RuleLog) -> pl.DataFrame:
    """_line, `<field>_raw` for every field the profile fills, and the derive rules' source
    columns: a column's text, filled down, else a title line's value, else (region) --region."""
    titles = title_values(raw.title, profile)
    present = set(raw.frame.columns)
    fill_down = set(profile.spec.fill_down.fields)
    exprs: list[pl.Expr] = [pl.col(LINE)]
    for name in _fields(profile, region):
        header = profile.columns.get(name)
        value = (
            text(header) if header is not None and header in present else pl.lit(None, pl.String)
        )
        sources: list[tuple[pl.Expr, str]] = []
        if name in fill_down:
            filled = value.forward_fill()
            sources.append((value.is_null() & filled.is_not_null(), f"fill_down.{name}"))
            value = filled
        if titles.get(name) is not None:
            sources.append((value.is_null(), f"title.{name}"))
            value = pl.coalesce(value, pl.lit(titles[name]))
        if name == "region_code" and region is not None:
            sources.append((value.is_null(), "--region"))
            value = pl.coalesce(value, pl.lit(region))
        exprs.append(value.alias(f"{name}_raw"))
        if sources:
            exprs.append(_label(sources).alias(log.column(name)))
    for i, rule in enumerate(profile.spec.derive):
        if rule.column in present:
            exprs.append(text(rule.column).alias(f"_derive{i}"))
        else:
            exprs.append(pl.lit(None, pl.String).alias(f"_derive{i}"))
    return raw.frame.select(exprs)


def _fields(profile: Profile, region: str | None) -> list[str]:
    names = list(profile.columns) + [f for f in profile.spec.title if f not in profile.columns]
    names += [d.field for d in profile.spec.derive if d.field not in names]
    if region is not None and "region_code" not in names:
        names.append("region_code")
    return names


def _label(sources: list[tuple[pl.Expr, str]]) -> pl.Expr:
    """The name of the first source that filled the value, null for the column's own."""
    expr: pl.Expr = pl.lit(None, pl.String)
    for condition, name in reversed(sources):
        expr = pl.when(condition).then(pl.lit(name)).otherwise(expr)
    return expr


def with_codes(
    frame: pl.DataFrame,
    profile: Profile,
    name: str,
    allowed: dict[str, str] | None,
    log: RuleLog,
    upper: bool = True,
) -> pl.DataFrame:
    """`frame` with the field's harmonised code: through [codes.<field>], then the ordered
    [patterns.<field>] (first match wins, without case); without either, the value itself if
    it is a code of `allowed` (or, for regions, any upper-cased code)."""
    raw = pl.col(f"{name}_raw")
    table, patterns = profile.code_map(name), profile.patterns(name)
    if table is None and not patterns:
        value = raw.str.to_uppercase() if upper else raw.str.to_lowercase()
        if allowed is not None:
            value = pl.when(value.is_in(list(allowed))).then(value).otherwise(None)
        return frame.with_columns(value.alias(name))
    # Free text repeats a few hundred values at most: map each distinct value once.
    distinct = frame.select(raw.drop_nulls().unique().alias("_value"))
    key = pl.col("_value").str.to_lowercase().str.replace_all(r"\s+", " ")
    code = (
        key.replace_strict(table, default=None, return_dtype=pl.String)
        if table
        else pl.lit(None, pl.String)
    )
    rule = pl.when(code.is_not_null()).then(pl.lit(f"codes.{name}")).otherwise(None)
    for i, (pattern, target) in enumerate(patterns, start=1):
        hit = code.is_null() & pl.col("_value").str.contains(f"(?i){pattern}")
        rule = pl.when(hit).then(pl.lit(f"patterns.{name}[{i}]")).otherwise(rule)
        code = pl.when(hit).then(pl.lit(target)).otherwise(code)
    mapping = distinct.select("_value", code.alias(name), rule.alias(log.column(name)))
    return frame.join(
        mapping, left_on=f"{name}_raw", right_on="_value", how="left", maintain_order="left"
    )


def with_derived(frame: pl.DataFrame, profile: Profile, log: RuleLog) -> pl.DataFrame:
    """Each [[derive]] rule in order: where its field is empty in the file and its column
    matches, the field takes the rule's code."""
    for i, rule in enumerate(profile.spec.derive):
        target = rule.field
        empty = pl.col(target).is_null()
        if f"{target}_raw" in frame.columns:
            empty = empty & pl.col(f"{target}_raw").is_null()
        hit = empty & pl.col(f"_derive{i}").str.contains(f"(?i){rule.pattern}").fill_null(False)
        frame = frame.with_columns(
            pl.when(hit).then(pl.lit(rule.value)).otherwise(pl.col(target)).alias(target),
            pl.when(hit).then(pl.lit(f"derive[{i + 1}]")).alias(log.column(target)),
        )
    return frame.drop([f"_derive{i}" for i in range(len(profile.spec.derive))])


def age_at(received: pl.Expr, born: pl.Expr) -> pl.Expr:
    """Full years between a birth date and a later date."""
    before_birthday = (received.dt.month() < born.dt.month()) | (
        (received.dt.month() == born.dt.month()) & (received.dt.day() < born.dt.day())
    )
    years = received.dt.year().cast(pl.Int64) - born.dt.year().cast(pl.Int64)
    return years - before_birthday.cast(pl.Int64)
