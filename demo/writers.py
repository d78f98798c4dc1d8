"""Write simulated registrations in the file formats of the source profiles."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import xlsxwriter

from data_access.ingest.profiles import BUILTIN_DIR
from data_access.reference.codes import REFERRER_GROUPS, REFERRERS, referrer_group
from demo.names import (
    CASE_TOOL_CODES,
    CLOSURE_TEXT,
    NOTES,
    REFERRER_TEXT,
    REQUEST_TEXT,
    RESPONSE_TEXT,
    STREETS,
    child_names,
)


def profile_columns(name: str) -> dict[str, str]:
    """The `[columns]` table of a built-in profile: harmonised field → header in the file."""
    with (BUILTIN_DIR / f"{name}.toml").open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return dict(data["columns"])


UNIFORM = profile_columns("uniform")
SPREADSHEET = profile_columns("spreadsheet")
CASE_TOOL = profile_columns("case_tool")


def _uniform_frame(rows: pl.DataFrame) -> pl.DataFrame:
    c = UNIFORM
    return rows.select(
        pl.format(
            "{}-{}-{}",
            "region_code",
            pl.col("received_date").dt.year(),
            pl.col("record").cast(pl.String).str.zfill(6),
        ).alias(c["source_record_id"]),
        pl.format("{}-F{}", "region_code", pl.col("family").cast(pl.String).str.zfill(7)).alias(
            c["family_key"]
        ),
        pl.col("region_code").alias(c["region_code"]),
        pl.col("nis_code").alias(c["nis_code"]),
        pl.col("kind").alias(c["kind"]),
        pl.col("received_date").alias(c["received_date"]),
        pl.col("first_contact_date").alias(c["first_contact_date"]),
        pl.col("closed_date").alias(c["closed_date"]),
        pl.col("referrer").alias(c["referrer"]),
        pl.col("request_nature").alias(c["request_nature"]),
        pl.col("response_type").alias(c["response_type"]),
        pl.col("closure_reason").alias(c["closure_reason"]),
        pl.col("child_age").alias(c["child_age"]),
        pl.col("partners").alias(c["partners"]),
    )


def write_uniform_csv(rows: pl.DataFrame, path: Path) -> None:
    """UTF-8, comma, ISO dates, empty cell for no value."""
    _uniform_frame(rows).write_csv(path, date_format="%Y-%m-%d")


def write_uniform_xlsx(rows: pl.DataFrame, path: Path) -> None:
    """The same columns in an XLSX: real date cells, NIS codes as text."""
    frame = _uniform_frame(rows)
    _write_xlsx(path, "Registraties", frame, "yyyy-mm-dd")


def _write_xlsx(path: Path, sheet: str, frame: pl.DataFrame, date_format: str) -> None:
    # constant_memory streams rows to disk: large registers stay cheap to write.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    worksheet = workbook.add_worksheet(sheet)
    dates = workbook.add_format({"num_format": date_format})
    worksheet.write_row(0, 0, frame.columns)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                worksheet.write_datetime(r, c, datetime(value.year, value.month, value.day), dates)
            elif isinstance(value, int | float):
                worksheet.write_number(r, c, value)
            else:
                worksheet.write_string(r, c, str(value))
    worksheet.set_column(0, len(frame.columns) - 1, 16)
    workbook.close()


def _spelled(
    rng: np.random.Generator, codes: pl.Series, table: dict[str, tuple[str, ...]]
) -> pl.Series:
    """Free text for codes: mostly the usual spelling, sometimes a variant."""
    usual = codes.replace_strict(
        {k: v[0] for k, v in table.items()}, default=None, return_dtype=pl.String
    )
    variant_count = {k: len(v) for k, v in table.items()}
    counts = codes.replace_strict(variant_count, default=1, return_dtype=pl.Int64).to_numpy()
    picks = np.where(rng.random(len(codes)) < 0.25, rng.integers(0, 1 << 30, len(codes)), 0)
    picks = picks % np.maximum(counts, 1)
    values = [
        None if code is None else table[code][pick]
        for code, pick in zip(codes.to_list(), picks.tolist(), strict=True)
    ]
    return pl.Series(values, dtype=pl.String).fill_null(usual)


def _legacy_partners(partners: pl.Series, separator: str) -> pl.Series:
    """Plain organisation names (the sector prefix removed), joined by the source's separator."""
    return (
        partners.str.split(";")
        .list.eval(pl.element().str.replace(r"^[A-Z_]+:", ""))
        .list.join(separator)
    )


def write_spreadsheet(
    rows: pl.DataFrame, path: Path, names: dict[str, str], rng: np.random.Generator
) -> None:
    """A hand-kept Excel register: Dutch headers, free text, dates as dd/mm/yyyy date cells."""
    c = SPREADSHEET
    families = rows["family"].unique(maintain_order=True)
    # Returning families are recognised by the child's name: one name per family.
    child = dict(zip(families.to_list(), child_names(rng, len(families)), strict=True))
    municipality = rows["nis_code"].replace_strict(names, default=None, return_dtype=pl.String)
    streets = np.array(STREETS)[rng.integers(0, len(STREETS), rows.height)]
    numbers = rng.integers(1, 180, rows.height)
    address = [
        f"{street} {number}" + (f", {place}" if place else "")
        for street, number, place in zip(
            streets.tolist(), numbers.tolist(), municipality.to_list(), strict=True
        )
    ]
    notes = np.where(
        rng.random(rows.height) < 0.7, np.array(NOTES)[rng.integers(0, len(NOTES), rows.height)], ""
    )
    frame = pl.DataFrame(
        {
            c["source_record_id"]: rows.select(
                pl.format(
                    "{}-{}-{}",
                    "region_code",
                    pl.col("received_date").dt.year(),
                    pl.col("record").cast(pl.String).str.zfill(4),
                )
            ).to_series(),
            c["received_date"]: rows["received_date"],
            c["family_key"]: rows["family"].replace_strict(child, return_dtype=pl.String),
            "Adres": address,
            c["municipality_name"]: municipality,
            c["child_age"]: rows["child_age"],
            c["referrer"]: _spelled(rng, rows["referrer"], REFERRER_TEXT),
            c["request_nature"]: _spelled(rng, rows["request_nature"], REQUEST_TEXT),
            c["first_contact_date"]: rows["first_contact_date"],
            c["response_type"]: _spelled(rng, rows["response_type"], RESPONSE_TEXT),
            c["closed_date"]: rows["closed_date"],
            c["closure_reason"]: _spelled(rng, rows["closure_reason"], CLOSURE_TEXT),
            c["partners"]: _legacy_partners(rows["partners"], ";"),
            "Opmerkingen": notes,
        }
    )
    _write_xlsx(path, "Aanmeldingen", frame, "dd/mm/yyyy")


def _national_numbers(rng: np.random.Generator, birth_years: np.ndarray) -> list[str]:
    """Fake Belgian national numbers (YY.MM.DD-NNN.CC with a valid check): never imported."""
    out: list[str] = []
    months = rng.integers(1, 13, len(birth_years))
    days = rng.integers(1, 29, len(birth_years))
    serials = rng.integers(1, 998, len(birth_years))
    for year, month, day, serial in zip(
        birth_years.tolist(), months.tolist(), days.tolist(), serials.tolist(), strict=True
    ):
        body = int(f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}")
        # Born from 2000 on, the check is computed with a leading 2 (Rijksregister rule).
        check = 97 - ((2_000_000_000 + body) if year >= 2000 else body) % 97
        out.append(f"{year % 100:02d}.{month:02d}.{day:02d}-{serial:03d}.{check:02d}")
    return out


def write_case_tool(
    rows: pl.DataFrame,
    path: Path,
    postcodes: dict[str, list[str]],
    id_offset: int,
    rng: np.random.Generator,
) -> None:
    """A case tool's export: cp1252, ';', numeric codes, timestamps, postcode and birth year."""
    c = CASE_TOOL
    codes = CASE_TOOL_CODES
    families = rows["family"].unique(maintain_order=True)
    client = dict(zip(families.to_list(), range(id_offset, id_offset + len(families)), strict=True))
    names = dict(zip(families.to_list(), child_names(rng, len(families)), strict=True))
    postcode = [
        "" if nis is None else postcodes[nis][pick % len(postcodes[nis])]
        for nis, pick in zip(
            rows["nis_code"].to_list(), rng.integers(0, 1 << 20, rows.height).tolist(), strict=True
        )
    ]
    year = rows["received_date"].dt.year().to_numpy()
    age = rows["child_age"].to_numpy(allow_copy=True)
    # The birth year is this year minus the age, or one year earlier before the birthday.
    birth = year - np.nan_to_num(age, nan=10).astype(np.int64) - (rng.random(rows.height) < 0.5)
    streets = np.array(STREETS)[rng.integers(0, len(STREETS), rows.height)]
    numbers = rng.integers(1, 180, rows.height)
    frame = pl.DataFrame(
        {
            c["source_record_id"]: (np.arange(rows.height) + id_offset * 10).astype(str),
            c["kind"]: rows["kind"].replace_strict({"aanmelding": "1", "consult": "2"}),
            c["family_key"]: rows["family"].replace_strict(client, return_dtype=pl.String),
            "ClientNaam": rows["family"].replace_strict(names, return_dtype=pl.String),
            "Rijksregisternr": _national_numbers(rng, birth),
            "Straat": [f"{s} {n}" for s, n in zip(streets.tolist(), numbers.tolist(), strict=True)],
            c["postcode"]: postcode,
            c["birth_year"]: birth,
            c["received_date"]: rows["received_date"],
            c["referrer"]: rows["referrer"].replace_strict(codes["referrer"]),
            c["request_nature"]: rows["request_nature"].replace_strict(codes["request_nature"]),
            c["first_contact_date"]: rows["first_contact_date"],
            c["response_type"]: rows["response_type"].replace_strict(
                codes["response_type"], default=None
            ),
            c["closed_date"]: rows["closed_date"],
            c["closure_reason"]: rows["closure_reason"].replace_strict(
                codes["closure_reason"], default=None
            ),
            c["partners"]: _legacy_partners(rows["partners"], "|"),
        }
    ).with_columns(
        pl.col(pl.Date).cast(pl.Datetime("ms")),
        pl.when(rows["child_age"].is_not_null()).then(pl.col(c["birth_year"])),
    )
    text = frame.write_csv(separator=";", datetime_format="%Y-%m-%d %H:%M:%S")
    path.write_bytes(text.encode("cp1252"))


def profile_measures() -> dict[str, str]:
    """The monthly-counts profile's measures: measure code → header in the file."""
    with (BUILTIN_DIR / "monthly_counts.toml").open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return dict(data["measures"])


def write_monthly_counts(rows: pl.DataFrame, path: Path, months: list[date]) -> None:
    """Monthly totals only (no rows): intakes, picked up within the month, per referrer group.

    Every month of the period has a line, zero included: a report was sent every month.
    """
    measures = profile_measures()
    intakes = rows.filter(pl.col("kind") == "aanmelding").with_columns(
        month=pl.col("received_date").dt.truncate("1mo"),
        group=pl.col("referrer").replace_strict(
            {code: referrer_group(code) for code in REFERRERS}, return_dtype=pl.String
        ),
        within=pl.col("first_contact_date") <= pl.col("received_date").dt.offset_by("1mo"),
    )
    totals = intakes.group_by("month").agg(
        pl.len().alias(measures["intakes"]),
        pl.col("within").fill_null(False).sum().alias(measures["within_month"]),
        *(
            (pl.col("group") == group).sum().alias(measures[f"referrer_group:{group}"])
            for group in REFERRER_GROUPS
        ),
    )
    all_months = pl.DataFrame({"month": months}, schema={"month": pl.Date})
    (
        all_months.join(totals, on="month", how="left")
        .sort("month")
        .select(
            pl.col("month").dt.strftime("%Y-%m").alias(profile_columns("monthly_counts")["month"]),
            *(pl.col(header).fill_null(0).cast(pl.Int64) for header in measures.values()),
        )
        .write_csv(path, separator=";")
    )
