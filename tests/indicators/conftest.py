"""Builders of small frames in the read API's schemas, for hand-computed indicator cases."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from data_access.store import schemas

Row = dict[str, Any]


def frame_of(schema: pl.Schema, rows: list[Row]) -> pl.DataFrame:
    """A frame of exactly `schema` from row dicts; absent columns are null, unknown ones fail."""
    for row in rows:
        unknown = set(row) - set(schema.names())
        if unknown:
            raise KeyError(f"Not in the schema: {sorted(unknown)}")
    return pl.DataFrame({name: [row.get(name) for row in rows] for name in schema}, schema=schema)


class Frames:
    """One builder per read-API frame; registrations get an id, kind and region by default."""

    def registrations(self, *rows: Row) -> pl.DataFrame:
        defaults: Row = {"kind": "aanmelding", "region_code": "R1"}
        filled = [{"id": index, **defaults, **row} for index, row in enumerate(rows, start=1)]
        return frame_of(schemas.REGISTRATION, filled)

    def aggregates(self, *rows: Row) -> pl.DataFrame:
        return frame_of(schemas.AGGREGATE_REPORT, list(rows))

    def populations(self, *rows: Row) -> pl.DataFrame:
        return frame_of(schemas.REGION_POPULATION, list(rows))

    def regions(self, *rows: Row) -> pl.DataFrame:
        return frame_of(schemas.REGION, list(rows))

    def staffing(self, *rows: Row) -> pl.DataFrame:
        return frame_of(schemas.STAFFING, list(rows))

    def agreements(self, *rows: Row) -> pl.DataFrame:
        return frame_of(schemas.VOLUME_AGREEMENT, list(rows))

    def partners(self, *rows: Row) -> pl.DataFrame:
        return frame_of(schemas.REGISTRATION_PARTNER, list(rows))


@pytest.fixture
def frames() -> Frames:
    """The frame builders."""
    return Frames()
