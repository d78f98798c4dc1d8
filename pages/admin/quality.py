"""Datakwaliteit: the quality passport per region, failing checks, records to fix, the trend."""

import streamlit as st

from ui import filters, render, session, store

store.ensure_data()
reader = session.reader()
session.demo_banner()
st.title("Datakwaliteit")
st.caption(
    "Controles op de hele opslag: na elke import en hier op vraag. Per regio een paspoort, de "
    "controles die niet in orde zijn met hoe ze op te lossen, en de registraties om na te kijken."
)
service = store.service()
if reader.is_beheerder and st.button("Controles nu uitvoeren", key="controleer"):
    with st.spinner("Kwaliteitscontroles uitvoeren…"):
        st.session_state["laatste_controle"] = service.run_checks(reader)
if st.session_state.get("laatste_controle"):
    st.info(st.session_state["laatste_controle"], icon=":material/fact_check:")
options = service.quality_regions()
# A stuurgroep or critical friend opens on its own region's passport.
own = [code for code in filters.own_regions(reader) if code in options]
chosen = (
    st.selectbox(
        "Paspoort van regio",
        list(options),
        index=list(options).index(own[0]) if own else 0,
        format_func=options.__getitem__,
        key=f"paspoort_regio-{reader.email}",
    )
    if options
    else None
)
render.view(service.quality(reader, chosen), reader, "kwaliteit")
