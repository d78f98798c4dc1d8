"""Rendering a view the same way on every page: notes, figures, tables, downloads, empty state."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import streamlit as st

from reports.downloads import table_file
from reports.tables import Table
from reports.views import View
from ui import session, store

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

EMPTY = "Geen gegevens voor deze selectie."


def notes(view: View) -> None:
    """The view's caveats, visible above its figures."""
    for note in view.notes:
        st.caption(note)


# Plotly's own "download as PNG" would be an export that skips the audit trail.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}


def figure(fig: go.Figure | None, key: str) -> None:
    """A plotly chart, or the empty state."""
    if fig is None:
        st.info(EMPTY)
        return
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)


def table(tab: Table, key: str) -> None:
    """The table as shown (nl-BE text) with CSV and XLSX downloads of exactly that table; each
    download is audited when it is clicked (reports.downloads)."""
    if tab.is_empty:
        st.info(EMPTY)
        return
    st.dataframe(tab.display(), hide_index=True, width="stretch")
    name = re.sub(r"[^a-z0-9]+", "-", tab.title.lower()).strip("-")
    actor = session.actor()
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "CSV downloaden",
        partial(table_file, store.engine(), actor, tab, "csv"),
        f"{name}.csv",
        "text/csv",
        key=f"{key}-csv",
        on_click="ignore",
    )
    right.download_button(
        "XLSX downloaden",
        partial(table_file, store.engine(), actor, tab, "xlsx"),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        on_click="ignore",
    )


def progress_to(bar: DeltaGenerator) -> Callable[[float, str], None]:
    """An import's progress callback drawing on `bar`. Defined here, not in the page: a
    callable made in a page script keeps that script's globals (the reader's inputs) alive."""

    def report(done: float, step: str) -> None:
        bar.progress(min(done, 1.0), text=step)

    return report
