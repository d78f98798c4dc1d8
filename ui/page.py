"""The start of every page: title, the shared sidebar, and the reader's inputs."""

from __future__ import annotations

import streamlit as st

from reports.inputs import Inputs
from reports.selection import Selection
from ui import filters, session, store


def setup(title: str, caption: str) -> tuple[Selection, Inputs]:
    """Render the page header and the shared filters; return the selection and its data."""
    store.ensure_data()
    scope = session.reader().scope
    session.demo_banner()
    st.title(title)
    st.caption(caption)
    selection = filters.sidebar(store.inputs(scope, "then").regions)
    return selection, store.inputs(scope, selection.basis)
