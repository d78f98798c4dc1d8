"""The frames the row checks run on: blanks count as missing, and the facts that need other rows
(repeated source keys, same-day copies, the network's start) equal SQL's correlated counts."""

from __future__ import annotations

from datetime import date

import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy import Date, Engine, Integer, String, insert, text

from checks import frames
from checks.run import stored_registrations
from data_access.reference import tables
from data_access.store.models import Registration
from tests.checks.conftest import add_batch, registration, relax

# The definition the window computations must keep: one correlated count per row.
CORRELATED_SQL = """
SELECT r.id, r.batch_id, r.region_code, r.source_record_id, r.received_date, g.active_from,
  (SELECT COUNT(*) FROM registration k
   WHERE k.source_system = r.source_system AND k.source_record_id = r.source_record_id
  ) AS key_occurrences,
  (SELECT COUNT(*) FROM registration o
   WHERE o.family_id = r.family_id AND o.region_code = r.region_code
     AND o.received_date = r.received_date AND o.kind = r.kind AND o.id < r.id
  ) + 1 AS same_day_copy
FROM registration r LEFT JOIN region g ON g.code = r.region_code
ORDER BY r.id
"""
KEYS = pl.Schema(
    {
        "id": pl.Int64,
        "batch_id": pl.Int64,
        "region_code": pl.String,
        "source_record_id": pl.String,
        "received_date": pl.Date,
        "active_from": pl.Date,
        "key_occurrences": pl.Int64,
        "same_day_copy": pl.Int64,
    }
)
DAY = date(2019, 9, 2)


def _seed_awkward_rows(engine: Engine) -> None:
    """Copies, a consult on the same day, twins without a family, repeated and missing source
    keys and an unknown region, on a store whose constraints were lost."""
    relax(
        engine,
        nullable=("family_id", "source_record_id"),
        drop=(
            ("uq_registration_source_system", "unique"),
            ("fk_registration_region_code_region", "foreignkey"),
        ),
    )
    batch = add_batch(engine)
    rows = [
        registration("KON", DAY, 1, batch, family_id="F1"),
        registration("KON", DAY, 2, batch, family_id="F1"),
        registration("KON", DAY, 3, batch, family_id="F1", kind="consultvraag"),
        registration("KON", DAY, 4, batch, family_id="F1"),
        registration("ANT", DAY, 5, batch, family_id="F1"),
        registration("KON", DAY, 6, batch, family_id=None),
        registration("KON", DAY, 7, batch, family_id=None),
        registration("KON", DAY, 8, batch, source_record_id="KON-000001"),
        registration("KON", DAY, 9, batch, source_record_id=None),
        registration("KON", DAY, 10, batch, source_record_id=None),
        registration("XYZ", DAY, 11, batch, region_code="XYZ"),
        registration("KON", date(2019, 9, 3), 12, batch, family_id="F1"),
    ]
    with engine.begin() as conn:
        conn.execute(insert(Registration), rows)


def test_registration_keys_equal_the_correlated_counts(engine: Engine) -> None:
    """key_occurrences and same_day_copy are what the per-row SQL counts give, including rows
    with missing keys (missing equals nothing) and a region without a start date."""
    _seed_awkward_rows(engine)
    with engine.connect() as conn:
        typed = text(CORRELATED_SQL).columns(
            id=Integer,
            batch_id=Integer,
            region_code=String,
            source_record_id=String,
            received_date=Date,
            active_from=Date,
            key_occurrences=Integer,
            same_day_copy=Integer,
        )
        expected = pl.DataFrame(
            [tuple(row) for row in conn.execute(typed)], schema=KEYS, orient="row"
        )
    keys = frames.registration_keys(stored_registrations(engine), tables.regions(engine))
    assert_frame_equal(keys.sort("id"), expected)
    copies = dict(keys.select("id", "same_day_copy").iter_rows())
    assert sorted(copies.values()) == [1] * 10 + [2, 3]
    assert keys["key_occurrences"].to_list().count(0) == 2


def test_checked_registrations_count_blank_text_as_missing() -> None:
    """Blank required text is missing, surrounding spaces go (as SQL's TRIM: spaces only),
    and optional fields stay as stored."""
    stored = pl.DataFrame(
        {
            "family_id": ["F1", "  ", " F3 "],
            "region_code": ["KON", "", "\tKON"],
            "kind": [None, "aanmelding", "aanmelding "],
            "source_system": ["a", "b", "c"],
            "source_record_id": ["1", "2", " "],
            "referrer": ["  ", "CLB", None],
        }
    )
    expected = pl.DataFrame(
        {
            "family_id": ["F1", None, "F3"],
            "region_code": ["KON", None, "\tKON"],
            "kind": [None, "aanmelding", "aanmelding"],
            "source_system": ["a", "b", "c"],
            "source_record_id": ["1", "2", None],
            "referrer": ["  ", "CLB", None],
        }
    )
    assert_frame_equal(frames.checked_registrations(stored), expected)
