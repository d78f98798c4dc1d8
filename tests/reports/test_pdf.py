"""The quarterly report's PDF: key messages first, charts from zero with quarters on their axis,
tables that break cleanly, and what the figures are said once."""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import Engine

import reports.pdf as reports_pdf
from data_access.access.roles import reader_for
from data_access.settings import Settings, get_settings
from data_access.store.engine import make_engine
from indicators.formatting import MONTH_ABBREVIATIONS
from indicators.periods import add_months, quarter_of
from reports.pdf import (
    CELL_PADDING,
    NO_CHROMIUM,
    _fonts,
    browser_path,
    column_widths,
    print_figure,
    report_charts,
    report_pdf,
)
from reports.publish.boundary import Thresholds, publish
from reports.publish.cells import Count, Text
from reports.publish.spec import Section, TableSpec, View
from reports.publish.text import display
from reports.quarterly import PERTURBED, PROVISIONAL, QuarterlyReport, quarterly_report
from reports.views.compare import GREY
from tests import scopes
from tests.reports.cli_rows import indicator_rows

TODAY = date.today()
QUARTER = quarter_of(add_months(TODAY, -3))
SECTIONS = (
    "Kerncijfers en hun verandering",
    "Aanmeldingen",
    "Tijdige opname",
    "Aanmeldersmix",
    "Volumeafspraken GV en SDJ",
    "Personeelsinzet",
    "De regio tegenover Vlaanderen",
    "Gegevenskwaliteit en kanttekeningen",
    "Feedback van de critical friend",
)


@pytest.fixture(scope="module")
def stuurgroep_report(report_settings: Settings) -> Iterator[QuarterlyReport]:
    """Konekti's report as its stuurgroep gets it (other regions under disclosure control)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONITOR_DATA_DIR", str(report_settings.data_dir))
        patch.setenv("DATABASE_URL", report_settings.url)
        get_settings.cache_clear()
        engine = make_engine(report_settings)
        reader = reader_for(engine, "stuurgroep.kon@demo.1g1p")
        assert reader is not None
        yield quarterly_report(engine, reader, "KON", QUARTER, TODAY)
        engine.dispose()
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def pdf(stuurgroep_report: QuarterlyReport) -> PdfReader:
    """Its PDF (charts drawn when a Chromium is present)."""
    return PdfReader(io.BytesIO(report_pdf(stuurgroep_report)))


@pytest.fixture(scope="module")
def pages(pdf: PdfReader) -> list[str]:
    """The text of each page of its PDF."""
    return [page.extract_text() for page in pdf.pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_first_page_holds_the_key_messages(
    stuurgroep_report: QuarterlyReport, pages: list[str]
) -> None:
    """Page 1: title and status, the key figures row by row as the first page's table has
    them, what stands out, the critical friend's part and the contents with page numbers."""
    first = _flat(pages[0])
    messages = stuurgroep_report.key_messages
    assert messages is not None
    assert stuurgroep_report.title in first
    assert "Voorlopig" in first
    assert "Kernboodschappen" in first
    assert " ".join(messages.header) in first
    for row in messages.rows():
        assert " ".join(row) in first, row
    assert "Wat opvalt" in first
    for message in messages.messages:
        assert _flat(message) in first
    assert "Feedback van de critical friend" in first
    assert re.search(r"Aanmeldingen \(p\. \d+\)", first)
    assert "Over de cijfers (p. " in first


def test_the_contents_name_the_page_each_chapter_starts_on(pages: list[str]) -> None:
    """Each entry of the first page's contents points to the page that holds its heading."""
    entries = re.findall(r"([^·:]+?) \(p\. (\d+)\)", _flat(pages[0]))
    assert len(entries) >= 8
    for title, number in entries:
        lines = [line.strip() for line in pages[int(number) - 1].splitlines()]
        assert title.strip() in lines, (title, number)


def test_the_disclosure_explanation_and_region_basis_come_once(pages: list[str]) -> None:
    """What disclosure control does and the region basis are said once, in 'Over de cijfers',
    not under every table."""
    text = _flat("\n".join(pages))
    assert text.count(_flat(PERTURBED)) == 1
    assert text.count("Regiobasis: zoals toen georganiseerd.") == 1
    last = _flat(pages[-1])
    assert "Over de cijfers" in last
    assert _flat(PERTURBED) in last


def test_a_one_region_table_has_no_total_row(
    stuurgroep_report: QuarterlyReport, pages: list[str]
) -> None:
    """The region alone has no 'total' row repeating it, in the report nor in its PDF: the
    only total listed is Flanders, the key figures' comparison."""
    one_region = [
        c for c in stuurgroep_report.chapters if c.title != "De regio tegenover Vlaanderen"
    ]
    for chapter in one_region:
        for table in chapter.tables():
            listed = table.values[table.listed()["_row"]]["region_code"].to_list()
            assert set(listed) <= {"KON", "_VLAANDEREN"}, table.name
    totals = re.findall(r"[\w' ]*\(totaal\)", "\n".join(pages))
    assert totals and {t.strip() for t in totals} == {"Vlaanderen (totaal)"}


def test_no_heading_ends_a_page(stuurgroep_report: QuarterlyReport, pages: list[str]) -> None:
    """A chapter's or table's heading is never the last line of a page: it moves on with
    what it heads."""
    headings = {chapter.title for chapter in stuurgroep_report.chapters} | {
        table.title for chapter in stuurgroep_report.chapters for table in chapter.tables()
    }
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.search(r"pagina \d+ van \d+", line)]
        assert body and body[-1] not in headings, (number, body[-3:])


def test_region_names_are_never_broken_inside_a_word(
    stuurgroep_report: QuarterlyReport, pages: list[str]
) -> None:
    """Every region name in the funnel's table prints with its words whole (a column is at
    least as wide as its longest word)."""
    trechter = next(
        t
        for chapter in stuurgroep_report.chapters
        for t in chapter.tables()
        if t.name == "trechter"
    )
    words = set(re.split(r"\s+", "\n".join(pages)))
    for name in display(trechter)["Regio"].to_list():
        for word in name.split():
            assert word in words, (name, word)


def test_every_chart_counts_from_zero_with_quarters_on_its_time_axis(
    stuurgroep_report: QuarterlyReport,
) -> None:
    """On every printed chart each axis of counts or rates starts at zero, and a time axis is
    labelled with quarters ('2026 K3'), never months."""
    charts = report_charts(stuurgroep_report)
    assert charts
    months = tuple(MONTH_ABBREVIATIONS)
    timelines = 0
    for title, figure in charts:
        for trace in figure.data:
            values = trace.x if trace.type == "bar" and trace.orientation == "h" else trace.y
            if not values or not all(isinstance(v, int | float) for v in values if v is not None):
                continue
            axis = figure.layout.xaxis if trace.orientation == "h" else figure.layout.yaxis
            assert axis.rangemode == "tozero" or (axis.range and axis.range[0] <= 0), title
        ticks = figure.layout.xaxis.ticktext
        if ticks:
            timelines += 1
            assert all(re.fullmatch(r"20\d\d K[1-4]", t) for t in ticks), (title, ticks)
            assert not any(t.startswith(months) for t in ticks)
        assert figure.layout.width == 1100
    assert timelines >= 3  # intakes, timeliness and brede instap over eight quarters


def test_a_set_range_keeps_its_top_and_a_ranking_keeps_its_order() -> None:
    """A chart zoomed to 72–80 % prints from 0 to 80 %; a reversed (rank) axis is left alone;
    labels above points get room under a set top."""
    zoomed = go.Figure(go.Scatter(x=[date(2026, 4, 1), date(2026, 7, 1)], y=[0.72, 0.8]))
    zoomed.update_yaxes(range=[0.7, 0.82])
    printed = print_figure(zoomed)
    assert list(printed.layout.yaxis.range) == [0, 0.82]
    assert list(printed.layout.xaxis.ticktext) == ["2026 K2", "2026 K3"]
    ranks = go.Figure(go.Scatter(x=["a", "b"], y=[1, 2]))
    ranks.update_yaxes(range=[2.5, 0.5])
    assert list(print_figure(ranks).layout.yaxis.range) == [2.5, 0.5]
    monthly = go.Figure(go.Scatter(x=[date(2026, 5, 1), date(2026, 6, 1)], y=[3, 4]))
    assert print_figure(monthly).layout.xaxis.ticktext is None  # months are not quarters
    labelled = go.Figure(go.Scatter(x=[100, 300], y=[0.6, 0.95], mode="markers+text"))
    labelled.update_yaxes(range=[0.55, 1.0])
    low, high = print_figure(labelled).layout.yaxis.range
    assert low == 0 and high > 1.0  # room above the highest point for its label


def test_no_column_is_narrower_than_its_longest_word() -> None:
    """Column widths leave every word whole, and use the whole width."""
    fonts = _fonts()
    header = ["Regio", "Teller", "Ligging"]
    rows = [["RTJ Asse-Meise-Vilvoorde", "361", "boven de 99,8%-grens"], ["Trawant", "1", "—"]]
    widths = column_widths(header, rows, 300, fonts, 7.5)
    assert widths is not None
    assert sum(widths) == pytest.approx(300)
    assert widths[0] >= stringWidth("Asse-Meise-Vilvoorde", fonts[0], 7.5) + 2 * CELL_PADDING
    assert column_widths(header, rows, 60, fonts, 7.5) is None


def _long_report(base: QuarterlyReport) -> QuarterlyReport:
    frame = pl.DataFrame(
        {"region_code": ["KON"] * 90, "week": [f"week {i}" for i in range(90)], "n": range(90)}
    )
    spec = TableSpec(
        frame,
        (Text("region_code", "Regio", "region"), Text("week", "Week"), Count("n", "Aantal")),
        title="Een lange tabel",
        region_names={"KON": "Konekti"},
        records=True,
    )
    chapter = publish(View("Lang", (Section("", (spec,)),)), scopes.everything(), Thresholds())
    return replace(
        base,
        chapters=(chapter,),
        sheets=(),
        key_messages=None,
        generated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_a_long_table_repeats_its_header_on_every_page(
    stuurgroep_report: QuarterlyReport,
) -> None:
    """A table over several pages starts each page with its header row; its title comes once."""
    pdf = PdfReader(io.BytesIO(report_pdf(_long_report(stuurgroep_report))))
    spanned = [page.extract_text() for page in pdf.pages if "week " in page.extract_text()]
    assert len(spanned) >= 2
    for text in spanned:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        header = lines.index("Regio")
        assert lines[header : header + 4] == ["Regio", "Week", "Aantal", "Konekti"]
    assert "\n".join(spanned).count("Een lange tabel") == 1


def test_the_funnel_singles_out_the_reports_region(stuurgroep_report: QuarterlyReport) -> None:
    """In the funnel the report's region alone is named and coloured; every other region is a
    grey, unnamed point (their names and positions are in the table beside it)."""
    (funnel,) = [
        f for _, f in report_charts(stuurgroep_report) if "Trechter" in f.layout.title.text
    ]
    points = [t for t in funnel.data if t.mode == "markers+text"]
    own = [t for t in points if t.name == "Konekti"]
    others = [t for t in points if t.name != "Konekti"]
    assert len(own) == 1 and list(own[0].text) == ["Konekti"]
    # (At this store's size most other regions are hidden; test_compare draws many.)
    assert all(t.marker.color == GREY for t in others)
    assert all(not any(t.text) for t in others)


def test_a_horizontal_stack_lists_its_legend_left_to_right(
    stuurgroep_report: QuarterlyReport,
) -> None:
    """A horizontal stacked bar's legend reads in the order of its parts, not reversed."""
    stacked = [
        f
        for _, f in report_charts(stuurgroep_report)
        if all(t.type == "bar" and t.orientation == "h" for t in f.data)
        and f.layout.barmode != "group"
    ]
    assert stacked
    assert all(f.layout.legend.traceorder == "normal" for f in stacked)


def test_a_chart_printed_before_is_not_drawn_again(
    stuurgroep_report: QuarterlyReport, pages: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report made again (another member of the stuurgroep) takes its charts from the
    images already drawn: no browser is started, and every chart is in the PDF."""
    if browser_path() is None:
        pytest.skip("charts are drawn with Chromium")
    import kaleido

    def no_browser(*_: object, **__: object) -> None:
        raise AssertionError("the browser was started for charts drawn before")

    monkeypatch.setattr(kaleido, "start_sync_server", no_browser)
    again = PdfReader(io.BytesIO(report_pdf(stuurgroep_report)))
    assert sum(len(page.images) for page in again.pages) == len(report_charts(stuurgroep_report))


# Before the idle-close test below (a module runs in order on one worker): this one meets the
# browser still open instead of starting Chromium again.
def test_two_reports_made_at_once_both_have_their_charts(
    stuurgroep_report: QuarterlyReport, pages: list[str]
) -> None:
    """kaleido keeps one browser per process: two sessions printing at the same moment take
    turns, and neither loses its charts to the other's closing browser."""
    if browser_path() is None:
        pytest.skip("charts are drawn with Chromium")
    # Four charts of the report, each given a title of its own so that none was drawn before.
    figures = [
        go.Figure(figure).update_layout(title=f"gelijktijdig {i}")
        for i, (_, figure) in enumerate(report_charts(stuurgroep_report)[:4])
    ]
    with ThreadPoolExecutor(2) as pool:
        drawn = list(pool.map(reports_pdf.chart_images, [figures[::2], figures[1::2]]))
    assert [image is not None for half in drawn for image in half] == [True] * len(figures)


def _browsers() -> set[int]:
    """The Chromium processes this test process started (its descendants), by pid."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid, rest = text.split(" (", 1)
        name, fields = rest.rsplit(") ", 1)
        children.setdefault(int(fields.split()[1]), []).append(int(pid))
        names[int(pid)] = name
    found, todo = set(), [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            if "chrom" in names[child]:
                found.add(child)
    return found


def test_the_browser_stays_open_for_the_next_report_then_closes(
    stuurgroep_report: QuarterlyReport, pages: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report soon after another draws its charts in the browser already open; once the
    browser has been idle for BROWSER_IDLE_S it is closed."""
    if browser_path() is None:
        pytest.skip("charts are drawn with Chromium")
    monkeypatch.setattr(reports_pdf, "BROWSER_IDLE_S", 1.0)
    figure = report_charts(stuurgroep_report)[0][1]
    first = reports_pdf.chart_images([go.Figure(figure).update_layout(title="eerste")])
    open_after_first = _browsers()
    second = reports_pdf.chart_images([go.Figure(figure).update_layout(title="tweede")])
    assert first[0] is not None and second[0] is not None
    assert open_after_first and _browsers() == open_after_first
    deadline = time.monotonic() + 15
    while _browsers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _browsers() == set()


def test_pdf_has_the_sections_and_the_indicator_numbers(
    pages: list[str], report_engine: Engine
) -> None:
    """The PDF opens, names every section, says the figures are provisional, and shows the same
    intake count as `1g1p indicator intakes` for the region and quarter."""
    text = "\n".join(pages)
    for section in SECTIONS:
        assert section in text
    assert PROVISIONAL in text
    assert "Konekti" in text
    # Each cell of a table row is extracted as its own line: region, period, then the count.
    cells = [line.strip() for line in text.splitlines()]
    rows = list(zip(cells, cells[1:], cells[2:], strict=False))
    (row,) = indicator_rows("intakes", QUARTER)
    assert ("Konekti", row["Periode"], row["Aanmeldingen"]) in rows
    (timely,) = indicator_rows("response_time", QUARTER)
    assert ("Konekti", timely["Periode"], timely["Tijdig"]) in rows


def test_pdf_charts_are_drawn_with_chromium_or_named_missing(
    pdf: PdfReader, pages: list[str]
) -> None:
    """With a Chromium the charts are images in the PDF; without one each chart is a Dutch line."""
    images = sum(len(page.images) for page in pdf.pages)
    text = "\n".join(pages)
    if browser_path() is None:
        assert NO_CHROMIUM in " ".join(text.split())
        pytest.skip("Grafiek niet beschikbaar: Chromium ontbreekt op deze server")
    assert images >= 8
    assert NO_CHROMIUM not in text


def test_pdf_without_chromium_says_so(
    stuurgroep_report: QuarterlyReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When no browser is found the PDF is still made, with the Dutch line instead of charts."""
    monkeypatch.setattr("reports.pdf.browser_path", lambda: None)
    pdf = PdfReader(io.BytesIO(report_pdf(stuurgroep_report)))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert NO_CHROMIUM in " ".join(text.split())
    assert sum(len(page.images) for page in pdf.pages) == 0
