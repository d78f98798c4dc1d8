"""The store as the UI sees it: one engine and one service per process, the first-start demo."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from data_access.bootstrap import has_imports, prepare_store
from data_access.settings import Settings, get_settings
from reports.service import Service

if TYPE_CHECKING:
    from sqlalchemy import Engine


def settings() -> Settings:
    """The process's settings (from the environment)."""
    return get_settings()


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The process-wide engine (schema upgraded, reference data present)."""
    from data_access.store.engine import make_engine

    created = make_engine(get_settings())
    prepare_store(created)
    return created


def ensure_data() -> None:
    """On an empty embedded store, build the synthetic demo once, with a progress bar."""
    settings = get_settings()
    if has_imports(engine()) or not settings.auto_demo:
        return
    from demo.build import build_demo

    st.info(
        "De opslag is leeg. De monitor maakt eenmalig **synthetische demogegevens** aan "
        "(ongeveer 150.000 registraties); dit duurt ongeveer een halve minuut."
    )
    bar = st.progress(0.0, text="Demo opbouwen…")

    def show(fraction: float, message: str) -> None:
        bar.progress(min(fraction, 1.0), text=message)

    build_demo(engine(), settings, scale=settings.demo_scale, progress=show)
    bar.empty()
    st.rerun()


@st.cache_resource(show_spinner=False)
def service() -> Service:
    """The process-wide service: its inputs are shared by every session (polars frames are
    immutable), and it hands out only what passed the publishing boundary."""
    return Service(engine(), get_settings(), loading=partial(st.spinner, "Gegevens laden…"))
