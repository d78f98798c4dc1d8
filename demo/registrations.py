"""Simulate the registrations of every network, month by month, as one harmonised frame."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from data_access.reference.loader import ELZ_LAYOUT_FROM
from demo.areas import MERGERS_2025, PERIOD_2018, PERIOD_2025, PERIOD_ELZ, Geography
from demo.names import partner_pool

EPOCH = date(1970, 1, 1)
# Requests (aanmeldingen) per 1,000 inhabitants a year in 2019, and their yearly growth: about
# 20,000 a year for all of Flanders once every area had a network.
BASE_RATE = 2.1
GROWTH = 0.06
# A new team takes months to become known: share of the full volume in its first month, and the
# number of months until it is fully known.
RAMP_START, RAMP_MONTHS = 0.3, 9
RETURNING_SHARE = 0.09
RETURN_AFTER_DAYS = 90
DROPPED_SHARE = 0.06
MISSING_MUNICIPALITY = {"spreadsheet": 0.05, "case_tool": 0.05, "monthly_counts": 0.0,
                        "uniform": 0.01}  # fmt: skip

REFERRERS = ("CLB", "HUIS_VAN_HET_KIND", "CAW", "LOKAAL_BESTUUR", "ONDERWIJS", "MEDISCH",
             "JEUGDHULP", "GV", "SDJ", "CLIENT", "ANDERE", "ONBEKEND")  # fmt: skip
_BREDE_MIX = np.array([0.33, 0.14, 0.10, 0.12, 0.14, 0.17])
_OTHER_MIX = np.array([0.30, 0.12, 0.06, 0.38, 0.10, 0.04])
NATURES = (
    "OPVOEDING",
    "GEDRAG_EMOTIONEEL",
    "PSYCHISCH",
    "GEZIN_RELATIES",
    "ONTWIKKELING_HANDICAP",
    "SCHOOL",
    "MATERIEEL",
    "VERONTRUSTING",
    "ANDERE",
    "ONBEKEND",
)
_NATURE_MIX = np.array([0.22, 0.20, 0.15, 0.13, 0.08, 0.08, 0.04, 0.05, 0.03, 0.02])
RESPONSES = (
    "CONSULT",
    "VRAAGVERHELDERING",
    "GEZINSPLAN",
    "KORTDURENDE_BEGELEIDING",
    "OVERBRUGGING",
    "ZORGCOORDINATIE",
    "ELP",
    "DOORVERWIJZING",
)
_RESPONSE_MIX = np.array([0.04, 0.20, 0.14, 0.24, 0.08, 0.07, 0.12, 0.11])
CLOSURES = (
    "AFGEROND",
    "DOORVERWEZEN_RTJ",
    "DOORVERWEZEN_NRTJ",
    "CLIENT_HAAKT_AF",
    "VRAAG_WEGGEVALLEN",
    "ANDERE",
)
_CLOSURE_AFTER_CARE = np.array([0.62, 0.12, 0.09, 0.08, 0.04, 0.05])
_CLOSURE_AFTER_REFERRAL = np.array([0.0, 0.55, 0.40, 0.0, 0.0, 0.05])
# Child ages 0–24, most requests about school-age children and teenagers.
_AGE_WEIGHTS = np.array([2, 2, 2.5, 3, 3, 3.5, 6, 6, 6.5, 7, 7, 7.5, 8, 8.5, 9, 9, 8.5, 7.5,
                         3, 2, 1.5, 1, 0.8, 0.6, 0.4])  # fmt: skip
# Intakes by calendar month (school year: summer holidays, Christmas), January first.
_SEASON = np.array([1.05, 1.05, 1.1, 0.95, 1.0, 0.95, 0.7, 0.75, 1.1, 1.15, 1.1, 0.85])
# School-bound referrers nearly stop in July–August: multiplier of their share by month.
_SCHOOL_SEASON = np.array([1.0, 1.0, 1.0, 0.95, 1.0, 0.9, 0.3, 0.45, 1.15, 1.1, 1.05, 0.85])
_SCHOOL_BOUND = ("CLB", "ONDERWIJS")
# Partners per registration: 0–3, consults seldom involve any.
_PARTNER_COUNT = np.array([0.22, 0.35, 0.27, 0.16])
_CONSULT_PARTNER_COUNT = np.array([0.7, 0.3, 0.0, 0.0])


@dataclass(frozen=True)
class Segment:
    """A stretch of one network's registrations delivered through one kind of source."""

    region_code: str
    source: str  # profile name: spreadsheet, case_tool, monthly_counts or uniform
    start: date
    end: date  # inclusive
    export: date  # the day the file was exported: later events are not in it


@dataclass(frozen=True)
class Traits:
    """How one network differs from the others."""

    volume: float  # multiplier of the regional rate
    within_month: float  # share picked up within the month (before yearly improvement)
    brede_share: float  # share of referrals by the brede instap
    consult_share: float  # consult questions per request
    referrers: np.ndarray  # referrer mix (before seasonality)
    responses: np.ndarray  # response-type mix


def network_traits(rng: np.random.Generator, codes: list[str]) -> dict[str, Traits]:
    """Traits per network, spread so that the regional differences are visible."""
    n = len(codes)
    # Evenly spread, then shuffled: guarantees both fast (~90%) and slow (~65%) networks.
    within = rng.permutation(np.linspace(0.60, 0.90, n))
    brede = rng.permutation(np.linspace(0.47, 0.72, n))
    traits: dict[str, Traits] = {}
    for i, code in enumerate(codes):
        brede_mix = rng.dirichlet(_BREDE_MIX * 40)
        other_mix = rng.dirichlet(_OTHER_MIX * 40)
        mix = np.concatenate([brede_mix * brede[i], other_mix * (1 - brede[i])])
        traits[code] = Traits(
            volume=float(rng.uniform(0.8, 1.25)),
            within_month=float(within[i]),
            brede_share=float(brede[i]),
            consult_share=float(rng.uniform(0.12, 0.4)),
            referrers=mix,
            responses=rng.dirichlet(_RESPONSE_MIX * 30),
        )
    return traits


def to_days(day: date) -> int:
    return (day - EPOCH).days


def months_between(start: date, end: date) -> list[date]:
    """First days of the months from start's month to end's month."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _ramp(months: float) -> float:
    return float(min(1.0, RAMP_START + (1 - RAMP_START) * (months + 0.5) / RAMP_MONTHS))


def _months_since(start: date, month: date) -> int:
    return (month.year - start.year) * 12 + month.month - start.month


def _day_weights(month: date) -> tuple[np.ndarray, np.ndarray]:
    """Days of a month and their weights: few registrations in weekends and late December."""
    length = calendar.monthrange(month.year, month.month)[1]
    days = np.arange(length)
    weekday = (month.weekday() + days) % 7
    weights = np.where(weekday < 5, 1.0, np.where(weekday == 5, 0.12, 0.05))
    if month.month == 12:
        weights = np.where(days >= 21, weights * 0.35, weights)
    return days + to_days(month), weights


def monthly_volume(
    segment: Segment, month: date, geography: Geography, traits: Traits, start: date
) -> float:
    """Expected registrations (requests and consults) of a segment in a month."""
    period = (
        PERIOD_2018
        if month < ELZ_LAYOUT_FROM
        else (PERIOD_2025 if month >= MERGERS_2025 else PERIOD_ELZ)
    )
    area = geography.area(segment.region_code, period)
    population = float(area.population) if area else 0.0
    if period != PERIOD_2018:
        # A network that grew in 2021 needs time to become known in its new municipalities.
        before = _population_before(segment.region_code, geography)
        added = max(population - before, 0.0)
        population = min(before, population) + added * _ramp(_months_since(ELZ_LAYOUT_FROM, month))
    years = month.year - 2019 + (month.month - 1) / 12
    rate = BASE_RATE * float((1 + GROWTH) ** years) * traits.volume
    ramp = _ramp(_months_since(start, month))
    consults = traits.consult_share if segment.source in {"case_tool", "uniform"} else 0.0
    return population / 1000 * rate / 12 * ramp * float(_SEASON[month.month - 1]) * (1 + consults)


def _population_before(region_code: str, geography: Geography) -> float:
    # WHM continues the teams of Westhoek and Midden-West-Vlaanderen.
    codes = ("WHK", "MWV") if region_code == "WHM" else (region_code,)
    total = 0.0
    for code in codes:
        area = geography.area(code, PERIOD_2018)
        total += area.population if area else 0
    return total


def _draw(rng: np.random.Generator, cumulative: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Categorical draws, one per row, from the row's own cumulative distribution."""
    u = rng.random(len(rows))
    return np.asarray((u[:, None] > cumulative[rows]).sum(axis=1), dtype=np.int64)


def _cumulative(weights: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(weights, axis=-1)
    return np.asarray(cumulative / cumulative[..., -1:], dtype=np.float64)


def simulate(
    geography: Geography,
    segments: list[Segment],
    traits: dict[str, Traits],
    starts: dict[str, date],
    rng: np.random.Generator,
    scale: float,
) -> pl.DataFrame:
    """One row per registration of every segment, in harmonised codes, sorted by segment/date."""
    seg_parts: list[np.ndarray] = []
    day_parts: list[np.ndarray] = []
    for index, segment in enumerate(segments):
        trait = traits[segment.region_code]
        for month in months_between(segment.start, segment.end):
            expected = monthly_volume(segment, month, geography, trait, starts[segment.region_code])
            days, weights = _day_weights(month)
            inside = (days >= to_days(segment.start)) & (days <= to_days(segment.end))
            if expected <= 0 or not inside.any():
                continue
            share = weights[inside].sum() / weights.sum()
            # Every active network registers something every month: an empty month in the demo
            # is only the documented forgotten delivery (demo/defects.py).
            count = max(1, int(rng.poisson(expected * scale * share)))
            picked = rng.choice(days[inside], size=count, p=weights[inside] / weights[inside].sum())
            seg_parts.append(np.full(count, index, dtype=np.int32))
            day_parts.append(np.sort(picked))
    seg = np.concatenate(seg_parts) if seg_parts else np.zeros(0, dtype=np.int32)
    received = np.concatenate(day_parts) if day_parts else np.zeros(0, dtype=np.int64)
    n = len(seg)
    codes = sorted(traits)
    region_index = {code: i for i, code in enumerate(codes)}
    seg_region = np.array([region_index[s.region_code] for s in segments], dtype=np.int32)
    seg_export = np.array([to_days(s.export) for s in segments], dtype=np.int64)
    seg_source = np.array([s.source for s in segments])
    region = seg_region[seg]
    source = seg_source[seg]
    month0 = (received.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)) % 12
    year = received.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970

    consult_share = np.array([traits[c].consult_share for c in codes])
    may_consult = np.isin(source, ["case_tool", "uniform"])
    p_consult = consult_share[region] / (1 + consult_share[region])
    consult = may_consult & (rng.random(n) < p_consult)

    # Referrer mix per network and calendar month: school-bound referrers fall in summer.
    mix = np.stack([traits[c].referrers for c in codes])  # region × referrer
    school = np.array([r in _SCHOOL_BOUND for r in REFERRERS])
    season = np.where(school[None, :], _SCHOOL_SEASON[:, None], 1.0)  # month × referrer
    referrer_cum = _cumulative(mix[:, None, :] * season[None, :, :]).reshape(-1, len(REFERRERS))
    referrer = _draw(rng, referrer_cum, region * 12 + month0)
    nature = _draw(rng, np.broadcast_to(_cumulative(_NATURE_MIX), (1, 10)), np.zeros(n, int))
    age = _draw(rng, _cumulative(_AGE_WEIGHTS)[None, :], np.zeros(n, int)).astype(np.int64)

    first, closed, response, closure = _outcomes(
        rng, traits, codes, region, received, year, consult
    )
    # Nothing after the export day is in the file: the case was still running then.
    export = seg_export[seg]
    late_contact = first > export
    first = np.where(late_contact, NONE, first)
    response = np.where(late_contact, -1, response)
    closed = np.where(closed > export, NONE, closed)
    closure = np.where(closed == NONE, -1, closure)

    family, age = _families(rng, seg, received, age, consult)
    nis = _municipalities(rng, geography, segments, seg, received, family)
    missing = rng.random(n) < np.vectorize(MISSING_MUNICIPALITY.get)(source).astype(float)
    nis = np.where(missing, "", nis)
    # Ages are missing on a few hand-kept records.
    age = np.where(rng.random(n) < 0.02, -1, age)
    partners = _partners(rng, geography, codes, region, consult)

    frame = pl.DataFrame(
        {
            "segment": seg,
            "region_code": np.array(codes)[region],
            "source": source,
            "kind": np.where(consult, "consult", "aanmelding"),
            "received_date": received,
            "first_contact_date": first,
            "closed_date": closed,
            "referrer": np.array(REFERRERS)[referrer],
            "request_nature": np.array(NATURES)[nature],
            "response_type": np.where(response >= 0, np.array(RESPONSES)[response], ""),
            "closure_reason": np.where(closure >= 0, np.array(CLOSURES)[closure], ""),
            "nis_code": nis,
            "child_age": age,
            "family": family,
            "partners": partners,
        }
    )
    return frame.with_columns(
        *(_as_date(c) for c in ("received_date", "first_contact_date", "closed_date")),
        *(pl.col(c).replace("", None) for c in ("response_type", "closure_reason", "nis_code")),
        pl.when(pl.col("child_age") >= 0).then(pl.col("child_age")).cast(pl.Int16),
    )


NONE = np.iinfo(np.int64).min


def _as_date(column: str) -> pl.Expr:
    col = pl.col(column)
    return pl.when(col != NONE).then(col).cast(pl.Int32).cast(pl.Date).alias(column)


def _calendar_month_days(received: np.ndarray) -> np.ndarray:
    """Days from each received day to the same day next month (31 Jan → 28/29 Feb)."""
    day = received.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    offset = (day - month.astype("datetime64[D]")).astype(np.int64)
    following = month + 1
    length = ((following + 1).astype("datetime64[D]") - following.astype("datetime64[D]")).astype(
        np.int64
    )
    deadline = following.astype("datetime64[D]") + np.minimum(offset, length - 1)
    days: np.ndarray = (deadline - day).astype(np.int64)
    return days


def _outcomes(
    rng: np.random.Generator,
    traits: dict[str, Traits],
    codes: list[str],
    region: np.ndarray,
    received: np.ndarray,
    year: np.ndarray,
    consult: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """first contact, closed (days or NONE), response and closure (index or -1)."""
    n = len(region)
    base = np.array([traits[c].within_month for c in codes])[region]
    # Teams get slightly faster every year after the 2021 reform.
    p_within = np.clip(base + 0.012 * np.maximum(year - 2021, 0), 0.5, 0.95)
    within = rng.random(n) < p_within
    # Each request's own calendar-month deadline (28 to 31 days): teams that make it often do
    # so in its last days, which is where the calendar-month and 30-day rules part ways.
    allowed = _calendar_month_days(received)
    near_deadline = rng.random(n) < 0.15
    in_time = np.where(
        near_deadline,
        allowed - rng.integers(0, 5, n),
        np.minimum(rng.gamma(1.6, 6.5, n), allowed),
    )
    late = allowed + 1 + rng.exponential(20.0, n) + (rng.random(n) < 0.05) * rng.uniform(60, 200, n)
    delay = np.where(within, in_time, late).astype(np.int64)
    response_cum = np.stack([_cumulative(traits[c].responses) for c in codes])
    response = _draw(rng, response_cum, region)
    dropped = ~consult & (rng.random(n) < DROPPED_SHARE)

    duration = np.select(
        [response == 0, response == 7, response == 1],
        [
            rng.integers(0, 22, n),
            rng.integers(7, 76, n),
            np.clip(rng.lognormal(np.log(50), 0.5, n), 14, 180),
        ],
        np.clip(rng.lognormal(np.log(125), 0.55, n), 30, 600),
    ).astype(np.int64)
    closure = np.where(
        response == 7,
        _draw(rng, _cumulative(_CLOSURE_AFTER_REFERRAL)[None, :], np.zeros(n, int)),
        _draw(rng, _cumulative(_CLOSURE_AFTER_CARE)[None, :], np.zeros(n, int)),
    )
    first = received + delay
    closed = first + duration

    # Consult questions: answered within days, closed soon after.
    consult_delay = rng.choice(4, n, p=[0.55, 0.25, 0.12, 0.08])
    first = np.where(consult, received + consult_delay, first)
    closed = np.where(consult, first + rng.integers(0, 11, n), closed)
    response = np.where(consult, 0, response)
    closure = np.where(consult, 0, closure)

    # Dropped before any contact: the family withdrew or the question disappeared ("vervallen").
    first = np.where(dropped, NONE, first)
    response = np.where(dropped, -1, response)
    closed = np.where(dropped, received + rng.integers(7, 76, n), closed)
    closure = np.where(dropped, np.where(rng.random(n) < 0.55, 3, 4), closure)
    return first, closed, response, closure


def _families(
    rng: np.random.Generator,
    seg: np.ndarray,
    received: np.ndarray,
    age: np.ndarray,
    consult: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Family number per row (unique over the run) and the age, older on a return."""
    n = len(seg)
    position = np.arange(n)
    # Rows are sorted by segment, then date: a sortable key finds each segment's earlier rows.
    key = seg.astype(np.int64) * 1_000_000 + received
    starts = np.searchsorted(key, seg.astype(np.int64) * 1_000_000, side="left")
    # A family comes back at the earliest three months after its previous request.
    earlier = np.searchsorted(key, key - RETURN_AFTER_DAYS, side="right") - starts
    returning = (earlier > 0) & (rng.random(n) < RETURNING_SHARE)
    parent = np.where(returning, starts + (rng.random(n) * earlier).astype(np.int64), position)
    root = _roots(parent)
    # Two returns of one family on the same day and of the same kind would be what the quality
    # check `vermoedelijk_dubbel` reports: the demo's only such pairs are the documented copies
    # (demo/defects.py). A later twin becomes a family of its own (no draw: the streams stay).
    while True:
        same_day = pl.DataFrame({"root": root, "day": received, "consult": consult})
        twin = same_day.select(
            pl.struct("root", "day", "consult").is_first_distinct().not_()
        ).to_series()
        if not twin.any():
            break
        parent = np.where(twin.to_numpy(), position, parent)
        root = _roots(parent)
    aged = np.minimum(age[root] + (received - received[root]) // 365, 24)
    return root, np.where(root != position, aged, age)


def _roots(parent: np.ndarray) -> np.ndarray:
    """Every row's first registration of its family, following `parent` (pointer jumping)."""
    root = parent.copy()
    for _ in range(64):
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    return root


def _municipalities(
    rng: np.random.Generator,
    geography: Geography,
    segments: list[Segment],
    seg: np.ndarray,
    received: np.ndarray,
    family: np.ndarray,
) -> np.ndarray:
    """NIS code valid on the received date, from the network's area then; families stay put."""
    n = len(seg)
    nis = np.full(n, "", dtype=object)
    period = np.where(
        received < to_days(ELZ_LAYOUT_FROM),
        PERIOD_2018,
        np.where(received >= to_days(MERGERS_2025), PERIOD_2025, PERIOD_ELZ),
    )
    for index, segment in enumerate(segments):
        for p in (PERIOD_2018, PERIOD_ELZ, PERIOD_2025):
            rows = np.nonzero((seg == index) & (period == p))[0]
            area = geography.area(segment.region_code, p)
            if len(rows) == 0 or area is None:
                continue
            # The case tool's postcode table only knows its own city: no neighbours there.
            nis[rows] = area.draw(rng, len(rows), own_only=segment.source == "case_tool")
    same_period = period == period[family]
    return np.where(same_period, nis[family], nis).astype(str)


def _partners(
    rng: np.random.Generator,
    geography: Geography,
    codes: list[str],
    region: np.ndarray,
    consult: np.ndarray,
) -> list[str]:
    """Partners per row as "SECTOR:Name;SECTOR:Name" (empty: none)."""
    pools = [
        [
            f"{sector}:{name}"
            for sector, name in partner_pool(
                code, geography.province_of.get(code, ""), geography.towns.get(code, [])
            )
        ]
        for code in codes
    ]
    size = len(pools[0])
    weights = 1 / (np.arange(size) + 2.0) ** 0.7
    candidates = np.searchsorted(_cumulative(weights), rng.random((len(region), 3)), side="right")
    candidates = np.minimum(candidates, size - 1)
    count = np.where(
        consult,
        rng.choice(4, len(region), p=_CONSULT_PARTNER_COUNT),
        rng.choice(4, len(region), p=_PARTNER_COUNT),
    )
    out: list[str] = []
    for r, k, picks in zip(region.tolist(), count.tolist(), candidates.tolist(), strict=True):
        pool = pools[r]
        out.append(";".join(dict.fromkeys(pool[i] for i in picks[:k])))
    return out


def last_full_month_end(today: date) -> date:
    """The last day of the month before today's month."""
    return today.replace(day=1) - timedelta(days=1)
