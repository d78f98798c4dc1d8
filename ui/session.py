"""Who is reading: the reader's scope (every region until roles arrive) and the demo banner."""

from __future__ import annotations

import streamlit as st

from data_access.bootstrap import is_demo_store
from data_access.reads import Scope
from ui.store import engine


def scope() -> Scope:
    """The regions the current reader may see in detail."""
    return Scope.everything()


def demo_banner() -> None:
    """A banner on every page while the store holds synthetic demo data."""
    if is_demo_store(engine()):
        st.warning(
            "**Demomodus** — deze monitor toont synthetische gegevens, geen echte registraties.",
            icon=":material/science:",
        )
