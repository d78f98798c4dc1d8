"""Gebruikers en audit: users and roles, and the audit trail, for the beheerder."""

import streamlit as st

from data_access.access.scope import AccessError
from reports.views.admin import audit_table, users_table
from ui import components, session, store

store.ensure_data()
reader = session.reader()
session.demo_banner()
st.title("Gebruikers en audit")
st.caption("Rollen beheer je met `1g1p users …` (zie README); hier zie je wie wat mag en deed.")
try:
    users, audit = users_table(store.engine(), reader), audit_table(store.engine(), reader)
except AccessError as exc:
    st.error(str(exc))
    st.stop()
components.table(users, "users")
st.subheader("Auditlogboek")
components.table(audit, "audit")
