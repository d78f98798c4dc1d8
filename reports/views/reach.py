"""Bereik en trajecten: families reached against the target, trajectories, outflow and partners."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from data_access.reference.codes import CLOSURE_REASONS, PARTNER_SECTORS
from indicators._sources import MIXED, MONTHLY_COUNTS, ROWS, share
from indicators.partners import partners_by_sector
from indicators.reach import (
    FAMILIES_TARGET_PER_YEAR,
    SHORT_GUIDANCE_MONTHS,
    closure_reasons,
    families_reached,
    further_care_flow,
    ongoing_trajectories,
    short_guidance_within_limit,
    trajectories_by_year,
    trajectory_durations,
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
    months_without,
    per_year,
    quality_notes,
)

_KEYS = ["region_code", "year"]

# Labels of codes that are not in a code list but stand for a missing value.
_UNKNOWN = {"ONBEKEND": "Onbekend"}


def _region_years(inputs: Inputs) -> pl.DataFrame:
    """region_code, year, source for every region-year with data: "rijen" when every month came
    as rows that can show trajectories, "maandtotalen" when none did, else "gemengd"."""
    rows = inputs.registrations.filter(pl.col("received_date").is_not_null())
    row_months = rows.select(
        "region_code", pl.col("received_date").dt.truncate("1mo").alias("month")
    ).unique()
    # Row sources whose profile cannot show trajectories, and monthly counts (no rows at all).
    blind = [
        months_without(rows, "reach"),
        all_aggregates(inputs)
        .select("region_code", "month")
        .unique()
        .join(row_months, on=["region_code", "month"], how="anti"),
    ]
    without = pl.concat(blind).unique().with_columns(_blind=pl.lit(True))
    return (
        pl.concat([row_months, without.select("region_code", "month")])
        .unique()
        .join(without, on=["region_code", "month"], how="left")
        .group_by("region_code", pl.col("month").dt.year().cast(pl.Int32).alias("year"))
        .agg(pl.col("_blind").fill_null(False).alias("_blind"))
        .with_columns(
            source=pl.when(~pl.col("_blind").list.any())
            .then(pl.lit(ROWS))
            .when(pl.col("_blind").list.all())
            .then(pl.lit(MONTHLY_COUNTS))
            .otherwise(pl.lit(MIXED))
        )
        .drop("_blind")
    )


@per_year
def families_per_year(inputs: Inputs) -> pl.DataFrame:
    """indicators.reach.families_reached with every region-year that has data: 0 families when
    rows show none, null when its data cannot show trajectories (monthly counts). Columns as
    families_reached plus year_label and source."""
    known = _region_years(inputs)
    return (
        known.join(families_reached(inputs.registrations), on=_KEYS, how="full", coalesce=True)
        .with_columns(
            pl.when(pl.col("source") == MONTHLY_COUNTS)
            .then(None)
            .otherwise(pl.col(c).fill_null(0))
            .alias(c)
            for c in ("families", "trajectories_without_family")
        )
        .with_columns(
            pl.col("source").fill_null(ROWS),
            pl.lit(FAMILIES_TARGET_PER_YEAR, dtype=pl.Int64).alias("target"),
        )
        .with_columns(
            share(pl.col("families"), pl.col("target")).alias("share_of_target"),
            pl.col("year").cast(pl.String).alias("year_label"),
        )
        .sort(_KEYS)
    )


@per_year
def trajectories_per_year(inputs: Inputs) -> pl.DataFrame:
    """Per region and year: started, closed, median_days, short-guidance closed / within the
    limit / share (indicators.reach)."""
    registrations = inputs.registrations
    durations = trajectory_durations(registrations).drop("closed")
    short = short_guidance_within_limit(registrations).rename(
        {"closed": "short_closed", "within_limit": "short_within", "share": "short_share"}
    )
    return (
        trajectories_by_year(registrations)
        .join(durations, on=_KEYS, how="left")
        .join(short, on=_KEYS, how="left")
        .with_columns(pl.col("year").cast(pl.String).alias("year_label"))
        .sort(_KEYS)
    )


@per_year
def closures_per_year(inputs: Inputs) -> pl.DataFrame:
    """indicators.reach.closure_reasons with the reasons' and years' labels."""
    return closure_reasons(inputs.registrations).with_columns(
        pl.col("closure_reason")
        .replace_strict({**CLOSURE_REASONS, **_UNKNOWN}, default=pl.col("closure_reason"))
        .alias("reason_label"),
        pl.col("year").cast(pl.String).alias("year_label"),
    )


@per_year
def further_care_per_year(inputs: Inputs) -> pl.DataFrame:
    """indicators.reach.further_care_flow with the years' labels."""
    return further_care_flow(inputs.registrations).with_columns(
        pl.col("year").cast(pl.String).alias("year_label")
    )


def ongoing_on_today(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """indicators.reach.ongoing_trajectories on the inputs' today, for the selected regions
    (any period: what runs today)."""
    every_region = inputs.remembered(
        ("ongoing_trajectories", inputs.today),
        lambda: ongoing_trajectories(inputs.registrations, inputs.today),
    )
    return every_region.filter(selection.in_regions())


def reach_view(inputs: Inputs, selection: Selection) -> View:
    """Families reached per region and year against the target of 200, trajectories started,
    closed and ongoing, duration, closure reasons, further care and partners by sector."""
    names = inputs.region_names()
    years = selection.years
    shown_years = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    today = inputs.today.strftime("%d/%m/%Y")
    families = disclosed(
        families_per_year(inputs, selection),
        inputs,
        counts=["families"],
        derived={"share_of_target": "families"},
    )
    notes = [
        basis_note(inputs),
        f"Het doel is per kalenderjaar: deze pagina toont de hele jaren {shown_years} die de "
        "gekozen periode overlappen; een lopend jaar wordt met het volledige jaardoel vergeleken.",
        f"Bereikt gezin: een gezin met een gestart traject in het jaar (start = eerste contact, "
        f"anders aanmelding). Doel: {FAMILIES_TARGET_PER_YEAR} extra gezinnen per netwerk per "
        "jaar.",
        *_not_available_notes(families, names),
        *disclosure_notes(inputs),
    ]
    without_family = families["trajectories_without_family"].sum()
    if without_family:
        notes.append(
            "1 gestart traject zonder gezinsnummer telt niet als gezin mee."
            if without_family == 1
            else f"{without_family} gestarte trajecten zonder gezinsnummer tellen niet als "
            "gezin mee."
        )
    notes += quality_notes(inputs, families["region_code"])
    table = Table(
        families,
        (
            Column("region_code", "Regio", "region"),
            Column("year_label", "Jaar"),
            Column("families", "Gezinnen bereikt", "int"),
            Column("target", "Doel", "int"),
            Column("share_of_target", "Aandeel van doel", "pct"),
        ),
        title="Bereikte gezinnen per regio en jaar",
        notes=tuple(notes),
        region_names=names,
    )

    trajectories = disclosed(
        trajectories_per_year(inputs, selection),
        inputs,
        counts=["started", "closed", "short_closed", "short_within"],
        rates={"median_days": "closed"},
        derived={"short_share": "short_within"},
    )
    ongoing = disclosed(ongoing_on_today(inputs, selection), inputs, counts=["ongoing"])
    reasons = disclosed(
        closures_per_year(inputs, selection),
        inputs,
        counts=["closed"],
        derived={"share": "closed"},
        complement_by=(("region_code", "year_label"),),
    )
    flow = disclosed(
        further_care_per_year(inputs, selection),
        inputs,
        counts=["closed", "to_rtj", "to_nrtj"],
        derived={"share_rtj": "to_rtj", "share_nrtj": "to_nrtj"},
    )
    partners = inputs.partners.filter(
        pl.col("received_date").dt.year().is_in(years) & selection.in_regions()
    )
    sectors = partners_by_sector(partners, granularity="all").with_columns(
        pl.col("sector")
        .replace_strict({**PARTNER_SECTORS, **_UNKNOWN}, default=pl.col("sector"))
        .alias("sector_label")
    )
    rows_only = (
        basis_note(inputs),
        f"Hele jaren {shown_years}. Alleen bronnen met dossiers tonen trajecten; "
        f"{MONTHLY_COUNTS} hebben er geen (niet beschikbaar, niet 0).",
    )
    tables = {
        "trajectories": Table(
            trajectories,
            (
                Column("region_code", "Regio", "region"),
                Column("year_label", "Jaar"),
                Column("started", "Gestart", "int"),
                Column("closed", "Afgesloten", "int"),
                Column("median_days", "Mediane duur (dagen)", "int"),
                Column("short_closed", "Kortdurende begeleiding afgesloten", "int"),
                Column("short_within", f"Binnen {SHORT_GUIDANCE_MONTHS} maanden", "int"),
                Column("short_share", f"Aandeel binnen {SHORT_GUIDANCE_MONTHS} maanden", "pct"),
            ),
            title="Trajecten per regio en jaar",
            notes=(
                *rows_only,
                "Gestart telt per startjaar, afgesloten en duur per jaar van afsluiting. "
                f"Kortdurende begeleiding hoort binnen {SHORT_GUIDANCE_MONTHS} maanden na de "
                "start afgerond te zijn.",
            ),
            region_names=names,
        ),
        "ongoing": Table(
            ongoing,
            (
                Column("region_code", "Regio", "region"),
                Column("ongoing", f"Lopende trajecten op {today}", "int"),
            ),
            title=f"Lopende trajecten op {today}",
            notes=(basis_note(inputs), "Gestart en nog niet afgesloten op de referentiedatum."),
            region_names=names,
        ),
        "closure_reasons": Table(
            reasons,
            (
                Column("region_code", "Regio", "region"),
                Column("year_label", "Jaar"),
                Column("reason_label", "Reden van afsluiting"),
                Column("closed", "Afgesloten", "int"),
                Column("share", "Aandeel", "pct"),
            ),
            title="Redenen van afsluiting",
            notes=rows_only,
            region_names=names,
        ),
        "further_care": Table(
            flow,
            (
                Column("region_code", "Regio", "region"),
                Column("year_label", "Jaar"),
                Column("closed", "Afgesloten", "int"),
                Column("to_rtj", "Naar RTJ", "int"),
                Column("to_nrtj", "Naar NRTJ", "int"),
                Column("share_rtj", "Aandeel RTJ", "pct"),
                Column("share_nrtj", "Aandeel NRTJ", "pct"),
            ),
            title="Doorstroom naar verdere hulp (RTJ / NRTJ)",
            notes=(
                *rows_only,
                "RTJ: rechtstreeks toegankelijke jeugdhulp; NRTJ: niet-rechtstreeks toegankelijke "
                "jeugdhulp (via de intersectorale toegangspoort).",
            ),
            region_names=names,
        ),
        "partners": Table(
            sectors,
            (
                Column("region_code", "Regio", "region"),
                Column("sector_label", "Sector"),
                Column("partners", "Organisaties", "int"),
                Column("involvements", "Betrokkenheden", "int"),
            ),
            title="Betrokken organisaties per sector",
            notes=(
                basis_note(inputs),
                f"Aanmeldingen ontvangen in {shown_years}. Organisaties: verschillende "
                "partners; betrokkenheden: het aantal keer dat een partner bij een aanmelding "
                "betrokken was.",
            ),
            region_names=names,
        ),
    }

    subtitle = f"{shown_years} · {selection.basis_label}"
    figures: dict[str, go.Figure] = {}
    shown = families.filter(pl.col("families").is_not_null())
    if not shown.is_empty():
        figures["families"] = _with_target(
            charts.bars(
                shown.sort(_KEYS),
                x="region_code",
                y="families",
                color="year_label",
                title="Bereikte gezinnen per regio en jaar",
                subtitle=subtitle,
                y_title="Gezinnen",
                names=names,
                stacked=False,
            )
        )
    if not trajectories.is_empty():
        figures["trajectories"] = _trajectory_bars(trajectories, ongoing, today, subtitle, names)
    if not reasons.is_empty():
        over_years = (
            reasons.group_by("region_code", "closure_reason")
            .agg(pl.col("closed").sum())
            .with_columns(share=pl.col("closed") / pl.col("closed").sum().over("region_code"))
            .sort("region_code", "closure_reason")
        )
        figures["closure_reasons"] = charts.bars(
            over_years,
            x="region_code",
            y="share",
            color="closure_reason",
            title="Redenen van afsluiting",
            subtitle=subtitle,
            y_title="Aandeel",
            names=names,
            labels={**CLOSURE_REASONS, **_UNKNOWN},
            percent=True,
            horizontal=True,
        )
    if not sectors.is_empty():
        figures["partners"] = charts.bars(
            sectors.sort("region_code", "sector"),
            x="region_code",
            y="partners",
            color="sector",
            title="Betrokken organisaties per sector",
            subtitle=subtitle,
            y_title="Organisaties",
            names=names,
            labels={**PARTNER_SECTORS, **_UNKNOWN},
            horizontal=True,
        )
    return View(table, figures, tables, tuple(notes))


def _not_available_notes(families: pl.DataFrame, names: dict[str, str]) -> list[str]:
    """Say which region-years have no (or only partly) trajectories, never showing them as 0."""
    notes = []
    for source, text in (
        (MONTHLY_COUNTS, "alleen maandtotalen, zonder trajecten: bereik niet beschikbaar ('–')"),
        (MIXED, "deels maandtotalen: bereik telt alleen de maanden met dossiers"),
    ):
        part = families.filter(pl.col("source") == source)
        if part.height:
            listed = ", ".join(f"{names.get(r, r)} {y}" for r, y in part.select(_KEYS).iter_rows())
            notes.append(f"{listed}: {text}.")
    return notes


def _with_target(fig: go.Figure) -> go.Figure:
    """A dashed line at the yearly target of families per network."""
    fig.add_hline(
        y=FAMILIES_TARGET_PER_YEAR,
        line_dash="dash",
        line_color="#000000",
        annotation_text=f"Doel: {FAMILIES_TARGET_PER_YEAR} gezinnen per jaar",
        annotation_position="top left",
    )
    return fig


def _trajectory_bars(
    trajectories: pl.DataFrame,
    ongoing: pl.DataFrame,
    today: str,
    subtitle: str,
    names: dict[str, str],
) -> go.Figure:
    """Grouped bars per region: started and closed in the shown years, ongoing today."""
    totals = (
        trajectories.group_by("region_code")
        .agg(pl.col("started").sum(), pl.col("closed").sum())
        .join(ongoing, on="region_code", how="left")
        .with_columns(pl.col("ongoing").fill_null(0))
        .sort("region_code")
    )
    regions = [names.get(c, c) for c in totals["region_code"].to_list()]
    fig = go.Figure(
        [
            go.Bar(x=regions, y=totals[column].to_list(), name=label, marker_color=colour)
            for column, label, colour in (
                ("started", "Gestart", charts.PALETTE[0]),
                ("closed", "Afgesloten", charts.PALETTE[1]),
                ("ongoing", f"Lopend op {today}", charts.PALETTE[2]),
            )
        ]
    )
    fig.update_layout(
        barmode="group",
        title={"text": f"Trajecten per regio<br><sup>{subtitle}</sup>"},
        separators=",.",  # decimal comma, thousands dot (nl-BE)
        legend_title_text="",
        margin={"l": 40, "r": 20, "t": 70, "b": 40},
        height=420,
    )
    fig.update_yaxes(title_text="Trajecten", tickformat=",")
    return fig
