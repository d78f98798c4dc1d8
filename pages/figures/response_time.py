"""Tijdige opname: aanmeldingen picked up within the month, per region, under a chosen rule."""

import streamlit as st

from reports.views.response_time import (
    COMPARISON_NOTE,
    OVERDUE_NOTE,
    RULE_HELP,
    RULES,
    response_time_view,
)
from ui import components, page

selection, inputs = page.setup(
    "Tijdige opname",
    "Aandeel aanmeldingen met een eerste contact binnen de maand, per regio en periode.",
)
rule = st.segmented_control(
    "Termijn",
    list(RULES),
    format_func=RULES.get,
    default="calendar_month",
    required=True,
    key="regel",
    help=RULE_HELP,
)
view = response_time_view(inputs, selection, rule or "calendar_month")
if view.is_empty:
    st.info(components.EMPTY)
    st.stop()
components.notes(view)
components.figure(view.figures.get("rate"), "rate")
components.table(view.table, "timeliness-table")
st.subheader("Kalendermaand of 30 dagen")
st.caption(COMPARISON_NOTE)
components.table(view.tables["comparison"], "comparison-table")
st.subheader("Dagen tot eerste contact")
left, right = st.columns(2)
with left:
    components.figure(view.figures.get("days"), "days")
with right:
    components.table(view.tables["days"], "days-table")
st.subheader("Openstaand na de termijn")
st.caption(OVERDUE_NOTE)
components.table(view.tables["overdue"], "overdue-table")
