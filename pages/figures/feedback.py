"""Feedback: critical friends write per region and quarter; the region's stuurgroep reads it."""

import streamlit as st

from data_access.access.notes import save_note
from data_access.access.scope import AccessError
from indicators.periods import quarter_of
from reports.views.feedback import notes_table
from ui import components, page, session, store

selection, inputs = page.setup(
    "Feedback", "De feedback van de critical friend per regio en kwartaal, met alle versies."
)
reader = session.reader_quietly()
assert reader is not None  # page.setup stopped the page otherwise
names = inputs.region_names()
regions = sorted(
    r for r in names if reader.scope.allows(r) and r in set(inputs.regions["region_code"])
)
if not regions:
    st.info("Je rol geeft geen inzage in de feedback van een regio.")
    st.stop()
region = st.selectbox("Regio", regions, format_func=names.get, key="feedback_regio")
quarter = st.text_input(
    "Kwartaal (JJJJQn)", quarter_of(selection.end), key="feedback_kwartaal"
).upper()
if reader.may_write_notes(region):
    with st.form("feedback"):
        body = st.text_area("Nieuwe versie van de feedback", height=200)
        if st.form_submit_button("Bewaren als nieuwe versie", type="primary"):
            try:
                version = save_note(store.engine(), reader, region, quarter, body)
                st.success(f"Versie {version} bewaard.")
            except AccessError as exc:
                st.error(str(exc))
try:
    table = notes_table(store.engine(), reader, region, names[region], quarter)
except AccessError as exc:
    st.error(str(exc))
    st.stop()
components.table(table, "feedback")
