"""Bronprofiel maken: the beheerder maps a sample export onto the harmonised fields, no TOML."""

import streamlit as st

from data_access.ingest.builder import Choices
from data_access.ingest.files import FatalImportError
from data_access.ingest.profiles import ProfileError
from data_access.settings import get_settings
from reports import profile_builder as pb
from ui import profile_form, render, session, store

store.ensure_data()
reader = session.reader()
session.demo_banner()
st.title("Bronprofiel maken")
settings, engine = get_settings(), store.engine()
st.caption(
    "Laad een voorbeeld van een export, kies per veld de kolom en per waarde de code, en bekijk "
    "het resultaat. Het voorbeeld blijft in het geheugen en wordt nergens bewaard. Het profiel "
    f"komt in {settings.profile_directory} en staat daarna bij Importeren."
)
if not reader.is_beheerder:
    st.error("Alleen een beheerder kan bronprofielen maken.")
    st.stop()

uploaded = st.file_uploader("Voorbeeldbestand", type=["csv", "xlsx", "txt"], key="voorbeeld")
if uploaded is None:
    st.info("Laad een voorbeeldbestand om te beginnen.")
    st.stop()
options = profile_form.reader_options(uploaded.name)
try:
    sample = pb.sample_of(uploaded.getvalue(), uploaded.name, **options)
    end = profile_form.footer(pb.footer_suggestion(sample))
    if end:
        sample = pb.sample_of(uploaded.getvalue(), uploaded.name, footer=end, **options)
except FatalImportError as exc:
    st.error(f"Het voorbeeld kan niet gelezen worden: {exc}")
    st.stop()
st.caption(
    f"Kolomkoppen op regel {sample.table.header_line}, {sample.table.frame.height} rijen, "
    f"{len(sample.headers)} kolommen."
)
left, right = st.columns(2)
name = left.text_input("Naam (kleine letters, cijfers en _)", key="naam").strip()
label = right.text_input("Omschrijving", key="omschrijving").strip()

st.subheader("Kolommen")
mapped = profile_form.columns(sample.headers, pb.column_suggestions(settings, sample))
st.subheader("Regio")
region = profile_form.region(sample, mapped)
st.subheader("Waarden en codes")
codes = profile_form.codes(engine, settings, sample, mapped, region.found)
st.subheader("Status")
derive = profile_form.status_rules(engine, sample, set(mapped.values()))
st.subheader("Datums, weglaten en cijfers")
more = profile_form.details(engine, sample, mapped, derive, region.at_import)
choices = Choices(
    name=name,
    label=label or name,
    reader=pb.reader_spec(uploaded.name, footer=end, **options),
    columns=mapped,
    codes=codes,
    region_title=region.title,
    requires_region=region.at_import,
    derive=derive,
    drop=more.drop,
    supports=more.supports,
    date_formats=more.date_formats,
)
replace = st.checkbox("Een eigen profiel met dezelfde naam vervangen", key="vervangen")
first, second, _ = st.columns([1, 1, 3])
look = first.button("Voorbeeld bekijken", key="bekijken")
keep = second.button("Profiel opslaan", key="opslaan", type="primary")
if look or keep:
    try:
        text, view = pb.preview(
            engine, settings, sample, choices, reader=reader, region=more.trial_region
        )
        if keep:
            path = pb.save(engine, settings, text, reader=reader, replace=replace)
            st.success(f"Profiel {path.stem} opgeslagen in {path}. Het staat nu bij Importeren.")
    except (ProfileError, FatalImportError) as exc:
        st.error(str(exc))
        st.stop()
    render.view(store.service().published(reader, view), reader, "profiel-voorbeeld")
    st.code(text, language="toml")
