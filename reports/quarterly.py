"""The quarterly stuurgroep report: one region and quarter, the indicators' chapters (from the
registry), the quality passport, the critical friend's notes, and the quarter's frozen
figures. Every chapter is published for the reader like a page."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from inspect import signature
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from sqlalchemy import Engine

from data_access.access import snapshots
from data_access.access.notes import report_note
from data_access.access.roles import Reader, require_beheerder
from data_access.access.scope import AccessError, Scope
from data_access.access.snapshots import Snapshot
from data_access.quality.results import DIMENSION_LABELS, DIMENSIONS
from data_access.settings import get_settings
from indicators._sources import share
from indicators.formatting import MISSING, fmt_int, fmt_pct, quarter_label
from indicators.periods import add_months, quarter_bounds
from reports.inputs import Inputs, load_inputs
from reports.key_messages import FEEDBACK_TITLE, KeyMessages, key_messages
from reports.publish.boundary import (
    LEGEND,
    PublishedTable,
    PublishedView,
    Thresholds,
    publish,
)
from reports.publish.cells import Measure, Text
from reports.publish.spec import ChartSpec, Paragraph, Section, TableSpec, View
from reports.publish.text import display, legend_lines, write_sheet
from reports.registry import INDICATORS, Indicator
from reports.safe_files import workbook
from reports.selection import Selection
from reports.views.common import basis_note, quality_notes
from reports.views.overview import COUNTS, key_counts

if TYPE_CHECKING:
    from collections.abc import Callable

    import plotly.graph_objects as go

PROVISIONAL: Final = "Voorlopig"
# Quarters of context in the trend charts (the report's quarter is the last one).
TREND_QUARTERS: Final = 8
# What the report says once about disclosure control, when other regions' figures are in it.
PERTURBED: Final = (
    "Cijfers van andere regio's staan onder disclosure control, zoals in de monitor: elk aantal "
    "is licht verstoord (cell-key-methode), telkens op dezelfde manier, zodat geen kleine "
    "aantallen of personen herkenbaar worden. Hun percentages, grenzen en de Vlaamse waarde "
    "zijn berekend uit die verstoorde aantallen."
)
NOT_AVAILABLE: Final = (
    f"'{MISSING}': niet beschikbaar (de bron kent het cijfer niet of er waren geen gegevens), "
    "nooit nul"
)

# The frozen key figures: column of exact_key_figures → Dutch label, shown as a percentage?
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
class ReportHead:
    """What the report's page shows: its title, the status of its figures and the key figures
    (frozen ones first when the quarter is frozen), published for the reader. The whole report
    is made only when a file is asked for."""

    region_code: str
    region_name: str
    quarter: str
    status: str
    snapshot: Snapshot | None
    data_version: int
    key_figures: PublishedView

    @property
    def title(self) -> str:
        return report_title(self.region_name, self.quarter)


def report_title(region_name: str, quarter: str) -> str:
    return f"Kwartaalrapport {region_name} — {quarter_label(quarter)}"


@dataclass(frozen=True)
class QuarterlyReport:
    """Everything the PDF and the XLSX show, published for the reader, computed once."""

    region_code: str
    region_name: str
    quarter: str
    status: str  # "Voorlopig" or "Bevroren op …"
    snapshot: Snapshot | None
    data_version: int
    generated_at: datetime
    reader: str
    chapters: tuple[PublishedView, ...] = field(default_factory=tuple)
    sheets: tuple[tuple[str, PublishedTable], ...] = field(default_factory=tuple)
    # The first page, from the published chapters (None: a report made without one).
    key_messages: KeyMessages | None = None
    # Said once, at the end: who sees what exactly, disclosure control and its symbols.
    about: tuple[str, ...] = ()

    @property
    def provisional(self) -> bool:
        return self.snapshot is None

    @property
    def title(self) -> str:
        return report_title(self.region_name, self.quarter)

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
    """The inputs of a report or a snapshot."""
    return load_inputs(engine, scope, "then", today)


def _readers_inputs(engine: Engine, reader: Reader, today: date, inputs: Inputs | None) -> Inputs:
    """`inputs` when they are the reader's on the "then" basis (the UI's cached ones); else
    read here."""
    if inputs is None or inputs.basis != "then" or inputs.scope != reader.scope:
        return report_inputs(engine, reader.scope, today)
    return inputs


def thresholds() -> Thresholds:
    """The configured disclosure thresholds."""
    settings = get_settings()
    return Thresholds(settings.min_count, settings.min_denominator)


# --- frozen quarters --------------------------------------------------------------------------


def exact_key_figures(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Every region's key figures as they are in the store (the frozen record, below the
    boundary): the overview's counts and its two rates."""
    counts = key_counts(inputs, selection).select(
        "region_code",
        *(c for c in COUNTS if c not in {"brede_instap", "referred"}),
        "brede_instap",
        "referred",
    )
    # The rate of the final months only, as the overview shows it (a provisional month's rate
    # is biased upwards); tijdig and laat count every month of the quarter so far.
    return counts.with_columns(
        within_month=share(pl.col("tijdig_final"), pl.col("tijdig_final") + pl.col("laat_final")),
        brede_instap_share=share(pl.col("brede_instap"), pl.col("referred")),
    )


def snapshot_figures(inputs: Inputs, quarter: str) -> dict[str, Any]:
    """The figures frozen for a quarter: every region's key figures, unrounded."""
    figures = exact_key_figures(inputs, quarter_selection(quarter, ()))
    return {"key_figures": figures.to_dicts()}


def freeze_quarter(engine: Engine, reader: Reader, quarter: str, today: date) -> Snapshot:
    """Freeze the quarter's figures for every region (beheerder only)."""
    require_beheerder(reader, "een kwartaal bevriezen")
    quarter = snapshots.parse_quarter(quarter)
    inputs = report_inputs(engine, reader.scope, today)
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
    current = exact_key_figures(inputs, quarter_selection(snapshot.quarter, ()))
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


def frozen_table(differences: pl.DataFrame, snapshot: Snapshot, names: dict[str, str]) -> TableSpec:
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
    return TableSpec(
        frame,
        (
            Text("region_code", "Regio", "region"),
            Text("label", "Kengetal"),
            Text("frozen", f"Bevroren ({when})"),
            Text("current", "Nu"),
            Text("change", "Gewijzigd sinds bevriezing"),
        ),
        title=f"Bevroren kerncijfers {quarter_label(snapshot.quarter)}",
        notes=(
            f"Bevroren op {when} door {snapshot.created_by} (dataversie {snapshot.data_version}).",
            summary,
        ),
        region_names=names,
        # The report's own region, exact: only ever for a reader who sees it in detail.
        records=True,
        name="bevroren-kerncijfers",
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


def report_head(
    engine: Engine,
    reader: Reader,
    region_code: str,
    quarter: str,
    today: date,
    inputs: Inputs | None = None,
) -> ReportHead:
    """The report's title, status and key figures as this reader may see them (refused
    otherwise): all the report's page draws.

    `inputs`, when given, must be the reader's inputs on the "then" basis (the UI's cached
    ones); otherwise they are read here."""
    quarter = snapshots.parse_quarter(quarter)
    require_report_access(reader, region_code)
    inputs = _readers_inputs(engine, reader, today, inputs)
    names = inputs.region_names()
    if region_code not in set(inputs.regions["region_code"]):
        raise AccessError(f"Onbekende regio '{region_code}'.")
    snapshot = snapshots.frozen(engine, quarter, region_code)
    first = inputs.remembered(
        ("quarterly_key_figures", region_code, quarter),
        lambda: _chapter(inputs, _chaptered()[0], region_code, quarter),
    )
    key_figures = _with_frozen(first, inputs, snapshot, region_code, names)
    return ReportHead(
        region_code=region_code,
        region_name=names.get(region_code, region_code),
        quarter=quarter,
        status=status_of(snapshot),
        snapshot=snapshot,
        data_version=inputs.data_version,
        # The frozen key figures can change without a new data version: published each time.
        key_figures=publish(key_figures, reader.scope_for_region(region_code), thresholds()),
    )


def quarterly_report(
    engine: Engine,
    reader: Reader,
    region_code: str,
    quarter: str,
    today: date,
    inputs: Inputs | None = None,
) -> QuarterlyReport:
    """The report of one region and quarter as this reader may see it (refused otherwise):
    its head (`report_head`), then the other chapters, quality and feedback.

    `inputs`, when given, must be the reader's inputs on the "then" basis (the UI's cached
    ones); otherwise they are read here."""
    inputs = _readers_inputs(engine, reader, today, inputs)
    head = report_head(engine, reader, region_code, quarter, today, inputs)
    quarter, snapshot = head.quarter, head.snapshot
    # The report is handed on to the region's stuurgroep and partners: the region exact, every
    # other region under disclosure control, also when a beheerder or a critical friend of
    # more regions makes it.
    scope = reader.scope_for_region(region_code)
    limits = thresholds()

    def rest() -> tuple[PublishedView, ...]:
        views = [_chapter(inputs, spec, region_code, quarter) for spec in _chaptered()[1:]]
        if snapshot is not None:
            # Only the key figures are frozen: say so on every other chapter, never silently.
            live = live_note(inputs.data_version)
            views = [replace(v, notes=(live, *v.notes)) for v in views]
        views.append(_quality(inputs, region_code, inputs.region_names()))
        return tuple(publish(view, scope, limits) for view in views)

    # The chapters after the first and the quality chapter depend on the inputs alone (and on
    # whether the quarter is frozen): made and published once per scope. The frozen key
    # figures and the feedback can change without a new data version, and are published each
    # time.
    kept = inputs.remembered(
        ("quarterly_published", region_code, quarter, snapshot is not None, scope, limits), rest
    )
    feedback = publish(_feedback(engine, reader, region_code, quarter), scope, limits)
    published = (head.key_figures, *kept, feedback)
    return QuarterlyReport(
        region_code=region_code,
        region_name=head.region_name,
        quarter=quarter,
        status=head.status,
        snapshot=snapshot,
        data_version=head.data_version,
        generated_at=datetime.now(),
        reader=reader.email,
        chapters=published,
        sheets=_sheets(published),
        key_messages=key_messages(published, region_code, head.region_name, quarter, inputs.today),
        about=about_lines(published, head.region_name, basis_note(inputs)),
    )


def live_note(data_version: int) -> str:
    """What a chapter of a frozen quarter says: its figures are today's, not the frozen ones."""
    return (
        f"Actuele cijfers (dataversie {data_version}), niet bevroren; de bevroren "
        "kerncijfers en hun verschillen staan in het eerste hoofdstuk."
    )


def about_lines(
    published: tuple[PublishedView, ...], region_name: str, basis: str
) -> tuple[str, ...]:
    """Said once in the report: the own region exact, the others under disclosure control
    (when any are in it), the legend of every symbol the report shows, the region basis."""
    lines = [
        f"Intern document voor de stuurgroep van {region_name} en haar partners. De cijfers van "
        f"{region_name} zijn exact.",
    ]
    if any(view.perturbed for view in published):
        lines.append(PERTURBED)
    used = {s for view in published for s in view.symbols}
    lines += legend_lines(tuple(s for s in LEGEND if s in used))
    shown = [display(t) for view in published for t in view.tables() if not t.is_empty]
    if any(frame.select(pl.any_horizontal(pl.all() == MISSING).any()).item() for frame in shown):
        lines.append(NOT_AVAILABLE)
    return (*lines, basis)


def _chaptered() -> list[Indicator]:
    return [spec for spec in INDICATORS if spec.chapter is not None]


def _chapter(inputs: Inputs, spec: Indicator, region_code: str, quarter: str) -> View:
    """An indicator's chapter: its view for the quarter (the region alone, or among every
    region) with the chapter's tables and charts, and its charts over the last quarters."""
    chapter = spec.chapter
    assert chapter is not None
    selection = quarter_selection(quarter, () if chapter.all_regions else (region_code,))
    view = spec.build(inputs, selection)
    blocks: list[TableSpec | ChartSpec] = []
    if chapter.trend_charts:
        trend = replace(
            selection,
            start=add_months(selection.start, -3 * (TREND_QUARTERS - 1)),
            regions=(region_code,),
        )
        blocks += _charts(spec.build(inputs, trend), chapter.trend_charts)
    blocks += _charts(view, chapter.charts)
    tables = {table.name: table for table in view.tables()}
    blocks += [tables[name] for name, _ in chapter.tables if name in tables]
    if chapter.all_regions:
        blocks = [_highlighted(block, region_code) for block in blocks]
    else:
        blocks = _without_totals(blocks)
    notes = view.notes
    if chapter.all_regions:
        notes = (
            f"Alle regio's van het kwartaal; {inputs.region_names().get(region_code)} is een "
            "van de punten in de trechtergrafiek.",
            *notes,
        )
    return View(chapter.title, (Section(chapter.title, tuple(blocks)),), notes)


def _without_totals(blocks: list[TableSpec | ChartSpec]) -> list[TableSpec | ChartSpec]:
    """The blocks of a one-region chapter without total rows: the total of one region repeats
    its row. A table with rows computed but not listed keeps its totals: they are Flanders, the
    comparison. A chart keeps drawing from the same (changed) table as the table itself."""
    changed: dict[int, TableSpec] = {}

    def plain(table: TableSpec) -> TableSpec:
        if not table.totals or table.visible is not None:
            return table
        return changed.setdefault(id(table), replace(table, totals=()))

    return [
        replace(b, table=plain(b.table)) if isinstance(b, ChartSpec) else plain(b) for b in blocks
    ]


def _highlighted(block: TableSpec | ChartSpec, region_code: str) -> TableSpec | ChartSpec:
    """A chart of every region that can single one out (the funnel), drawn with the report's
    region standing out and the others receding: the reader looks for their own region."""
    if isinstance(block, ChartSpec):
        draw: Callable[..., go.Figure | None] = block.draw
        if "highlight" in signature(draw).parameters:
            return replace(block, draw=partial(draw, highlight=region_code))
    return block


def _charts(view: View, titles: tuple[str, ...]) -> list[ChartSpec]:
    charts = {
        block.title: block
        for section in view.sections
        for block in section.blocks
        if isinstance(block, ChartSpec)
    }
    return [charts[title] for title in titles if title in charts]


def _with_frozen(
    chapter: View,
    inputs: Inputs,
    snapshot: Snapshot | None,
    region_code: str,
    names: dict[str, str],
) -> View:
    """The key figures' chapter, with the frozen figures first when the quarter is frozen."""
    if snapshot is None:
        return chapter
    differences = frozen_differences(inputs, snapshot, region_code)
    (section,) = chapter.sections
    frozen = frozen_table(differences, snapshot, names)
    return replace(chapter, sections=(replace(section, blocks=(frozen, *section.blocks)),))


def _sheets(published: tuple[PublishedView, ...]) -> tuple[tuple[str, PublishedTable], ...]:
    """Every table of the report with its sheet name (unique, at most 31 characters)."""
    sheet_names = {
        name: sheet
        for spec in _chaptered()
        for name, sheet in (spec.chapter.tables if spec.chapter else ())
    }
    sheet_names |= {
        "bevroren-kerncijfers": "Bevroren kerncijfers",
        "kwaliteitspaspoort": "Kwaliteitspaspoort",
    }
    out: list[tuple[str, PublishedTable]] = []
    used: set[str] = set()
    for view in published:
        shown = [b for section in view.sections for b in section.blocks]
        for table in (b for b in shown if isinstance(b, PublishedTable)):
            name = sheet_names.get(table.name, table.title)
            sheet, n = name[:31], 2
            while sheet in used:
                sheet, n = f"{name[:28]} {n}", n + 1
            used.add(sheet)
            out.append((sheet, table))
    return tuple(out)


def _quality(inputs: Inputs, region_code: str, names: dict[str, str]) -> View:
    passport = inputs.passports.filter(pl.col("region_code") == region_code)
    table = TableSpec(
        passport,
        (
            Text("region_code", "Regio", "region"),
            *(Measure(d, DIMENSION_LABELS[d], "pct") for d in DIMENSIONS),
            Measure("overall", "Geheel (laagste)", "pct"),
            Measure("threshold", "Drempel", "pct"),
        ),
        title="Kwaliteitspaspoort",
        notes=("Uit de laatste kwaliteitscontrole van de opslag.",),
        region_names=names,
        records=True,
        name="kwaliteitspaspoort",
    )
    caveats = tuple(quality_notes(inputs, [region_code])) or (
        "De gegevenskwaliteit van de regio haalt de drempel."
        if passport.height
        else "Nog geen kwaliteitscontrole voor deze regio.",
    )
    title = "Gegevenskwaliteit en kanttekeningen"
    return View(title, (Section(title, (table,)),), caveats)


def _feedback(engine: Engine, reader: Reader, region_code: str, quarter: str) -> View:
    """The critical friend's note its author marked for the report (the report is handed out;
    an unmarked note stays on the Feedback page)."""
    note = report_note(engine, reader, region_code, quarter)
    if note is None:
        text: tuple[str, ...] = (
            f"Geen feedback van de critical friend voor het rapport van {quarter_label(quarter)}.",
        )
    else:
        text = (
            f"Versie {note['version']} van {note['author']}, "
            f"{note['created_at'].strftime('%d/%m/%Y')}:",
            str(note["body"]),
        )
    title = FEEDBACK_TITLE
    return View(title, (Section(title, tuple(Paragraph(t, "text") for t in text)),))


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
    messages = report.key_messages
    if messages is not None and messages.figures:
        # The first page's table, as text exactly as the PDF shows it (symbols included).
        cover.write_string(row, 0, "Kernboodschappen", bold)
        for col, header in enumerate(messages.header):
            cover.write_string(row + 1, col, header, bold)
        for r, values in enumerate(messages.rows(), start=row + 2):
            for col, value in enumerate(values):
                cover.write_string(r, col, value)
        row += len(messages.figures) + 3
    texts = [
        f"{chapter.title}: {block.text}"
        for chapter in report.chapters
        for section in chapter.sections
        for block in section.blocks
        if isinstance(block, Paragraph)
    ]
    parts = (
        ("Wat opvalt", messages.messages if messages else ()),
        ("Over de cijfers", report.about),
        ("", texts),
    )
    for heading, lines in parts:
        if heading and lines:
            cover.write_string(row, 0, heading, bold)
            row += 1
        for line in lines:
            cover.write_string(row, 0, line)
            row += 1
    cover.set_column(0, 0, 60)
    cover.set_column(1, 5, 16)
    for name, table in report.sheets:
        write_sheet(book, replace(table, notes=(f"Status: {report.status}.", *table.notes)), name)
    book.close()
    return buffer.getvalue()
