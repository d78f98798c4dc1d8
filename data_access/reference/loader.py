"""Load the reference data (geography, population, networks and their areas) into the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access.store.models import (
    Elz,
    Municipality,
    MunicipalityCrosswalk,
    MunicipalityElz,
    NetworkReference2020,
    Population,
    Region,
    RegionArea,
)

REFERENCE_DIR = Path(__file__).resolve().parent

# The day the networks became ELZ-based and covered all of Flanders and Brussels (domain/004).
ELZ_LAYOUT_FROM = date(2021, 7, 1)

_TEXT: Any = pl.String
_DATE: Any = pl.Date
_FLOAT: Any = pl.Float64


class ReferenceError(ValueError):
    """A reference file is malformed or inconsistent; the message is Dutch and names the file."""


@dataclass(frozen=True)
class ReferenceCounts:
    """How many rows of each reference table were loaded."""

    elz: int
    municipalities: int
    crosswalk: int
    municipality_elz: int
    population: int
    regions: int
    region_areas: int
    network_reference: int


def _read(directory: Path, name: str, schema: dict[str, Any]) -> pl.DataFrame:
    path = directory / name
    if not path.exists():
        raise ReferenceError(f"Referentiebestand ontbreekt: {path}")
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise ReferenceError(f"{name}: onleesbaar CSV-bestand ({exc})") from exc
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ReferenceError(f"{name}, regel 1: kolom(men) ontbreken: {', '.join(missing)}")
    casts = []
    for column, dtype in schema.items():
        if dtype == _DATE:
            casts.append(pl.col(column).str.to_date("%Y-%m-%d", strict=False))
        elif dtype != _TEXT:
            casts.append(pl.col(column).cast(dtype, strict=False))
    converted = frame.with_columns(casts)
    for column, dtype in schema.items():
        bad = converted.with_row_index("line", offset=2).filter(
            pl.col(column).is_null() & frame[column].is_not_null()
        )
        if bad.height:
            line = bad["line"][0]
            raise ReferenceError(
                f"{name}, regel {line}, kolom {column}: waarde "
                f"'{frame[column][line - 2]}' is geen geldige {_type_label(dtype)}"
            )
    return converted


def _type_label(dtype: Any) -> str:
    return "datum (JJJJ-MM-DD)" if dtype == _DATE else "getal"


def read_reference(directory: Path = REFERENCE_DIR) -> dict[str, pl.DataFrame]:
    """Read and check every reference file; raises ReferenceError with file, line and column."""
    frames = {
        "elz": _read(
            directory, "elz.csv", {"elz_code": _TEXT, "elz_name": _TEXT, "province": _TEXT}
        ),
        "municipality": _read(
            directory,
            "municipality.csv",
            {
                "nis_code": _TEXT,
                "name_nl": _TEXT,
                "province": _TEXT,
                "valid_from": _DATE,
                "valid_to": _DATE,
            },
        ),
        "crosswalk": _read(
            directory,
            "municipality_nis_crosswalk_2025.csv",
            {"nis_code_2019_2024": _TEXT, "nis_code_2025": _TEXT},
        ),
        "municipality_elz": _read(
            directory,
            "municipality_elz.csv",
            {"nis_code": _TEXT, "elz_code": _TEXT, "valid_from": _DATE, "valid_to": _DATE},
        ),
        "population": _read(
            directory,
            "population.csv",
            {
                "nis_code": _TEXT,
                "reference_date": _DATE,
                "population_total": pl.Int64,
                "population_0_17": pl.Int64,
                "source": _TEXT,
            },
        ),
        "regions": _read(
            directory,
            "regions.csv",
            {
                "region_code": _TEXT,
                "region_name": _TEXT,
                "active_from": _DATE,
                "active_to": _DATE,
                "name_basis": _TEXT,
                "note": _TEXT,
            },
        ),
        "region_municipality": _read(
            directory,
            "region_municipality_2018.csv",
            {
                "region_code": _TEXT,
                "nis_code": _TEXT,
                "valid_from": _DATE,
                "valid_to": _DATE,
                "basis": _TEXT,
                "source": _TEXT,
            },
        ),
        "region_elz": _read(
            directory,
            "region_elz.csv",
            {
                "region_code": _TEXT,
                "elz_code": _TEXT,
                "valid_from": _DATE,
                "valid_to": _DATE,
                "basis": _TEXT,
                "source": _TEXT,
            },
        ),
        "networks_2020": _read(
            directory,
            "networks_2020.csv",
            {
                "region_code": _TEXT,
                "network_name": _TEXT,
                "fte_total": _FLOAT,
                "fte_coordination": _FLOAT,
                "fte_team": _FLOAT,
                "fte_elp": _FLOAT,
                "fte_other": _FLOAT,
                "fte_note": _TEXT,
                "inhabitants": pl.Int64,
                "partners": pl.Int64,
                "source": _TEXT,
            },
        ),
    }
    _check_codes(frames)
    return frames


def _check_codes(frames: dict[str, pl.DataFrame]) -> None:
    """Every code used must be defined; a region's area rows must say what they are based on."""
    elz_codes = set(frames["elz"]["elz_code"])
    region_codes = set(frames["regions"]["region_code"])
    nis_codes = set(frames["municipality"]["nis_code"])
    checks: list[tuple[str, pl.DataFrame, str, set[str]]] = [
        ("municipality_elz.csv", frames["municipality_elz"], "elz_code", elz_codes),
        ("municipality_elz.csv", frames["municipality_elz"], "nis_code", nis_codes),
        ("region_elz.csv", frames["region_elz"], "elz_code", elz_codes),
        ("region_elz.csv", frames["region_elz"], "region_code", region_codes),
        ("region_municipality_2018.csv", frames["region_municipality"], "nis_code", nis_codes),
        (
            "region_municipality_2018.csv",
            frames["region_municipality"],
            "region_code",
            region_codes,
        ),
        ("networks_2020.csv", frames["networks_2020"], "region_code", region_codes),
        ("population.csv", frames["population"], "nis_code", nis_codes),
    ]
    for name, frame, column, known in checks:
        _require_known(name, frame, column, known)
    for name in ("region_elz", "region_municipality"):
        _require_known(f"{name}.csv", frames[name], "basis", {"source", "derived", "indicative"})


def _require_known(name: str, frame: pl.DataFrame, column: str, known: Iterable[str]) -> None:
    bad = frame.with_row_index("line", offset=2).filter(~pl.col(column).is_in(list(known)))
    if bad.height:
        row = bad.row(0, named=True)
        raise ReferenceError(
            f"{name}, regel {row['line']}, kolom {column}: onbekende code '{row[column]}'"
        )


def load_reference(engine: Engine, directory: Path = REFERENCE_DIR) -> ReferenceCounts:
    """Replace the reference tables by the files' content, in one transaction.

    Regions and ELZ are upserted rather than replaced, because registrations refer to them.
    """
    frames = read_reference(directory)
    regions = frames["regions"].join(_region_provinces(frames), on="region_code", how="left")
    areas = pl.concat(
        [
            frames["region_municipality"].with_columns(elz_code=pl.lit(None, _TEXT)),
            frames["region_elz"].with_columns(nis_code=pl.lit(None, _TEXT)),
        ],
        how="diagonal",
    )
    with engine.begin() as conn:
        for table in (RegionArea, MunicipalityElz, NetworkReference2020, Population):
            conn.execute(delete(table))
        conn.execute(delete(Municipality))
        conn.execute(delete(MunicipalityCrosswalk))
        _upsert(
            conn,
            Elz,
            ["code"],
            frames["elz"].rename({"elz_code": "code", "elz_name": "name"}).to_dicts(),
        )
        _upsert(
            conn,
            Region,
            ["code"],
            regions.rename({"region_code": "code", "region_name": "name"}).to_dicts(),
        )
        _insert(conn, Municipality, frames["municipality"].rename({"name_nl": "name"}))
        _insert(
            conn,
            MunicipalityCrosswalk,
            frames["crosswalk"].rename(
                {"nis_code_2019_2024": "nis_code_old", "nis_code_2025": "nis_code_new"}
            ),
        )
        _insert(conn, MunicipalityElz, frames["municipality_elz"])
        _insert(conn, Population, frames["population"])
        _insert(conn, RegionArea, areas)
        _insert(conn, NetworkReference2020, frames["networks_2020"])
    return ReferenceCounts(
        elz=frames["elz"].height,
        municipalities=frames["municipality"].height,
        crosswalk=frames["crosswalk"].height,
        municipality_elz=frames["municipality_elz"].height,
        population=frames["population"].height,
        regions=frames["regions"].height,
        region_areas=areas.height,
        network_reference=frames["networks_2020"].height,
    )


def reference_loaded(engine: Engine) -> bool:
    """Whether the store holds reference data (regions and their areas)."""
    with engine.connect() as conn:
        return bool(conn.scalar(select(func.count()).select_from(RegionArea)))


def _region_provinces(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """A region's province: the province most of its area lies in (Brussels for BRU)."""
    by_elz = (
        frames["region_elz"].join(frames["elz"], on="elz_code").select("region_code", "province")
    )
    by_nis = (
        frames["region_municipality"]
        .join(frames["municipality"].unique("nis_code"), on="nis_code")
        .select("region_code", "province")
    )
    return (
        pl.concat([by_elz, by_nis])
        .group_by("region_code", "province")
        .len()
        .sort("len", "province", descending=[True, False])
        .unique("region_code", keep="first")
        .select("region_code", "province")
    )


def _insert(conn: object, model: type, frame: pl.DataFrame) -> None:
    columns = set(model.__table__.columns.keys())  # type: ignore[attr-defined]
    rows = frame.select([c for c in frame.columns if c in columns]).to_dicts()
    if rows:
        conn.execute(insert(model), rows)  # type: ignore[attr-defined]


def _upsert(conn: object, model: type, keys: list[str], rows: list[dict[str, object]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    columns = set(table.columns.keys())
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql  # type: ignore[attr-defined]
    for row in rows:
        values = {k: v for k, v in row.items() if k in columns}
        stmt = dialect.insert(table).values(**values)
        update = {k: v for k, v in values.items() if k not in keys}
        conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update))  # type: ignore[attr-defined]
