"""Row preparation done on distinct values gives exactly what the plain per-row rule gives."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from data_access.ingest.profiles import get_profile
from data_access.ingest.rules import (
    PARTNER_JOIN,
    _with_dates,
    _with_partners,
    pseudonym,
    pseudonyms,
)
from data_access.reference import codes

# Python's white space (str.split) includes \x1c-\x1f; polars' lower case is not casefold.
FAMILY_TEXT = st.text(alphabet=st.sampled_from("aZ9 -\t\n\x0b\x0c\r\x1c\x1f\x00\xa0\x85éßİK\u2028"))


@hsettings(max_examples=60, deadline=None)
@given(values=st.lists(st.none() | FAMILY_TEXT, max_size=40), key=st.binary(max_size=80))
def test_pseudonyms_equal_the_per_value_keyed_hash(values: list[str | None], key: bytes) -> None:
    """Every value's pseudonym is `pseudonym` of it, byte for byte; null stays null."""
    got = pseudonyms(key, pl.Series(values, dtype=pl.String)).to_list()
    assert got == [None if v is None else pseudonym(key, v) for v in values]


def _partners_by_hand(raw: str | None, separator: str, entry: object) -> str | None:
    """The documented rule, row by row: split, drop empty pieces, strip, map, sort, join."""
    if raw is None:
        return None
    pieces = raw.replace(PARTNER_JOIN, " ").split(separator)
    mapped = sorted(entry(p.strip()) for p in pieces if p != "")  # type: ignore[operator]
    return PARTNER_JOIN.join(mapped) or None


def _sector_name(entry: str) -> str:
    match = re.match(r"^([A-Z_]+):", entry)
    sector = match.group(1) if match and match.group(1) in codes.PARTNER_SECTORS else "ANDERE"
    name = re.sub(r"^[A-Z_]+:\s*", "", entry, count=1)
    return f"{sector}:{name}"


def _by_keyword(keywords: list[list[str]]) -> object:
    def entry(text: str) -> str:
        sector = next((code for word, code in keywords if word in text), "ANDERE")
        return f"{sector}:{text}"

    return entry


PARTNER_PIECES = [
    "CLB:CLB Gent", "ONDERWIJS: School X", " ", "", "  CAW Oost ", "Huis van het Kind A",
    "CGG Eclips", "VAPH:", "x:y", "Zoë", PARTNER_JOIN, "MFC De Kade", "BAD:Name",
]  # fmt: skip
PARTNER_TEXT = st.lists(st.sampled_from(PARTNER_PIECES), min_size=1, max_size=5)


@pytest.mark.parametrize("profile_name", ["uniform", "spreadsheet", "case_tool"])
@hsettings(max_examples=40, deadline=None)
@given(lists=st.lists(st.none() | PARTNER_TEXT, max_size=30), separator=st.sampled_from(";|"))
def test_partners_on_distinct_values_equal_the_row_rule(
    profile_name: str, lists: list[list[str] | None], separator: str
) -> None:
    """Partner lists parsed once per distinct list and entry equal the rule applied per row,
    in row order, blank pieces and repeated entries included."""
    profile = get_profile(profile_name)
    own = profile.partners.separator
    raw = [None if parts is None else separator.join(parts) for parts in lists]
    frame = pl.DataFrame({"_line": range(len(raw)), "partners_raw": raw}).with_columns(
        pl.col("_line").cast(pl.Int64), pl.col("partners_raw").cast(pl.String)
    )
    entry = (
        _sector_name
        if profile.partners.format == "sector_name"
        else _by_keyword([list(pair) for pair in profile.partners.sector_keywords])
    )
    got = _with_partners(frame, profile)
    assert got["_line"].to_list() == list(range(len(raw)))
    assert got["partners"].to_list() == [_partners_by_hand(r, own, entry) for r in raw]


DATE_TEXTS = ["2022-01-31", "31/01/2022", "2022-01-31 00:00:00", "31-01-2022", "31.01.2022", ""]


FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


@pytest.mark.parametrize("fmt", ["%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"])
@hsettings(max_examples=40, deadline=None)
@given(
    received=st.lists(st.sampled_from(DATE_TEXTS[:1]) | st.none(), min_size=1, max_size=8),
    closed=st.lists(st.sampled_from(DATE_TEXTS) | st.none(), min_size=1, max_size=8),
)
def test_dates_try_later_formats_only_where_needed(
    fmt: str, received: list[str | None], closed: list[str | None]
) -> None:
    """Each date is parsed by the first of the profile's formats that reads it, as one
    coalesce over every format would; unreadable text stays null."""
    n = min(len(received), len(closed))
    frame = pl.DataFrame(
        {"received_date_raw": received[:n], "closed_date_raw": closed[:n]},
        schema={"received_date_raw": pl.String, "closed_date_raw": pl.String},
    )
    formats = [fmt, *(f for f in FORMATS if f != fmt)]
    got = _with_dates(frame, ["received_date", "closed_date"], formats)
    for column in ("received_date", "closed_date"):
        expected = frame.select(
            pl.coalesce(
                pl.col(f"{column}_raw").str.strptime(pl.Date, f, strict=False, exact=True)
                for f in formats
            ).alias(column)
        )[column]
        assert_series_equal(got[column], expected)


def test_a_date_needing_the_last_format_is_read() -> None:
    """A column whose values only the last format reads is parsed, the others untouched."""
    frame = pl.DataFrame({"closed_date_raw": ["31-01-2022", None, "zomer"]})
    got = _with_dates(frame, ["closed_date"], ["%Y-%m-%d", "%d-%m-%Y"])
    assert got["closed_date"].to_list() == [dt.date(2022, 1, 31), None, None]
