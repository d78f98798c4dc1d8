"""Gebruikers en audit: users and roles, and the audit trail, for the beheerder."""

import streamlit as st

from reports.service import AccessError
from ui import render, session, store

store.ensure_data()
reader = session.reader()
session.demo_banner()
st.title("Gebruikers en audit")
st.caption(
    "Rollen ken je toe op de opdrachtregel van de server (zie de handleiding); hier zie je wie "
    "wat mag en wie wat deed."
)
try:
    published = store.service().users(reader)
except AccessError as exc:
    st.error(str(exc))
    st.stop()
render.view(published, reader, "gebruikers")
