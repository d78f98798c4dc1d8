"""The store as the UI sees it: one engine and one service per process, the first-start demo."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from data_access.bootstrap import prepare_store
from data_access.settings import Settings, get_settings
from reports.service import Service
from ui import startup

if TYPE_CHECKING:
    from sqlalchemy import Engine


def settings() -> Settings:
    """The process's settings (from the environment)."""
    return get_settings()


def _closed(released: Engine) -> None:
    released.dispose()


# An engine the cache lets go (st.cache_resource.clear) closes its pooled connections at once.
# Left to the garbage collector, a connection to a PostgreSQL database dropped meanwhile logs
# its error later, from whichever thread collects it; Python 3.11 formats that traceback with
# ast.parse, which can fail beside a page script compiling in another thread (CI saw it once).
@st.cache_resource(show_spinner=False, on_release=_closed)
def engine() -> Engine:
    """The process-wide engine (schema upgraded, reference data present)."""
    from data_access.store.engine import make_engine

    created = make_engine(get_settings())
    prepare_store(created)
    return created


def ensure_data() -> None:
    """Wait for the store `./run app` prepares beside the server (demo.startup: the demo on an
    empty store), showing its progress; start that preparation when nothing did."""
    startup.wait_for_data(engine)


@st.cache_resource(show_spinner=False)
def service() -> Service:
    """The process-wide service: its inputs are shared by every session (polars frames are
    immutable), and it hands out only what passed the publishing boundary."""
    return Service(engine(), get_settings(), loading=partial(st.spinner, "Gegevens laden…"))
