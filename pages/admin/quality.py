"""Datakwaliteit: the quality passport per region, failing checks, records to fix, the trend."""

import streamlit as st

from data_access.settings import get_settings
from reports.views.quality import quality_view, run_checks_now
from ui import components, session, store

store.ensure_data()
reader = session.reader()
session.demo_banner()
st.title("Datakwaliteit")
st.caption(
    "Great Expectations-controles op de hele opslag: na elke import, met '1g1p check' of hier. "
    "Per regio een paspoort, de controles die niet in orde zijn met hoe ze op te lossen, en de "
    "registraties om na te kijken."
)
settings, engine = get_settings(), store.engine()
if reader.is_beheerder and st.button("Controles nu uitvoeren", key="controleer"):
    with st.spinner("Kwaliteitscontroles uitvoeren…"):
        st.session_state["laatste_controle"] = run_checks_now(engine, settings).summary()
if st.session_state.get("laatste_controle"):
    st.info(st.session_state["laatste_controle"], icon=":material/fact_check:")

view = quality_view(engine, reader.scope, settings)
if not view.has_run:
    st.info("Er werden nog geen kwaliteitscontroles uitgevoerd.")
    st.stop()
st.caption(view.run_caption)

st.subheader("Paspoort per regio")
options = view.region_options()
if options:
    chosen = st.selectbox("Regio", list(options), format_func=options.get, key="paspoort_regio")
    for column, tile in zip(st.columns(5), view.tiles(chosen), strict=False):
        below = "onder de drempel" if tile.below else None
        column.metric(tile.label, tile.value, below, delta_color="inverse", delta_arrow="off")
components.table(view.passports, "passports")
components.figure(view.trend, "trend")

st.subheader("Controles die niet in orde zijn")
if view.failing.is_empty:
    st.success("Alle controles zijn in orde.")
else:
    components.table(view.failing, "failing")
    st.subheader("Om na te kijken in de bron")
    components.table(view.offending, "offending")

st.subheader("Importbatches")
components.table(view.batches, "quality-batches")
components.table(view.reasons, "reasons")
