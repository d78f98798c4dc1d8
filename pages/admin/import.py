"""Importeren: the beheerder reads in a source file and checks its batch and quarantine."""

import streamlit as st

from data_access.ingest.pipeline import FatalImportError, ProfileError
from ui import render, session, store

store.ensure_data()
reader = session.reader()
session.demo_banner()
st.title("Importeren")
st.caption(
    "Lees een bronbestand in (uniform formaat of een export uit een eigen systeem). Geweigerde "
    "rijen gaan in quarantaine met de reden; hetzelfde bestand twee keer inlezen verandert niets. "
    "Een proefimport toont wat er zou gebeuren, zonder iets op te slaan."
)
if not reader.is_beheerder:
    st.error("Alleen een beheerder kan bestanden inlezen.")
    st.stop()
service = store.service()
labels, regions = service.sources(), service.region_choices()
for problem in service.unusable_profiles():
    st.warning(f"Dit profiel kan niet gebruikt worden: {problem}")

uploaded = st.file_uploader("Bronbestand", type=["csv", "xlsx", "txt"], key="bestand")
source = st.selectbox("Bron", list(labels), format_func=labels.get, key="bron")
required = service.needs_region(source)
region = st.selectbox(
    "Regio" + (" (verplicht: dit bestand heeft geen regiokolom)" if required else " (optioneel)"),
    list(regions),
    index=None,
    format_func=regions.get,
    placeholder="Kies een regio",
    key="regio",
)
ready = uploaded is not None and not (required and region is None)
left, right, _ = st.columns([1, 1, 4])
if right.button("Proefimport", key="proefimport", disabled=not ready) and uploaded:
    st.session_state["laatste_import"] = None
    try:
        st.session_state["laatste_proefimport"] = service.dry_run(
            reader, uploaded.getvalue(), uploaded.name, source, region
        )
    except (FatalImportError, ProfileError) as exc:
        st.session_state["laatste_proefimport"] = None
        st.error(f"Proefimport mislukt: {exc}")
if left.button("Importeren", key="importeer", type="primary", disabled=not ready) and uploaded:
    st.session_state["laatste_proefimport"] = None
    bar = st.progress(0.0, text="Importeren…")
    try:
        st.session_state["laatste_import"] = service.upload(
            reader,
            uploaded.getvalue(),
            uploaded.name,
            source,
            region,
            progress=render.progress_to(bar),
        )
    except (FatalImportError, ProfileError) as exc:
        st.session_state["laatste_import"] = None
        st.error(f"Import mislukt: {exc}")
    bar.empty()

result = st.session_state.get("laatste_import")
if result is not None:
    kind, counts = service.import_outcome(reader, result)
    {"info": st.info, "warning": st.warning, "success": st.success}[kind](
        service.import_summary(result)
    )
    if counts is not None:
        render.view(counts, reader, "import-tellingen")
    if result.rows_rejected and result.batch_id is not None:
        render.table(service.quarantine(reader, result.batch_id), reader, "import-quarantine")
    checked = service.check_outcome(result.batch_id) if result.batch_id is not None else None
    if checked is not None:
        {"success": st.success, "warning": st.warning, "error": st.error}[checked[0]](
            "\n\n".join(checked[1]), icon=":material/fact_check:"
        )

trial = st.session_state.get("laatste_proefimport")
if trial is not None:
    render.view(trial, reader, "proefimport")

st.subheader("Recente importbatches")
batches = service.batches(reader)
if batches.is_empty:
    st.info("Er werden nog geen bestanden ingelezen.")
    st.stop()
render.table(batches, reader, "batches")
choices = service.batch_choices(reader)
if not choices:
    st.caption("Geen van deze batches heeft geweigerde rijen.")
    st.stop()
chosen = st.selectbox(
    "Quarantaine van batch", list(choices), format_func=choices.get, key="quarantaine"
)
render.table(service.quarantine(reader, chosen), reader, "quarantine")
