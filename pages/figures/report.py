"""Kwartaalrapport: the quarterly report of one region (PDF/XLSX), frozen quarters, parliament."""

from datetime import date
from functools import partial

import streamlit as st

from data_access.access.scope import AccessError
from indicators.periods import add_months, month_start, quarter_of
from reports.quarterly import freeze_quarter, quarterly_report
from reports.views.report import parliament_file, report_pdf_file, report_xlsx_file
from ui import page, session, store

selection, inputs = page.setup(
    "Kwartaalrapport",
    "Het rapport voor de stuurgroep: kerncijfers, grafieken, kwaliteit en feedback van één "
    "regio en één kwartaal. Een bevroren kwartaal verandert niet meer stil.",
)
reader = session.reader_quietly()
assert reader is not None  # page.setup stopped the page otherwise
names = inputs.region_names()
own = [
    r for r in sorted(names) if reader.scope.allows(r) and r in set(inputs.regions["region_code"])
]
if not own:
    st.info("Je rol geeft geen inzage in het rapport van één regio.")
    st.stop()
last_quarter = quarter_of(add_months(month_start(date.today()), -3))
# The link to a report is stable: ?regio=KON&kwartaal=2025Q3 (codes, not display names).
linked = st.query_params.get("regio", own[0])
region = st.selectbox(
    "Regio", own, index=own.index(linked) if linked in own else 0, format_func=names.get
)
st.query_params["regio"] = region or own[0]
quarter = st.text_input("Kwartaal (JJJJQn)", last_quarter, key="kwartaal", bind="query-params")
try:
    report = quarterly_report(
        store.engine(),
        reader,
        region or own[0],
        quarter,
        date.today(),
        store.inputs(reader.scope, "then"),
    )
except (AccessError, ValueError) as exc:
    st.error(str(exc))
    st.stop()
st.subheader(report.title)
(st.success if report.snapshot else st.warning)(report.status)
left, right, _ = st.columns([1, 1, 3])
name = f"kwartaalrapport-{report.region_code}-{report.quarter}"
left.download_button(
    "PDF downloaden",
    partial(report_pdf_file, store.engine(), reader, report),
    f"{name}.pdf",
    "application/pdf",
    on_click="ignore",
)
right.download_button(
    "XLSX downloaden",
    partial(report_xlsx_file, store.engine(), reader, report),
    f"{name}.xlsx",
    on_click="ignore",
)
for _sheet, table in report.sections[0].tables:
    st.dataframe(table.display(), hide_index=True, width="stretch")
if reader.is_beheerder:
    st.divider()
    st.subheader("Beheer")
    if st.button(f"Kwartaal {report.quarter} bevriezen", key="bevries"):
        try:
            freeze_quarter(store.engine(), reader, report.quarter, date.today())
            st.rerun()
        except (AccessError, ValueError) as exc:
            st.error(str(exc))
    first, last = selection.start, selection.end
    st.download_button(
        f"Parlementair antwoord {first:%m/%Y}–{last:%m/%Y} (XLSX)",
        partial(parliament_file, store.engine(), reader, first, last, date.today()),
        f"parlement-{first:%Y%m}-{last:%Y%m}.xlsx",
        on_click="ignore",
    )
