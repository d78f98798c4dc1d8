"""Volumeafspraken GV/SDJ: agreed and realised intakes per region and year, against pro rata."""

import streamlit as st

from reports.views.volume import volume_view
from ui import components, page

selection, inputs = page.setup(
    "Volumeafspraken GV/SDJ",
    "Afgesproken en gerealiseerde aanmeldingen via gemandateerde voorzieningen (GV) en de "
    "sociale dienst jeugdrechtbank (SDJ), per regio en per heel kalenderjaar.",
)
view = volume_view(inputs, selection)
if view.is_empty:
    st.info(components.EMPTY)
    st.stop()
components.notes(view)
left, right = st.columns(2)
with left:
    components.figure(view.figures.get("GV"), "volume-gv")
with right:
    components.figure(view.figures.get("SDJ"), "volume-sdj")
components.figure(view.figures.get("progress"), "volume-progress")
components.table(view.table, "volume-table")
