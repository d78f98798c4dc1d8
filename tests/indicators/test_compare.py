"""Funnel-plot limits, overdispersion and Poisson intervals against values computed by hand."""

from __future__ import annotations

import math

import polars as pl
import pytest

from indicators.compare import (
    ABOVE,
    BELOW,
    INSIDE,
    binomial_cdf,
    binomial_quantile,
    control_limits,
    exact_binomial_limit,
    funnel,
    gamma_quantile,
    normal_limit,
    overdispersion_factor,
    poisson_interval,
    pooled_rate,
    rates_with_intervals,
    regularised_lower_gamma,
    winsorised,
)


def test_binomial_cdf_sums_the_pmf() -> None:
    """P(R ≤ k) for Binomial(10, 0.5) is (number of subsets of size ≤ k) / 1024."""
    # C(10,0..2) = 1, 10, 45 → 56/1024; C(10,0..7) sum = 968 → 968/1024.
    assert binomial_cdf(2, 10, 0.5) == pytest.approx(56 / 1024, rel=1e-12)
    assert binomial_cdf(7, 10, 0.5) == pytest.approx(968 / 1024, rel=1e-12)
    assert binomial_cdf(-1, 10, 0.5) == 0.0
    assert binomial_cdf(10, 10, 0.5) == 1.0
    assert binomial_quantile(0.025, 10, 0.5) == 2
    assert binomial_quantile(0.975, 10, 0.5) == 8


def test_binomial_cdf_stays_exact_for_a_large_denominator() -> None:
    """For n = 5.000 the windowed sum agrees with a term-by-term lgamma sum."""
    n, p, k = 5000, 0.8, 3960

    def pmf(i: int) -> float:
        log = math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
        return math.exp(log + i * math.log(p) + (n - i) * math.log(1 - p))

    assert binomial_cdf(k, n, p) == pytest.approx(math.fsum(pmf(i) for i in range(k + 1)), 1e-10)


def test_the_quantile_is_the_smallest_r_whose_cdf_reaches_q() -> None:
    """binomial_quantile (a search in the running sum) against binomial_cdf (a sum of the pmf)."""
    for n in (1, 7, 40, 1000, 25_000):
        for p in (0.02, 0.3, 0.9):
            for q in (0.001, 0.025, 0.5, 0.975, 0.999):
                r = binomial_quantile(q, n, p)
                assert binomial_cdf(r, n, p) >= q - 1e-9
                assert r == 0 or binomial_cdf(r - 1, n, p) < q + 1e-9


def test_exact_limits_follow_spiegelhalters_interpolation_for_n_10() -> None:
    """n = 10, p0 = 0.5, 95%.

    Lower (q = 0.025): F(1) = 11/1024 = 0.0107422, F(2) = 56/1024 = 0.0546875, so r = 2 and
    α = (0.0546875 − 0.025) / (0.0546875 − 0.0107422) = 0.675556; limit = (2 − α)/10 = 0.1324444.
    Upper (q = 0.975): F(7) = 968/1024 = 0.9453125, F(8) = 1013/1024 = 0.9892578, so r = 8 and
    α = (0.9892578 − 0.975) / (0.9892578 − 0.9453125) = 0.324444; limit = (8 − α)/10 = 0.7675556.
    """
    assert exact_binomial_limit(0.025, 10, 0.5) == pytest.approx(0.1324444, abs=1e-6)
    assert exact_binomial_limit(0.975, 10, 0.5) == pytest.approx(0.7675556, abs=1e-6)


def test_exact_limits_for_n_20_at_998() -> None:
    """n = 20, p0 = 0.8, 99.8% upper (q = 0.999).

    P(R ≤ 19) = 1 − 0.8^20 = 1 − 0.0115292 = 0.9884708 < 0.999, P(R ≤ 20) = 1, so r = 20 and
    α = (1 − 0.999) / 0.8^20 = 0.001 / 0.0115292 = 0.0867362; limit = (20 − α)/20 = 0.9956632.
    Lower (q = 0.001): P(R ≤ 10) = 0.0025948, P(R ≤ 9) = 0.0005634 (sums of
    C(20,k)·0.8^k·0.2^(20−k)), so r = 10, α = (0.0025948 − 0.001)/(0.0025948 − 0.0005634) =
    0.785083; limit = (10 − 0.785083)/20 = 0.4607459.
    """
    assert exact_binomial_limit(0.999, 20, 0.8) == pytest.approx(0.9956632, abs=1e-6)
    assert exact_binomial_limit(0.001, 20, 0.8) == pytest.approx(0.4607459, abs=1e-6)


def test_normal_limits_for_a_few_denominators() -> None:
    """p0 ± z·√(p0(1 − p0)/n): for p0 = 0.8, n = 100 the standard error is √(0.16/100) = 0.04;
    95%: 0.8 ± 1.959964 · 0.04 = 0.7216014 / 0.8783986; 99.8%: 0.8 ± 3.090232 · 0.04 =
    0.6763907 / 0.9236093. For n = 400 the error halves to 0.02: 0.7608007 / 0.8391993."""
    assert normal_limit(0.025, 100, 0.8) == pytest.approx(0.7216014, abs=1e-6)
    assert normal_limit(0.975, 100, 0.8) == pytest.approx(0.8783986, abs=1e-6)
    assert normal_limit(0.001, 100, 0.8) == pytest.approx(0.6763907, abs=1e-6)
    assert normal_limit(0.999, 100, 0.8) == pytest.approx(0.9236093, abs=1e-6)
    assert normal_limit(0.025, 400, 0.8) == pytest.approx(0.7608007, abs=1e-6)
    assert normal_limit(0.975, 400, 0.8) == pytest.approx(0.8391993, abs=1e-6)


def test_normal_limits_are_clipped_to_the_unit_interval() -> None:
    """For a tiny denominator the normal limits would leave [0, 1]; they are clipped."""
    limits = control_limits(2, 0.9, method="normal")
    assert limits["upper_998"] == 1.0
    assert 0.0 <= limits["lower_998"] < limits["lower_95"]


def test_exact_and_normal_limits_converge_for_a_large_denominator() -> None:
    """At n = 20.000 the exact and normal 95% limits differ by less than 0.1 percentage point."""
    exact = control_limits(20_000, 0.7, method="exact")
    normal = control_limits(20_000, 0.7, method="normal")
    for key in ("lower_95", "upper_95"):
        assert exact[key] == pytest.approx(normal[key], abs=1e-3)


def test_overdispersion_widens_the_limits_by_the_square_root_of_phi() -> None:
    """With phi = 4 each limit moves twice as far from p0: 0.8 − 2 · 0.0783986 = 0.6432028."""
    limits = control_limits(100, 0.8, method="normal", phi=4.0)
    assert limits["lower_95"] == pytest.approx(0.8 - 2 * 1.959964 * 0.04, abs=1e-6)
    # phi ≤ 1 never narrows them.
    assert control_limits(100, 0.8, method="normal", phi=0.5) == control_limits(
        100, 0.8, method="normal"
    )


def test_winsorising_replaces_the_extremes_with_their_neighbours() -> None:
    """With ten values at 10%, the lowest becomes the second lowest and the highest the second
    highest; with five values nothing changes (floor(0.5) = 0)."""
    values = [-9.0, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 20.0]
    assert winsorised(values) == [-1.0, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.0]
    assert winsorised([1.0, 2.0, 3.0, 4.0, 5.0]) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_overdispersion_factor_is_the_mean_squared_z_score() -> None:
    """Two regions with n = 100 around p0 = 0.5 (se 0.05): 60/100 gives z = 2, 40/100 gives
    z = −2; phi = (4 + 4)/2 = 4 (no winsorising with two regions)."""
    assert overdispersion_factor([60, 40], [100, 100], 0.5) == pytest.approx(4.0)


def test_funnel_classifies_regions_and_uses_the_pooled_target() -> None:
    """Target Σy/Σn = (95 + 50 + 500)/(100 + 100 + 800) = 0.645, se at n = 100 is
    √(0.645·0.355/100) = 0.047852. A at 95/100 lies above the 99.8% limit (0.645 + 3.09·se =
    0.793); B at 50/100 below the 95% limit (0.645 − 1.96·se = 0.551) but inside the 99.8% one
    (0.497); C inside; a region without denominator is left out."""
    frame = pl.DataFrame(
        {
            "region_code": ["A", "B", "C", "D"],
            "numerator": [95, 50, 500, 0],
            "denominator": [100, 100, 800, 0],
        }
    )
    result = funnel(frame, method="normal")
    assert result.target == pytest.approx(0.645)
    positions = {
        code: (p95, p998)
        for code, p95, p998 in result.points.select(
            "region_code", "position_95", "position_998"
        ).iter_rows()
    }
    assert positions == {"A": (ABOVE, ABOVE), "B": (BELOW, INSIDE), "C": (INSIDE, INSIDE)}
    assert not result.adjusted
    assert result.curves["denominator"].min() == 1
    assert result.curves["denominator"].max() >= 800


def test_funnel_with_overdispersion_widens_when_phi_exceeds_one() -> None:
    """The same regions with the adjustment: phi > 1, so the limits at n = 100 are wider."""
    frame = pl.DataFrame(
        {"region_code": ["A", "B", "C"], "numerator": [95, 50, 500], "denominator": [100, 100, 800]}
    )
    plain = funnel(frame, method="exact")
    adjusted = funnel(frame, method="exact", overdispersion=True)
    assert adjusted.adjusted and adjusted.phi > 1
    lower = pl.col("lower_95")
    assert adjusted.points.select(lower).row(0)[0] < plain.points.select(lower).row(0)[0]


def test_regularised_gamma_matches_the_poisson_tail() -> None:
    """For integer a, P(a, x) = P(Poisson(x) ≥ a): P(1, x) = 1 − e^−x and
    P(3, 2) = 1 − e^−2 (1 + 2 + 2) = 0.3233236; large arguments use the continued fraction."""
    assert regularised_lower_gamma(1, 0.7) == pytest.approx(1 - math.exp(-0.7), rel=1e-12)
    assert regularised_lower_gamma(3, 2.0) == pytest.approx(1 - 5 * math.exp(-2), rel=1e-12)
    assert regularised_lower_gamma(3, 10.0) == pytest.approx(1 - 61 * math.exp(-10), rel=1e-10)


def test_chi_square_quantiles_from_the_gamma_function() -> None:
    """chi²_q(2a)/2 = gamma_quantile(q, a): chi²_0.975(100) = 129.5612, chi²_0.025(100) = 74.2219
    (standard tables)."""
    assert 2 * gamma_quantile(0.975, 50) == pytest.approx(129.5612, abs=1e-3)
    assert 2 * gamma_quantile(0.025, 50) == pytest.approx(74.2219, abs=1e-3)


def test_garwood_intervals_by_hand() -> None:
    """x = 0: [0, −ln 0.025] = [0, 3.688879]. x = 1: lower solves 1 − e^−L = 0.025, so
    L = −ln 0.975 = 0.0253178; upper solves e^−U (1 + U) = 0.025, U = 5.571643. x = 10: the
    tabulated 4.795389 and 18.390356."""
    assert poisson_interval(0) == pytest.approx((0.0, -math.log(0.025)), abs=1e-6)
    low, high = poisson_interval(1)
    assert low == pytest.approx(-math.log(0.975), abs=1e-7)
    assert high == pytest.approx(5.571643, abs=1e-5)
    assert math.exp(-high) * (1 + high) == pytest.approx(0.025, abs=1e-9)
    assert poisson_interval(10) == pytest.approx((4.795389, 18.390356), abs=1e-5)


def test_rates_per_thousand_with_intervals_and_the_flemish_value() -> None:
    """10 intakes over 2.000 minor-years: 5 per 1.000 with [4.795389, 18.390356] / 2; a region
    without exposure gets no rate; the pooled value is (10 + 30)/(2.000 + 4.000) · 1.000."""
    frame = pl.DataFrame(
        {"region_code": ["A", "B", "C"], "events": [10, 30, 4], "exposure": [2000.0, 4000.0, None]}
    )
    rates = rates_with_intervals(frame)
    a = rates.filter(pl.col("region_code") == "A").row(0, named=True)
    assert a["rate"] == pytest.approx(5.0)
    assert (a["lower"], a["upper"]) == pytest.approx((4.795389 / 2, 18.390356 / 2), abs=1e-5)
    assert rates["region_code"].to_list() == ["B", "A", "C"]  # highest first, no rate last
    assert rates.filter(pl.col("region_code") == "C")["rate"].to_list() == [None]
    assert pooled_rate(frame) == pytest.approx(40 / 6000 * 1000)
