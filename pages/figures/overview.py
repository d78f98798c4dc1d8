"""Overzicht: key figures of the period for Flanders and per region, with their changes."""

import streamlit as st

from reports.views.overview import overview_view
from ui import components, page

selection, inputs = page.setup(
    "Overzicht",
    "De kerncijfers van de gekozen periode, vergeleken met de vorige periode en met dezelfde "
    "periode vorig jaar.",
)
view = overview_view(inputs, selection)
if view.is_empty:
    st.info(components.EMPTY)
    st.stop()
st.subheader(f"{view.total_label} · {selection.period_label()}")
columns = st.columns(4)
for i, tile in enumerate(view.tiles):
    with columns[i % 4]:
        st.metric(
            tile.label,
            tile.value,
            tile.delta,
            delta_color=tile.delta_color,
            delta_arrow=tile.delta_arrow,
            help=tile.help,
            border=True,
            chart_data=list(tile.trend) or None,
            chart_type="bar",
        )
        if tile.delta_last_year:
            st.caption(tile.delta_last_year)
components.notes(view)
components.figure(view.figures.get("intakes"), "intakes-vs-last-year")
components.table(view.table, "overview-table")
