"""The start of every page: the reader, the header and the shared filters; the figure pages
drawn from the indicator registry."""

from __future__ import annotations

from typing import Any

import streamlit as st

from data_access.access.roles import Reader
from reports.selection import Selection
from ui import filters, render, session, store

# Which indicator the shared figure page draws: app.py sets it from the page opened.
INDICATOR = "_indicator"


def setup(title: str, caption: str) -> tuple[Reader, Selection]:
    """Render the page header and the shared filters; return the reader and the selection."""
    store.ensure_data()
    reader = session.reader()
    session.demo_banner()
    st.title(title)
    st.caption(caption)
    return reader, filters.sidebar(store.service().regions(), reader)


def header(name: str) -> tuple[Reader, Selection]:
    """setup() with an indicator's own title and caption."""
    entry = store.service().page(name)
    return setup(entry.title, entry.caption)


def draw(name: str, reader: Reader, selection: Selection, **options: Any) -> None:
    """An indicator's published view for the reader and selection (and the page's options)."""
    published = store.service().view(reader, name, selection, **options)
    render.view(published, reader, name)


def indicator() -> None:
    """The shared figure page: the indicator app.py opened, drawn whole."""
    name = str(st.session_state.get(INDICATOR, "overview"))
    reader, selection = header(name)
    draw(name, reader, selection)
