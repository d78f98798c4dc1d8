"""Feedback: critical friends write per region and quarter; the region's stuurgroep reads it."""

import streamlit as st

from reports.choices import REPORT_RULE
from reports.selection import current_quarter, quarter_choices
from reports.service import AccessError
from ui import page, render, store

reader, selection = page.setup(
    "Feedback", "De feedback van de critical friend per regio en kwartaal, met alle versies."
)
service = store.service()
names = dict(service.regions().select("region_code", "region_name").iter_rows())
regions = sorted(r for r in names if reader.scope.allows(r))
if not regions:
    st.info("Je rol geeft geen inzage in de feedback van een regio.")
    st.stop()
region = st.selectbox("Regio", regions, format_func=names.__getitem__, key="feedback_regio")
# Up to the quarter running now: feedback may come before a quarter closes.
quarters = quarter_choices(current_quarter())
codes = list(quarters)
quarter = (
    st.selectbox(
        "Kwartaal",
        codes,
        index=codes.index(selection.last_quarter) if selection.last_quarter in quarters else 0,
        format_func=quarters.__getitem__,
        key="feedback_kwartaal",
    )
    or codes[0]
)
if reader.may_write_notes(region):
    with st.form("feedback"):
        body = st.text_area("Nieuwe versie van de feedback", height=200)
        for_report = st.checkbox("Voor het rapport", help=REPORT_RULE, key="feedback_rapport")
        if st.form_submit_button("Bewaren als nieuwe versie", type="primary"):
            try:
                version = service.save_note(reader, region, quarter, body, for_report=for_report)
                st.success(f"Versie {version} bewaard.")
            except AccessError as exc:
                st.error(str(exc))
try:
    notes = service.notes(reader, region, names[region], quarter)
except AccessError as exc:
    st.error(str(exc))
    st.stop()
if notes.is_empty:
    st.info("Nog geen feedback voor deze regio en dit kwartaal.")
else:
    render.table(notes, reader, "feedback")
