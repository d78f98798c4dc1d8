"""Tijdige opname: the within-one-month rate, days to first contact and overdue registrations."""

from __future__ import annotations

from functools import partial
from itertools import pairwise
from typing import Final

import plotly.graph_objects as go
import polars as pl

from data_access.access.perturbation import noise_of, summed
from indicators._sources import MONTHLY_COUNTS, combined_source
from indicators.formatting import period_label
from indicators.periods import quarter_code, truncate_to_quarter
from indicators.response_time import (
    DAY_BIN_EDGES,
    STATUSES,
    Rule,
    final_on,
    open_past_deadline,
    provisional,
    quantiles_of_counts,
)
from reports import charts
from reports.choices import RATE_LABELS, RULES
from reports.inputs import Inputs
from reports.publish.boundary import PROVISIONAL, PublishedTable
from reports.publish.cells import (
    Count,
    Flag,
    Histogram,
    Measure,
    Quantile,
    Rate,
    Share,
    Text,
)
from reports.publish.spec import ChartSpec, Paragraph, Section, TableSpec, View
from reports.selection import Selection
from reports.series.timeliness import (
    MAX_DAYS,
    exact_contact_days,
    monthly_contact_days,
    monthly_contacts,
    monthly_timeliness,
)
from reports.views.common import (
    PERIOD,
    REGION,
    SOURCE,
    absent_note,
    basis_note,
    comparison_table,
    quality_notes,
    source_notes,
    subtitle,
    undelivered_note,
    unit,
    with_undelivered,
)

COMPARISON_NOTE: Final = (
    "Dezelfde aanmeldingen onder beide regels naast elkaar: percentage binnen de termijn en "
    "rangorde (1 = hoogste). Alleen bronnen met dossiers; maandtotalen kennen één regel."
)

OVERDUE_NOTE: Final = (
    "Aanmeldingen zonder eerste contact en niet afgesloten waarvan de termijn verstreken is, "
    "ongeacht de gekozen periode. De lijst toont alleen de regio's die je in detail mag zien."
)

_STATUS_COLUMNS = [c for s in STATUSES for c in (s, noise_of(s))]


def timeliness_per_period(inputs: Inputs, selection: Selection, rule: Rule) -> pl.DataFrame:
    """region_code, period, period_start, tijdig, laat, vervallen, lopend (with
    perturbations), source, provisional per region and selected month or quarter."""
    monthly = with_undelivered(
        monthly_timeliness(inputs, selection, rule),
        inputs,
        selection,
        STATUSES,
        {"provisional": provisional(pl.col("month"), inputs.today, rule)},
    )
    if selection.granularity == "month":
        return monthly.with_columns(
            period=pl.col("month").dt.strftime("%Y-%m"), period_start=pl.col("month")
        )
    return (
        monthly.group_by("region_code", quarter_code("month").alias("period"))
        .agg(
            truncate_to_quarter(pl.col("month").min()).alias("period_start"),
            *summed(*STATUSES),
            combined_source(),
            # A quarter with one provisional month is provisional.
            pl.col("provisional").any(),
        )
        .sort("region_code", "period")
    )


def days_per_region(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region over the selected period: contacts (with perturbation), the exact median and
    90th percentile of the days to first contact, and the histogram of days (a list per day,
    with perturbations) from which they are published outside the reader's detail."""
    contacts = (
        monthly_contacts(inputs, selection)
        .filter(selection.in_regions())
        .group_by("region_code")
        .agg(*summed("contacts"))
    )
    days = monthly_contact_days(inputs, selection).filter(selection.in_regions())
    grid = pl.DataFrame({"day": list(range(MAX_DAYS + 1))}, schema={"day": pl.Int64})
    histogram = (
        days.group_by("region_code", "day")
        .agg(*summed("n"))
        .pipe(_on_grid, grid)
        .group_by("region_code")
        .agg(pl.col("n").alias("days"), pl.col(noise_of("n")).alias(noise_of("days")))
    )
    exact = quantiles_of_counts(
        exact_contact_days(inputs).filter(selection.in_period("month") & selection.in_regions())
    ).drop("contacts")
    return (
        contacts.join(exact, on="region_code", how="left")
        .join(histogram, on="region_code", how="left")
        .sort("region_code")
    )


def _on_grid(frame: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Every region on every day (0 where none), in day order."""
    regions = frame.select("region_code").unique()
    return (
        regions.join(grid, how="cross")
        .join(frame, on=["region_code", "day"], how="left")
        .with_columns(pl.col("n", noise_of("n")).fill_null(0))
        .sort("region_code", "day")
    )


def day_bins(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region and bin of days to first contact ("0–7", …, "91+"): registrations with
    perturbation, every bin present for a region with contacts."""
    edges = DAY_BIN_EDGES
    labels = [f"{low}–{high - 1}" for low, high in pairwise(edges)] + [f"{edges[-1]}+"]
    days = monthly_contact_days(inputs, selection).filter(selection.in_regions())
    binned = days.with_columns(
        bin=pl.sum_horizontal(*((pl.col("day") >= edge).cast(pl.Int64) for edge in edges)) - 1
    )
    counts = binned.group_by("region_code", "bin").agg(
        pl.col("n").sum().alias("registrations"),
        pl.col(noise_of("n")).sum().alias(noise_of("registrations")),
    )
    bins = pl.DataFrame({"bin": list(range(len(edges))), "label": labels})
    return (
        binned.select("region_code")
        .unique()
        .join(bins, how="cross")
        .join(counts, on=["region_code", "bin"], how="left")
        .with_columns(pl.col("registrations", noise_of("registrations")).fill_null(0))
        .sort("region_code", "bin")
    )


def overdue_registrations(inputs: Inputs, selection: Selection, rule: Rule) -> pl.DataFrame:
    """source_record_id, region_code, received_date, deadline, days_overdue of the open
    aanmeldingen past their deadline in the selected regions (any received date), of the
    reader's detail regions only (a list of registrations is never shown outside it). Kept per
    set of regions: the list does not follow the period."""
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
        *undelivered_note(per_period, inputs),
        *absent_note(per_period, inputs, selection),
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
    notes += provisional_notes(per_period, rule)
    return notes


def provisional_notes(per_period: pl.DataFrame, rule: Rule) -> list[str]:
    """Which periods are provisional and from when they are final, so that a high rate is read
    for what it is."""
    marked = per_period.filter(pl.col("provisional").fill_null(False))
    if marked.is_empty():
        return []
    listed = ", ".join(
        f"{period_label(period)} (definitief vanaf {final_on(last, rule):%d/%m/%Y})"
        for period, last in marked.group_by("period")
        .agg(pl.col("period_start").max())
        .with_columns(
            # The period's last month: a quarter ends two months after its first.
            pl.when(pl.col("period").str.contains("Q"))
            .then(pl.col("period_start").dt.offset_by("2mo"))
            .otherwise(pl.col("period_start"))
        )
        .sort("period")
        .iter_rows()
    )
    return [
        f"{PROVISIONAL.capitalize()}: {listed}. De termijn van één maand loopt nog voor een "
        "deel van die aanmeldingen: wie nog geen contact had, telt als lopend en niet als laat, "
        "dus het percentage ligt nog te hoog. Kerncijfers en vergelijkingen laten die maanden "
        "weg."
    ]


def rate_over_time(table: PublishedTable, **line: object) -> go.Figure | None:
    """The rate per region and period (charts.line_chart), each provisional period's point
    marked with an open ring that the chart's legend names; none when no rate is shown."""
    fig = charts.line_chart(table, **line)  # type: ignore[arg-type]
    if fig is None:
        return None
    marked = table.values.filter(pl.col("provisional") & pl.col("rate").is_not_null())
    if not marked.is_empty():
        fig.add_trace(
            go.Scatter(
                x=marked["period_start"].to_list(),
                y=marked["rate"].to_list(),
                mode="markers",
                name=f"{PROVISIONAL.capitalize()}: termijn loopt nog, percentage te hoog",
                marker={"symbol": "circle-open", "size": 16, "color": "#000000"},
                hoverinfo="skip",
            )
        )
    return fig


def response_time_view(inputs: Inputs, selection: Selection, rule: Rule = "calendar_month") -> View:
    """Timeliness per region and period under `rule`, days to first contact, the open
    registrations past their deadline, and the rate under both rules side by side."""
    names = inputs.region_names()
    per = unit(selection)
    per_period = timeliness_per_period(inputs, selection, rule)
    notes = _notes(inputs, selection, per_period, rule)
    notes += quality_notes(inputs, per_period["region_code"])
    table = TableSpec(
        per_period,
        (
            REGION,
            PERIOD,
            Count("tijdig", "Tijdig"),
            Count("laat", "Laat"),
            Count("vervallen", "Vervallen"),
            Count("lopend", "Lopend"),
            Rate("rate", RATE_LABELS[rule], numerator=("tijdig",), denominator=("tijdig", "laat")),
            Flag("provisional", "Status", symbol=PROVISIONAL),
            SOURCE,
        ),
        title=f"Tijdige opname per regio en {per} ({RULES[rule].lower()})",
        notes=tuple(notes),
        region_names=names,
        inputs=(Text("period_start", "Begin"),),
        name="tijdige-opname",
    )
    days = TableSpec(
        days_per_region(inputs, selection),
        (
            REGION,
            Count("contacts", "Aanmeldingen met contact"),
            Quantile("median_days", "Mediaan (dagen)", histogram="days", q=0.5),
            Quantile("p90_days", "90e percentiel (dagen)", histogram="days", q=0.9),
        ),
        title="Dagen tot eerste contact",
        notes=(
            basis_note(inputs),
            "Dagen van aanmelding tot eerste contact, los van de regel; alleen bronnen met "
            "dossiers.",
            *(
                [
                    f"De periode telt {PROVISIONAL}e maanden: daarvan zijn alleen de contacten "
                    "tot nu gekend, vooral de snelle, dus mediaan en 90e percentiel liggen lager "
                    "dan ze zullen uitkomen."
                ]
                if per_period["provisional"].any()
                else []
            ),
        ),
        region_names=names,
        inputs=(Histogram("days", "Dagen"),),
        name="dagen-tot-eerste-contact",
    )
    bins = TableSpec(
        day_bins(inputs, selection),
        (
            REGION,
            Text("label", "Dagen tot eerste contact"),
            Count("registrations", "Aanmeldingen"),
            Share("share", "Aandeel", count="registrations", within=("region_code",)),
        ),
        title="Dagen tot eerste contact, verdeling",
        notes=(basis_note(inputs),),
        region_names=names,
        name="dagen-tot-eerste-contact-verdeling",
    )
    overdue = TableSpec(
        overdue_registrations(inputs, selection, rule),
        (
            Text("source_record_id", "Dossiernummer"),
            REGION,
            Text("received_date", "Aangemeld op", "date"),
            Text("deadline", "Termijn", "date"),
            Measure("days_overdue", "Dagen over termijn", "int"),
        ),
        title=f"Openstaand na de termijn ({RULES[rule].lower()})",
        notes=(OVERDUE_NOTE, f"Stand op {inputs.today:%d/%m/%Y}.", basis_note(inputs)),
        region_names=names,
        records=True,
        name="openstaand-na-de-termijn",
    )
    over_time = subtitle(selection)
    labels = {label: f"{label} dagen" for label in bins.frame["label"].unique().to_list()}
    return View(
        "Tijdige opname",
        (
            Section(
                "Tijdige opname per regio",
                (
                    ChartSpec(
                        table,
                        partial(
                            rate_over_time,
                            x="period_start",
                            y="rate",
                            series="region_code",
                            title=f"Tijdige opname per {per}",
                            subtitle=f"{over_time} · regel: {RULES[rule].lower()}",
                            y_title=RATE_LABELS[rule].removesuffix(" (%)"),
                            percent=True,
                        ),
                        "Tijdige opname",
                        show_table=False,
                    ),
                    table,
                ),
            ),
            Section(
                "Kalendermaand of 30 dagen",
                (
                    Paragraph(COMPARISON_NOTE),
                    comparison_table(
                        inputs, selection, "Kalendermaand of 30 dagen", COMPARISON_NOTE
                    ),
                ),
            ),
            Section(
                "Dagen tot eerste contact",
                (
                    ChartSpec(
                        bins,
                        partial(
                            charts.bar_chart,
                            x="region_code",
                            y="share",
                            color="label",
                            labels=labels,
                            title="Dagen tot eerste contact",
                            subtitle=over_time,
                            y_title="Aandeel van de aanmeldingen met contact",
                            percent=True,
                            horizontal=True,
                        ),
                        "Dagen tot eerste contact",
                        show_table=False,
                    ),
                    days,
                ),
            ),
            Section("Openstaand na de termijn", (Paragraph(OVERDUE_NOTE), overdue)),
        ),
        notes=tuple(notes),
        main=table,
    )
