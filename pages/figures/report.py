"""Kwartaalrapport: the quarterly report of one region (PDF/XLSX), frozen quarters, parliament."""

from functools import partial

import streamlit as st

from reports.selection import last_closed_quarter, quarter_choices
from reports.service import AccessError
from ui import page, render, store

reader, selection = page.setup(
    "Kwartaalrapport",
    "Het rapport voor de stuurgroep: kerncijfers, grafieken, kwaliteit en feedback van één "
    "regio en één kwartaal. Een bevroren kwartaal verandert niet meer stil.",
)
service = store.service()
names = dict(service.regions().select("region_code", "region_name").iter_rows())
own = [r for r in sorted(names) if reader.scope.allows(r)]
if not own:
    st.info("Je rol geeft geen inzage in het rapport van één regio.")
    st.stop()
# Closed quarters only, chosen as they are shown ("2025 K3"), the last one first.
quarters = quarter_choices(last_closed_quarter())
# The link to a report is stable: ?regio=KON&kwartaal=2025Q3 (codes, not display names).
linked = st.query_params.get("regio", own[0])
region = st.selectbox(
    "Regio", own, index=own.index(linked) if linked in own else 0, format_func=names.__getitem__
)
st.query_params["regio"] = region or own[0]
linked_quarter = st.query_params.get("kwartaal", "")
codes = list(quarters)
quarter = st.selectbox(
    "Kwartaal",
    codes,
    index=codes.index(linked_quarter) if linked_quarter in quarters else 0,
    format_func=quarters.__getitem__,
)
if linked_quarter and linked_quarter not in quarters:
    st.warning(
        "Het kwartaal uit de link bestaat niet of is nog niet afgesloten; je ziet "
        f"{quarters[quarter or codes[0]]}."
    )
st.query_params["kwartaal"] = quarter or codes[0]
try:
    report = service.report_head(reader, region or own[0], quarter or codes[0])
except (AccessError, ValueError) as exc:
    st.error(str(exc))
    st.stop()
st.subheader(report.title)
(st.success if report.snapshot else st.warning)(report.status)
name = f"kwartaalrapport-{report.region_code}-{report.quarter}"
with st.container(horizontal=True):
    render.download_file(
        "PDF downloaden",
        partial(service.report_file, reader, report.region_code, report.quarter, "pdf"),
        f"{name}.pdf",
        "pdf",
        "pdf",
    )
    render.download_file(
        "XLSX downloaden",
        partial(service.report_file, reader, report.region_code, report.quarter, "xlsx"),
        f"{name}.xlsx",
        "xlsx",
        "xlsx",
    )
render.view(report.key_figures, reader, "rapport")
if reader.is_beheerder:
    st.divider()
    st.subheader("Beheer")
    if st.button(f"Kwartaal {quarters[report.quarter]} bevriezen", key="bevries"):
        try:
            service.freeze(reader, report.quarter)
            st.rerun()
        except (AccessError, ValueError) as exc:
            st.error(str(exc))
    first, last = selection.start, selection.end
    render.download_file(
        f"Parlementair antwoord {first:%m/%Y}–{last:%m/%Y} (XLSX)",
        partial(service.parliament_file, reader, first, last),
        f"parlement-{first:%Y%m}-{last:%Y%m}.xlsx",
        "xlsx",
        "parlement",
    )
