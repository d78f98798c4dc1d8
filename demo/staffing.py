"""Staffing per network and quarter, and the yearly GV/SDJ volume agreements, for the demo."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

# Teams whose 2020 size the evaluation does not give (Trawant) or that are new: a typical team.
TYPICAL_TEAM = 13.0
# The extra budget of 2021 (domain/004): teams grow by about 30% from 2022, half of it in 2021H2.
GROWTH_2021H2, GROWTH_FROM_2022 = 1.15, 1.30
_TEAM_SECTORS = ("JEUGDHULP", "CAW", "CLB", "VAPH", "KIND_EN_GEZIN", "LOKAAL_BESTUUR")
_EXPANSION_SECTORS = ("JEUGDHULP", "VAPH", "CGG")


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_between(start: date, end: date) -> list[tuple[int, int]]:
    """(year, quarter) from start's quarter to end's quarter."""
    out: list[tuple[int, int]] = []
    year, quarter = _quarter(start)
    while (year, quarter) <= _quarter(end):
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def _base_2020(networks: pl.DataFrame) -> dict[str, dict[str, float]]:
    """FTE by function per first-15 network as in networks_2020.csv, gaps filled sensibly."""
    base: dict[str, dict[str, float]] = {}
    for row in networks.iter_rows(named=True):

        def value(column: str, row: dict[str, str | None] = row) -> float | None:
            cell = row[column]
            return float(cell) if cell not in (None, "") else None

        total = value("fte_total") or TYPICAL_TEAM
        coordination = value("fte_coordination") or 1.0
        elp = value("fte_elp") or 1.5
        other = value("fte_other") or 0.0
        # Where the text does not break the total down, the rest is team staff.
        team = total - coordination - elp - other
        functions = {"COORDINATIE": coordination, "TEAMMEDEWERKER": team, "ELP": elp}
        if other:
            # Brussels' "other" is its volunteer coach, Hageland's the regular-offer expansion.
            key = "VRIJWILLIGERSCOACH" if row["region_code"] == "BRU" else "UITBREIDING_REGULIER"
            functions[key] = other
        base[str(row["region_code"])] = functions
    return base


def staffing_frame(
    regions: pl.DataFrame, networks_2020: pl.DataFrame, end: date, rng: np.random.Generator
) -> pl.DataFrame:
    """region_code, quarter ("YYYYQn"), function, sector, fte for every active network-quarter."""
    base = _base_2020(networks_2020)
    # The merged Westhoek-Midwest team continues both teams, with a deputy coordinator.
    base["WHM"] = {f: base["WHK"][f] + base["MWV"][f] for f in ("TEAMMEDEWERKER", "ELP")} | {
        "COORDINATIE": 1.5
    }
    rows: list[tuple[str, str, str, str, float]] = []
    for region in regions.sort("region_code").iter_rows(named=True):
        code = str(region["region_code"])
        start: date = region["active_from"]
        stop: date = min(region["active_to"] or end, end)
        if start > stop:
            continue
        functions = base.get(code) or {
            "COORDINATIE": 1.0, "TEAMMEDEWERKER": float(rng.uniform(10, 12)), "ELP": 1.5
        }  # fmt: skip
        team_mix = rng.dirichlet(np.array([8, 2, 1.5, 1.2, 1.2, 1.0]))
        coordinator = str(rng.choice(["JEUGDHULP", "CAW", "LOKAAL_BESTUUR"], p=[0.6, 0.2, 0.2]))
        elp_cgg = float(rng.uniform(0.6, 1.0))
        expansion_mix = rng.dirichlet(np.array([3.0, 1.0, 3.0]))
        total = sum(functions.values())
        for index, (year, quarter) in enumerate(quarters_between(start, stop)):
            # A new team is hired over its first two quarters.
            ramp = (0.6, 0.85)[index] if index < 2 and code != "WHM" else 1.0
            growth = (
                GROWTH_FROM_2022
                if year >= 2022
                else (GROWTH_2021H2 if (year, quarter) >= (2021, 3) else 1.0)
            )
            growth *= 1 + 0.01 * max(year - 2022, 0)
            noise = float(rng.normal(1.0, 0.02))
            levels = {f: fte * ramp * noise for f, fte in functions.items()}
            # The extra budget: 60% more team staff, 40% regular-offer expansion with partners.
            extra = total * (growth - 1) * ramp
            levels["TEAMMEDEWERKER"] += 0.6 * extra
            levels["UITBREIDING_REGULIER"] = levels.get("UITBREIDING_REGULIER", 0.0) + 0.4 * extra
            label = f"{year}Q{quarter}"
            split: list[tuple[str, str, float]] = [
                ("COORDINATIE", coordinator, levels["COORDINATIE"]),
                ("ELP", "CGG", levels["ELP"] * elp_cgg),
                ("ELP", "ANDERE", levels["ELP"] * (1 - elp_cgg)),
                ("VRIJWILLIGERSCOACH", "ANDERE", levels.get("VRIJWILLIGERSCOACH", 0.0)),
            ]
            split += [
                ("TEAMMEDEWERKER", sector, levels["TEAMMEDEWERKER"] * share)
                for sector, share in zip(_TEAM_SECTORS, team_mix.tolist(), strict=True)
            ]
            split += [
                ("UITBREIDING_REGULIER", sector, levels["UITBREIDING_REGULIER"] * share)
                for sector, share in zip(_EXPANSION_SECTORS, expansion_mix.tolist(), strict=True)
            ]
            rows += [(code, label, f, s, round(fte, 2)) for f, s, fte in split if fte >= 0.05]
    return pl.DataFrame(
        rows, schema=["region_code", "quarter", "function", "sector", "fte"], orient="row"
    )


def volume_agreements_frame(
    intakes: pl.DataFrame, regions: pl.DataFrame, end: date, rng: np.random.Generator
) -> pl.DataFrame:
    """region_code, year, party, agreed: per active network and year from 2021.

    The agreed number is the realised one (projected to the full year for the running one)
    divided by a network-specific attainment, so some networks meet it and others fall short.
    intakes: region_code, received_date, referrer of every aanmelding.
    """
    realised = (
        intakes.filter(pl.col("referrer").is_in(["GV", "SDJ"]))
        .group_by(
            "region_code",
            pl.col("received_date").dt.year().alias("year"),
            pl.col("referrer").alias("party"),
        )
        .agg(pl.len().alias("realised"))
    )
    rows: list[tuple[str, int, str, int]] = []
    for region in regions.sort("region_code").iter_rows(named=True):
        code = str(region["region_code"])
        start: date = region["active_from"]
        stop: date = min(region["active_to"] or end, end)
        for year in range(max(2021, start.year), stop.year + 1):
            if year > stop.year or date(year, 12, 31) < start:
                continue
            # Of the year's active days, how many the data covers so far.
            first, last = max(date(year, 1, 1), start), min(date(year, 12, 31), stop)
            planned = min(date(year, 12, 31), region["active_to"] or date(year, 12, 31))
            covered = ((last - first).days + 1) / ((planned - first).days + 1)
            for party in ("GV", "SDJ"):
                count = realised.filter(
                    (pl.col("region_code") == code)
                    & (pl.col("year") == year)
                    & (pl.col("party") == party)
                )["realised"].sum()
                count = int(count or 0)
                attainment = float(rng.choice([rng.uniform(1.0, 1.3), rng.uniform(0.6, 0.92)]))
                agreed = max(1, round(count / max(covered, 0.05) / attainment))
                rows.append((code, year, party, int(agreed)))
    return pl.DataFrame(rows, schema=["region_code", "year", "party", "agreed"], orient="row")
