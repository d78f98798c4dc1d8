"""Tijdige opname: the within-one-month rate, days to first contact and overdue registrations."""

from __future__ import annotations

from typing import Final

import plotly.graph_objects as go
import polars as pl

from indicators._sources import MONTHLY_COUNTS, combined_source, share, sum_or_null
from indicators.periods import quarter_code, truncate_to_quarter
from indicators.response_time import (
    STATUSES,
    Rule,
    days_distribution,
    days_to_first_contact,
    open_past_deadline,
    rule_comparison,
    timeliness_by_region_month,
)
from reports import charts
from reports.inputs import Inputs
from reports.selection import Selection
from reports.tables import Column, Table
from reports.views import (
    View,
    all_aggregates,
    basis_note,
    disclosed,
    disclosure_notes,
    per_month,
    quality_notes,
    selected,
    source_notes,
    unknown_where_unsupported,
)

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

COMPARISON_NOTE: Final = (
    "Dezelfde aanmeldingen onder beide regels naast elkaar: percentage binnen de termijn en "
    "rangorde (1 = hoogste). Alleen bronnen met dossiers; maandtotalen kennen één regel."
)

OVERDUE_NOTE: Final = (
    "Aanmeldingen zonder eerste contact en niet afgesloten waarvan de termijn verstreken is, "
    "ongeacht de gekozen periode. De lijst toont alleen de regio's die u in detail mag zien."
)

_COUNTS = list(STATUSES)
_COLUMNS = ["region_code", "period", "period_start", *_COUNTS, "rate", "source"]


@per_month
def monthly_timeliness(inputs: Inputs, rule: Rule) -> pl.DataFrame:
    """region_code, month, tijdig, laat, vervallen, lopend, rate, source under `rule`; unknown
    (null) counts in region-months whose source does not record first contacts."""
    monthly = timeliness_by_region_month(
        inputs.registrations, all_aggregates(inputs), inputs.today, rule
    )
    return unknown_where_unsupported(
        monthly, inputs.registrations, "response_time", [*_COUNTS, "rate"]
    )


def timeliness_per_period(inputs: Inputs, selection: Selection, rule: Rule) -> pl.DataFrame:
    """region_code, period, period_start, tijdig, laat, vervallen, lopend, rate, source.

    Region-months whose source does not record first contacts show unknown counts (null),
    never zeros; monthly counts only contribute under the calendar-month rule.
    """
    monthly = monthly_timeliness(inputs, selection, rule)
    if selection.granularity == "month":
        return monthly.with_columns(
            period=pl.col("month").dt.strftime("%Y-%m"), period_start=pl.col("month")
        ).select(_COLUMNS)
    return (
        monthly.group_by("region_code", quarter_code("month").alias("period"))
        .agg(
            truncate_to_quarter(pl.col("month").min()).alias("period_start"),
            *(sum_or_null(c) for c in _COUNTS),
            combined_source(),
        )
        .with_columns(rate=share(pl.col("tijdig"), pl.col("tijdig") + pl.col("laat")))
        .select(_COLUMNS)
        .sort("region_code", "period")
    )


def overdue_registrations(inputs: Inputs, selection: Selection, rule: Rule) -> pl.DataFrame:
    """source_record_id, region_code, received_date, deadline, days_overdue of the open
    aanmeldingen past their deadline in the selected regions (any received date) — only for
    regions in the reader's detail scope: a list of registrations is never shown outside it.

    Any received date: the list does not follow the period, so it is kept per set of regions
    for these inputs (at 5M it was half of a filter change on this page).
    """
    regions = tuple(sorted(set(selection.regions)))

    def compute() -> pl.DataFrame:
        registrations = inputs.registrations.filter(selection.in_regions() & ~inputs.protected())
        overdue = open_past_deadline(registrations, inputs.today, rule)
        return overdue.join(
            registrations.select("id", "source_record_id"),
            on="id",
            how="left",
            maintain_order="left",
        ).select("source_record_id", "region_code", "received_date", "deadline", "days_overdue")

    return inputs.remembered(("overdue_registrations", regions, rule), compute)


def _notes(inputs: Inputs, selection: Selection, per_period: pl.DataFrame, rule: Rule) -> list[str]:
    names = inputs.region_names()
    notes = [
        basis_note(inputs),
        f"Regel: {RULES[rule].lower()}. Tijdig: eerste contact uiterlijk op de termijn. Laat: "
        "later of nog geen contact na de termijn. Vervallen (cliënt haakt af, vraag weggevallen) "
        "en lopend (termijn nog niet voorbij) tellen niet mee in het percentage.",
        *source_notes(per_period, inputs, "vervallen en lopend"),
    ]
    if rule == "30_days":
        counted = monthly_timeliness(inputs, selection, "calendar_month").filter(
            pl.col("source") == MONTHLY_COUNTS
        )
        if not counted.is_empty():
            listed = ", ".join(names.get(c, c) for c in counted["region_code"].unique().sort())
            notes.append(
                f"{listed}: maanden met alleen {MONTHLY_COUNTS} ontbreken onder de 30-dagenregel; "
                "die bronnen rapporteren 'binnen de maand' alleen volgens de kalendermaand."
            )
    if per_period.filter(pl.col("source") == "gemengd").height:
        notes.append(
            "Gemengde periodes: vervallen en lopend tellen alleen de maanden met dossiers."
        )
    return notes


# The rate and rank of every region under both rules, side by side (also on Regio's vergelijken).
RULE_COMPARISON_COLUMNS = (
    Column("region_code", "Regio", "region"),
    Column("n_calendar_month", "Beoordeeld (kalendermaand)", "int"),
    Column("rate_calendar_month", RATE_LABELS["calendar_month"], "pct"),
    Column("rank_calendar_month", "Rang (kalendermaand)", "int"),
    Column("n_30_days", "Beoordeeld (30 dagen)", "int"),
    Column("rate_30_days", RATE_LABELS["30_days"], "pct"),
    Column("rank_30_days", "Rang (30 dagen)", "int"),
    Column("difference", "Verschil (procentpunt)", "dec1"),
)


def response_time_view(inputs: Inputs, selection: Selection, rule: Rule = "calendar_month") -> View:
    """Timeliness per region and period under `rule`, days to first contact, the open
    registrations past their deadline, and the rate under both rules side by side."""
    names = inputs.region_names()
    unit = "maand" if selection.granularity == "month" else "kwartaal"
    rate_label = RATE_LABELS[rule]
    per_period = disclosed(
        timeliness_per_period(inputs, selection, rule).with_columns(
            _assessed=pl.col("tijdig") + pl.col("laat")
        ),
        inputs,
        counts=list(_COUNTS),
        rates={"rate": "_assessed"},
        complement_by=(("period",), ("region_code",)),
    )
    notes = _notes(inputs, selection, per_period, rule) + disclosure_notes(inputs)
    notes += quality_notes(inputs, per_period["region_code"])
    table = Table(
        per_period,
        (
            Column("region_code", "Regio", "region"),
            Column("period", "Periode", "period"),
            Column("tijdig", "Tijdig", "int"),
            Column("laat", "Laat", "int"),
            Column("vervallen", "Vervallen", "int"),
            Column("lopend", "Lopend", "int"),
            Column("rate", rate_label, "pct"),
            Column("source", "Bron"),
        ),
        title=f"Tijdige opname per regio en {unit} ({RULES[rule].lower()})",
        notes=tuple(notes),
        region_names=names,
    )
    registrations = selected(inputs.registrations, selection)
    days = disclosed(
        days_to_first_contact(registrations),
        inputs,
        counts=["contacts"],
        rates={"median_days": "contacts", "p90_days": "contacts"},
    )
    days_table = Table(
        days,
        (
            Column("region_code", "Regio", "region"),
            Column("contacts", "Aanmeldingen met contact", "int"),
            Column("median_days", "Mediaan (dagen)", "dec1"),
            Column("p90_days", "90e percentiel (dagen)", "dec1"),
        ),
        title="Dagen tot eerste contact",
        notes=(
            basis_note(inputs),
            "Dagen van aanmelding tot eerste contact, los van de regel; alleen bronnen met "
            "dossiers.",
        ),
        region_names=names,
    )
    comparison = disclosed(
        rule_comparison(registrations, inputs.today).with_columns(
            difference=pl.col("difference") * 100
        ),
        inputs,
        counts=[],
        rates={
            "rate_calendar_month": "n_calendar_month",
            "rate_30_days": "n_30_days",
            "difference": "n_30_days",
        },
    )
    comparison_table = Table(
        comparison,
        RULE_COMPARISON_COLUMNS,
        title="Kalendermaand of 30 dagen",
        notes=(COMPARISON_NOTE, basis_note(inputs)),
        region_names=names,
    )
    overdue_table = Table(
        overdue_registrations(inputs, selection, rule),
        (
            Column("source_record_id", "Dossiernummer"),
            Column("region_code", "Regio", "region"),
            Column("received_date", "Aangemeld op", "date"),
            Column("deadline", "Termijn", "date"),
            Column("days_overdue", "Dagen over termijn", "int"),
        ),
        title=f"Openstaand na de termijn ({RULES[rule].lower()})",
        notes=(OVERDUE_NOTE, f"Stand op {inputs.today:%d/%m/%Y}.", basis_note(inputs)),
        region_names=names,
    )
    figures = _figures(per_period, registrations, selection, rule, names, inputs.protected())
    tables = {"days": days_table, "comparison": comparison_table, "overdue": overdue_table}
    return View(table, figures, tables, tuple(notes))


def _figures(
    per_period: pl.DataFrame,
    registrations: pl.DataFrame,
    selection: Selection,
    rule: Rule,
    names: dict[str, str],
    protected: pl.Expr,
) -> dict[str, go.Figure]:
    """The rate over time per region under `rule`, and the days to first contact per region."""
    unit = "maand" if selection.granularity == "month" else "kwartaal"
    subtitle = f"{selection.period_label()} · {selection.basis_label}"
    figures = {}
    rated = per_period.filter(pl.col("rate").is_not_null())
    if not rated.is_empty():
        figures["rate"] = charts.lines(
            rated,
            x="period_start",
            y="rate",
            series="region_code",
            title=f"Tijdige opname per {unit}",
            subtitle=f"{subtitle} · regel: {RULES[rule].lower()}",
            y_title=RATE_LABELS[rule].removesuffix(" (%)"),
            names=names,
            percent=True,
        )
    # Shares of tiny groups reveal counts: outside the reader's own regions only regions with
    # at least 10 contacts get a distribution bar.
    distribution = days_distribution(registrations).filter(
        ~protected | (pl.col("registrations").sum().over("region_code") >= 10)
    )
    if not distribution.is_empty():
        figures["days"] = charts.bars(
            distribution.with_columns(
                share=share(
                    pl.col("registrations"), pl.col("registrations").sum().over("region_code")
                )
            ),
            x="region_code",
            y="share",
            color="label",
            labels={label: f"{label} dagen" for label in distribution["label"].unique()},
            title="Dagen tot eerste contact",
            subtitle=subtitle,
            y_title="Aandeel van de aanmeldingen met contact",
            names=names,
            percent=True,
            horizontal=True,
        )
    return figures
