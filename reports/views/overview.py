"""Overzicht: Flanders and per-region key figures for the period, against the previous period
and the same period last year."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, NamedTuple

import plotly.graph_objects as go
import polars as pl

from indicators._sources import combined_source, share, sum_or_null
from indicators.formatting import MISSING, fmt_dec, fmt_int, fmt_pct, month_label
from indicators.periods import month_start, previous_period, same_period_last_year
from indicators.reach import families_in, family_months
from reports import charts
from reports.inputs import Inputs
from reports.selection import Selection
from reports.tables import Column, Table
from reports.views import (
    View,
    basis_note,
    disclosure_notes,
    months_without,
    per_month,
    quality_notes,
    source_notes,
)
from reports.views.intakes import monthly_intake_rates
from reports.views.referrers import monthly_referrer_groups
from reports.views.response_time import monthly_timeliness

# The region code of the total row ("Vlaanderen" or the selected regions together).
TOTAL: Final = "_TOTAAL"

# The comparisons, in the order they are shown: column suffix and Dutch wording.
COMPARISONS: Final = (("prev", "vorige periode"), ("last_year", "zelfde periode vorig jaar"))

_COUNTS = ("intakes", "consults", "gv", "sdj", "families")
_KEY_COLUMNS = [
    "region_code",
    "intakes",
    "consults",
    "tijdig",
    "laat",
    "within_month",
    "brede_instap",
    "referred",
    "brede_instap_share",
    "gv",
    "sdj",
    "families",
    "source",
]


@dataclass(frozen=True)
class Tile:
    """One key figure as a metric tile: the value and its changes as Dutch text."""

    label: str
    value: str
    delta: str | None  # against the previous period, e.g. "+12,3% t.o.v. vorige periode"
    delta_last_year: str | None  # e.g. "-3,1 ptn t.o.v. zelfde periode vorig jaar"
    help: str
    higher_is_better: bool
    trend: tuple[int, ...] = ()  # monthly values of the period, oldest first

    @property
    def delta_color(self) -> Literal["normal", "off"]:
        """Coloured only where a rise is good news (timeliness, brede instap, reach)."""
        return "normal" if self.higher_is_better else "off"

    @property
    def delta_arrow(self) -> Literal["auto", "off"]:
        """No arrow for "no change" or for a missing comparison."""
        return "off" if self.delta is None or self.delta.startswith("+0,0") else "auto"


@dataclass(frozen=True)
class Overview(View):
    """The overview's view, plus the total's key figures as metric tiles."""

    tiles: tuple[Tile, ...] = ()
    total_label: str = "Vlaanderen"


@per_month
def months_without_reach(inputs: Inputs) -> pl.DataFrame:
    """region_code, month whose sources cannot show trajectories (views.months_without)."""
    return months_without(inputs.registrations, "reach")


@per_month
def trajectory_families(inputs: Inputs) -> pl.DataFrame:
    """indicators.reach.family_months: one row per trajectory with its region, start year,
    month received and family."""
    return family_months(inputs.registrations)


def key_figures(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region in the selection's period and regions: the overview's key figures.

    Columns: region_code, intakes, consults (null where a source does not register consults),
    tijdig, laat, within_month (rate, calendar-month rule), brede_instap, referred,
    brede_instap_share, gv, sdj, families (distinct families with a trajectory; null for
    regions without rows or whose source cannot show it), source. A region is present when it
    reported anything in the period; nothing is invented for a region that did not report.
    """
    intakes = (
        monthly_intake_rates(inputs, selection)
        .group_by("region_code")
        .agg(
            pl.col("intakes").sum(),
            # A partial consult count would read as a fall: unknown for one month → unknown.
            pl.when(pl.col("consults").null_count() == 0)
            .then(pl.col("consults").sum())
            .alias("consults"),
            combined_source(),
        )
    )
    timely = (
        monthly_timeliness(inputs, selection, "calendar_month")
        .group_by("region_code")
        .agg(sum_or_null("tijdig"), sum_or_null("laat"))
        .with_columns(within_month=share(pl.col("tijdig"), pl.col("tijdig") + pl.col("laat")))
    )
    group = pl.col("referrer_group")
    referred = (
        monthly_referrer_groups(inputs, selection)
        .group_by("region_code")
        .agg(
            pl.col("intakes").filter(group == "BREDE_INSTAP").sum().alias("brede_instap"),
            pl.col("intakes").sum().alias("referred"),
            pl.col("intakes").filter(group == "GV").sum().alias("gv"),
            pl.col("intakes").filter(group == "SDJ").sum().alias("sdj"),
        )
        .with_columns(brede_instap_share=share(pl.col("brede_instap"), pl.col("referred")))
    )
    no_reach = months_without_reach(inputs, selection)["region_code"].unique().implode()
    families = (
        # Counted per start year, as on the reach page; a period spanning two years adds them up.
        families_in(trajectory_families(inputs, selection))
        .group_by("region_code")
        .agg(pl.col("families").sum())
        .filter(~pl.col("region_code").is_in(no_reach))
    )
    return (
        intakes.join(timely, on="region_code", how="left")
        .join(referred, on="region_code", how="left")
        .join(families, on="region_code", how="left")
        .select(_KEY_COLUMNS)
        .sort("region_code")
    )


def total_of(figures: pl.DataFrame) -> pl.DataFrame:
    """The key figures of all regions together (one row, region_code TOTAL).

    Rates are recomputed from the summed counts; consults and families add up the regions
    that know them (null when none does).
    """
    return (
        figures.select(
            pl.lit(TOTAL).alias("region_code"),
            pl.col("intakes").sum(),
            sum_or_null("consults"),
            pl.col("tijdig").sum(),
            pl.col("laat").sum(),
            pl.col("brede_instap").sum(),
            pl.col("referred").sum(),
            pl.col("gv").sum(),
            pl.col("sdj").sum(),
            sum_or_null("families"),
            combined_source(),
        )
        .with_columns(
            within_month=share(pl.col("tijdig"), pl.col("tijdig") + pl.col("laat")),
            brede_instap_share=share(pl.col("brede_instap"), pl.col("referred")),
        )
        .select(_KEY_COLUMNS)
    )


def _with_total(figures: pl.DataFrame) -> pl.DataFrame:
    if figures.is_empty():
        return figures
    return pl.concat([total_of(figures), figures], how="vertical_relaxed")


def compared(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """The key figures with their values in the previous period and last year, and the changes.

    Per key figure x: x_prev, x_last_year (the other period's value, null when the region did
    not report then), and the change: for counts the relative change (x − before) / before,
    for rates the difference in points (share units: 0.021 = 2,1 percentage points). The first
    row is the total (region_code TOTAL); for the total of consults and families the earlier
    period counts only the regions counted now, and no change is given when one of them is
    unknown then.
    """
    current = key_figures(inputs, selection)
    out = _with_total(current)
    known_now = {
        column: current.filter(pl.col(column).is_not_null())["region_code"].to_list()
        for column in ("consults", "families")
    }
    for suffix, window in zip(
        ("prev", "last_year"),
        (
            previous_period(selection.start, selection.end),
            same_period_last_year(selection.start, selection.end),
        ),
        strict=True,
    ):
        start, end = window
        before_regions = key_figures(inputs, dataclasses.replace(selection, start=start, end=end))
        before = _with_total(before_regions)
        for column, regions in known_now.items():
            # The total of a partly known figure compares like with like: the same regions.
            same = before_regions.filter(pl.col("region_code").is_in(regions))
            complete = same.height == len(regions) and same[column].null_count() == 0
            value = same[column].sum() if complete and regions else None
            before = before.with_columns(
                pl.when(pl.col("region_code") == TOTAL)
                .then(pl.lit(value))
                .otherwise(pl.col(column))
                .alias(column)
            )
        before = before.select(
            "region_code",
            *(
                pl.col(c).alias(f"{c}_{suffix}")
                for c in (*_COUNTS, "within_month", "brede_instap_share")
            ),
        )
        out = out.join(before, on="region_code", how="left").with_columns(
            *(_relative(c, suffix) for c in _COUNTS),
            *(
                (pl.col(c) - pl.col(f"{c}_{suffix}")).alias(f"{c}_change_{suffix}")
                for c in ("within_month", "brede_instap_share")
            ),
        )
    return out


def _relative(column: str, suffix: str) -> pl.Expr:
    before = pl.col(f"{column}_{suffix}")
    return (
        pl.when(before > 0)
        .then((pl.col(column) - before) / before)
        .otherwise(None)
        .alias(f"{column}_change_{suffix}")
    )


def _signed(text: str) -> str:
    return text if text.startswith("-") or text == MISSING else f"+{text}"


def change_text(
    value: float | None, kind: Literal["relative", "points"], wording: str
) -> str | None:
    """A change in Dutch: "+12,3% t.o.v. vorige periode", "-2,1 ptn t.o.v. …"; None if unknown."""
    if value is None:
        return None
    shown = fmt_pct(value) if kind == "relative" else f"{fmt_dec(value * 100, 1)} ptn"
    return f"{_signed(shown)} t.o.v. {wording}"


class _KeyFigure(NamedTuple):
    column: str
    label: str
    percent: bool  # a share shown as "83,3%", its change in points; else a count
    higher_is_better: bool
    help: str


_TILES: Final = (
    _KeyFigure(
        "intakes",
        "Aanmeldingen",
        percent=False,
        higher_is_better=False,
        help="Aanmeldingen ontvangen in de periode, uit dossiers en uit maandtotalen; "
        "consultvragen niet meegeteld.",
    ),
    _KeyFigure(
        "consults",
        "Consultvragen",
        percent=False,
        higher_is_better=False,
        help="Alleen regio's waarvan de bron consultvragen registreert; Excel-registers en "
        "maandtotalen kennen geen consultvragen.",
    ),
    _KeyFigure(
        "within_month",
        "Binnen de maand opgenomen",
        percent=True,
        higher_is_better=True,
        help="Eerste contact uiterlijk één kalendermaand na de aanmelding (31 jan. → 28/29 "
        "feb.), als aandeel van tijdig + laat; vervallen en lopende aanmeldingen tellen niet mee.",
    ),
    _KeyFigure(
        "brede_instap_share",
        "Brede instap",
        percent=True,
        higher_is_better=True,
        help="Aandeel aanmeldingen via CLB, Huis van het Kind, CAW, lokaal bestuur, onderwijs "
        "of medische hulp.",
    ),
    _KeyFigure(
        "gv",
        "Aanmeldingen via GV",
        percent=False,
        higher_is_better=False,
        help="Aanmeldingen door de gemandateerde voorzieningen (OCJ, VK).",
    ),
    _KeyFigure(
        "sdj",
        "Aanmeldingen via SDJ",
        percent=False,
        higher_is_better=False,
        help="Aanmeldingen door de sociale dienst van de jeugdrechtbank.",
    ),
    _KeyFigure(
        "families",
        "Gezinnen bereikt",
        percent=False,
        higher_is_better=True,
        help="Verschillende gezinnen met een gestart traject bij de aanmeldingen van de periode "
        "(per startjaar geteld); niet beschikbaar voor maandtotalen.",
    ),
)


def _tiles(
    total: dict[str, object], trend: tuple[int, ...], coverage: dict[str, str]
) -> tuple[Tile, ...]:
    tiles = []
    for spec in _TILES:
        value = total.get(spec.column)
        shown = fmt_pct(value) if spec.percent else fmt_int(value)  # type: ignore[arg-type]
        changes = [
            change_text(
                total.get(f"{spec.column}_change_{suffix}"),  # type: ignore[arg-type]
                "points" if spec.percent else "relative",
                wording,
            )
            for suffix, wording in COMPARISONS
        ]
        tiles.append(
            Tile(
                label=spec.label,
                value=shown,
                delta=changes[0] if value is not None else None,
                delta_last_year=changes[1] if value is not None else None,
                help=f"{spec.help} {coverage.get(spec.column, '')}".strip(),
                higher_is_better=spec.higher_is_better,
                trend=trend if spec.column == "intakes" else (),
            )
        )
    return tuple(tiles)


def _monthly_total(inputs: Inputs, selection: Selection) -> tuple[int, ...]:
    monthly = monthly_intake_rates(inputs, selection)
    return tuple(
        monthly.group_by("month").agg(pl.col("intakes").sum()).sort("month")["intakes"].to_list()
    )


def overview_view(inputs: Inputs, selection: Selection) -> Overview:
    """Key figures of the period for all selected regions together and per region, each with
    the change against the previous period of equal length and the same period last year."""
    names = inputs.region_names()
    total_label = "Vlaanderen" if not selection.regions else "Geselecteerde regio's"
    names[TOTAL] = f"{total_label} (totaal)"
    figures = _ordered(compared(inputs, selection), names).with_columns(
        (pl.col(f"within_month_change_{s}") * 100).alias(f"within_month_points_{s}")
        for s, _ in COMPARISONS
    )
    figures = _disclosed(figures, inputs)
    notes = _notes(inputs, selection, figures) + disclosure_notes(inputs)
    notes += quality_notes(inputs, figures["region_code"])
    table = Table(
        figures,
        _COLUMNS,
        title=f"Kerncijfers per regio, {selection.period_label()}",
        notes=tuple(notes),
        region_names=names,
    )
    if figures.is_empty():
        return Overview(table, {}, {}, tuple(notes), total_label=total_label)
    regions = figures.filter(pl.col("region_code") != TOTAL)
    coverage = {
        column: f"Hier: {regions[column].count()} van {regions.height} regio's."
        for column in ("consults", "families")
    }
    tiles = _tiles(figures.row(0, named=True), _monthly_total(inputs, selection), coverage)
    chart = _intakes_vs_last_year(regions, selection, names)
    return Overview(
        table, {"intakes": chart}, {}, tuple(notes), tiles=tiles, total_label=total_label
    )


_COUNTED: Final = ("intakes", "consults", "gv", "sdj", "families")


def _disclosed(figures: pl.DataFrame, inputs: Inputs) -> pl.DataFrame:
    """Region rows outside the reader's detail under disclosure control. The total row is
    published, so a lone hidden cell gets a complement anywhere in the table."""
    counts = [
        c
        for c in figures.columns
        if c.startswith(_COUNTED) and "change" not in c and "points" not in c
    ]
    if inputs.scope.detail_regions is None:
        return figures
    derived = {
        c: c.removesuffix("_prev").removesuffix("_last_year").split("_change")[0]
        for c in figures.columns
        if "_change_" in c and c.split("_change")[0] in counts
    }
    rates = {
        c: "intakes"
        for c in figures.columns
        if c.startswith(("within_month", "brede_instap_share")) and figures.schema[c].is_float()
    }
    return inputs.disclosure.apply(
        figures,
        inputs.protected() & (pl.col("region_code") != TOTAL),
        counts=counts,
        rates=rates,
        derived=derived,
        complement_by=((),),
    )


_COLUMNS: Final = (
    Column("region_code", "Regio", "region"),
    Column("intakes", "Aanmeldingen", "int"),
    Column("intakes_change_prev", "Δ vorige periode", "pct"),
    Column("intakes_change_last_year", "Δ vorig jaar", "pct"),
    Column("consults", "Consultvragen", "int"),
    Column("within_month", "Binnen de maand (%)", "pct"),
    Column("within_month_points_prev", "Δ ptn vorige periode", "dec1"),
    Column("within_month_points_last_year", "Δ ptn vorig jaar", "dec1"),
    Column("brede_instap_share", "Brede instap (%)", "pct"),
    Column("gv", "GV", "int"),
    Column("sdj", "SDJ", "int"),
    Column("families", "Gezinnen bereikt", "int"),
    Column("source", "Bron"),
)


def _ordered(figures: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """The total first, then the regions by name."""
    name = pl.col("region_code").replace_strict(names, default=pl.col("region_code"))
    return figures.sort(pl.col("region_code") != TOTAL, name)


def _notes(inputs: Inputs, selection: Selection, figures: pl.DataFrame) -> list[str]:
    previous = previous_period(selection.start, selection.end)
    last_year = same_period_last_year(selection.start, selection.end)
    if previous == last_year:
        compared_with = f"de vorige periode, hier dezelfde periode vorig jaar ({_range(*previous)})"
    else:
        compared_with = (
            f"de vorige periode ({_range(*previous)}) en met dezelfde periode vorig jaar "
            f"({_range(*last_year)})"
        )
    regions = figures.filter(pl.col("region_code") != TOTAL)
    notes = [
        f"Vergeleken met {compared_with}. Een verandering staat als '–' wanneer de regio toen "
        "geen gegevens had; percentages veranderen in procentpunten (ptn).",
        basis_note(inputs),
    ]
    if regions["consults"].null_count() or regions["families"].null_count():
        notes.append(
            "Consultvragen en bereikte gezinnen staan als '–' waar de bron ze niet kent "
            "(Excel-registers registreren geen consultvragen, maandtotalen hebben geen dossiers); "
            "het totaal telt de regio's die ze kennen en vergelijkt met dezelfde regio's."
        )
    notes += source_notes(regions, inputs, "consultvragen en bereikte gezinnen")
    if selection.end >= month_start(inputs.today):
        notes.append(
            f"De periode loopt tot in de lopende maand ({month_label(inputs.today)}): die is "
            "nog onvolledig en drukt de vergelijking met eerdere periodes."
        )
    if inputs.basis == "then":
        notes.append(
            "Zoals toen georganiseerd: netwerken die later samengingen of herbegrensd werden, "
            "hadden vroeger een andere indeling en hebben dan geen vergelijking."
        )
    return notes


def _range(start: date, end: date) -> str:
    return f"{month_label(start)} – {month_label(end)}"


def _intakes_vs_last_year(
    regions: pl.DataFrame, selection: Selection, names: dict[str, str]
) -> go.Figure:
    """Grouped bars per region: intakes in the period beside the same period last year."""
    now = selection.period_label()
    before = _range(*same_period_last_year(selection.start, selection.end))
    bars = pl.concat(
        [
            regions.select(
                "region_code",
                pl.lit(before).alias("series"),
                pl.col("intakes_last_year").alias("intakes"),
            ),
            regions.select("region_code", pl.lit(now).alias("series"), "intakes"),
        ]
    )
    return charts.bars(
        bars,
        x="region_code",
        y="intakes",
        color="series",
        title="Aanmeldingen per regio: deze periode en dezelfde periode vorig jaar",
        subtitle=f"{now} · {selection.basis_label}",
        y_title="Aanmeldingen",
        names=names,
        stacked=False,
    )
