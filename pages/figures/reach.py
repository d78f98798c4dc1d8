"""Bereik en trajecten: families reached against the target, trajectories, outflow and partners."""

import streamlit as st

from reports.views.reach import reach_view
from ui import components, page

selection, inputs = page.setup(
    "Bereik en trajecten",
    "Bereikte gezinnen tegenover het doel van 200 extra gezinnen per netwerk per jaar; "
    "trajecten, afsluiting, doorstroom en betrokken organisaties.",
)
view = reach_view(inputs, selection)
if view.is_empty:
    st.info(components.EMPTY)
    st.stop()
components.notes(view)
components.figure(view.figures.get("families"), "families")
components.table(view.table, "families-table")
st.subheader("Trajecten")
left, right = st.columns([2, 1])
with left:
    components.figure(view.figures.get("trajectories"), "trajectories")
with right:
    components.table(view.tables["ongoing"], "ongoing-table")
components.table(view.tables["trajectories"], "trajectories-table")
st.subheader("Afsluiting en doorstroom")
components.figure(view.figures.get("closure_reasons"), "closure-reasons")
components.table(view.tables["closure_reasons"], "closure-reasons-table")
components.table(view.tables["further_care"], "further-care-table")
st.subheader("Betrokken organisaties")
components.figure(view.figures.get("partners"), "partners")
components.table(view.tables["partners"], "partners-table")
