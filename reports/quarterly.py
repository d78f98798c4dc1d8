"""The quarterly stuurgroep report: one region and quarter, the pages' tables and charts, the
quality passport, the critical friend's notes, and the quarter's frozen figures."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Final

import plotly.graph_objects as go
import polars as pl
from sqlalchemy import Engine

from data_access.access import snapshots
from data_access.access.disclosure import Disclosure
from data_access.access.notes import notes
from data_access.access.roles import Reader, require_beheerder
from data_access.access.scope import AccessError, Scope
from data_access.access.snapshots import Snapshot
from data_access.quality.results import DIMENSION_LABELS, DIMENSIONS
from data_access.settings import get_settings
from indicators.formatting import fmt_int, fmt_pct, quarter_label
from indicators.periods import add_months, quarter_bounds
from reports.inputs import Inputs, load_inputs
from reports.safe_files import workbook
from reports.selection import Selection
from reports.tables import Column, Table, write_sheet
from reports.views import quality_notes
from reports.views.compare import compare_view
from reports.views.intakes import intakes_view
from reports.views.overview import key_figures, overview_view
from reports.views.referrers import referrers_view
from reports.views.response_time import response_time_view
from reports.views.staffing import staffing_view
from reports.views.volume import volume_view

PROVISIONAL: Final = "Voorlopig"
# Quarters of context in the trend charts (the report's quarter is the last one).
TREND_QUARTERS: Final = 8

# The frozen key figures: column of overview.key_figures → Dutch label, shown as a percentage?
FROZEN_FIGURES: Final = (
    ("intakes", "Aanmeldingen", False),
    ("consults", "Consultvragen", False),
    ("tijdig", "Tijdig opgenomen", False),
    ("laat", "Laat opgenomen", False),
    ("within_month", "Binnen de maand (%)", True),
    ("brede_instap_share", "Brede instap (%)", True),
    ("gv", "Aanmeldingen via GV", False),
    ("sdj", "Aanmeldingen via SDJ", False),
    ("families", "Gezinnen bereikt", False),
)


@dataclass(frozen=True)
class Section:
    """One chapter of the report: its tables (with their sheet names), charts and caveats."""

    title: str
    tables: tuple[tuple[str, Table], ...] = ()
    figures: tuple[tuple[str, go.Figure], ...] = ()
    notes: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuarterlyReport:
    """Everything the PDF and the XLSX show, computed once."""

    region_code: str
    region_name: str
    quarter: str
    status: str  # "Voorlopig" or "Bevroren op …"
    snapshot: Snapshot | None
    data_version: int
    generated_at: datetime
    reader: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def provisional(self) -> bool:
        return self.snapshot is None

    @property
    def title(self) -> str:
        return f"Kwartaalrapport {self.region_name} — {quarter_label(self.quarter)}"

    def sheets(self) -> list[tuple[str, Table]]:
        """Every table with a unique sheet name (at most 31 characters), in report order."""
        out: list[tuple[str, Table]] = []
        used: set[str] = set()
        for section in self.sections:
            for name, table in section.tables:
                sheet, n = name[:31], 2
                while sheet in used:
                    sheet, n = f"{name[:28]} {n}", n + 1
                used.add(sheet)
                out.append((sheet, table))
        return out

    def colophon(self) -> list[str]:
        """Status, data version and generation date: on the cover and in the workbook."""
        return [
            f"Status van de cijfers: {self.status}.",
            f"Dataversie {self.data_version}; gemaakt op "
            f"{self.generated_at.strftime('%d/%m/%Y %H:%M')} voor {self.reader}.",
        ]


def quarter_selection(quarter: str, regions: tuple[str, ...]) -> Selection:
    """The quarter as a selection: what `1g1p indicator --per quarter` computes for it."""
    start, end = quarter_bounds(quarter)
    return Selection(start, end, "quarter", regions, "then")


def require_report_access(reader: Reader, region_code: str) -> None:
    """The report of a region is for readers who see it in detail; others are refused."""
    if not reader.scope.allows(region_code):
        raise AccessError(
            f"Je hebt geen toegang tot het kwartaalrapport van regio {region_code}: het rapport "
            "toont de regio in detail en is er voor de beheerder en voor de stuurgroep en de "
            "critical friend van die regio."
        )


def report_inputs(engine: Engine, scope: Scope, today: date) -> Inputs:
    """The inputs of a report or a snapshot, under the configured disclosure thresholds."""
    settings = get_settings()
    disclosure = Disclosure(settings.min_count, settings.min_denominator)
    return load_inputs(engine, scope, "then", today, disclosure)


# --- frozen quarters --------------------------------------------------------------------------


def snapshot_figures(inputs: Inputs, quarter: str) -> dict[str, Any]:
    """The figures frozen for a quarter: every region's key figures, unrounded."""
    figures = key_figures(inputs, quarter_selection(quarter, ()))
    return {"key_figures": figures.to_dicts()}


def freeze_quarter(engine: Engine, reader: Reader, quarter: str, today: date) -> Snapshot:
    """Freeze the quarter's figures for every region (beheerder only)."""
    require_beheerder(reader, "een kwartaal bevriezen")
    quarter = snapshots.parse_quarter(quarter)
    inputs = report_inputs(engine, Scope.everything(), today)
    return snapshots.freeze(
        engine,
        reader,
        quarter,
        snapshot_figures(inputs, quarter),
        inputs.data_version,
        today=today,
    )


def frozen_differences(
    inputs: Inputs, snapshot: Snapshot, region_code: str | None = None
) -> pl.DataFrame:
    """Per region and key figure: the frozen value, today's value and whether it changed.

    Columns: region_code, figure, label, frozen, current, changed. Nothing is hidden: a value
    corrected after freezing shows here, next to the value that was published.
    """
    current = key_figures(inputs, quarter_selection(snapshot.quarter, ()))
    frozen = pl.DataFrame(snapshot.figures.get("key_figures", []), infer_schema_length=None)
    rows = []
    now = {r["region_code"]: r for r in current.to_dicts()}
    then = {r["region_code"]: r for r in frozen.to_dicts()}
    for code in sorted(set(now) | set(then)):
        if region_code is not None and code != region_code:
            continue
        for column, label, _ in FROZEN_FIGURES:
            before = then.get(code, {}).get(column)
            after = now.get(code, {}).get(column)
            rows.append((code, column, label, _num(before), _num(after), _differs(before, after)))
    return pl.DataFrame(
        rows,
        schema={
            "region_code": pl.String,
            "figure": pl.String,
            "label": pl.String,
            "frozen": pl.Float64,
            "current": pl.Float64,
            "changed": pl.Boolean,
        },
        orient="row",
    )


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _differs(before: object, after: object) -> bool:
    if before is None or after is None:
        return before is not after
    return abs(float(before) - float(after)) > 1e-9  # type: ignore[arg-type]


def _shown(value: float | None, percent: bool) -> str:
    if value is None:
        return "–"
    return fmt_pct(value) if percent else fmt_int(round(value))


def frozen_table(differences: pl.DataFrame, snapshot: Snapshot, names: dict[str, str]) -> Table:
    """The frozen key figures next to today's, with 'Gewijzigd sinds bevriezing'."""
    percent = {column: pct for column, _, pct in FROZEN_FIGURES}
    rows = []
    for row in differences.iter_rows(named=True):
        pct = percent[row["figure"]]
        change = None
        if row["changed"]:
            if row["frozen"] is not None and row["current"] is not None:
                delta = row["current"] - row["frozen"]
                sign = "+" if delta > 0 else ""
                change = (
                    f"{sign}{fmt_pct(delta)}".replace("%", " ptn")
                    if pct
                    else f"{sign}{fmt_int(round(delta))}"
                )
            else:
                change = "gewijzigd"
        rows.append(
            (
                row["region_code"],
                row["label"],
                _shown(row["frozen"], pct),
                _shown(row["current"], pct),
                change or "",
            )
        )
    frame = pl.DataFrame(
        rows,
        schema=["region_code", "label", "frozen", "current", "change"],
        orient="row",
    )
    changed = int(differences["changed"].sum()) if differences.height else 0
    when = snapshot.created_at.strftime("%d/%m/%Y")
    summary = (
        f"{changed} kengetal(len) gewijzigd sinds de bevriezing: de bevroren waarde blijft de "
        "gepubliceerde; de huidige waarde toont de latere correctie."
        if changed
        else "Geen wijzigingen sinds de bevriezing."
    )
    return Table(
        frame,
        (
            Column("region_code", "Regio", "region"),
            Column("label", "Kengetal"),
            Column("frozen", f"Bevroren ({when})"),
            Column("current", "Nu"),
            Column("change", "Gewijzigd sinds bevriezing"),
        ),
        title=f"Bevroren kerncijfers {quarter_label(snapshot.quarter)}",
        notes=(
            f"Bevroren op {when} door {snapshot.created_by} (dataversie {snapshot.data_version}).",
            summary,
        ),
        region_names=names,
    )


def status_of(snapshot: Snapshot | None) -> str:
    """'Voorlopig', or when and on which data version the quarter was frozen."""
    if snapshot is None:
        return f"{PROVISIONAL} (dit kwartaal is nog niet bevroren)"
    return (
        f"Bevroren op {snapshot.created_at.strftime('%d/%m/%Y')} door {snapshot.created_by} "
        f"(dataversie {snapshot.data_version})"
    )


# --- the report -------------------------------------------------------------------------------


def quarterly_report(
    engine: Engine,
    reader: Reader,
    region_code: str,
    quarter: str,
    today: date,
    inputs: Inputs | None = None,
) -> QuarterlyReport:
    """The report of one region and quarter as this reader may see it (refused otherwise).

    `inputs`, when given, must be the reader's inputs on the "then" basis (the UI's cached
    ones); otherwise they are read here."""
    quarter = snapshots.parse_quarter(quarter)
    require_report_access(reader, region_code)
    if inputs is None or inputs.basis != "then" or inputs.scope != reader.scope:
        inputs = report_inputs(engine, reader.scope, today)
    names = inputs.region_names()
    if region_code not in set(inputs.regions["region_code"]):
        raise AccessError(f"Onbekende regio '{region_code}'.")
    snapshot = snapshots.frozen(engine, quarter, region_code)
    selection = quarter_selection(quarter, (region_code,))
    trend = Selection(
        add_months(selection.start, -3 * (TREND_QUARTERS - 1)),
        selection.end,
        "quarter",
        (region_code,),
        "then",
    )
    # The chapters computed from the inputs alone are kept with them (a rerun of the page
    # rebuilds only what depends on the store's other state: snapshot and feedback).
    chapters = inputs.remembered(
        ("quarterly_report", region_code, quarter),
        lambda: (
            _intakes(inputs, selection, trend),
            _response_time(inputs, selection, trend),
            _referrers(inputs, selection, trend),
            _volume(inputs, selection),
            _staffing(inputs, selection, trend),
            _compare(inputs, quarter, region_code),
            _quality(inputs, region_code, names),
        ),
    )
    sections = [
        _key_figures(inputs, selection, snapshot, region_code, names),
        *chapters,
        _feedback(engine, reader, region_code, quarter),
    ]
    if snapshot is not None:
        # Only the key figures are frozen: say so on every other chapter, never change silently.
        live = (
            f"Actuele cijfers (dataversie {inputs.data_version}), niet bevroren; de bevroren "
            "kerncijfers en hun verschillen staan in het eerste hoofdstuk."
        )
        sections[1:] = [replace(s, notes=(live, *s.notes)) for s in sections[1:]]
    return QuarterlyReport(
        region_code=region_code,
        region_name=names.get(region_code, region_code),
        quarter=quarter,
        status=status_of(snapshot),
        snapshot=snapshot,
        data_version=inputs.data_version,
        generated_at=datetime.now(),
        reader=reader.email,
        sections=tuple(sections),
    )


def _figures(figures: dict[str, go.Figure], *keys: str) -> tuple[tuple[str, go.Figure], ...]:
    return tuple((k, figures[k]) for k in keys if k in figures)


def _key_figures(
    inputs: Inputs,
    selection: Selection,
    snapshot: Snapshot | None,
    region_code: str,
    names: dict[str, str],
) -> Section:
    view = overview_view(inputs, selection)
    tables: list[tuple[str, Table]] = []
    if snapshot is not None:
        differences = frozen_differences(inputs, snapshot, region_code)
        tables.append(("Bevroren kerncijfers", frozen_table(differences, snapshot, names)))
    tables.append(("Kerncijfers", view.table))
    return Section(
        "Kerncijfers en hun verandering",
        tuple(tables),
        _figures(view.figures, "intakes"),
        view.notes,
    )


def _intakes(inputs: Inputs, selection: Selection, trend: Selection) -> Section:
    view = intakes_view(inputs, selection)
    over_time = intakes_view(inputs, trend)
    return Section(
        "Aanmeldingen",
        (("Aanmeldingen", view.table), ("Aard van de vraag", view.tables["nature"])),
        _figures(over_time.figures, "intakes") + _figures(view.figures, "nature"),
        view.notes,
    )


def _response_time(inputs: Inputs, selection: Selection, trend: Selection) -> Section:
    view = response_time_view(inputs, selection)
    over_time = response_time_view(inputs, trend)
    return Section(
        "Tijdige opname",
        (("Tijdige opname", view.table), ("Dagen tot eerste contact", view.tables["days"])),
        _figures(over_time.figures, "rate") + _figures(view.figures, "days"),
        view.notes,
    )


def _referrers(inputs: Inputs, selection: Selection, trend: Selection) -> Section:
    view = referrers_view(inputs, selection)
    over_time = referrers_view(inputs, trend)
    return Section(
        "Aanmeldersmix",
        (("Aanmeldersmix", view.table),),
        _figures(view.figures, "groups") + _figures(over_time.figures, "brede_instap"),
        view.notes,
    )


def _volume(inputs: Inputs, selection: Selection) -> Section:
    view = volume_view(inputs, selection)
    return Section(
        "Volumeafspraken GV en SDJ",
        (("Volumeafspraken", view.table),),
        _figures(view.figures, "progress", "GV", "SDJ"),
        view.notes,
    )


def _staffing(inputs: Inputs, selection: Selection, trend: Selection) -> Section:
    view = staffing_view(inputs, selection)
    over_time = staffing_view(inputs, trend)
    return Section(
        "Personeelsinzet",
        (("Personeelsinzet", view.table),),
        _figures(view.figures, "by_function") + _figures(over_time.figures, "total"),
        view.notes,
    )


def _compare(inputs: Inputs, quarter: str, region_code: str) -> Section:
    view = compare_view(inputs, quarter_selection(quarter, ()))
    return Section(
        "De regio tegenover Vlaanderen",
        (("Regio t.o.v. Vlaanderen", view.table),),
        _figures(view.figures, "funnel"),
        (
            f"Alle regio's van het kwartaal; {inputs.region_names().get(region_code)} is een "
            "van de punten in de trechtergrafiek.",
            *view.notes,
        ),
    )


def _quality(inputs: Inputs, region_code: str, names: dict[str, str]) -> Section:
    passport = inputs.passports.filter(pl.col("region_code") == region_code)
    table = Table(
        passport,
        (
            Column("region_code", "Regio", "region"),
            *(Column(d, DIMENSION_LABELS[d], "pct") for d in DIMENSIONS),
            Column("overall", "Geheel (laagste)", "pct"),
            Column("threshold", "Drempel", "pct"),
        ),
        title="Kwaliteitspaspoort",
        notes=("Uit de laatste kwaliteitscontrole van de opslag.",),
        region_names=names,
    )
    caveats = tuple(quality_notes(inputs, [region_code])) or (
        "De gegevenskwaliteit van de regio haalt de drempel."
        if passport.height
        else "Nog geen kwaliteitscontrole voor deze regio.",
    )
    return Section(
        "Gegevenskwaliteit en kanttekeningen", (("Kwaliteitspaspoort", table),), (), caveats
    )


def _feedback(engine: Engine, reader: Reader, region_code: str, quarter: str) -> Section:
    frame = notes(engine, reader, region_code, quarter)
    if frame.is_empty():
        text = (f"Geen feedback van de critical friend voor {quarter_label(quarter)}.",)
    else:
        latest = frame.row(0, named=True)
        text = (
            f"Versie {latest['version']} van {latest['author']}, "
            f"{latest['created_at'].strftime('%d/%m/%Y')}:",
            str(latest["body"]),
        )
    return Section("Feedback van de critical friend", (), (), (), text)


# --- the workbook -----------------------------------------------------------------------------


def report_xlsx(report: QuarterlyReport) -> bytes:
    """Every table of the report on its own sheet, after a cover sheet with the status."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    cover = book.add_worksheet("Rapport")
    bold = book.add_format({"bold": True})
    cover.write_string(0, 0, report.title, bold)
    for i, line in enumerate(report.colophon(), start=1):
        cover.write_string(i, 0, line)
    row = len(report.colophon()) + 2
    for section in report.sections:
        for paragraph in section.paragraphs:
            # Feedback paragraphs are a critical friend's own text: a string, never a formula.
            cover.write_string(row, 0, f"{section.title}: {paragraph}")
            row += 1
    cover.set_column(0, 0, 120)
    for name, table in report.sheets():
        write_sheet(book, _labelled(table, report), name)
    book.close()
    return buffer.getvalue()


def _labelled(table: Table, report: QuarterlyReport) -> Table:
    """Provisional figures say so in every table's notes; frozen ones state their snapshot."""
    return Table(
        table.frame,
        table.columns,
        table.title,
        (f"Status: {report.status}.", *table.notes),
        table.region_names,
    )
