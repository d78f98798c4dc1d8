"""The choices pages offer on a view, with their Dutch labels and help (no figures here)."""

from __future__ import annotations

from typing import Final

from data_access.reference.codes import REFERRER_GROUPS
from indicators.compare import Method
from indicators.response_time import Rule

RULES: Final[dict[Rule, str]] = {"calendar_month": "Kalendermaand", "30_days": "30 dagen"}

# What the rate is called under each rule, in column headers and chart titles.
RATE_LABELS: Final[dict[Rule, str]] = {
    "calendar_month": "Binnen de maand (%)",
    "30_days": "Binnen 30 dagen (%)",
}

RULE_HELP: Final = (
    "Kalendermaand: de termijn loopt tot dezelfde dag een maand later (31 januari → 28/29 "
    "februari), de norm 'binnen de maand'. 30 dagen: de termijn loopt tot 30 dagen na de "
    "aanmelding, zoals sommige netwerken rekenden."
)

TIMELY: Final = "tijdig"

# What the funnel can show: the within-one-month rate and the share of every referrer group.
FUNNEL_INDICATORS: Final[dict[str, str]] = {
    TIMELY: "Tijdige opname (binnen de termijn)",
    **{code: f"Aandeel aanmelder: {label.lower()}" for code, label in REFERRER_GROUPS.items()},
}

METHODS: Final[dict[Method, str]] = {
    "exact": "Exact (binomiaal)",
    "normal": "Normale benadering",
}

FUNNEL_HELP: Final = (
    "Elke regio is een punt: het percentage tegen het aantal waarop het berekend is. Binnen de "
    "trechter verschilt een regio niet meer van de Vlaamse waarde dan toeval bij die omvang "
    "verklaart; kleine regio's krijgen zo ruimere grenzen dan grote."
)

OVERDISPERSION_HELP: Final = (
    "Verschillen de regio's samen meer dan toeval verklaart (overdispersie, φ > 1), dan worden "
    "de grenzen verbreed met √φ; φ komt uit de gewinsoriseerde z-scores (10%)."
)
