"""The page while the store is being prepared: the startup's progress, its estimate, and a
start of it when no `./run app` started one (demo.startup does the work)."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from data_access.bootstrap import has_imports
from data_access.settings import Settings, get_settings
from demo import startup
from indicators.formatting import fmt_int

if TYPE_CHECKING:
    from sqlalchemy import Engine

# How often a waiting page looks at the status again.
POLL_SECONDS = 0.7
_started: list[subprocess.Popen[bytes]] = []
_lock = threading.Lock()


def _start_once(settings: Settings) -> None:
    """Start the startup in a child process unless this server's last one still runs (a
    second one would find the first one's lock and end at once)."""
    with _lock:
        if _started and _started[-1].poll() is None:
            return
        child = startup.start()
        _started.append(child)
        startup.wait_started(settings, child)


def wait_for_data(engine: Callable[[], Engine]) -> None:
    """Return once the store holds the figures; until then show the startup's progress and
    look again (the page reruns itself). `engine` is touched only when no startup is
    preparing the store: it may be upgrading the schema."""
    settings = get_settings()
    state = startup.status(settings)
    if state is not None and state.building:
        if not state.alive:  # stopped halfway (the server was stopped during the build)
            _start_once(settings)
            state = startup.status(settings) or state
        _show(state)
    if state is not None and state.phase == startup.FAILED and state.ready_after_s is None:
        st.error(f"De opstart van de monitor is mislukt: {state.error}")
        st.stop()
    if state is None or not state.data_ready:
        if not settings.auto_demo or has_imports(engine()):
            return
        _start_once(settings)
        _show(startup.status(settings))
    if state is not None and state.phase == startup.CHECKING and state.demo:
        st.caption(
            ":material/hourglass_top: De cijfers zijn klaar; de kwaliteitscontroles van de demo "
            "lopen nog, dus het kwaliteitspaspoort en de pagina Datakwaliteit volgen zo."
        )


def _show(state: startup.Status | None) -> None:
    """The progress (and its measured estimate), then a rerun a moment later."""
    st.title("1G1P Monitor")
    if state is None or not state.demo:
        st.info("De opslag wordt voorbereid (schema en referentiegegevens).")
    else:
        st.info(
            "De opslag is leeg. De monitor maakt eenmalig **synthetische demogegevens** aan "
            f"(ongeveer {fmt_int(round(state.registrations, -3))} registraties) en leest ze "
            "in, zoals een beheerder echte bestanden zou inlezen."
        )
    fraction = state.fraction if state is not None else 0.0
    message = state.message if state is not None else "Opslag voorbereiden"
    st.progress(min(max(fraction, 0.0), 1.0), text=message)
    if state is not None and state.eta_s is not None:
        st.caption(
            f"De eerste cijfers volgen over {startup.seconds_nl(state.eta_s)} (geschat op het "
            "tempo van deze opbouw). De kwaliteitscontroles lopen daarna nog even verder."
        )
    else:
        st.caption("De resterende tijd wordt geschat zodra de opbouw op gang is.")
    time.sleep(POLL_SECONDS)
    st.rerun()
