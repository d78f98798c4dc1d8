"""Importeren: the beheerder reads in a source file and checks its batch and quarantine."""

import streamlit as st

from data_access.ingest.pipeline import FatalImportError, ProfileError
from data_access.settings import get_settings
from reports.views.imports import (
    batch_choices,
    batches_table,
    check_outcome,
    import_upload,
    needs_region,
    outcome,
    profile_labels,
    quarantine_table,
    region_choices,
)
from ui import components, session, store

store.ensure_data()
reader = session.reader()
session.demo_banner()
st.title("Importeren")
st.caption(
    "Lees een bronbestand in (uniform formaat of een export uit een eigen systeem). Geweigerde "
    "rijen gaan in quarantaine met de reden; hetzelfde bestand twee keer inlezen verandert niets."
)
settings, engine, scope = get_settings(), store.engine(), reader.scope
if not reader.is_beheerder:
    st.error("Alleen een beheerder kan bestanden inlezen.")
    st.stop()
labels, regions = profile_labels(settings), region_choices(engine)

uploaded = st.file_uploader("Bronbestand", type=["csv", "xlsx", "txt"], key="bestand")
source = st.selectbox("Bron", list(labels), format_func=labels.get, key="bron")
required = needs_region(settings, source)
region = st.selectbox(
    "Regio" + (" (verplicht: dit bestand heeft geen regiokolom)" if required else " (optioneel)"),
    list(regions),
    index=None,
    format_func=regions.get,
    placeholder="Kies een regio",
    key="regio",
)
ready = uploaded is not None and not (required and region is None)
if st.button("Importeren", key="importeer", type="primary", disabled=not ready) and uploaded:
    bar = st.progress(0.0, text="Importeren…")
    try:
        st.session_state["laatste_import"] = import_upload(
            engine,
            settings,
            uploaded.getvalue(),
            uploaded.name,
            source,
            reader=reader,
            region=region,
            progress=components.progress_to(bar),
        )
    except (FatalImportError, ProfileError) as exc:
        st.session_state["laatste_import"] = None
        st.error(f"Import mislukt: {exc}")
    bar.empty()

result = st.session_state.get("laatste_import")
if result is not None:
    kind, counts = outcome(result)
    {"info": st.info, "warning": st.warning, "success": st.success}[kind](result.summary())
    if counts:
        for column, (label, value) in zip(st.columns(len(counts)), counts, strict=True):
            column.metric(label, value)
    if result.rows_rejected and result.batch_id is not None:
        components.table(quarantine_table(engine, scope, result.batch_id), "import-quarantine")
    batch = result.batch_id or result.already_imported_as
    checked = check_outcome(engine, batch) if batch is not None else None
    if checked is not None:
        {"success": st.success, "warning": st.warning, "error": st.error}[checked[0]](
            "\n\n".join(checked[1]), icon=":material/fact_check:"
        )

st.subheader("Recente importbatches")
batches = batches_table(engine, scope)
if batches.is_empty:
    st.info("Er werden nog geen bestanden ingelezen.")
    st.stop()
components.table(batches, "batches")
choices = batch_choices(batches)
if not choices:
    st.caption("Geen van deze batches heeft geweigerde rijen.")
    st.stop()
chosen = st.selectbox(
    "Quarantaine van batch", list(choices), format_func=choices.get, key="quarantaine"
)
components.table(quarantine_table(engine, scope, chosen), "quarantine")
