"""Tijdige opname: the shared figure page, with the deadline rule to choose."""

import streamlit as st

from reports.choices import RULE_HELP, RULES
from ui import page

reader, selection = page.header("response_time")
rule = st.segmented_control(
    "Termijn",
    list(RULES),
    format_func=RULES.get,
    default="calendar_month",
    required=True,
    key="regel",
    help=RULE_HELP,
)
page.draw("response_time", reader, selection, rule=rule or "calendar_month")
