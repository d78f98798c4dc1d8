"""Aanmeldingen: intakes per region and month, per 1,000 minors, consults, nature of requests."""

import streamlit as st

from reports.views.intakes import intakes_view
from ui import components, page

selection, inputs = page.setup(
    "Aanmeldingen", "Aanmeldingen per regio sinds de start van elk netwerk; consultvragen apart."
)
view = intakes_view(inputs, selection)
if view.is_empty:
    st.info(components.EMPTY)
    st.stop()
components.notes(view)
left, right = st.columns(2)
with left:
    components.figure(view.figures.get("intakes"), "intakes")
with right:
    components.figure(view.figures.get("rate"), "rate")
components.table(view.table, "intakes-table")
st.subheader("Aard van de vraag")
components.figure(view.figures.get("nature"), "nature")
components.table(view.tables["nature"], "nature-table")
