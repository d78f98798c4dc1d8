"""Views: what a page, an export and `1g1p indicator` show for one indicator and selection."""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from indicators._sources import MONTHLY_COUNTS
from reports.inputs import Inputs
from reports.selection import Selection
from reports.tables import Table


@dataclass(frozen=True)
class View:
    """The main table (the indicator's CLI output), extra tables, figures and caveats."""

    table: Table
    figures: dict[str, go.Figure] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return self.table.is_empty


def selected(
    frame: pl.DataFrame, selection: Selection, date_column: str = "received_date"
) -> pl.DataFrame:
    """The rows in the selected period and regions."""
    return frame.filter(selection.in_period(date_column) & selection.in_regions())


def selected_aggregates(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Monthly counts in the selected period and regions (only on the 'then' basis: they carry
    no municipality, so they cannot be re-assigned to today's regions)."""
    if inputs.basis == "today":
        return inputs.aggregates.clear()
    return selected(inputs.aggregates, selection, "month")


def source_notes(frame: pl.DataFrame, inputs: Inputs, what: str) -> list[str]:
    """Say which regions' figures come from monthly counts, never hiding it."""
    if "source" not in frame.columns:
        return []
    from_counts = frame.filter(pl.col("source") != "rijen")["region_code"].unique().sort().to_list()
    if not from_counts:
        return []
    names = inputs.region_names()
    listed = ", ".join(names.get(c, c) for c in from_counts)
    return [
        f"{listed}: cijfers (deels) uit {MONTHLY_COUNTS} zonder dossiers; {what} niet "
        "beschikbaar voor die maanden."
    ]


def months_without(registrations: pl.DataFrame, capability: str) -> pl.DataFrame:
    """region_code, month where no source delivering rows supports `capability` (its profile's
    `supports`), so the figure is "not available" there rather than zero."""
    from data_access.profiles import available_profiles

    capable = [p.source_system for p in available_profiles().values() if capability in p.supports]
    return (
        registrations.with_columns(
            month=pl.col("received_date").dt.truncate("1mo"),
            _capable=pl.col("source_system").str.split(":").list.first().is_in(capable),
        )
        .group_by("region_code", "month")
        .agg(pl.col("_capable").any())
        .filter(~pl.col("_capable"))
        .drop("_capable")
    )


def basis_note(inputs: Inputs) -> str:
    """The basis statement every export carries."""
    label = "zoals toen georganiseerd" if inputs.basis == "then" else "huidige regio's"
    note = f"Regiobasis: {label}."
    if inputs.basis == "today":
        note += (
            " Registraties zonder gemeente staan onder 'Niet toe te wijzen'; maandtotalen "
            "zonder gemeente kunnen niet herverdeeld worden en tellen hier niet mee."
        )
    return note
