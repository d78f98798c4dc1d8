"""Aanmelders: who refers families, by referrer group and referrer, per region and period."""

from __future__ import annotations

from typing import Final

import polars as pl

from data_access.reference.codes import REFERRER_GROUPS, REFERRERS
from indicators._sources import MIXED, MONTHLY_COUNTS
from indicators.referrers import (
    brede_instap_of,
    group_shares_of,
    monthly_referrer_counts,
    monthly_referrer_group_counts,
    referrer_shares_of,
)
from reports import charts
from reports.inputs import Inputs
from reports.selection import Selection
from reports.tables import Column, Table
from reports.views import (
    View,
    all_aggregates,
    basis_note,
    disclosed,
    disclosure_notes,
    months_without,
    per_month,
    quality_notes,
    source_notes,
)

# Shown in the referrer detail for regions whose whole period comes from monthly counts.
NOT_AVAILABLE: Final = f"Niet beschikbaar ({MONTHLY_COUNTS})"

_GROUP_ORDER: Final = {code: index for index, code in enumerate(REFERRER_GROUPS)}
_REFERRER_ORDER: Final = {code: index for index, code in enumerate(REFERRERS)}


def _group_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame in the code list's group order, with the Dutch group label."""
    return frame.with_columns(
        referrer_group_label=pl.col("referrer_group").replace_strict(
            REFERRER_GROUPS, default=pl.col("referrer_group"), return_dtype=pl.String
        ),
        _order=pl.col("referrer_group").replace_strict(
            _GROUP_ORDER, default=len(_GROUP_ORDER), return_dtype=pl.Int64
        ),
    )


@per_month
def monthly_referrer_groups(inputs: Inputs) -> pl.DataFrame:
    """indicators.referrers.monthly_referrer_group_counts: region_code, month, referrer_group,
    intakes, source."""
    return monthly_referrer_group_counts(inputs.registrations, all_aggregates(inputs)).collect()


@per_month
def monthly_referrers(inputs: Inputs) -> pl.DataFrame:
    """indicators.referrers.monthly_referrer_counts of the months whose source records the
    referrer: region_code, month, referrer, intakes."""
    unsupported = months_without(inputs.registrations, "referrers")
    return (
        monthly_referrer_counts(inputs.registrations)
        .join(unsupported.lazy(), on=["region_code", "month"], how="anti")
        .collect()
    )


def group_shares_per_period(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, period, period_start, referrer_group, referrer_group_label, intakes, share,
    source: the referrer-group shares per region and selected period (month or quarter)."""
    shares = group_shares_of(monthly_referrer_groups(inputs, selection), selection.granularity)
    return _group_labels(shares).sort("region_code", "period", "_order").drop("_order")


def whole_period_group_shares(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """The referrer-group shares per region over the whole selected period, in code-list order
    (columns as `group_shares_per_period`, period "totaal")."""
    shares = group_shares_of(monthly_referrer_groups(inputs, selection), granularity="all")
    return _group_labels(shares).sort("_order", "region_code").drop("_order")


def referrer_detail(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, referrer_label, intakes, share over the whole selected period.

    Only months whose source records the referrer count; a region whose whole period comes
    from monthly counts gets one row "Niet beschikbaar (maandtotalen)" with unknown figures.
    """
    detail = (
        referrer_shares_of(monthly_referrers(inputs, selection), granularity="all")
        .with_columns(
            referrer_label=pl.col("referrer").replace_strict(
                REFERRERS, default=pl.col("referrer"), return_dtype=pl.String
            ),
            _order=pl.col("referrer").replace_strict(
                _REFERRER_ORDER, default=len(_REFERRER_ORDER), return_dtype=pl.Int64
            ),
        )
        .sort("region_code", "_order")
        .select("region_code", "referrer_label", "intakes", "share")
    )
    whole = whole_period_group_shares(inputs, selection)
    missing = (
        whole.filter(pl.col("source") == MONTHLY_COUNTS)
        .filter(~pl.col("region_code").is_in(detail["region_code"].implode()))["region_code"]
        .unique()
        .sort()
    )
    unavailable = pl.DataFrame(
        {
            "region_code": missing,
            "referrer_label": [NOT_AVAILABLE] * missing.len(),
            "intakes": [None] * missing.len(),
            "share": [None] * missing.len(),
        },
        schema=detail.schema,
    )
    return pl.concat([detail, unavailable]).sort("region_code", maintain_order=True)


def referrers_view(inputs: Inputs, selection: Selection) -> View:
    """Referrer-group shares per region and period, the brede instap share over time, and the
    shares per referrer (rows only) for the whole selected period."""
    names = inputs.region_names()
    unit = "maand" if selection.granularity == "month" else "kwartaal"
    per_period = disclosed(
        group_shares_per_period(inputs, selection),
        inputs,
        counts=["intakes"],
        derived={"share": "intakes"},
        complement_by=(("region_code", "period"),),
    )
    notes = [
        basis_note(inputs),
        "Brede instap: CLB, Huis van het Kind / Kind en Gezin, CAW, lokaal bestuur, onderwijs "
        "en medisch. Aandeel binnen de aanmeldingen van de regio in die periode.",
        *source_notes(per_period, inputs, "aanmelders in detail"),
        *disclosure_notes(inputs),
    ]
    notes += quality_notes(inputs, per_period["region_code"])
    table = Table(
        per_period,
        (
            Column("region_code", "Regio", "region"),
            Column("period", "Periode", "period"),
            Column("referrer_group_label", "Aanmeldersgroep"),
            Column("intakes", "Aanmeldingen", "int"),
            Column("share", "Aandeel", "pct"),
            Column("source", "Bron"),
        ),
        title=f"Aanmeldersgroepen per regio en {unit}",
        notes=tuple(notes),
        region_names=names,
    )
    whole = disclosed(
        whole_period_group_shares(inputs, selection),
        inputs,
        counts=["intakes"],
        derived={"share": "intakes"},
        complement_by=(("region_code",),),
    )
    detail = disclosed(
        referrer_detail(inputs, selection),
        inputs,
        counts=["intakes"],
        derived={"share": "intakes"},
        complement_by=(("region_code",),),
    )
    detail_notes = [
        basis_note(inputs),
        "Aanmelders in detail bestaan alleen voor maanden met dossiers; maandtotalen leveren "
        "alleen aanmeldersgroepen.",
    ]
    partial = whole.filter(pl.col("source") == MIXED)["region_code"].unique().sort()
    if partial.len():
        listed = ", ".join(names.get(c, c) for c in partial)
        detail_notes.append(f"{listed}: detail alleen over de maanden met dossiers.")
    if detail.filter(pl.col("referrer_label") == NOT_AVAILABLE).height:
        detail_notes.append(
            f"'{NOT_AVAILABLE}': die regio leverde in deze periode alleen maandtotalen per "
            "aanmeldersgroep; aandelen per aanmelder zijn daar niet beschikbaar (geen nul)."
        )
    detail_table = Table(
        detail,
        (
            Column("region_code", "Regio", "region"),
            Column("referrer_label", "Aanmelder"),
            Column("intakes", "Aanmeldingen", "int"),
            Column("share", "Aandeel", "pct"),
        ),
        title=f"Aanmelders per regio, {selection.period_label()}",
        notes=tuple(detail_notes),
        region_names=names,
    )
    subtitle = f"{selection.period_label()} · {selection.basis_label}"
    figures = {}
    if not whole.is_empty():
        figures["groups"] = charts.bars(
            whole,
            x="region_code",
            y="share",
            color="referrer_group",
            title="Aanmeldersgroepen per regio",
            subtitle=subtitle,
            y_title="Aandeel",
            names=names,
            labels=dict(REFERRER_GROUPS),
            percent=True,
            horizontal=True,
        )
    brede = disclosed(
        brede_instap_of(monthly_referrer_groups(inputs, selection), selection.granularity),
        inputs,
        counts=[],
        rates={"share": "intakes"},
    ).filter(pl.col("share").is_not_null())
    if not brede.is_empty():
        figures["brede_instap"] = charts.lines(
            brede,
            x="period_start",
            y="share",
            series="region_code",
            title=f"Aandeel brede instap per {unit}",
            subtitle=subtitle,
            y_title="Brede instap",
            names=names,
            percent=True,
        )
    return View(table, figures, {"referrers": detail_table}, tuple(notes))
