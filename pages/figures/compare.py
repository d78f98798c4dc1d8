"""Regio's vergelijken: the shared figure page, with indicator, limits, rule and overdispersion."""

import streamlit as st

from reports.choices import (
    FUNNEL_HELP,
    FUNNEL_INDICATORS,
    METHODS,
    OVERDISPERSION_HELP,
    RULE_HELP,
    RULES,
    TIMELY,
)
from ui import page

reader, selection = page.header("compare")
# Side by side, each as wide as its options (columns of a fixed share cut "Normale benadering").
row = st.container(horizontal=True)
indicator = row.selectbox(
    "Indicator",
    list(FUNNEL_INDICATORS),
    format_func=FUNNEL_INDICATORS.__getitem__,
    key="indicator",
    help=FUNNEL_HELP,
    width=420,
)
method = row.segmented_control(
    "Grenzen",
    list(METHODS),
    format_func=METHODS.__getitem__,
    default="exact",
    required=True,
    key="methode",
)
rule = row.segmented_control(
    "Termijn",
    list(RULES),
    format_func=RULES.__getitem__,
    default="calendar_month",
    required=True,
    key="regel",
    help=RULE_HELP,
)
overdispersion = st.toggle(
    "Corrigeren voor overdispersie", key="overdispersie", help=OVERDISPERSION_HELP
)
page.draw(
    "compare",
    reader,
    selection,
    indicator=indicator or TIMELY,
    rule=rule or "calendar_month",
    method=method or "exact",
    overdispersion=overdispersion,
)
