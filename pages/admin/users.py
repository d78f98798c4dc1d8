"""Gebruikers en audit: users and roles, and the audit trail, for the beheerder."""

import streamlit as st

from data_access.access.scope import AccessError
from ui import render, session, store

store.ensure_data()
reader = session.reader()
session.demo_banner()
st.title("Gebruikers en audit")
st.caption("Rollen beheer je met `1g1p users …` (zie README); hier zie je wie wat mag en deed.")
try:
    published = store.service().users(reader)
except AccessError as exc:
    st.error(str(exc))
    st.stop()
render.view(published, reader, "gebruikers")
