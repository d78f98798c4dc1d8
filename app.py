"""1G1P Monitor: the navigation with Dutch page titles; each page renders the shared sidebar."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="1G1P Monitor", page_icon="📊", layout="wide")

PAGES = {
    "Cijfers": [
        st.Page("pages/overview.py", title="Overzicht", icon="🏠", default=True),
        st.Page("pages/intakes.py", title="Aanmeldingen", icon="📥"),
        st.Page("pages/response_time.py", title="Tijdige opname", icon="⏱️"),
        st.Page("pages/referrers.py", title="Aanmelders", icon="🧭"),
        st.Page("pages/volume.py", title="Volumeafspraken GV/SDJ", icon="🎯"),
        st.Page("pages/staffing.py", title="Personeelsinzet", icon="👥"),
        st.Page("pages/reach.py", title="Bereik en trajecten", icon="🌱"),
    ],
    "Beheer": [
        st.Page("pages/import.py", title="Importeren", icon="📤"),
    ],
}

st.navigation(PAGES).run()
