"""The widgets of the mapping screen: reader options, columns, values, region and status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from data_access.ingest.builder import Sample
from data_access.settings import Settings
from reports import profile_builder as pb

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class Details:
    """Date formats, dropped columns, the figures the source supplies, a region to try it on."""

    date_formats: list[str]
    drop: list[str]
    supports: list[str]
    trial_region: str | None


@dataclass(frozen=True)
class Region:
    """Where the region comes from: a title-line pattern, or chosen at import."""

    title: str  # the pattern, "" when not from a title line
    at_import: bool
    found: str | None  # what the title pattern finds in the sample


def reader_options(file_name: str) -> dict[str, object]:
    """Delimiter, encoding and header line, as the beheerder sets them for a CSV or XLSX."""
    options: dict[str, object] = {}
    with st.expander("Bestand lezen", expanded=False):
        if not file_name.lower().endswith((".xlsx", ".xlsm")):
            left, right = st.columns(2)
            options["delimiter"] = left.selectbox(
                "Scheidingsteken",
                list(pb.DELIMITERS),
                format_func=pb.DELIMITERS.get,
                key="lezen-teken",
            )
            options["encoding"] = right.selectbox(
                "Codering", list(pb.ENCODINGS), format_func=pb.ENCODINGS.get, key="lezen-codering"
            )
        row = st.number_input(
            "Regel van de kolomkoppen (0 = automatisch zoeken)",
            min_value=0,
            max_value=200,
            value=0,
            key="lezen-kopregel",
        )
        options["header_row"] = int(row) if row else "auto"
    return options


def footer(suggested: str) -> str:
    """The footer pattern: lines from the first one matching it are no rows."""
    return st.text_input(
        "Voettekst: patroon van de eerste regel onder de tabel (leeg = geen voettekst)",
        value=suggested,
        key="lezen-voettekst",
    ).strip()


def columns(headers: list[str], suggested: dict[str, str]) -> dict[str, str]:
    """Per harmonised field, the column it comes from (suggested, changeable)."""
    options = [pb.NONE, *headers]
    chosen: dict[str, str] = {}
    left, right = st.columns(2)
    for i, (field, label) in enumerate(pb.FIELD_LABELS.items()):
        default = suggested.get(field)
        header = (left if i % 2 == 0 else right).selectbox(
            f"{label} ({field})",
            options,
            index=options.index(default) if default in options else 0,
            key=f"kolom-{field}",
        )
        if header != pb.NONE:
            chosen[field] = header
    return chosen


def region(sample: Sample, mapped: dict[str, str]) -> Region:
    """Where the region comes from when no column holds it."""
    if "region_code" in mapped:
        st.caption(f"De regio komt uit kolom {mapped['region_code']}.")
        return Region("", False, None)
    how = st.radio(
        "Waar komt de regio vandaan?",
        ["title", "import"],
        format_func=pb.REGION_SOURCES.get,
        key="regio-bron",
        horizontal=True,
    )
    if how == "import":
        return Region("", True, None)
    pattern = st.text_input(
        "Patroon van de titelregel (de regio tussen haakjes)",
        value=pb.TITLE_PATTERN,
        key="regio-patroon",
    )
    found = pb.title_value(sample, pattern)
    if found is None:
        st.warning("Dit patroon vindt geen regio boven de kolomkoppen van het voorbeeld.")
    else:
        st.caption(f"Gevonden in de titelregels: {found}")
    return Region(pattern, False, found)


def codes(
    engine: Engine, settings: Settings, sample: Sample, mapped: dict[str, str], title: str | None
) -> dict[str, dict[str, str]]:
    """Per code field with a column: each value of the sample and the code it means."""
    tables: dict[str, dict[str, str]] = {}
    fields = [
        f for f in ("region_code", *pb.CODED) if f in mapped or (f == "region_code" and title)
    ]
    for field in fields:
        values = sample.values(mapped[field]) if field in mapped else [(str(title), 1)]
        if not values:
            continue
        options = pb.code_choices(engine, field)
        suggested = pb.code_suggestions(engine, settings, field, [v for v, _n in values])
        where = f"kolom {mapped[field]}" if field in mapped else "titelregel"
        st.markdown(f"**{pb.FIELD_LABELS[field]}** ({where})")
        keys = list(options)
        table: dict[str, str] = {}
        for i, (value, count) in enumerate(values):
            default = suggested.get(value, pb.NONE)
            code = st.selectbox(
                f"'{value}' ({count}×)",
                keys,
                index=keys.index(default),
                format_func=options.get,
                key=f"code-{field}-{i}",
            )
            if code != pb.NONE:
                table[value] = code
        tables[field] = table
    return tables


def status_rules(engine: Engine, sample: Sample, used: set[str]) -> list[tuple[str, str, str, str]]:
    """A status column whose values imply a closure reason where the file gives none."""
    free = [pb.NONE, *(h for h in sample.headers if h not in used)]
    column = st.selectbox("Kolom met een status (optioneel)", free, key="status-kolom")
    if column == pb.NONE:
        return []
    values = [v for v, _n in sample.values(column)]
    chosen = st.multiselect(
        "Statussen die een reden van afsluiting betekenen", values, key="status-waarden"
    )
    reasons = {k: v for k, v in pb.code_choices(engine, "closure_reason").items() if k != pb.NONE}
    keys = list(reasons)
    code = st.selectbox(
        "Reden van afsluiting bij die status (als het bestand er geen geeft)",
        keys,
        index=keys.index("VRAAG_WEGGEVALLEN"),
        format_func=reasons.get,
        key="status-reden",
    )
    return [("closure_reason", column, value, code) for value in chosen]


def details(
    engine: Engine,
    sample: Sample,
    mapped: dict[str, str],
    derive: list[tuple[str, str, str, str]],
    at_import: bool,
) -> Details:
    """The date formats (suggested from the sample), the columns to drop (personal and unused
    ones suggested), the figures (all the mapping can supply) and, when the region is chosen at
    import, the region to preview with."""
    date_formats = st.multiselect(
        "Datumformaten, in volgorde",
        list(pb.DATE_FORMATS),
        default=pb.date_format_suggestions(sample, mapped),
        format_func=pb.DATE_FORMATS.get,
        key="datumformaten",
    )
    drop = st.multiselect(
        "Weglaten (nooit opgeslagen of getoond)",
        sample.headers,
        default=pb.drop_suggestions(sample, mapped, [rule[1] for rule in derive]),
        key="weglaten",
    )
    possible = pb.figures_possible(mapped, [rule[0] for rule in derive], at_import)
    supports = st.multiselect(
        "Cijfers die deze bron levert",
        possible,
        default=possible,
        format_func=pb.CAPABILITY_LABELS.get,
        key="cijfers",
    )
    trial_region = None
    if at_import:
        regions = pb.region_choices(engine)
        trial_region = st.selectbox(
            "Regio voor het voorbeeld",
            list(regions),
            format_func=regions.get,
            key="voorbeeld-regio",
        )
    return Details(
        date_formats or ["%d/%m/%Y"], pb.drop_without_rules(drop, derive), supports, trial_region
    )
