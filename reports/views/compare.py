"""Regio's vergelijken: funnel plots, rates per 1,000 minors with intervals, small multiples,
a map by ELZ and the sensitivity of the response-time ranking to its definition.

The funnel's limits, the Flemish value, the rates' intervals and the outliers named are all
computed at the boundary from the published counts (reports.publish), so they say no more
than the counts do.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any, Final

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots
from sqlalchemy import Engine

from data_access.access.perturbation import noise_of, summed
from data_access.reference import shapes as geo
from data_access.reference.codes import REFERRER_GROUPS, UNASSIGNED_REGION
from indicators._sources import MONTHLY_COUNTS
from indicators.compare import (
    ABOVE,
    BELOW,
    INSIDE,
    Funnel,
    Method,
    funnel,
    pooled_rate,
    rates_with_intervals,
)
from indicators.formatting import fmt_dec, fmt_int, fmt_pct
from indicators.response_time import Rule
from reports import charts
from reports.choices import FUNNEL_INDICATORS, RATE_LABELS, RULES, TIMELY
from reports.inputs import Inputs
from reports.publish.boundary import PublishedTable
from reports.publish.cells import Computed, Count, Measure, Rate, Text
from reports.publish.spec import ChartSpec, Paragraph, Remark, Section, TableSpec, View
from reports.selection import Selection
from reports.series.intakes import monthly_intakes
from reports.series.referrers import monthly_referrer_groups
from reports.series.timeliness import monthly_timeliness, summed_final
from reports.views.common import (
    REGION,
    basis_note,
    comparison_table,
    final_months_note,
    subtitle,
)

INDICATORS: Final = FUNNEL_INDICATORS

METHOD_NOTES: Final[dict[Method, str]] = {
    "exact": "exacte binomiale grenzen (Spiegelhalter 2005)",
    "normal": "normale benadering p ± z·√(p(1−p)/n) (Spiegelhalter 2005)",
}

SENSITIVITY_NOTE: Final = (
    "Dezelfde aanmeldingen onder de kalendermaandregel en de 30-dagenregel: percentage en "
    "rangorde (1 = hoogste). Alleen bronnen met dossiers; maandtotalen kennen één regel."
)

NOT_COMPARED: Final = "niet vergeleken (geen regio)"
FAILING_MARK: Final = " ⚠"
# The other regions beside a highlighted one, where they must stay readable on their own (a dot
# with its interval, a panel): they recede, yet keep a 3:1 contrast on white (WCAG 2.1, 1.4.11
# non-text contrast), darker than the grey of a line among others.
GREY: Final = "#7F7F7F"
OTHERS: Final = {"circle": "Andere regio's", "x": "Andere regio, kwaliteitspaspoort niet in orde"}

_POSITION_LABELS: Final = {ABOVE: "boven", BELOW: "onder"}
_LIMITS: Final = ("lower_95", "upper_95", "lower_998", "upper_998")


def map_day(inputs: Inputs, selection: Selection) -> date:
    """The day whose region layout colours the map: today's under basis 'today', else the end
    of the selected period (not after today)."""
    if inputs.basis == "today":
        return inputs.today
    return min(selection.end, inputs.today)


def map_layout(engine: Engine, inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """ELZ → region for the map of this selection (data_access.reference.shapes.elz_regions),
    read once per layout for these inputs: every selection ending between the same two changes
    of the areas shares it."""
    day = map_day(inputs, selection)
    changes = inputs.remembered(("elz_layout_changes",), lambda: geo.layout_changes(engine))
    return inputs.remembered(
        ("elz_layout", geo.layout_since(changes, day)), lambda: geo.elz_regions(engine, day)
    )


def _all_regions(selection: Selection) -> Selection:
    """The same period over every region: the Flemish value never depends on the region filter."""
    return replace(selection, regions=(), granularity="month")


def proportions(inputs: Inputs, selection: Selection, indicator: str, rule: Rule) -> pl.DataFrame:
    """region_code, numerator, denominator (with perturbations), source over the selected
    period, every region. tijdig: tijdig / (tijdig + laat) under `rule` over the final months
    (null when none is final yet); a referrer group: its intakes / all intakes."""
    every = _all_regions(selection)
    if indicator == TIMELY:
        # The final months only: a provisional month's rate is biased upwards.
        monthly = monthly_timeliness(inputs, every, rule)
        counts = (
            monthly.group_by("region_code")
            .agg(
                *summed_final("tijdig", "laat"),
                pl.col("source").unique().sort().str.join("+").alias("source"),
            )
            .select(
                "region_code",
                pl.col("tijdig_final").alias("numerator"),
                pl.col(noise_of("tijdig_final")).alias(noise_of("numerator")),
                (pl.col("tijdig_final") + pl.col("laat_final")).alias("denominator"),
                (pl.col(noise_of("tijdig_final")) + pl.col(noise_of("laat_final"))).alias(
                    noise_of("denominator")
                ),
                "source",
            )
        )
    elif indicator in REFERRER_GROUPS:
        groups = monthly_referrer_groups(inputs, every)
        chosen = pl.col("referrer_group") == indicator
        counts = groups.group_by("region_code").agg(
            pl.col("intakes").filter(chosen).sum().alias("numerator"),
            pl.col(noise_of("intakes")).filter(chosen).sum().alias(noise_of("numerator")),
            pl.col("intakes").sum().alias("denominator"),
            pl.col(noise_of("intakes")).sum().alias(noise_of("denominator")),
            pl.col("source").first(),
        )
    else:
        raise ValueError(f"Onbekende indicator: {indicator}")
    return counts.with_columns(
        pl.col("numerator", "denominator", noise_of("numerator"), noise_of("denominator")).cast(
            pl.Int64
        )
    ).sort("region_code")


def minor_rates(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region over the selected period, every region: events (intakes, with perturbation),
    months with data and exposure (minors × months with data / 12)."""
    monthly = monthly_intakes(inputs, _all_regions(selection))
    return (
        monthly.group_by("region_code")
        .agg(
            *summed("intakes"),
            pl.len().alias("months"),
            pl.when(pl.col("population_0_17").null_count() == 0)
            .then((pl.col("population_0_17").cast(pl.Float64) / 12).sum())
            .alias("exposure"),
        )
        .rename({"intakes": "events", noise_of("intakes"): noise_of("events")})
        .sort("region_code")
    )


def monthly_series(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, month, intakes (with perturbation) of every selected region. Under the basis
    'zoals toen' a region is shown only within its active period (a network that ended stops
    at its end date); under 'huidige regio's' the unplaceable rows form their own series."""
    monthly = (
        monthly_intakes(inputs, replace(selection, granularity="month"))
        .filter(selection.in_regions())
        .select("region_code", "month", "intakes", noise_of("intakes"))
    )
    if inputs.basis == "today":
        return monthly.sort("region_code", "month")
    active = inputs.regions.select("region_code", "active_from", "active_to")
    return (
        monthly.join(active, on="region_code", how="left")
        .filter(
            (
                pl.col("active_from").is_null()
                | (pl.col("month") >= pl.col("active_from").dt.truncate("1mo"))
            )
            & (pl.col("active_to").is_null() | (pl.col("month") <= pl.col("active_to")))
        )
        .drop("active_from", "active_to")
        .sort("region_code", "month")
    )


def failing_regions(inputs: Inputs) -> set[str]:
    """Regions whose quality passport is below the threshold (empty before any check run)."""
    failing = inputs.passports.filter(pl.col("below_threshold").fill_null(False))
    return set(failing["region_code"].to_list())


# At the boundary: the funnel of the published counts ------------------------------------------


def published_funnel(frame: pl.DataFrame, method: Method, overdispersion: bool) -> Funnel:
    """The funnel of a published proportions frame: the Flemish value over every shown count
    (unassigned included), limits for the visible regions."""
    known = frame.filter(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null())
    total = int(known["denominator"].sum()) if known.height else 0
    target = int(known["numerator"].sum()) / total if total else None
    shown = known.filter(pl.col("visible") & (pl.col("region_code") != UNASSIGNED_REGION))
    return funnel(
        shown.select("region_code", "numerator", "denominator"),
        target=target,
        method=method,
        overdispersion=overdispersion,
    )


def _limit(frame: pl.DataFrame, *, column: str, method: Method, overdispersion: bool) -> pl.Series:
    result = published_funnel(frame, method, overdispersion)
    points = result.points.select("region_code", column)
    return frame.select("region_code").join(points, on="region_code", how="left")[column]


def _position(frame: pl.DataFrame, *, method: Method, overdispersion: bool) -> pl.Series:
    result = published_funnel(frame, method, overdispersion)
    points = result.points.select("region_code", "position_95", "position_998")
    joined = frame.select("region_code", "numerator").join(points, on="region_code", how="left")
    return pl.Series(
        "position",
        [_position_label(row) for row in joined.iter_rows(named=True)],
        pl.String,
    )


def _position_label(row: dict[str, object]) -> str | None:
    if row.get("position_998") is None:
        return NOT_COMPARED if row.get("region_code") == UNASSIGNED_REGION else None
    for level, label in (("998", "99,8%"), ("95", "95%")):
        position = row[f"position_{level}"]
        if position != INSIDE:
            return f"{_POSITION_LABELS[str(position)]} de {label}-grens"
    return "binnen de grenzen"


def _funnel_notes(
    table: PublishedTable, *, method: Method, overdispersion: bool, names: dict[str, str]
) -> list[str]:
    result = published_funnel(table.values, method, overdispersion)
    known = table.values.filter(
        pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    )
    numerator = int(known["numerator"].sum()) if known.height else None
    total = int(known["denominator"].sum()) if known.height else 0
    notes = [
        f"Vlaamse waarde (middenlijn): {fmt_pct(result.target)} ({fmt_int(numerator)} van "
        f"{fmt_int(total)}), over alle regio's samen, ook 'Niet toe te wijzen'.",
        _method_text(result, overdispersion),
        # Only regions whose rate is shown are named: a position says where the rate lies.
        *_outlier_notes(
            result.points.filter(
                pl.col("region_code").is_in(
                    table.values.filter(pl.col("proportion").is_not_null())["region_code"].to_list()
                )
            ),
            names,
        ),
    ]
    return notes


def _outlier_notes(points: pl.DataFrame, names: dict[str, str]) -> list[str]:
    """Name the regions outside the 99.8% limits, then those outside only the 95% limits."""
    notes = []
    for position, word in ((ABOVE, "Boven"), (BELOW, "Onder")):
        for level, label, only in (
            ("998", "99,8%", pl.lit(True)),
            ("95", "95%", pl.col("position_998") == INSIDE),
        ):
            codes = points.filter((pl.col(f"position_{level}") == position) & only)["region_code"]
            if codes.len():
                listed = ", ".join(names.get(c, c) for c in codes.to_list())
                suffix = " (binnen de 99,8%-grens)" if level == "95" else ""
                notes.append(f"{word} de {label}-grens{suffix}: {listed}.")
    if not notes and not points.is_empty():
        notes.append("Geen enkele regio ligt buiten de 95%-grenzen.")
    return notes


def _counts_note(counts: pl.DataFrame, names: dict[str, str]) -> list[str]:
    codes = counts.filter(pl.col("source").str.contains(MONTHLY_COUNTS))["region_code"].to_list()
    if not codes:
        return []
    listed = ", ".join(names.get(c, c) for c in codes)
    return [f"{listed}: teller en noemer (deels) uit {MONTHLY_COUNTS} zonder dossiers."]


def _method_text(result: Funnel, overdispersion: bool) -> str:
    text = f"Grenzen: {METHOD_NOTES[result.method]}"
    if result.adjusted:
        text += f"; verbreed voor overdispersie (φ = {fmt_dec(result.phi, 2)}, × √φ)"
    elif overdispersion:
        text += f"; geen overdispersie vastgesteld (φ = {fmt_dec(result.phi, 2)} ≤ 1)"
    return text + "."


def _rates(frame: pl.DataFrame, *, column: str) -> pl.Series:
    """rate, lower or upper of each row: Garwood's interval of its published events."""
    rated = rates_with_intervals(frame.select("region_code", "events", "exposure"), per=1000.0)
    return frame.select("region_code").join(
        rated.select("region_code", column), on="region_code", how="left"
    )[column]


def _rates_note(table: PublishedTable) -> list[str]:
    known = table.values.filter(pl.col("events").is_not_null())
    flemish = pooled_rate(known, per=1000.0)
    return [
        "Aanmeldingen per 1.000 inwoners jonger dan 18, per jaar, over de maanden waarin de regio "
        f"gegevens aanleverde; 95%-betrouwbaarheidsinterval exact (Poisson, Garwood). Vlaamse "
        f"waarde: {fmt_dec(flemish, 2)}."
    ]


def compare_view(
    inputs: Inputs,
    selection: Selection,
    indicator: str = TIMELY,
    rule: Rule = "calendar_month",
    method: Method = "exact",
    overdispersion: bool = False,
    elz_layout: pl.DataFrame | None = None,
) -> View:
    """Funnel plot and limits table for `indicator`, rates per 1,000 minors, small multiples of
    monthly intakes, the map by ELZ (when `elz_layout` is given, see map_layout) and the
    response-time ranking under both rules."""
    names = inputs.region_names()
    failing = failing_regions(inputs)
    label = INDICATORS[indicator] if indicator != TIMELY else RATE_LABELS[rule].removesuffix(" (%)")
    marked = {
        code: names.get(code, code) + (FAILING_MARK if code in failing else "") for code in names
    }
    counts = proportions(inputs, selection, indicator, rule).with_columns(
        visible=selection.in_regions() | (pl.col("region_code") == UNASSIGNED_REGION),
        quality=pl.when(pl.col("region_code").is_in(sorted(failing)))
        .then(pl.lit("niet in orde"))
        .otherwise(pl.lit("")),
    )
    # The unassigned row is listed after the regions, as a point without a funnel position.
    counts = counts.sort(pl.col("region_code") == UNASSIGNED_REGION, "region_code")
    notes = [basis_note(inputs), *_counts_note(counts, names)]
    if indicator == TIMELY:
        notes.append(f"Regel: {RULES[rule].lower()}.")
        notes += final_months_note(inputs, selection, rule)
    if failing:
        listed = ", ".join(names.get(c, c) for c in sorted(failing))
        notes.append(
            f"⚠ Kwaliteitspaspoort niet in orde: {listed}. Hun cijfers staan er gemarkeerd bij; "
            "vergelijk ze met voorzichtigheid."
        )
    limit_of = partial(_limit, method=method, overdispersion=overdispersion)
    limit_labels = {
        "lower_95": "Ondergrens 95%",
        "upper_95": "Bovengrens 95%",
        "lower_998": "Ondergrens 99,8%",
        "upper_998": "Bovengrens 99,8%",
    }
    table = TableSpec(
        counts,
        (
            REGION,
            Count("numerator", "Teller"),
            Count("denominator", "Noemer"),
            Rate("proportion", label, numerator=("numerator",), denominator=("denominator",)),
            *(
                Computed(
                    key,
                    text,
                    "pct",
                    # Hidden with the rate: a limit and a position say where a hidden rate lies.
                    from_columns=("numerator", "denominator", "proportion"),
                    compute=partial(limit_of, column=key),
                )
                for key, text in limit_labels.items()
            ),
            Computed(
                "position",
                "Ligging",
                from_columns=("numerator", "denominator", "proportion"),
                compute=partial(_position, method=method, overdispersion=overdispersion),
            ),
            Text("quality", "Kwaliteitspaspoort"),
        ),
        title=f"Trechter: {label}",
        notes=tuple(notes),
        region_names=marked,
        inputs=(Text("visible", "Getoond", "bool"),),
        visible="visible",
        name="trechter",
    )
    over_time = subtitle(selection)
    rates = TableSpec(
        minor_rates(inputs, selection).with_columns(visible=selection.in_regions()),
        (
            REGION,
            Count("events", "Aanmeldingen"),
            Measure("months", "Maanden", "int"),
            *(
                Computed(
                    key, text, "dec2", from_columns=("events",), compute=partial(_rates, column=key)
                )
                for key, text in (
                    ("rate", "Per 1.000 min-18 per jaar"),
                    ("lower", "Ondergrens 95%"),
                    ("upper", "Bovengrens 95%"),
                )
            ),
        ),
        title="Aanmeldingen per 1.000 minderjarigen",
        notes=(
            basis_note(inputs),
            "Brussel: geen leeftijdsopdeling van de bevolking, dus geen cijfer per 1.000 "
            "minderjarigen.",
            *(
                [
                    "Onder de huidige regio's tellen gebieden die vóór juli 2021 nog geen netwerk "
                    "hadden mee in de bevolking, wat het cijfer van hun huidige regio drukt."
                ]
                if inputs.basis == "today"
                else []
            ),
        ),
        region_names=marked,
        inputs=(Measure("exposure", "Blootstelling"), Text("visible", "Getoond", "bool")),
        visible="visible",
        order=(("rate", True), ("region_code", False)),
        name="per-1000-minderjarigen",
    )
    series = TableSpec(
        monthly_series(inputs, selection),
        (REGION, Text("month", "Maand", "month"), Count("intakes", "Aanmeldingen")),
        title="Aanmeldingen per regio en maand",
        notes=(
            basis_note(inputs),
            "Zoals toen georganiseerd: een netwerk dat ophield (bv. Westhoek en Midden "
            "West-Vlaanderen op 30/06/2021) staat er tot zijn einddatum.",
        ),
        region_names=marked,
        name="aanmeldingen-per-maand",
    )
    every = _all_regions(selection)
    comparison = comparison_table(
        inputs, every, "Definitiegevoeligheid: kalendermaand of 30 dagen", SENSITIVITY_NOTE
    )
    # Ranked among every region; listed for the selected ones.
    comparison = replace(
        comparison,
        frame=comparison.frame.filter(pl.col("region_code") != UNASSIGNED_REGION).with_columns(
            visible=selection.in_regions()
        ),
        region_names=marked,
        inputs=(*comparison.inputs, Text("visible", "Getoond", "bool")),
        visible="visible",
    )
    method_note = partial(_funnel_notes, method=method, overdispersion=overdispersion, names=names)
    funnel_blocks = (
        Remark(table, method_note),
        ChartSpec(
            table,
            partial(
                funnel_figure,
                label=label,
                subtitle=over_time,
                method=method,
                overdispersion=overdispersion,
                failing=failing,
            ),
            "Trechter",
            show_table=False,
        ),
        table,
    )
    map_blocks = (
        (
            ChartSpec(
                table,
                partial(
                    map_figure,
                    layout=elz_layout,
                    label=label,
                    subtitle=f"{over_time} · indeling op {map_day(inputs, selection):%d/%m/%Y}",
                ),
                "Kaart",
                show_table=False,
            ),
        )
        if elz_layout is not None
        else ()
    )
    return View(
        "Regio's vergelijken",
        (
            Section("Trechter", funnel_blocks),
            Section("Kaart per eerstelijnszone", map_blocks),
            Section(
                "Aanmeldingen per 1.000 minderjarigen",
                (
                    Remark(rates, _rates_note),
                    ChartSpec(
                        rates,
                        partial(rates_figure, subtitle=over_time),
                        "Per 1.000",
                        show_table=False,
                    ),
                    rates,
                ),
            ),
            Section(
                "Aanmeldingen per maand, per regio",
                (
                    ChartSpec(
                        series,
                        partial(multiples_figure, subtitle=over_time),
                        "Per maand",
                        show_table=False,
                    ),
                    series,
                ),
            ),
            Section(
                "Definitiegevoeligheid: kalendermaand of 30 dagen",
                (
                    Paragraph(SENSITIVITY_NOTE),
                    ChartSpec(
                        comparison,
                        partial(ranks_figure, subtitle=over_time),
                        "Rangorde",
                        show_table=False,
                    ),
                    comparison,
                ),
            ),
        ),
        notes=tuple(notes),
        main=table,
    )


# Figures (drawn from published tables) ---------------------------------------------------------


def funnel_figure(
    table: PublishedTable,
    *,
    label: str,
    subtitle: str,
    method: Method,
    overdispersion: bool,
    failing: set[str],
    highlight: str | None = None,
) -> go.Figure | None:
    """The funnel: regions as points against their denominator, the Flemish value as centre
    line, the 95% and 99.8% limits as curves; regions outside a limit labelled.

    With `highlight` (a region's own report) that region alone stands out, named; the others
    recede in grey and unnamed, their names and positions are in the table beside the chart."""
    names = table.region_names
    full = published_funnel(table.values, method, overdispersion)
    if full.target is None or full.points.is_empty():
        return None
    shown = table.values.filter(pl.col("proportion").is_not_null())["region_code"].to_list()
    result = replace(full, points=full.points.filter(pl.col("region_code").is_in(shown)))
    curves = result.curves
    xs = curves["denominator"].to_list()
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": xs,
            "y": curves[f"{side}_{level}"].to_list(),
            "mode": "lines",
            "name": f"{level_label}-grens",
            "legendgroup": level,
            "showlegend": side == "upper",
            "line": {"color": "#7F7F7F", "dash": dash, "width": 1.5},
            "hoverinfo": "skip",
        }
        for level, dash, level_label in (("95", "dash", "95%"), ("998", "dot", "99,8%"))
        for side in ("lower", "upper")
    ]
    traces.append(
        {
            "type": "scatter",
            "x": [xs[0], xs[-1]],
            "y": [result.target, result.target],
            "mode": "lines",
            "name": f"Vlaamse waarde ({fmt_pct(result.target)})",
            "line": {"color": "#000000", "width": 1.5},
            "hoverinfo": "skip",
        }
    )
    points = result.points
    # The regions that stand out: the report's own region alone (named, the others unnamed),
    # else the reader's own regions on the page (the others named only outside the limits).
    own = {highlight} if highlight is not None else set(table.highlight)
    outside = pl.col("position_95").ne_missing(INSIDE)
    others = points.filter(~pl.col("region_code").is_in(sorted(own)))
    # (points, legend name, colour, symbol, named: which points carry their region's name)
    groups = [
        (
            others.filter(pl.col("region_code").is_in(sorted(failing)) == is_failing),
            "Kwaliteitspaspoort niet in orde" if is_failing else "Regio",
            "#D55E00" if is_failing else "#0072B2",
            "x" if is_failing else "circle",
            outside,
        )
        for is_failing in (False, True)
    ]
    if own:
        named_others = pl.lit(False) if highlight is not None else outside
        groups = [
            (part, OTHERS[symbol], GREY, symbol, named_others) for part, _, _, symbol, _ in groups
        ]
        groups += [
            (
                points.filter(pl.col("region_code") == code),
                names.get(code, code),
                "#0072B2",
                "x" if code in failing else "circle",
                pl.lit(True),
            )
            for code in sorted(own)
        ]
    for part, name, colour, symbol, named in groups:
        if part.is_empty():
            continue
        stands_out = bool(own) and colour != GREY
        texts = [
            names.get(code, code) if show else ""
            for code, show in part.select("region_code", named.alias("named")).iter_rows()
        ]
        traces.append(
            {
                "type": "scatter",
                "x": part["denominator"].to_list(),
                "y": part["proportion"].to_list(),
                "mode": "markers+text",
                "text": texts,
                "textposition": "top center",
                **({"textfont": {"color": "#000000", "size": 14}} if stands_out else {}),
                "name": name,
                "marker": {"size": 14 if stands_out else 10, "color": colour, "symbol": symbol},
                "customdata": [
                    [names.get(code, code), fmt_pct(p), fmt_int(n)]
                    for code, p, n in part.select(
                        "region_code", "proportion", "denominator"
                    ).iter_rows()
                ],
                "hovertemplate": "%{customdata[0]}<br>%{customdata[1]} van %{customdata[2]}"
                "<extra></extra>",
            }
        )
    spec = charts.layout(
        f"Trechter: {label}",
        f"{subtitle} · {_method_text(full, overdispersion)}",
        label,
        percent=True,
    )
    spec["hovermode"] = "closest"
    spec["xaxis"].update(title={"text": "Noemer (aantal)"}, tickformat=",")
    # Zoom to the regions and their limits: the curves' extremes at tiny denominators would
    # squeeze every region into a thin band.
    shown = [
        v
        for column in ("proportion", "lower_998", "upper_998")
        if column in points.columns
        for v in points[column].to_list()
        if v is not None
    ] or [0.0, 1.0]
    margin = max(0.02, (max(shown) - min(shown)) * 0.15)
    spec["yaxis"]["range"] = [max(0.0, min(shown) - margin), min(1.0, max(shown) + margin)]
    # Built from dicts and validated once: each add_trace or update_* call validates again.
    return charts.figure(traces, spec)


def rates_figure(table: PublishedTable, *, subtitle: str) -> go.Figure:
    """Rates per 1,000 minors with their intervals as horizontal error bars, highest on top."""
    names = table.region_names
    flemish = pooled_rate(table.values.filter(pl.col("events").is_not_null()), per=1000.0)
    rated = table.values.filter(pl.col("visible") & pl.col("rate").is_not_null()).sort(
        "rate", maintain_order=True
    )
    labels = [names.get(c, c) for c in rated["region_code"].to_list()]
    own = table.highlight
    rate = rated["rate"].to_list()
    trace = {
        "type": "scatter",
        "x": rate,
        "y": labels,
        "mode": "markers",
        "name": "Per 1.000 min-18 per jaar",
        "marker": {
            "size": 9,
            "color": [charts.own_colour(c, own, GREY) for c in rated["region_code"]],
        },
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": [u - r for u, r in zip(rated["upper"].to_list(), rate, strict=True)],
            "arrayminus": [r - lo for lo, r in zip(rated["lower"].to_list(), rate, strict=True)],
            "color": GREY if own else charts.HIGHLIGHT[0],
        },
        "customdata": [
            [fmt_dec(r, 2), fmt_dec(lo, 2), fmt_dec(u, 2)]
            for r, lo, u in rated.select("rate", "lower", "upper").iter_rows()
        ],
        "hovertemplate": "%{y}: %{customdata[0]} (95%: %{customdata[1]} – %{customdata[2]})"
        "<extra></extra>",
    }
    spec = charts.layout("Aanmeldingen per 1.000 minderjarigen per jaar", subtitle, "")
    spec.update(hovermode="closest", height=max(420, 28 * len(labels) + 120))
    if flemish is not None:  # the Flemish rate as a dashed vertical line, named at its top
        spec["shapes"] = [
            {
                "type": "line",
                "x0": flemish,
                "x1": flemish,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"color": "#000000", "dash": "dash"},
            }
        ]
        spec["annotations"] = [
            {
                "text": f"Vlaanderen {fmt_dec(flemish, 2)}",
                "showarrow": False,
                "x": flemish,
                "xref": "x",
                "xanchor": "left",
                "y": 1,
                "yref": "y domain",
                "yanchor": "top",
            }
        ]
    spec["xaxis"].update(
        title={"text": "Per 1.000 inwoners jonger dan 18, per jaar"},
        tickformat=",",
        rangemode="tozero",
    )
    bold = [
        f"<b>{n}</b>" if c in own else n
        for c, n in zip(rated["region_code"].to_list(), labels, strict=True)
    ]
    spec["yaxis"].update(tickformat="", tickmode="array", tickvals=labels, ticktext=bold)
    return charts.figure([trace], spec)


def multiples_figure(table: PublishedTable, *, subtitle: str) -> go.Figure:
    """One small panel per region with its monthly intakes, all on one shared time axis."""
    series, names = table.values, table.region_names
    codes = sorted(
        series["region_code"].unique().to_list(),
        key=lambda c: (c == UNASSIGNED_REGION, names.get(c, c)),
    )
    columns = 4
    rows = math.ceil(len(codes) / columns)
    spec = json.loads(_grid(rows, columns, len(codes)))
    for annotation, code in zip(spec["annotations"], codes, strict=True):
        own = code in table.highlight
        annotation["text"] = f"<b>{names.get(code, code)}</b>" if own else names.get(code, code)
        annotation["font"] = {"size": 11}
    # A panel is a quarter of the chart wide: four month labels fit without colliding.
    ticks = charts.month_ticks(series["month"].to_list(), most=4)
    for name, axis in spec.items():
        if name.startswith("yaxis"):
            axis.update(tickformat=",", rangemode="tozero")
        elif name.startswith("xaxis"):
            axis.update(ticks)
    spec.update(
        title={"text": f"Aanmeldingen per maand, per regio<br><sup>{subtitle}</sup>"},
        separators=",.",
        height=max(360, 170 * rows + 90),
        margin={"l": 40, "r": 20, "t": 90, "b": 40},
    )
    traces = []
    by_region = series.sort("month").partition_by("region_code", as_dict=True)
    for index, code in enumerate(codes):
        part = by_region[(code,)]
        axis = "" if index == 0 else str(index + 1)
        traces.append(
            {
                "type": "scatter",
                "x": part["month"].to_list(),
                "y": part["intakes"].to_list(),
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "mode": "lines",
                "name": names.get(code, code),
                "line": {
                    "color": charts.own_colour(code, table.highlight, GREY),
                    "width": 2.5 if code in table.highlight else 1.5,
                },
                "showlegend": False,
                "hovertemplate": "%{x|%m/%Y}: %{y}<extra>" + names.get(code, code) + "</extra>",
            }
        )
    # One figure built from dicts is validated once (16 add_trace and update calls on a
    # make_subplots figure cost ≈ 0,15 s).
    return charts.figure(traces, spec)


@functools.lru_cache(maxsize=16)
def _grid(rows: int, columns: int, panels: int) -> str:
    """The layout of make_subplots' grid with one shared time axis and a title per panel, as
    JSON (a fresh copy for each figure)."""
    grid = make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes="all",
        subplot_titles=[" "] * panels,
        vertical_spacing=min(0.08, 0.9 / max(rows, 1) / 3),
    ).layout.to_plotly_json()
    grid.pop("template", None)
    return json.dumps(grid)


def map_figure(
    table: PublishedTable, *, layout: pl.DataFrame, label: str, subtitle: str
) -> go.Figure:
    """Flanders and Brussels by ELZ, each zone coloured by its region's published proportion
    (null: hidden or no data, in grey). Every one of the 57 ELZ is one location."""
    names = {code: name.removesuffix(FAILING_MARK) for code, name in table.region_names.items()}
    values = table.values.select("region_code", pl.col("proportion").alias("value"))
    zones = layout.join(values, on="region_code", how="left")
    traces: list[dict[str, Any]] = []
    valued = zones.filter(pl.col("value").is_not_null())
    if not valued.is_empty():
        traces.append(
            {
                "type": "choropleth",
                "geojson": geo.elz_shapes(only=valued["elz_code"].to_list()),
                "featureidkey": geo.FEATURE_ID_KEY,
                "locations": valued["elz_code"].to_list(),
                "z": valued["value"].to_list(),
                "colorscale": "Blues",
                "marker": {"line": {"color": "#FFFFFF", "width": 0.5}},
                "colorbar": {"title": {"text": ""}, "tickformat": ".0%"},
                "customdata": [
                    [zone, names.get(region, region), fmt_pct(value)]
                    for zone, region, value in valued.select(
                        "elz_name", "region_code", "value"
                    ).iter_rows()
                ],
                "hovertemplate": "<b>%{customdata[1]}</b><br>ELZ %{customdata[0]}<br>"
                + label
                + ": %{customdata[2]}<extra></extra>",
                "name": label,
            }
        )
    empty = zones.filter(pl.col("value").is_null())
    if not empty.is_empty():
        traces.append(
            {
                "type": "choropleth",
                "geojson": geo.elz_shapes(only=empty["elz_code"].to_list()),
                "featureidkey": geo.FEATURE_ID_KEY,
                "locations": empty["elz_code"].to_list(),
                "z": [0] * empty.height,
                "colorscale": [[0, "#D9D9D9"], [1, "#D9D9D9"]],
                "showscale": False,
                "marker": {"line": {"color": "#FFFFFF", "width": 0.5}},
                "customdata": [
                    [zone, names.get(region, region) if region else "geen netwerk"]
                    for zone, region in empty.select("elz_name", "region_code").iter_rows()
                ],
                "hovertemplate": "<b>%{customdata[1]}</b><br>ELZ %{customdata[0]}<br>"
                "geen gegevens<extra></extra>",
                "name": "Geen gegevens",
            }
        )
    # An SVG map without a base map (plotly's geo, not MapLibre's WebGL): drawn in ≈ 30 ms where
    # WebGL without a GPU takes 0,3–0,6 s. Plotly still asks for its world outline; it gets
    # an empty one from the app (charts.BLANK_TOPOJSON_URL), never plotly's CDN.
    west, east, south, north = geo.elz_extent()
    spec = {
        "geo": {
            "visible": False,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": [west, east]},
            "lataxis": {"range": [south, north]},
        },
        "title": {"text": f"{label} per eerstelijnszone<br><sup>{subtitle}</sup>"},
        "separators": ",.",
        "height": 520,
        "margin": {"l": 0, "r": 0, "t": 70, "b": 0},
    }
    return charts.figure(traces, spec)


def _rank_line(code: str, index: int, moved: bool, own: frozenset[str]) -> dict[str, object]:
    """The own region strong and the others grey, a moved one darker; without a region of
    one's own, each moved region in a colour."""
    if own:
        if code in own:
            return {"color": charts.HIGHLIGHT[0], "width": 3}
        return {"color": GREY if moved else charts.OTHER, "width": 1.5 if moved else 1.2}
    if moved:
        return {"color": charts.PALETTE[index % len(charts.PALETTE)], "width": 2.5}
    return {"color": charts.OTHER, "width": 1.2}


def ranks_figure(table: PublishedTable, *, subtitle: str) -> go.Figure:
    """A slope chart: each region's rank under the calendar-month rule and the 30-day rule."""
    comparison, names = table.values.filter(pl.col("visible")), table.region_names
    axis = [RULES["calendar_month"], RULES["30_days"]]
    ranked = comparison.filter(
        pl.col("rank_calendar_month").is_not_null() & pl.col("rank_30_days").is_not_null()
    )
    traces = []
    for index, row in enumerate(ranked.sort("rank_calendar_month").iter_rows(named=True)):
        name = names.get(row["region_code"], row["region_code"])
        moved = row["rank_calendar_month"] != row["rank_30_days"]
        traces.append(
            {
                "type": "scatter",
                "x": axis,
                "y": [row["rank_calendar_month"], row["rank_30_days"]],
                "mode": "lines+markers+text",
                "text": [f"<b>{name}</b>", f"<b>{name}</b>"]
                if row["region_code"] in table.highlight
                else [name, name],
                "textposition": ["middle left", "middle right"],
                "name": name,
                "showlegend": False,
                "line": _rank_line(row["region_code"], index, moved, table.highlight),
                "customdata": [
                    [fmt_pct(row["rate_calendar_month"])],
                    [fmt_pct(row["rate_30_days"])],
                ],
                "hovertemplate": name + ": rang %{y} (%{customdata[0]})<extra></extra>",
            }
        )
    spec = charts.layout("Rangorde onder beide regels", subtitle, "Rang (1 = hoogste)")
    spec.update(hovermode="closest", height=max(420, 26 * ranked.height + 120))
    last = ranked.select(pl.max_horizontal("rank_calendar_month", "rank_30_days").max()).item()
    spec["yaxis"].update(range=[float(last or 1) + 0.5, 0.5], tickformat="d", dtick=1)
    spec["xaxis"]["range"] = [-1.6, 2.6]
    return charts.figure(traces, spec)
