"""The sidebar every page shares: period, granularity, regions and basis, kept across pages."""

from __future__ import annotations

from datetime import date
from typing import Literal

import polars as pl
import streamlit as st

from data_access.access.roles import REGIONAL_ROLES, Reader
from data_access.reference.codes import UNASSIGNED_LABEL, UNASSIGNED_REGION
from indicators.formatting import month_label, quarter_label
from indicators.periods import add_months, month_start, quarter_bounds, quarter_of
from reports.selection import BASIS_LABELS, Basis, Selection, first_quarters

FIRST_MONTH = date(2018, 9, 1)  # the first networks started in September 2018
GRANULARITIES: dict[str, str] = {"month": "Maand", "quarter": "Kwartaal"}
BASES: tuple[Basis, ...] = ("then", "today")
# The region switcher's choices beside the reader's own regions.
MINE, FLANDERS, OTHERS = "_mijn", "_vlaanderen", "_kiezen"
SWITCHER_LABELS = {
    MINE: "Mijn regio's samen",
    FLANDERS: "Heel Vlaanderen",
    OTHERS: "Andere regio's kiezen",
}


def _per(granularity: str | None) -> Literal["month", "quarter"]:
    return "quarter" if granularity == "quarter" else "month"


def _months(today: date) -> list[date]:
    last = add_months(month_start(today), -1)  # the last full month
    months = []
    current = FIRST_MONTH
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def sidebar(regions: pl.DataFrame, reader: Reader, today: date | None = None) -> Selection:
    """Render the shared filters in the sidebar and return the reader's selection. A reader
    starts where they work: a stuurgroep on its own region, a critical friend on its assigned
    regions (with a switcher between them), the trekkersgroep and the beheerder on all."""
    today = today or date.today()
    months = _months(today)
    with st.sidebar:
        st.subheader("Selectie")
        granularity = st.segmented_control(
            "Periode per",
            ["month", "quarter"],
            format_func=GRANULARITIES.__getitem__,
            default="month",
            required=True,
            key="per",
            persist_state="session",
        )
        if granularity == "quarter":
            # Only whole quarters (their last month is in the list): a quarter still running
            # would compare a part with wholes.
            quarters = sorted({quarter_of(m) for m in months if m.month % 3 == 0})
            first, last = st.select_slider(
                "Kwartalen",
                options=quarters,
                # The service prepares this window's views beside a scope's first figure.
                value=first_quarters(today),
                format_func=quarter_label,
                key="kwartalen",
                persist_state="session",
            )
            start, end = quarter_bounds(first)[0], quarter_bounds(last)[1]
        else:
            start, end = st.select_slider(
                "Maanden",
                options=months,
                value=(months[max(0, len(months) - 12)], months[-1]),
                format_func=month_label,
                key="maanden",
                persist_state="session",
            )
        basis = st.radio(
            "Regio's",
            BASES,
            format_func=lambda b: BASIS_LABELS[b].capitalize(),
            key="basis",
            persist_state="session",
            help="Zoals toen georganiseerd: de regio op de datum van aanmelding. Huidige regio's: "
            "de hele geschiedenis herverdeeld via gemeente → eerstelijnszone → regio van vandaag.",
        )
        options = _region_options(regions, start, end, basis)
        own = [code for code in own_regions(reader) if code in options]
        focus = _switcher(own, options, reader) if own else OTHERS
        if focus != OTHERS:
            chosen = {MINE: own, FLANDERS: []}.get(focus, [focus])
            return Selection(start, end, _per(granularity), tuple(chosen), basis)
        chosen = st.multiselect(
            "Regio's tonen",
            list(options),
            format_func=options.__getitem__,
            placeholder="Alle regio's",
            key="regios",
            persist_state="session",
        )
    return Selection(start, end, _per(granularity), tuple(chosen), basis)


def own_regions(reader: Reader) -> tuple[str, ...]:
    """The regions a reader works on: a stuurgroep's own, a critical friend's assigned; none for
    the trekkersgroep and the beheerder, who follow all of Flanders."""
    if reader.is_beheerder:
        return ()
    return tuple(sorted({r for role, r in reader.roles if role in REGIONAL_ROLES and r}))


def _switcher(own: list[str], options: dict[str, str], reader: Reader) -> str:
    """Own region(s) first (together when there are several), then Flanders and any others."""
    choices = [*own, *([MINE] if len(own) > 1 else []), FLANDERS, OTHERS]
    return str(
        st.radio(
            "Regio",
            choices,
            index=choices.index(MINE if len(own) > 1 else own[0]),
            format_func=lambda c: SWITCHER_LABELS.get(c) or options[c],
            # Per reader: another demo user starts on their own regions, not on these.
            key=f"regio-{reader.email}",
            persist_state="session",
            help="Je start op je eigen regio('s). Heel Vlaanderen toont elke regio met het "
            "totaal van Vlaanderen ter vergelijking.",
        )
    )


def _region_options(regions: pl.DataFrame, start: date, end: date, basis: str) -> dict[str, str]:
    """Regions active in the period (as then) or today's regions plus 'niet toe te wijzen'."""
    if basis == "today":
        active = regions.filter(pl.col("active_to").is_null())
    else:
        active = regions.filter(
            (pl.col("active_from") <= end)
            & (pl.col("active_to").is_null() | (pl.col("active_to") >= start))
        )
    options = dict(active.select("region_code", "region_name").sort("region_name").iter_rows())
    if basis == "today":
        options[UNASSIGNED_REGION] = UNASSIGNED_LABEL
    return options
