"""Who is reading: OIDC login or the demo-user picker, the reader's scope, and the demo banner."""

from __future__ import annotations

import re

import streamlit as st

from data_access.access.audit import audit
from data_access.access.roles import Reader, demo_readers, ensure_demo_users, reader_for
from data_access.access.scope import Scope
from data_access.bootstrap import has_imports, is_demo_store
from data_access.settings import get_settings
from ui import store
from ui.store import engine


@st.cache_resource(show_spinner=False)
def _demo_users_ready() -> bool:
    ensure_demo_users(engine())
    return True


def reader() -> Reader:
    """The logged-in reader; stops the page with a clear message when there is none."""
    if get_settings().auth_mode == "oidc":
        return _oidc_reader()
    return _demo_reader()


def _oidc_reader() -> Reader:
    if not st.user.is_logged_in:
        st.title("1G1P Monitor")
        st.write("Meld je aan met je account van de organisatie.")
        st.button("Aanmelden", on_click=st.login, type="primary")
        st.stop()
    email = str(st.user.get("email") or "")
    found = reader_for(engine(), email)
    if found is None:
        st.error(
            f"Geen toegang voor {_plain(email) or 'dit account'}. Vraag de beheerder van de "
            "monitor om "
            "je een rol te geven."
        )
        st.button("Afmelden", on_click=st.logout)
        st.stop()
    _audit_login(found, "aanmelding")
    with st.sidebar:
        st.caption(f"Aangemeld als {_plain(found.name)} · {found.role_label(_region_names())}")
        st.button("Afmelden", on_click=st.logout, key="afmelden")
    return found


def _plain(text: str) -> str:
    """`text` shown as itself in Streamlit's Markdown: an e-mail from the identity provider
    or a stored name can hold no link, emphasis or HTML."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$])", r"\\\1", text)


def _demo_reader() -> Reader:
    if has_imports(engine()) and not is_demo_store(engine()):
        st.error(
            "Deze opslag bevat echte gegevens: de demomodus met vrij te kiezen gebruikers kan "
            "er niet op draaien. Zet MONITOR_AUTH_MODE=oidc en configureer de aanmelding "
            "(zie README)."
        )
        st.stop()
    _demo_users_ready()
    readers = {r.email: r for r in demo_readers(engine())}
    with st.sidebar:
        chosen = st.selectbox(
            "Demogebruiker",
            list(readers),
            # The demo users are named after their role and regions ("Stuurgroep Konekti
            # (demo)"); the picker says "demo" already.
            format_func=lambda e: readers[e].name.removesuffix(" (demo)"),
            key="demogebruiker",
            persist_state="session",
            help="Demomodus: kies een rol om te zien wat die gebruiker ziet.",
        )
        found = readers[chosen or next(iter(readers))]
        st.caption(f"Rol: {found.role_label(_region_names())}")
    _audit_login(found, "aanmelding (demo)")
    return found


def _region_names() -> dict[str, str]:
    regions = store.service().regions()
    return dict(regions.select("region_code", "region_name").iter_rows())


def reader_quietly() -> Reader | None:
    """The current reader without rendering anything (for the navigation in app.py)."""
    if get_settings().auth_mode == "oidc":
        if not st.user.is_logged_in:
            return None
        return reader_for(engine(), str(st.user.get("email") or ""))
    _demo_users_ready()
    readers = demo_readers(engine())
    chosen = st.session_state.get("demogebruiker")
    return next((r for r in readers if r.email == chosen), readers[0] if readers else None)


def _audit_login(found: Reader, action: str) -> None:
    """One audit event per login (per session and user), not per rerun."""
    if st.session_state.get("_audited_login") != found.email:
        audit(engine(), found.email, action, {"rollen": found.role_label()})
        st.session_state["_audited_login"] = found.email


def scope() -> Scope:
    """The regions the current reader may see in detail."""
    return reader().scope


def demo_banner() -> None:
    """A banner on every page while the store holds synthetic demo data."""
    if is_demo_store(engine()):
        st.warning(
            "**Demomodus** — deze monitor toont synthetische gegevens, geen echte registraties.",
            icon=":material/science:",
        )
