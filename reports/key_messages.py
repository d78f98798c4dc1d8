"""The quarterly report's first page: the quarter's key figures beside the previous quarter and
the same quarter last year, and what stands out, written from the published chapters only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl

from indicators.formatting import fmt_dec, fmt_pct, quarter_label
from indicators.periods import add_months, quarter_bounds, quarter_of
from reports.publish.boundary import PublishedTable, PublishedView
from reports.publish.spec import Paragraph
from reports.views.compare import published_funnel

# The key figures: Dutch label, column of the key-figures table ('kerncijfers'), the stem of
# its change columns, and whether it is a count (else a percentage).
KEY_FIGURES: Final = (
    ("Aanmeldingen", "intakes", "intakes_change", True),
    ("Consultvragen", "consults", "consults_change", True),
    ("Binnen de maand opgenomen", "within_month", "within_month_change", False),
    ("Brede instap", "brede_instap_share", "brede_instap_share_change", False),
    ("Aanmeldingen via GV", "gv", "gv_change", True),
    ("Aanmeldingen via SDJ", "sdj", "sdj_change", True),
)
# The base of each percentage (its denominator's counts), per comparison suffix.
RATE_BASES: Final = {
    "within_month": ("tijdig", "laat"),
    "brede_instap_share": ("referred",),
}
# What the first page calls out: a count that moved by at least a tenth, a percentage by at
# least five points. A reading aid for the stuurgroep, not a statistical test (the funnel is
# one, and is reported as such).
NOTABLE_CHANGE: Final = 0.10
NOTABLE_POINTS: Final = 0.05
# Below this many registrations a change of a few is already a tenth: not called out.
MIN_BASE: Final = 20
# Volume agreements: progress this far from the pro-rata target is called out.
VOLUME_BAND: Final = (0.9, 1.1)
SUFFIXES: Final = ("prev", "last_year")
# The chapter whose text is the critical friend's note for the report.
FEEDBACK_TITLE: Final = "Feedback van de critical friend"


@dataclass(frozen=True)
class KeyFigure:
    """One key figure of the region as shown: the quarter, the previous quarter and the same
    quarter last year, with the changes ('–' where unknown, a symbol where not shown)."""

    label: str
    now: str
    previous: str
    change_previous: str
    last_year: str
    change_last_year: str


@dataclass(frozen=True)
class KeyMessages:
    """The first page: the key figures, what stands out, and the critical friend's note that
    its author marked for the report."""

    quarter: str
    previous_quarter: str
    last_year_quarter: str
    figures: tuple[KeyFigure, ...] = ()
    messages: tuple[str, ...] = ()
    feedback: tuple[str, ...] = ()

    @property
    def header(self) -> tuple[str, ...]:
        """The key figures' column headers."""
        now, before, last = (
            quarter_label(q) for q in (self.quarter, self.previous_quarter, self.last_year_quarter)
        )
        return ("Kengetal", now, before, f"Verschil met {before}", last, f"Verschil met {last}")

    def rows(self) -> list[tuple[str, ...]]:
        """The key figures as rows under `header`."""
        return [
            (f.label, f.now, f.previous, f.change_previous, f.last_year, f.change_last_year)
            for f in self.figures
        ]


def comparison_quarters(quarter: str) -> tuple[str, str]:
    """The quarter before `quarter` and the same quarter a year earlier."""
    first, _ = quarter_bounds(quarter)
    return quarter_of(add_months(first, -3)), quarter_of(add_months(first, -12))


def key_messages(
    chapters: tuple[PublishedView, ...],
    region_code: str,
    region_name: str,
    quarter: str,
    today: date,
) -> KeyMessages:
    """The first page from the published chapters: every figure and every sentence comes from
    a published table, so it says no more than the chapters do."""
    previous, last_year = comparison_quarters(quarter)
    tables = {t.name: t for chapter in chapters for t in chapter.tables()}
    labels = {"prev": quarter_label(previous), "last_year": quarter_label(last_year)}
    figures: list[KeyFigure] = []
    messages: list[str] = []
    key = tables.get("kerncijfers")
    row = _row(key, region_code) if key is not None else None
    if key is not None and row is not None:
        figures = [
            _figure(key, row, label, column, change) for label, column, change, _ in KEY_FIGURES
        ]
        messages += _changes(key, row, labels)
    trechter = tables.get("trechter")
    if trechter is not None:
        messages += _funnel(trechter, region_code, region_name)
    volume = tables.get("volumeafspraken")
    if volume is not None:
        messages += _volume(volume, region_code, today)
    passport = tables.get("kwaliteitspaspoort")
    if passport is not None:
        messages += _quality(passport, region_code, region_name)
    frozen = tables.get("bevroren-kerncijfers")
    if frozen is not None:
        messages += [n for n in frozen.notes if "gewijzigd sinds de bevriezing" in n]
    if key is not None and row is not None and not messages:
        messages.append(
            "Geen opvallende verschuivingen: geen aantal veranderde met 10% of meer en geen "
            "percentage met 5 procentpunt of meer tegenover "
            f"{labels['prev']} of {labels['last_year']}."
        )
    feedback = next(
        (
            tuple(b.text for s in chapter.sections for b in s.blocks if isinstance(b, Paragraph))
            for chapter in chapters
            if chapter.title == FEEDBACK_TITLE
        ),
        (),
    )
    return KeyMessages(quarter, previous, last_year, tuple(figures), tuple(messages), feedback)


def _row(table: PublishedTable, region_code: str) -> int | None:
    """The index of the region's row in a published table (the first one)."""
    rows = table.values.with_row_index("_i").filter(pl.col("region_code") == region_code)
    return None if rows.is_empty() else int(rows["_i"][0])


def _value(table: PublishedTable, column: str, row: int) -> float | None:
    """A published number, None where it is unknown or not shown."""
    if column not in table.values.columns or table.markers[column][row] is not None:
        return None
    value = table.values[column][row]
    return None if value is None else float(value)


def _shown(table: PublishedTable, column: str, row: int, *, signed: bool = False) -> str:
    if column not in table.values.columns:
        return "–"
    return table.shown(column, row, signed=signed)


def _figure(table: PublishedTable, row: int, label: str, column: str, change: str) -> KeyFigure:
    return KeyFigure(
        label,
        _shown(table, column, row),
        _shown(table, f"{column}_prev", row),
        _shown(table, f"{change}_prev", row, signed=True),
        _shown(table, f"{column}_last_year", row),
        _shown(table, f"{change}_last_year", row, signed=True),
    )


def _base(table: PublishedTable, column: str, row: int, suffix: str = "") -> float | None:
    """The number a figure rests on: the count itself, or a percentage's denominator."""
    parts = RATE_BASES.get(column, (column,))
    values = [_value(table, f"{p}_{suffix}" if suffix else p, row) for p in parts]
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _changes(table: PublishedTable, row: int, labels: dict[str, str]) -> list[str]:
    """A sentence per key figure that moved notably against a comparison quarter."""
    out = []
    for label, column, change, is_count in KEY_FIGURES:
        now_base = _base(table, column, row)
        parts = []
        for suffix in SUFFIXES:
            delta = _value(table, f"{change}_{suffix}", row)
            then_base = _base(table, column, row, suffix)
            if delta is None or now_base is None or then_base is None:
                continue
            if min(now_base, then_base) < MIN_BASE:
                continue
            if abs(delta) < (NOTABLE_CHANGE if is_count else NOTABLE_POINTS):
                continue
            then = _shown(table, f"{column}_{suffix}", row)
            if is_count:
                size = _shown(table, f"{change}_{suffix}", row).lstrip("-+")
                word = "meer" if delta > 0 else "minder"
            else:
                size = f"{fmt_dec(abs(delta) * 100, 1)} procentpunt"
                word = "hoger" if delta > 0 else "lager"
            parts.append(f"{size} {word} dan in {labels[suffix]} ({then})")
        if parts:
            now = _shown(table, column, row)
            out.append(f"{label}: {now}, " + " en ".join(parts) + ".")
    return out


def _funnel(table: PublishedTable, region_code: str, region_name: str) -> list[str]:
    """Where the region lies in the funnel against the Flemish value (published counts)."""
    row = _row(table, region_code)
    if row is None or _value(table, "proportion", row) is None:
        return []
    target = published_funnel(table.values, "exact", False).target
    position = _shown(table, "position", row)
    if target is None or position == "–":
        return []
    label = next(c.label for c in table.cells if c.key == "proportion").removesuffix(" (%)")
    compared = (
        f"{label} opgenomen: {region_name} {_shown(table, 'proportion', row)} tegenover "
        f"{fmt_pct(target)} voor heel Vlaanderen"
    )
    if position.startswith("binnen"):
        return [f"{compared}, binnen de grenzen van de trechter: het verschil kan toeval zijn."]
    chance = "vrijwel zeker" if "99,8%" in position else "waarschijnlijk"
    return [f"{compared}, {position} van de trechter: {chance} geen toeval."]


def _volume(table: PublishedTable, region_code: str, today: date) -> list[str]:
    """Volume agreements of the latest year running ahead of or behind the pro-rata target."""
    rows = table.values.with_row_index("_i").filter(pl.col("region_code") == region_code)
    if rows.is_empty() or "year" not in rows.columns:
        return []
    year = rows["year"].max()
    out = []
    for i in rows.filter(pl.col("year") == year)["_i"].to_list():
        ratio = _value(table, "progress_vs_pro_rata", i)
        if ratio is None or VOLUME_BAND[0] <= ratio <= VOLUME_BAND[1]:
            continue
        party = f"{_shown(table, 'party', i)} {_shown(table, 'year_label', i)}"
        word = "achter op" if ratio < VOLUME_BAND[0] else "voor op"
        out.append(
            f"Volumeafspraak {party}: {_shown(table, 'realised', i)} van de "
            f"{_shown(table, 'agreed', i)} afgesproken aanmeldingen gerealiseerd tot en met "
            f"{today.strftime('%d/%m/%Y')}, {_shown(table, 'progress_vs_pro_rata', i)} van het "
            f"pro-rata doel: {word} schema."
        )
    return out


def _quality(table: PublishedTable, region_code: str, region_name: str) -> list[str]:
    """A caveat when the region's data quality is below the threshold."""
    row = _row(table, region_code)
    if row is None:
        return []
    overall, threshold = _value(table, "overall", row), _value(table, "threshold", row)
    if overall is None or threshold is None or overall >= threshold:
        return []
    return [
        f"Let op: de gegevenskwaliteit van {region_name} haalt de drempel niet "
        f"({_shown(table, 'overall', row)} tegenover {_shown(table, 'threshold', row)}): lees "
        "de cijfers met voorzichtigheid (zie Gegevenskwaliteit en kanttekeningen)."
    ]
