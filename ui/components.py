"""Rendering a view the same way on every page: notes, figures, tables, downloads, empty state."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import streamlit as st

from reports.tables import Table
from reports.views import View
from reports.views.imports import DryRunView

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

EMPTY = "Geen gegevens voor deze selectie."


def notes(view: View) -> None:
    """The view's caveats, visible above its figures."""
    for note in view.notes:
        st.caption(note)


def figure(fig: go.Figure | None, key: str) -> None:
    """A plotly chart, or the empty state."""
    if fig is None:
        st.info(EMPTY)
        return
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def table(tab: Table, key: str) -> None:
    """The table as shown (nl-BE text) with CSV and XLSX downloads of exactly that table."""
    if tab.is_empty:
        st.info(EMPTY)
        return
    st.dataframe(tab.display(), hide_index=True, width="stretch")
    name = re.sub(r"[^a-z0-9]+", "-", tab.title.lower()).strip("-")
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "CSV downloaden", tab.to_csv, f"{name}.csv", "text/csv", key=f"{key}-csv", on_click="ignore"
    )
    right.download_button(
        "XLSX downloaden",
        tab.to_xlsx,
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        on_click="ignore",
    )


def metrics(counts: list[tuple[str, str]]) -> None:
    """Figures side by side: (label, value already as nl-BE text)."""
    for column, (label, value) in zip(st.columns(len(counts)), counts, strict=True):
        column.metric(label, value)


def dry_run(view: DryRunView, key: str) -> None:
    """A dry run: what an import would do, its notes, the figures, and its tables."""
    st.info(view.headline)
    for note in view.notes:
        st.caption(note)
    st.caption(view.supports)
    for i, tab in enumerate(view.tables):
        st.markdown(f"**{tab.title}**")
        table(tab, f"{key}-{i}")


def progress_to(bar: DeltaGenerator) -> Callable[[float, str], None]:
    """An import's progress callback drawing on `bar`. Defined here, not in the page: a
    callable made in a page script keeps that script's globals (the reader's inputs) alive."""

    def report(done: float, step: str) -> None:
        bar.progress(min(done, 1.0), text=step)

    return report
