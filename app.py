"""1G1P Monitor: the navigation with Dutch page titles, from the indicator registry.

Page scripts live in sub-folders of pages/ on purpose: with scripts directly in pages/, a new
Streamlit server answers a first deep link (/intakes) in the legacy multipage mode and runs
the page without this file's navigation. An indicator without widgets of its own is drawn by
the shared figure page, told here which one it is. Which pages a reader sees follows their
role; the service and data_access enforce access themselves as well.
"""

from __future__ import annotations

import streamlit as st

from reports.service import Service
from ui import chrome, page, session, store

# The sidebar wider than Streamlit's 256 px: a chosen demo user or region reads whole there (a
# select box shows its value in one line and cuts off the rest).
st.set_page_config(
    page_title="1G1P Monitor", page_icon="📊", layout="wide", initial_sidebar_state=340
)
chrome.install()

FIGURES = [
    st.Page(
        f"pages/figures/{entry.name}.py" if entry.own_page else "pages/figures/indicator.py",
        title=entry.title,
        icon=entry.icon,
        url_path=entry.name,
        default=entry.name == "overview",
    )
    for entry in Service.pages()
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
current = st.navigation(pages, expanded=True)
st.session_state[page.INDICATOR] = current.url_path or "overview"
current.run()
