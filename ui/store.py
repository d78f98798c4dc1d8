"""The store as the UI sees it: one engine per process, inputs cached per data version."""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import streamlit as st

from data_access.access import reads
from data_access.access.disclosure import Disclosure
from data_access.access.reads import Basis
from data_access.access.scope import Scope
from data_access.bootstrap import prepare_store
from data_access.settings import get_settings
from reports.inputs import Inputs, load_inputs
from ui import startup

if TYPE_CHECKING:
    from sqlalchemy import Engine


@st.cache_resource(show_spinner=False)
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


def data_version() -> int:
    """The store's data version (one cheap query per rerun): the key of every data cache."""
    return reads.data_version(engine())


class InputsCache:
    """Inputs per (scope, basis, day) of the current data version only.

    An import frees every entry of the older version at once (a cache keyed on the version
    would hold old versions until evicted, hundreds of MB each at 1M registrations), at most
    `size` entries are kept, and loads run one at a time, so sessions of different scopes
    arriving after an import do not each hold a load's transient memory at once
    (BENCHMARKS.md)."""

    def __init__(self, load: Callable[[Scope, Basis, date], Inputs], size: int = 6) -> None:
        self._load = load
        self._size = size
        self._lock = threading.Lock()
        self._version: int | None = None
        self._entries: OrderedDict[tuple[Scope, Basis, date], Inputs] = OrderedDict()

    def get(self, version: int, scope: Scope, basis: Basis, today: date) -> Inputs:
        key = (scope, basis, today)
        with self._lock:
            if self._version is not None and version < self._version:
                # Read just before an import committed: serve the newer entries, never flip back.
                version = self._version
            if version != self._version:
                dropped = bool(self._entries)
                self._entries.clear()
                self._version = version
                if dropped:
                    # Script runs leave reference cycles that still point at the old frames;
                    # free them now rather than at some later collection (BENCHMARKS.md).
                    gc.collect()
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            loaded = self._load(scope, basis, today)
            self._entries[key] = loaded
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
            return loaded

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._version = None
            gc.collect()


def _load(scope: Scope, basis: Basis, today: date) -> Inputs:
    settings = get_settings()
    disclosure = Disclosure(settings.min_count, settings.min_denominator)
    with st.spinner("Gegevens laden…"):
        return load_inputs(engine(), scope, basis, today, disclosure)


@st.cache_resource(show_spinner=False)
def inputs_cache() -> InputsCache:
    """The process-wide inputs cache (polars frames are immutable: sessions share them)."""
    return InputsCache(_load)


def inputs(scope: Scope, basis: Basis) -> Inputs:
    """The frames behind the pages for this reader; re-read only after an import."""
    return inputs_cache().get(data_version(), scope, basis, date.today())
