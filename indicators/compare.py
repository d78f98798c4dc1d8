"""Fair comparison of regions: funnel-plot control limits and rates with exact Poisson intervals."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Final, Literal

import polars as pl

Method = Literal["exact", "normal"]

# Spiegelhalter (2005): limits at about 2 and 3 standard deviations, i.e. two-sided 95% and 99.8%.
LEVELS: Final = (0.95, 0.998)

# Spiegelhalter (2005, Qual Saf Health Care 14:347): winsorise the top and bottom 10% of the
# z-scores before estimating the overdispersion factor.
WINSOR_FRACTION: Final = 0.10

INSIDE: Final = "inside"
ABOVE: Final = "above"
BELOW: Final = "below"

# pmf terms this far below the mode's are dropped: their sum is far below float precision.
_PMF_CUTOFF: Final = 1e-20
_GAMMA_EPS: Final = 1e-15
_GAMMA_ITERATIONS: Final = 10_000


def level_key(level: float) -> str:
    """The column suffix of a confidence level: 0.95 → "95", 0.998 → "998"."""
    return f"{level * 100:g}".replace(".", "")


# Binomial distribution -------------------------------------------------------------------------


def _binomial_window(n: int, p: float) -> tuple[int, tuple[float, ...]]:
    """(first k, pmf of k, k+1, …) of Binomial(n, p) around its mode, tails below the cutoff
    left out. The mode's term comes from math.lgamma; the others from the pmf's recurrence."""
    mode = min(n, math.floor((n + 1) * p))
    log_mode = (
        math.lgamma(n + 1)
        - math.lgamma(mode + 1)
        - math.lgamma(n - mode + 1)
        + mode * math.log(p)
        + (n - mode) * math.log1p(-p)
    )
    peak = math.exp(log_mode)
    odds = p / (1 - p)
    right = [peak]
    value, k = peak, mode
    while k < n:
        value *= (n - k) / (k + 1) * odds
        k += 1
        if value < peak * _PMF_CUTOFF:
            break
        right.append(value)
    left: list[float] = []
    value, k = peak, mode
    while k > 0:
        value *= k / (n - k + 1) / odds
        k -= 1
        if value < peak * _PMF_CUTOFF:
            break
        left.append(value)
    return mode - len(left), (*left[::-1], *right)


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(R ≤ k) for R ~ Binomial(n, p), by summing the pmf."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    first, pmf = _binomial_window(n, p)
    return min(1.0, math.fsum(pmf[: max(0, k - first + 1)]))


# Every control limit of one denominator (four levels, two sides) reads the same running sum;
# the curves of one funnel (about 120 denominators) and its points fit together.
@functools.lru_cache(maxsize=256)
def _binomial_cumulative(n: int, p: float) -> tuple[int, tuple[float, ...]]:
    """(first k, P(first ≤ R ≤ k) for k = first, first + 1, …): the window's running sum, in
    the order a loop over it would add."""
    first, pmf = _binomial_window(n, p)
    return first, tuple(itertools.accumulate(pmf))


def _binomial_quantile_with_cdf(q: float, n: int, p: float) -> tuple[int, float, float]:
    """(r, P(R ≤ r), P(R ≤ r − 1)) for the smallest r with P(R ≤ r) ≥ q."""
    first, cumulative = _binomial_cumulative(n, p)
    at = bisect.bisect_left(cumulative, q)
    if at == len(cumulative):
        return first + at - 1, 1.0, cumulative[-2] if at > 1 else 0.0
    return first + at, cumulative[at], cumulative[at - 1] if at else 0.0


def binomial_quantile(q: float, n: int, p: float) -> int:
    """The smallest r with P(R ≤ r) ≥ q for R ~ Binomial(n, p)."""
    return _binomial_quantile_with_cdf(q, n, p)[0]


def exact_binomial_limit(q: float, n: int, p0: float) -> float:
    """The q-quantile control limit for a proportion with denominator n around target p0.

    Spiegelhalter (2005, Stat Med 24:1185, appendix A.1.1): r_q is the q-quantile of
    Binomial(n, p0); α = (P(R ≤ r_q) − q) / (P(R ≤ r_q) − P(R ≤ r_q − 1)); the limit is
    (r_q − α) / n, which interpolates the discrete distribution into a smooth funnel.
    """
    if n <= 0:
        raise ValueError("the denominator must be positive")
    if p0 <= 0.0 or p0 >= 1.0:
        return p0
    r, at_r, below_r = _binomial_quantile_with_cdf(q, n, p0)
    alpha = (at_r - q) / (at_r - below_r)
    return min(1.0, max(0.0, (r - alpha) / n))


def normal_limit(q: float, n: int, p0: float) -> float:
    """The q-quantile control limit by the normal approximation: p0 + z_q √(p0(1 − p0)/n)."""
    if n <= 0:
        raise ValueError("the denominator must be positive")
    z = NormalDist().inv_cdf(q)
    return min(1.0, max(0.0, p0 + z * math.sqrt(p0 * (1 - p0) / n)))


def control_limits(
    n: int, p0: float, *, method: Method = "exact", phi: float = 1.0
) -> dict[str, float]:
    """The lower and upper limits at every level of LEVELS for denominator n around p0.

    Keys lower_95, upper_95, lower_998, upper_998. With an overdispersion factor phi > 1 the
    distance of each limit from p0 is multiplied by √phi (Spiegelhalter 2005's multiplicative
    model: exactly the widened normal limit; for exact limits the same widening of the
    exact distance).
    """
    limit = exact_binomial_limit if method == "exact" else normal_limit
    widen = math.sqrt(phi) if phi > 1.0 else 1.0
    out: dict[str, float] = {}
    for level in LEVELS:
        tail = (1 - level) / 2
        for side, q in (("lower", tail), ("upper", 1 - tail)):
            raw = limit(q, n, p0)
            out[f"{side}_{level_key(level)}"] = min(1.0, max(0.0, p0 + widen * (raw - p0)))
    return out


# Overdispersion --------------------------------------------------------------------------------


def z_scores(numerators: Sequence[int], denominators: Sequence[int], p0: float) -> list[float]:
    """z_i = (y_i/n_i − p0) / √(p0(1 − p0)/n_i): each proportion's standardised distance from p0."""
    if p0 <= 0.0 or p0 >= 1.0:
        return [0.0 for _ in numerators]
    return [
        (y / n - p0) / math.sqrt(p0 * (1 - p0) / n)
        for y, n in zip(numerators, denominators, strict=True)
    ]


def winsorised(values: Sequence[float], fraction: float = WINSOR_FRACTION) -> list[float]:
    """The values with the lowest and highest floor(fraction · I) each set to the nearest kept one
    (for 16 regions at 10%: the lowest to the second lowest, the highest to the second highest)."""
    k = math.floor(len(values) * fraction)
    if k == 0:
        return list(values)
    ordered = sorted(values)
    low, high = ordered[k], ordered[-k - 1]
    return [min(high, max(low, v)) for v in values]


def overdispersion_factor(
    numerators: Sequence[int], denominators: Sequence[int], p0: float
) -> float:
    """phi = (1/I) Σ z_i² over the winsorised z-scores (Spiegelhalter 2005); 1 means none."""
    if not numerators:
        return 1.0
    scores = winsorised(z_scores(numerators, denominators, p0))
    return math.fsum(z * z for z in scores) / len(scores)


# Funnel ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """A funnel plot's data: the points with their limits, the curves, target and phi."""

    points: pl.DataFrame  # region_code, numerator, denominator, proportion, limits, positions
    target: float | None
    phi: float
    adjusted: bool  # overdispersion asked for and phi > 1
    method: Method
    largest: int = 1  # the largest denominator of a point: the curves reach a little beyond

    @functools.cached_property
    def curves(self) -> pl.DataFrame:
        """denominator, lower_95, upper_95, lower_998, upper_998 on a log-spaced grid of
        denominators: worked out when first asked for (a chart draws them; a table of the
        points' own limits does not need them)."""
        if self.target is None:
            return pl.DataFrame(schema=_CURVE_SCHEMA)
        applied = self.phi if self.adjusted else 1.0
        curves = [
            {"denominator": n, **control_limits(n, self.target, method=self.method, phi=applied)}
            for n in curve_denominators(self.largest)
        ]
        return pl.DataFrame(curves, schema=_CURVE_SCHEMA, orient="row")


_LIMIT_COLUMNS: Final = [f"{side}_{level_key(lv)}" for lv in LEVELS for side in ("lower", "upper")]
_CURVE_SCHEMA: Final = pl.Schema(
    {"denominator": pl.Int64(), **{c: pl.Float64() for c in _LIMIT_COLUMNS}}
)


def _position(proportion: float, lower: float, upper: float) -> str:
    if proportion > upper:
        return ABOVE
    if proportion < lower:
        return BELOW
    return INSIDE


def curve_denominators(largest: int, points: int = 120) -> list[int]:
    """Denominators 1 … largest (and a little beyond) spaced evenly on a log scale."""
    top = max(2, math.ceil(largest * 1.1))
    raw = {round(math.exp(math.log(top) * i / (points - 1))) for i in range(points)}
    return sorted(n for n in raw | {1, top} if n >= 1)


def funnel(
    frame: pl.DataFrame,
    *,
    target: float | None = None,
    method: Method = "exact",
    overdispersion: bool = False,
) -> Funnel:
    """Control limits for each region's proportion numerator/denominator around the target.

    `frame` has region_code, numerator, denominator; rows with a denominator of 0 are left out.
    The target defaults to Σ numerator / Σ denominator (the pooled, here Flemish, proportion).
    Points get proportion, the limits at their own denominator, and position_95 / position_998
    ("inside", "above", "below").
    """
    rows = frame.filter(pl.col("denominator") > 0).sort("region_code")
    numerators = [int(v) for v in rows["numerator"].to_list()]
    denominators = [int(v) for v in rows["denominator"].to_list()]
    if target is None and denominators:
        target = sum(numerators) / sum(denominators)
    schema: dict[str, pl.DataType] = {
        "region_code": pl.String(),
        "numerator": pl.Int64(),
        "denominator": pl.Int64(),
        "proportion": pl.Float64(),
        "z": pl.Float64(),
        **{c: pl.Float64() for c in _LIMIT_COLUMNS},
        **{f"position_{level_key(lv)}": pl.String() for lv in LEVELS},
    }
    if target is None:
        return Funnel(pl.DataFrame(schema=schema), None, 1.0, False, method)
    phi = overdispersion_factor(numerators, denominators, target)
    applied = phi if overdispersion and phi > 1.0 else 1.0
    scores = z_scores(numerators, denominators, target)
    records = []
    for code, y, n, z in zip(
        rows["region_code"].to_list(), numerators, denominators, scores, strict=True
    ):
        limits = control_limits(n, target, method=method, phi=applied)
        proportion = y / n
        positions = {
            f"position_{level_key(lv)}": _position(
                proportion, limits[f"lower_{level_key(lv)}"], limits[f"upper_{level_key(lv)}"]
            )
            for lv in LEVELS
        }
        records.append(
            {
                "region_code": code,
                "numerator": y,
                "denominator": n,
                "proportion": proportion,
                "z": z,
                **limits,
                **positions,
            }
        )
    return Funnel(
        pl.DataFrame(records, schema=schema, orient="row")
        if records
        else pl.DataFrame(schema=schema),
        target,
        phi,
        applied > 1.0,
        method,
        max(denominators, default=1),
    )


# Poisson rates ---------------------------------------------------------------------------------


def regularised_lower_gamma(a: float, x: float) -> float:
    """P(a, x) = γ(a, x) / Γ(a): the series for x < a + 1, else Lentz's continued fraction for
    Q = 1 − P (Numerical Recipes §6.2), with log Γ from math.lgamma."""
    if a <= 0:
        raise ValueError("a must be positive")
    if x <= 0:
        return 0.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        denominator = a
        for _ in range(_GAMMA_ITERATIONS):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * _GAMMA_EPS:
                break
        return min(1.0, total * math.exp(log_prefix))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, _GAMMA_ITERATIONS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _GAMMA_EPS:
            break
    return max(0.0, 1.0 - math.exp(log_prefix) * h)


def gamma_quantile(q: float, a: float) -> float:
    """The λ with P(a, λ) = q (P increases in λ); equals chi²_q(2a) / 2.

    Newton's method on P from the Wilson–Hilferty approximation, kept inside a bracket that
    bisection narrows whenever a Newton step would leave it (so it always converges)."""
    if not 0 < q < 1:
        raise ValueError("q must lie strictly between 0 and 1")
    low, high = 0.0, max(1.0, 2 * a)
    while regularised_lower_gamma(a, high) < q:
        low, high = high, high * 2
    z = NormalDist().inv_cdf(q)
    guess = a * (1 - 1 / (9 * a) + z / (3 * math.sqrt(a))) ** 3
    x = guess if low < guess < high else (low + high) / 2
    log_norm = math.lgamma(a)
    for _ in range(200):
        error = regularised_lower_gamma(a, x) - q
        if error < 0:
            low = x
        else:
            high = x
        density = math.exp((a - 1) * math.log(x) - x - log_norm)
        step = error / density if density > 0 else math.inf
        candidate = x - step
        if not low < candidate < high:
            candidate = (low + high) / 2
        if abs(candidate - x) <= 1e-12 * max(1.0, x) or high - low <= 1e-12 * max(1.0, high):
            return candidate
        x = candidate
    return x


@functools.lru_cache(maxsize=4096)
def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """Garwood's exact interval for a Poisson mean from an observed count.

    lower = chi²_{α/2}(2x)/2 (0 for x = 0), upper = chi²_{1−α/2}(2x + 2)/2, with the chi-square
    quantiles from the regularised gamma function.
    """
    if count < 0:
        raise ValueError("a count cannot be negative")
    tail = (1 - level) / 2
    lower = 0.0 if count == 0 else gamma_quantile(tail, count)
    return lower, gamma_quantile(1 - tail, count + 1)


def rates_with_intervals(
    frame: pl.DataFrame, *, per: float = 1000.0, level: float = 0.95
) -> pl.DataFrame:
    """Each region's rate events / exposure × per with Garwood's exact interval.

    `frame` has region_code, events, exposure (e.g. person-years of minors); rows without a
    positive exposure get no rate. Adds rate, lower, upper; sorted by rate, highest first.
    """
    records = []
    for code, events, exposure in frame.select("region_code", "events", "exposure").iter_rows():
        if exposure is None or exposure <= 0 or events is None:
            records.append((code, events, exposure, None, None, None))
            continue
        low, high = poisson_interval(int(events), level)
        records.append(
            (
                code,
                events,
                exposure,
                events / exposure * per,
                low / exposure * per,
                high / exposure * per,
            )
        )
    return pl.DataFrame(
        records,
        schema={
            "region_code": pl.String,
            "events": pl.Int64,
            "exposure": pl.Float64,
            "rate": pl.Float64,
            "lower": pl.Float64,
            "upper": pl.Float64,
        },
        orient="row",
    ).sort("rate", "region_code", descending=[True, False], nulls_last=True)


def pooled_rate(frame: pl.DataFrame, *, per: float = 1000.0) -> float | None:
    """Σ events / Σ exposure × per over the rows with a positive exposure (the Flemish value)."""
    rated = frame.filter(pl.col("exposure").is_not_null() & (pl.col("exposure") > 0))
    exposure = float(rated["exposure"].sum()) if rated.height else 0.0
    if exposure <= 0:
        return None
    return float(rated["events"].sum()) / exposure * per
