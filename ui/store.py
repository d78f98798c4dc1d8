"""The store as the UI sees it: one engine per process, inputs cached per data version."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import streamlit as st

from data_access import reads
from data_access.bootstrap import has_imports, prepare_store
from data_access.disclosure import Disclosure
from data_access.reads import Basis, Scope
from data_access.settings import get_settings
from reports.inputs import Inputs, load_inputs

if TYPE_CHECKING:
    from sqlalchemy import Engine


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The process-wide engine (schema upgraded, reference data present)."""
    from data_access.db import make_engine

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
    build_demo(
        engine(),
        settings,
        scale=settings.demo_scale,
        progress=lambda f, m: bar.progress(min(f, 1.0), text=m),
    )
    bar.empty()
    st.rerun()


def data_version() -> int:
    """The store's data version (one cheap query per rerun): the key of every data cache."""
    return reads.data_version(engine())


@st.cache_resource(max_entries=8, show_spinner="Gegevens laden…")
def _inputs(version: int, scope: Scope, basis: Basis, today: date) -> Inputs:
    # Cached as a resource: polars frames are immutable, so sharing them avoids a copy per rerun.
    settings = get_settings()
    disclosure = Disclosure(settings.min_count, settings.min_denominator)
    return load_inputs(engine(), scope, basis, today, disclosure)


def inputs(scope: Scope, basis: Basis) -> Inputs:
    """The frames behind the pages for this reader; re-read only after an import."""
    return _inputs(data_version(), scope, basis, date.today())
