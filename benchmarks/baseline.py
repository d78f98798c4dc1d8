"""The analyst's baseline: each indicator table from a pandas read_sql per page view."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data_access.reference.codes import DROPPED_REASONS, TRAJECTORY_TYPES, VOLUME_PARTIES
from indicators.reach import FAMILIES_TARGET_PER_YEAR

DATES = ("received_date", "first_contact_date", "closed_date")
Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Baseline:
    """What one page view reads (name → SQL: only the columns it needs, as a competent analyst
    would, not SELECT *) and the pandas groupbys that make the table from it."""

    reads: dict[str, str]
    compute: Callable[[Frames, pd.Timestamp], Any]


def registrations(*columns: str) -> str:
    return f"SELECT {', '.join(columns)} FROM registration"


def read(engine: Any, baseline: Baseline) -> Frames:
    """Every read of one page view, dates parsed."""
    frames = {}
    for name, sql in baseline.reads.items():
        frame = pd.read_sql(sql, engine)
        for column in DATES:
            if column in frame.columns:
                frame[column] = pd.to_datetime(frame[column])
        frames[name] = frame
    return frames


def _intakes_of(frames: Frames) -> pd.DataFrame:
    rows = frames["registrations"]
    return rows[rows["kind"] == "aanmelding"]


def intakes(frames: Frames, _today: pd.Timestamp) -> Any:
    rows = _intakes_of(frames)
    return rows.groupby([rows["region_code"], rows["received_date"].dt.to_period("M")]).size()


def timeliness(frames: Frames, today: pd.Timestamp) -> Any:
    rows = _intakes_of(frames)
    deadline = rows["received_date"] + pd.DateOffset(months=1)  # 31 Jan → 28/29 Feb
    contact = rows["first_contact_date"]
    dropped = contact.isna() & rows["closure_reason"].isin(sorted(DROPPED_REASONS))
    status = np.select(
        [contact.notna() & (contact <= deadline), contact.notna() | (deadline < today), dropped],
        ["tijdig", "laat", "vervallen"],
        default="lopend",
    )
    status = np.where(dropped, "vervallen", status)
    table = pd.crosstab([rows["region_code"], rows["received_date"].dt.to_period("M")], status)
    timely = table.get("tijdig", 0)
    late = table.get("laat", 0)
    table["rate"] = timely / (timely + late)
    return table


def referrers(frames: Frames, _today: pd.Timestamp) -> Any:
    rows = _intakes_of(frames)
    keys = [
        rows["region_code"],
        rows["received_date"].dt.to_period("M"),
        rows["referrer"].fillna("ONBEKEND"),
    ]
    counts = rows.groupby(keys).size().rename("intakes")
    return pd.DataFrame(
        {"intakes": counts, "share": counts / counts.groupby(level=[0, 1]).transform("sum")}
    )


def volume(frames: Frames, today: pd.Timestamp) -> Any:
    rows = _intakes_of(frames)
    rows = rows[(rows["received_date"] <= today) & rows["referrer"].isin(list(VOLUME_PARTIES))]
    realised = (
        rows.groupby(
            [
                rows["region_code"],
                rows["received_date"].dt.year.rename("year"),
                rows["referrer"].rename("party"),
            ]
        )
        .size()
        .rename("realised")
        .reset_index()
    )
    table = frames["agreements"].merge(realised, on=["region_code", "year", "party"], how="left")
    days = 366 if calendar.isleap(today.year) else 365
    year = table["year"]
    fraction = np.where(
        year < today.year, 1.0, np.where(year > today.year, 0.0, today.day_of_year / days)
    )
    table["progress"] = table["realised"] / table["agreed"]
    table["pro_rata_target"] = table["agreed"] * fraction
    table["progress_vs_pro_rata"] = table["realised"] / table["pro_rata_target"]
    table["projected_year_end"] = table["realised"] / fraction
    return table


def staffing(frames: Frames, _today: pd.Timestamp) -> Any:
    teams = frames["staffing"]
    by_function = teams.groupby(["region_code", "quarter", "function"])["fte"].sum()
    rows = _intakes_of(frames)
    received = rows["received_date"]
    quarter = received.dt.year.astype(str) + "Q" + received.dt.quarter.astype(str)
    counted = rows.groupby([rows["region_code"], quarter.rename("quarter")]).size()
    per_fte = teams.groupby(["region_code", "quarter"])["fte"].sum().to_frame()
    per_fte = per_fte.join(counted.rename("intakes"), how="left")
    per_fte["intakes_per_fte"] = per_fte["intakes"] / per_fte["fte"]
    return by_function, per_fte


def reach(frames: Frames, _today: pd.Timestamp) -> Any:
    rows = _intakes_of(frames)
    rows = rows[rows["response_type"].isin(sorted(TRAJECTORY_TYPES))]
    start = rows["first_contact_date"].fillna(rows["received_date"])
    families = (
        rows.groupby([rows["region_code"], start.dt.year.rename("year")])["family_id"]
        .nunique()
        .rename("families")
        .to_frame()
    )
    families["target"] = FAMILIES_TARGET_PER_YEAR
    return families


# The pages' indicator tables (`1g1p indicator NAME`), each as its page would read it.
BASELINES = {
    "intakes": Baseline(
        {"registrations": registrations("region_code", "kind", "received_date")}, intakes
    ),
    "response_time": Baseline(
        {
            "registrations": registrations(
                "region_code", "kind", "received_date", "first_contact_date", "closure_reason"
            )
        },
        timeliness,
    ),
    "referrers": Baseline(
        {"registrations": registrations("region_code", "kind", "received_date", "referrer")},
        referrers,
    ),
    "volume": Baseline(
        {
            "registrations": registrations("region_code", "kind", "received_date", "referrer"),
            "agreements": "SELECT region_code, year, party, agreed FROM volume_agreement",
        },
        volume,
    ),
    "staffing": Baseline(
        {
            "registrations": registrations("region_code", "kind", "received_date"),
            "staffing": "SELECT region_code, quarter, function, fte FROM staffing",
        },
        staffing,
    ),
    "reach": Baseline(
        {
            "registrations": registrations(
                "region_code",
                "kind",
                "received_date",
                "first_contact_date",
                "response_type",
                "family_id",
            )
        },
        reach,
    ),
}
