"""Personeelsinzet: FTE by function per region and quarter, per inhabitant, per intake, and 2020."""

import streamlit as st

from reports.views.staffing import staffing_view
from ui import components, page

selection, inputs = page.setup(
    "Personeelsinzet",
    "Voltijdse equivalenten (VTE) per functie, regio en kwartaal; per 100.000 inwoners en "
    "tegenover het aantal aanmeldingen.",
)
view = staffing_view(inputs, selection)
if view.is_empty:
    st.info(components.EMPTY)
else:
    components.notes(view)
    left, right = st.columns(2)
    with left:
        components.figure(view.figures.get("by_function"), "by-function")
    with right:
        components.figure(view.figures.get("total"), "total")
    components.table(view.table, "staffing-table")
    st.subheader("VTE per 100.000 inwoners")
    components.figure(view.figures.get("per_100k"), "per-100k")
    components.table(view.tables["per_100k"], "per-100k-table")
    st.subheader("Aanmeldingen per VTE")
    components.figure(view.figures.get("per_fte"), "per-fte")
    components.table(view.tables["per_fte"], "per-fte-table")
st.subheader("Referentie 2020: de eerste 15 netwerken")
reference = view.tables["reference_2020"]
for note in reference.notes:
    st.caption(note)
components.table(reference, "reference-2020-table")
