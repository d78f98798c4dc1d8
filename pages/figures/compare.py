"""Regio's vergelijken: funnel plot, rates per 1,000 minors, small multiples, map, definitions."""

import streamlit as st

from reports.views.compare import (
    FUNNEL_HELP,
    INDICATORS,
    METHODS,
    OVERDISPERSION_HELP,
    SENSITIVITY_NOTE,
    compare_view,
    map_layout,
)
from reports.views.response_time import RULE_HELP, RULES
from ui import components, page, store

selection, inputs = page.setup(
    "Regio's vergelijken",
    "Regio's van verschillende grootte eerlijk vergelijken: trechter, cijfers per 1.000 "
    "minderjarigen met betrouwbaarheidsinterval, kaart en definitiegevoeligheid.",
)
left, middle, right = st.columns([3, 2, 2])
indicator = left.selectbox(
    "Indicator", list(INDICATORS), format_func=INDICATORS.get, key="indicator", help=FUNNEL_HELP
)
method = middle.segmented_control(
    "Grenzen", list(METHODS), format_func=METHODS.get, default="exact", required=True, key="methode"
)
rule = right.segmented_control(
    "Termijn",
    list(RULES),
    format_func=RULES.get,
    default="calendar_month",
    required=True,
    key="regel",
    help=RULE_HELP,
)
overdispersion = st.toggle(
    "Corrigeren voor overdispersie", key="overdispersie", help=OVERDISPERSION_HELP
)
view = compare_view(
    inputs,
    selection,
    indicator or "tijdig",
    rule or "calendar_month",
    method or "exact",
    overdispersion,
    elz_layout=map_layout(store.engine(), inputs, selection),
)
if view.is_empty:
    st.info(components.EMPTY)
    st.stop()
components.notes(view)
components.figure(view.figures.get("funnel"), "funnel")
components.table(view.table, "funnel-table")
st.subheader("Kaart per eerstelijnszone")
components.figure(view.figures.get("map"), "map")
st.subheader("Aanmeldingen per 1.000 minderjarigen")
for note in view.tables["rates"].notes[1:]:
    st.caption(note)
components.figure(view.figures.get("rates"), "rates")
components.table(view.tables["rates"], "rates-table")
st.subheader("Aanmeldingen per maand, per regio")
components.figure(view.figures.get("multiples"), "multiples")
components.table(view.tables["multiples"], "multiples-table")
st.subheader("Definitiegevoeligheid: kalendermaand of 30 dagen")
st.caption(SENSITIVITY_NOTE)
components.figure(view.figures.get("ranks"), "ranks")
components.table(view.tables["comparison"], "comparison-table")
