"""Aanmelders: who refers families, by referrer group and referrer, per region and period."""

from __future__ import annotations

from functools import partial
from typing import Final

import polars as pl

from data_access.access.perturbation import noise_of, summed
from data_access.reference.codes import REFERRER_GROUPS, REFERRERS
from indicators._sources import MIXED, MONTHLY_COUNTS, source_over
from indicators.periods import Granularity, period_columns
from reports import charts
from reports.inputs import Inputs
from reports.publish.cells import Count, Rate, Share, Text
from reports.publish.spec import ChartSpec, Section, TableSpec, View
from reports.selection import Selection
from reports.series.referrers import monthly_referrer_groups, monthly_referrers
from reports.views.common import (
    PERIOD,
    REGION,
    SOURCE,
    basis_note,
    quality_notes,
    source_notes,
    subtitle,
    unit,
)

# Shown in the referrer detail for regions whose whole period comes from monthly counts.
NOT_AVAILABLE: Final = f"Niet beschikbaar ({MONTHLY_COUNTS})"

BREDE_INSTAP_NOTE: Final = (
    "Brede instap: CLB, Huis van het Kind / Kind en Gezin, CAW, lokaal bestuur, onderwijs "
    "en medisch. Aandeel binnen de aanmeldingen van de regio in die periode."
)

_GROUP_ORDER: Final = {code: index for index, code in enumerate(REFERRER_GROUPS)}
_REFERRER_ORDER: Final = {code: index for index, code in enumerate(REFERRERS)}
_PERIOD_KEYS: Final = ["region_code", "period", "period_start"]


def _group_order() -> pl.Expr:
    return pl.col("referrer_group").replace_strict(
        _GROUP_ORDER, default=len(_GROUP_ORDER), return_dtype=pl.Int64
    )


def group_counts(inputs: Inputs, selection: Selection, granularity: Granularity) -> pl.DataFrame:
    """region_code, period, period_start, referrer_group, referrer_group_label, intakes (with
    perturbation), source per region and period (month, quarter or the whole period), in
    the code list's group order."""
    return (
        monthly_referrer_groups(inputs, selection)
        .with_columns(*period_columns("month", granularity))
        .with_columns(source_over("region_code", "period"))
        .group_by(*_PERIOD_KEYS, "referrer_group", "source")
        .agg(*summed("intakes"))
        .with_columns(
            referrer_group_label=pl.col("referrer_group").replace_strict(
                REFERRER_GROUPS, default=pl.col("referrer_group"), return_dtype=pl.String
            ),
            _order=_group_order(),
        )
    )


def brede_instap(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, period, period_start, brede_instap, intakes (with perturbations), source:
    the brede instap against all intakes with a known group, per region and period."""
    counts = group_counts(inputs, selection, selection.granularity)
    is_brede_instap = pl.col("referrer_group") == "BREDE_INSTAP"
    return (
        counts.group_by(*_PERIOD_KEYS, "source")
        .agg(
            pl.col("intakes").filter(is_brede_instap).sum().alias("brede_instap"),
            pl.col(noise_of("intakes"))
            .filter(is_brede_instap)
            .sum()
            .alias(noise_of("brede_instap")),
            *summed("intakes"),
        )
        .sort("region_code", "period")
    )


def referrer_detail(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, referrer_label, intakes (with perturbation) over the whole period. Only
    months whose source records the referrer count; a region whose whole period comes from
    monthly counts gets one row "Niet beschikbaar (maandtotalen)" with unknown figures."""
    detail = (
        monthly_referrers(inputs, selection)
        .group_by("region_code", "referrer")
        .agg(*summed("intakes"))
        .with_columns(
            referrer_label=pl.col("referrer").replace_strict(
                REFERRERS, default=pl.col("referrer"), return_dtype=pl.String
            ),
            _order=pl.col("referrer").replace_strict(
                _REFERRER_ORDER, default=len(_REFERRER_ORDER), return_dtype=pl.Int64
            ),
        )
        .sort("region_code", "_order")
        .select("region_code", "referrer_label", "intakes", noise_of("intakes"))
    )
    whole = group_counts(inputs, selection, "all")
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
            noise_of("intakes"): [None] * missing.len(),
        },
        schema=detail.schema,
    )
    return pl.concat([detail, unavailable]).sort("region_code", maintain_order=True)


_GROUP_CELLS = (
    Text("referrer_group_label", "Aanmeldersgroep"),
    Count("intakes", "Aanmeldingen"),
)


def referrers_view(inputs: Inputs, selection: Selection) -> View:
    """Referrer-group shares per region and period, the brede instap share over time, and the
    shares per referrer (rows only) for the whole selected period."""
    names = inputs.region_names()
    per = unit(selection)
    per_period = group_counts(inputs, selection, selection.granularity).sort(
        "region_code", "period", "_order"
    )
    notes = [
        basis_note(inputs),
        BREDE_INSTAP_NOTE,
        *source_notes(per_period, inputs, "aanmelders in detail"),
    ]
    notes += quality_notes(inputs, per_period["region_code"])
    table = TableSpec(
        per_period,
        (
            REGION,
            PERIOD,
            *_GROUP_CELLS,
            Share("share", "Aandeel", count="intakes", within=("region_code", "period")),
            SOURCE,
        ),
        title=f"Aanmeldersgroepen per regio en {per}",
        notes=tuple(notes),
        region_names=names,
        name="aanmeldersgroepen",
    )
    whole = group_counts(inputs, selection, "all").sort("_order", "region_code")
    whole_table = TableSpec(
        whole,
        (
            REGION,
            *_GROUP_CELLS,
            Share("share", "Aandeel", count="intakes", within=("region_code",)),
        ),
        title=f"Aanmeldersgroepen per regio, {selection.period_label()}",
        notes=(basis_note(inputs),),
        region_names=names,
        inputs=(Text("referrer_group", "Groep"),),
        name="aanmeldersgroepen-hele-periode",
    )
    detail_notes = [
        basis_note(inputs),
        "Aanmelders in detail bestaan alleen voor maanden met dossiers; maandtotalen leveren "
        "alleen aanmeldersgroepen.",
    ]
    partial_regions = whole.filter(pl.col("source") == MIXED)["region_code"].unique().sort()
    if partial_regions.len():
        listed = ", ".join(names.get(c, c) for c in partial_regions)
        detail_notes.append(f"{listed}: detail alleen over de maanden met dossiers.")
    detail = referrer_detail(inputs, selection)
    if detail.filter(pl.col("referrer_label") == NOT_AVAILABLE).height:
        detail_notes.append(
            f"'{NOT_AVAILABLE}': die regio leverde in deze periode alleen maandtotalen per "
            "aanmeldersgroep; aandelen per aanmelder zijn daar niet beschikbaar (geen nul)."
        )
    detail_table = TableSpec(
        detail,
        (
            REGION,
            Text("referrer_label", "Aanmelder"),
            Count("intakes", "Aanmeldingen"),
            Share("share", "Aandeel", count="intakes", within=("region_code",)),
        ),
        title=f"Aanmelders per regio, {selection.period_label()}",
        notes=tuple(detail_notes),
        region_names=names,
        name="aanmelders",
    )
    brede = TableSpec(
        brede_instap(inputs, selection),
        (
            REGION,
            PERIOD,
            Count("brede_instap", "Brede instap"),
            Count("intakes", "Aanmeldingen"),
            Rate(
                "share",
                "Aandeel brede instap",
                numerator=("brede_instap",),
                denominator=("intakes",),
            ),
        ),
        title=f"Aandeel brede instap per {per}",
        notes=(basis_note(inputs), BREDE_INSTAP_NOTE),
        region_names=names,
        inputs=(Text("period_start", "Begin"),),
        name="brede-instap",
    )
    over_time = subtitle(selection)
    return View(
        "Aanmelders",
        (
            Section(
                "Aanmeldersgroepen",
                (
                    ChartSpec(
                        whole_table,
                        partial(
                            charts.bar_chart,
                            x="region_code",
                            y="share",
                            color="referrer_group",
                            title="Aanmeldersgroepen per regio",
                            subtitle=over_time,
                            y_title="Aandeel",
                            labels=dict(REFERRER_GROUPS),
                            percent=True,
                            horizontal=True,
                        ),
                        "Aanmeldersgroepen per regio",
                        show_table=False,
                    ),
                    ChartSpec(
                        brede,
                        partial(
                            charts.line_chart,
                            x="period_start",
                            y="share",
                            series="region_code",
                            title=f"Aandeel brede instap per {per}",
                            subtitle=over_time,
                            y_title="Brede instap",
                            percent=True,
                        ),
                        "Aandeel brede instap",
                        show_table=False,
                    ),
                    table,
                ),
            ),
            Section("Aanmelders in detail", (detail_table,)),
        ),
        notes=tuple(notes),
        main=table,
    )
