"""1G1P Monitor: the navigation with Dutch page titles; each page renders the shared sidebar.

Page scripts live in sub-folders of pages/ on purpose: with scripts directly in pages/, a new
Streamlit server answers a first deep link (/intakes) in the legacy multipage mode and runs
the page without this file's navigation. Which pages a reader sees follows their role; the
pages and data_access enforce access themselves as well.
"""

from __future__ import annotations

import streamlit as st

from ui import session, store

st.set_page_config(page_title="1G1P Monitor", page_icon=":material/monitoring:", layout="wide")

FIGURES = [
    st.Page(
        "pages/figures/overview.py", title="Overzicht", icon=":material/dashboard:", default=True
    ),
    st.Page("pages/figures/intakes.py", title="Aanmeldingen", icon=":material/inbox:"),
    st.Page("pages/figures/response_time.py", title="Tijdige opname", icon=":material/timer:"),
    st.Page("pages/figures/referrers.py", title="Aanmelders", icon=":material/alt_route:"),
    st.Page("pages/figures/volume.py", title="Volumeafspraken GV/SDJ", icon=":material/flag:"),
    st.Page("pages/figures/staffing.py", title="Personeelsinzet", icon=":material/groups:"),
    st.Page("pages/figures/reach.py", title="Bereik en trajecten", icon=":material/diversity_3:"),
    st.Page(
        "pages/figures/compare.py", title="Regio's vergelijken", icon=":material/compare_arrows:"
    ),
]
REPORT = st.Page("pages/figures/report.py", title="Kwartaalrapport", icon=":material/description:")
QUALITY = st.Page("pages/admin/quality.py", title="Datakwaliteit", icon=":material/fact_check:")
FEEDBACK = st.Page("pages/figures/feedback.py", title="Feedback", icon=":material/rate_review:")
ADMIN = [
    st.Page("pages/admin/import.py", title="Importeren", icon=":material/upload_file:"),
    st.Page("pages/admin/profiles.py", title="Bronprofiel maken", icon=":material/schema:"),
    st.Page("pages/admin/users.py", title="Gebruikers en audit", icon=":material/manage_accounts:"),
]

store.ensure_data()
reader = session.reader_quietly()
pages: dict[str, list[st.Page]] = {"Cijfers": list(FIGURES), "Kwaliteit": [QUALITY]}
if reader is not None and (reader.scope.detail_regions is None or reader.scope.detail_regions):
    pages["Cijfers"] += [REPORT, FEEDBACK]
if reader is not None and reader.is_beheerder:
    pages["Beheer"] = ADMIN
# Expanded: with more than ten pages Streamlit would fold the rest under "View more".
st.navigation(pages, expanded=True).run()
