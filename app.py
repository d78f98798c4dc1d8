"""1G1P Monitor: the navigation with Dutch page titles; each page renders the shared sidebar.

Page scripts live in sub-folders of pages/ on purpose: with scripts directly in pages/, a new
Streamlit server answers a first deep link (/intakes) in the legacy multipage mode and runs
the page without this file's navigation.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="1G1P Monitor", page_icon=":material/monitoring:", layout="wide")

PAGES = {
    "Cijfers": [
        st.Page(
            "pages/figures/overview.py",
            title="Overzicht",
            icon=":material/dashboard:",
            default=True,
        ),
        st.Page("pages/figures/intakes.py", title="Aanmeldingen", icon=":material/inbox:"),
        st.Page("pages/figures/response_time.py", title="Tijdige opname", icon=":material/timer:"),
        st.Page("pages/figures/referrers.py", title="Aanmelders", icon=":material/alt_route:"),
        st.Page("pages/figures/volume.py", title="Volumeafspraken GV/SDJ", icon=":material/flag:"),
        st.Page("pages/figures/staffing.py", title="Personeelsinzet", icon=":material/groups:"),
        st.Page(
            "pages/figures/reach.py", title="Bereik en trajecten", icon=":material/diversity_3:"
        ),
    ],
    "Beheer": [
        st.Page("pages/admin/import.py", title="Importeren", icon=":material/upload_file:"),
    ],
}

st.navigation(PAGES).run()
