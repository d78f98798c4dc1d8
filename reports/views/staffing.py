"""Personeelsinzet: FTE by function per region and quarter, per inhabitant, per intake, and 2020."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Final

import plotly.graph_objects as go
import polars as pl

from data_access.reference.codes import STAFFING_FUNCTIONS
from indicators.formatting import fmt_dec, quarter_label
from indicators.periods import quarter_bounds, quarter_of
from indicators.staffing import fte_by_function, fte_per_inhabitants
from indicators.staffing import intakes_per_fte as per_fte
from reports import charts
from reports.inputs import Inputs
from reports.selection import Selection
from reports.tables import Column, Table
from reports.views import View, basis_note, quality_notes
from reports.views.intakes import monthly_intake_rates

# The total the 2020 evaluation states for the first 15 networks (domain/000, "Personeelsinzet");
# the listed network totals sum to less (data_access/reference/README.md, "Sum check").
STATED_TOTAL_2020: Final = 208.79


def selected_quarters(selection: Selection) -> tuple[date, date]:
    """The first and last day of the whole quarters overlapping the selected period."""
    return quarter_bounds(quarter_of(selection.start))[0], quarter_bounds(
        quarter_of(selection.end)
    )[1]


def staffing_in_selection(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Staffing rows of the selected regions in the quarters overlapping the selected period."""
    first, last = selected_quarters(selection)
    return inputs.staffing.filter(
        pl.col("quarter_start").is_between(first, last) & selection.in_regions()
    )


def fte_per_100k(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """indicators.staffing.fte_per_inhabitants with, per quarter, the population of the region
    layout valid at the start of that quarter."""
    staffing = staffing_in_selection(inputs, selection)
    parts = [
        fte_per_inhabitants(
            staffing.filter(pl.col("quarter_start") == start), inputs.population_on(start)
        )
        for start in staffing["quarter_start"].unique().sort().to_list()
    ]
    if not parts:
        return fte_per_inhabitants(staffing, inputs.population_on(selection.start))
    return pl.concat(parts).sort("region_code", "quarter")


def intakes_per_fte(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """indicators.staffing.registrations_per_fte over the whole selected quarters, from the
    intakes kept per month (views.intakes.monthly_intake_rates)."""
    first, last = selected_quarters(selection)
    monthly = monthly_intake_rates(inputs, dataclasses.replace(selection, start=first, end=last))
    return per_fte(
        monthly.select("region_code", "month", "intakes", "source"),
        staffing_in_selection(inputs, selection),
    )


def staffing_view(inputs: Inputs, selection: Selection) -> View:
    """FTE by function per region and quarter, FTE per 100,000 inhabitants, intakes per FTE,
    and the 2020 reference table of the first 15 networks."""
    names = inputs.region_names()
    by_function = fte_by_function(staffing_in_selection(inputs, selection)).with_columns(
        pl.col("function")
        .replace_strict(STAFFING_FUNCTIONS, default=pl.col("function"))
        .alias("function_label")
    )
    first, last = selected_quarters(selection)
    quarters = f"{quarter_label(quarter_of(first))} – {quarter_label(quarter_of(last))}"
    notes = [
        basis_note(inputs),
        f"Personeelsinzet wordt per kwartaal gerapporteerd: deze pagina toont de hele kwartalen "
        f"{quarters} die de gekozen periode overlappen, ook als u per maand kiest.",
    ]
    if inputs.basis == "today":
        notes.append(
            "VTE staan bij het netwerk dat ze rapporteerde; ze worden niet herverdeeld naar de "
            "huidige regio's."
        )
    notes += quality_notes(inputs, by_function["region_code"])
    table = Table(
        by_function,
        (
            Column("region_code", "Regio", "region"),
            Column("quarter", "Kwartaal", "quarter"),
            Column("function_label", "Functie"),
            Column("fte", "VTE", "dec2"),
        ),
        title="Personeelsinzet per regio, kwartaal en functie",
        notes=tuple(notes),
        region_names=names,
    )
    per_100k = fte_per_100k(inputs, selection)
    per_fte = intakes_per_fte(inputs, selection)
    per_fte_notes = [
        basis_note(inputs),
        "Aanmeldingen van het kwartaal gedeeld door de VTE van het kwartaal. Een kwartaal met "
        "minder dan 3 maanden gegevens (lopend kwartaal, of een regio die niet elke maand "
        "aanleverde) telt te weinig aanmeldingen: zie 'Maanden met gegevens'.",
    ]
    tables = {
        "per_100k": Table(
            per_100k,
            (
                Column("region_code", "Regio", "region"),
                Column("quarter", "Kwartaal", "quarter"),
                Column("fte", "VTE", "dec2"),
                Column("population_total", "Inwoners", "int"),
                Column("fte_per_100k", "VTE per 100.000 inwoners", "dec2"),
            ),
            title="VTE per 100.000 inwoners",
            notes=(
                basis_note(inputs),
                "Inwoners van het werkingsgebied volgens de regio-indeling die in dat kwartaal "
                "gold; Brussel: de 362.700 inwoners die het netwerk zelf vermeldt.",
            ),
            region_names=names,
        ),
        "per_fte": Table(
            per_fte,
            (
                Column("region_code", "Regio", "region"),
                Column("quarter", "Kwartaal", "quarter"),
                Column("fte", "VTE", "dec2"),
                Column("intakes", "Aanmeldingen", "int"),
                Column("months_with_data", "Maanden met gegevens", "int"),
                Column("registrations_per_fte", "Aanmeldingen per VTE", "dec1"),
                Column("source", "Bron"),
            ),
            title="Aanmeldingen per VTE",
            notes=tuple(per_fte_notes),
            region_names=names,
        ),
        "reference_2020": reference_2020(inputs),
    }
    subtitle = f"{quarters} · {selection.basis_label}"
    figures: dict[str, go.Figure] = {}
    if not by_function.is_empty():
        last_quarter = by_function["quarter"].max()
        figures["by_function"] = charts.bars(
            by_function.filter(pl.col("quarter") == last_quarter).sort("region_code"),
            x="region_code",
            y="fte",
            color="function",
            title=f"VTE per functie, {quarter_label(str(last_quarter))}",
            subtitle=f"{quarter_label(str(last_quarter))} · {selection.basis_label}",
            y_title="VTE",
            names=names,
            labels=dict(STAFFING_FUNCTIONS),
            horizontal=True,
        )
        totals = by_function.group_by("region_code", "quarter").agg(pl.col("fte").sum())
        figures["total"] = charts.lines(
            _with_quarter_label(totals),
            x="quarter_label",
            y="fte",
            series="region_code",
            title="Totaal VTE per kwartaal",
            subtitle=subtitle,
            y_title="VTE",
            names=names,
        )
    shown_100k = per_100k.filter(pl.col("fte_per_100k").is_not_null())
    if not shown_100k.is_empty():
        figures["per_100k"] = charts.lines(
            _with_quarter_label(shown_100k),
            x="quarter_label",
            y="fte_per_100k",
            series="region_code",
            title="VTE per 100.000 inwoners",
            subtitle=subtitle,
            y_title="VTE per 100.000",
            names=names,
        )
    shown_fte = per_fte.filter(pl.col("registrations_per_fte").is_not_null())
    if not shown_fte.is_empty():
        figures["per_fte"] = charts.lines(
            _with_quarter_label(shown_fte),
            x="quarter_label",
            y="registrations_per_fte",
            series="region_code",
            title="Aanmeldingen per VTE, per kwartaal",
            subtitle=subtitle,
            y_title="Aanmeldingen per VTE",
            names=names,
        )
    return View(table, figures, tables, tuple(notes))


def reference_2020(inputs: Inputs) -> Table:
    """The 2020 evaluation's FTE table of the first 15 networks, with its sum check."""
    reference = inputs.network_reference.sort("network_name")
    listed = float(reference["fte_total"].sum()) if reference.height else 0.0
    without_total = reference.filter(pl.col("fte_total").is_null())["network_name"].to_list()
    gap = STATED_TOTAL_2020 - listed
    sum_check = (
        f"De evaluatie van 2020 vermeldt in totaal {fmt_dec(STATED_TOTAL_2020, 2)} VTE voor de "
        f"eerste 15 netwerken; de som van de vermelde netwerktotalen is {fmt_dec(listed, 2)} VTE."
    )
    if abs(gap) >= 0.005:
        sum_check += f" Het verschil van {fmt_dec(gap, 2)} VTE wordt niet toegelicht"
        if without_total:
            sum_check += (
                f"; het is waarschijnlijk het aandeel van {', '.join(without_total)}, waarvoor "
                "de tekst geen totaal geeft"
            )
        sum_check += "."
    return Table(
        reference,
        (
            Column("network_name", "Netwerk"),
            Column("fte_total", "VTE totaal", "dec2"),
            Column("fte_coordination", "Coördinatie", "dec2"),
            Column("fte_team", "Team", "dec2"),
            Column("fte_elp", "ELP", "dec2"),
            Column("fte_other", "Andere", "dec2"),
            Column("fte_note", "Toelichting bij de bron"),
        ),
        title="Referentie 2020: personeelsinzet van de eerste 15 netwerken",
        notes=(
            sum_check,
            "Bron: evaluatie 1 Gezin 1 Plan (2020), onderdeel Personeelsinzet; de tabel staat los "
            "van de gekozen periode en regio's. '–': niet vermeld in de bron.",
        ),
    )


def _with_quarter_label(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds quarter_label ("2025 K4"), which sorts like the quarters, as the x of a chart."""
    return frame.with_columns(pl.col("quarter").str.replace("Q", " K").alias("quarter_label"))
