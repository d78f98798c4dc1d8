"""Aanmelders: the referrer mix per region, the brede instap over time, and referrers in detail."""

import streamlit as st

from reports.views.referrers import referrers_view
from ui import components, page

selection, inputs = page.setup(
    "Aanmelders",
    "Wie meldt gezinnen aan: aandelen per aanmeldersgroep en per aanmelder, per regio.",
)
view = referrers_view(inputs, selection)
if view.is_empty:
    st.info(components.EMPTY)
    st.stop()
components.notes(view)
left, right = st.columns(2)
with left:
    components.figure(view.figures.get("groups"), "groups")
with right:
    components.figure(view.figures.get("brede_instap"), "brede-instap")
components.table(view.table, "groups-table")
st.subheader("Aanmelders in detail")
for note in (n for n in view.tables["referrers"].notes if n not in view.notes):
    st.caption(note)
components.table(view.tables["referrers"], "referrers-table")
