"""The quarterly report as a PDF (reportlab): a first page of key messages, then every chapter
with full-width charts (plotly's kaleido) and tables that break cleanly, and at the end, once,
what the figures are and what their symbols mean."""

from __future__ import annotations

import hashlib
import io
import math
import os
import shutil
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import plotly.graph_objects as go
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from indicators.formatting import quarter_label
from indicators.periods import quarter_of
from reports.key_messages import FEEDBACK_TITLE, KeyMessages
from reports.publish.boundary import PublishedChart, PublishedTable, PublishedView
from reports.publish.cells import Text
from reports.publish.spec import Paragraph as ViewText
from reports.publish.text import display
from reports.quarterly import QuarterlyReport, live_note

NO_CHROMIUM: Final = "Grafiek niet beschikbaar: Chromium ontbreekt op deze server"
# Debian's package and the usual names elsewhere; never downloaded (docs/design.md §8).
BROWSERS: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAGE: Final = landscape(A4)
MARGIN: Final = 1.5 * cm
WIDTH: Final = PAGE[0] - 2 * MARGIN  # the text width: tables and charts take all of it
# Charts are laid out 1100 CSS pixels wide and drawn across the text width, so plotly's
# 13-pixel text prints at about 9 pt; rendered at twice that resolution to stay sharp.
CHART_WIDTH: Final = 1100
CHART_HEIGHT: Final = 380
SCATTER_HEIGHT: Final = 520  # points on two quantity axes need room both ways (the funnel)
KEY_FIGURES_WIDTH: Final = 19 * cm
CHART_SCALE: Final = 2
CHART_FONT: Final = 13
ABOUT_TITLE: Final = "Over de cijfers"
SYMBOLS_SEE: Final = f"Symbolen en disclosure control: zie '{ABOUT_TITLE}' achteraan."
# A table block up to this high moves to the next page whole rather than split; a longer one
# splits, with its heading, its header row and at least this many rows together.
WHOLE_TABLE: Final = 9 * cm
ROWS_WITH_HEADING: Final = 4
# Fonts with the glyphs of the pages' labels (≤, –, …): DejaVu where installed, else the Vera
# font reportlab ships with.
_FONT_FILES: Final = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
)
CELL_PADDING: Final = 3.5  # points left and right of a table cell's text
NUMBERS: Final = frozenset({"int", "dec1", "dec2", "pct", "points"})  # right-aligned formats


def browser_path() -> str | None:
    """The Chrome/Chromium kaleido will use: BROWSER_PATH if it exists, else one on PATH."""
    configured = os.environ.get("BROWSER_PATH")
    if configured and Path(configured).is_file():
        return configured
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


# --- charts for print --------------------------------------------------------------------------


def print_figure(figure: go.Figure) -> go.Figure:
    """A page's chart as the report prints it: the full text width, counts and rates on axes
    from zero (a cut axis makes 72 → 80 % look like a doubling), quarters named as quarters
    ("2026 K3"; every period in the report is a quarter), no hover-only details."""
    fig = go.Figure(figure)
    for axis in _value_axes(fig):
        _from_zero(fig, axis)
    _room_for_labels(fig)
    for axis, days in _date_axes(fig).items():
        if days and all(d.day == 1 and d.month % 3 == 1 for d in days):
            fig.layout[axis].update(
                tickvals=days,
                ticktext=[quarter_label(quarter_of(d)) for d in days],
                tickangle=0,
            )
    if any(t.type == "bar" and t.orientation == "h" for t in fig.data):
        # The legend in the order the bars are seen: a horizontal stack left to right ("0–7
        # dagen" first; plotly reverses a stack's legend), grouped bars top to bottom (plotly
        # draws a group's first bar lowest).
        grouped = fig.layout.barmode == "group"
        fig.update_layout(legend_traceorder="reversed" if grouped else "normal")
    fig.update_layout(
        width=CHART_WIDTH,
        height=_print_height(fig),
        font={"size": CHART_FONT},
        margin={"l": 70, "r": 30, "t": 80, "b": 40},
        hovermode=False,
        paper_bgcolor="white",
    )
    return fig


def _axis_names(trace: Any) -> tuple[str, str]:
    """The layout keys of a trace's axes ('xaxis', 'yaxis2', …)."""
    x, y = getattr(trace, "xaxis", None) or "x", getattr(trace, "yaxis", None) or "y"
    return f"xaxis{x[1:]}", f"yaxis{y[1:]}"


def _numeric(values: Sequence[object] | None) -> bool:
    known = [v for v in values or () if v is not None]
    return bool(known) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in known
    )


def _value_axes(fig: go.Figure) -> list[str]:
    """The axes that carry a count or rate: a bar's length, a line's or point's numbers."""
    axes: list[str] = []
    for trace in fig.data:
        x_axis, y_axis = _axis_names(trace)
        if trace.type == "bar":
            found = [x_axis] if trace.orientation == "h" else [y_axis]
        elif trace.type == "scatter":
            found = [a for a, v in ((x_axis, trace.x), (y_axis, trace.y)) if _numeric(v)]
        else:
            found = []
        axes += [a for a in found if a not in axes]
    return axes


def _from_zero(fig: go.Figure, axis: str) -> None:
    """Start the axis at zero: a set range keeps its top, an automatic one includes zero."""
    layout = fig.layout[axis]
    if layout.range is not None:
        low, high = layout.range
        if low <= high:  # a reversed axis (a ranking) is not a quantity
            layout.update(range=[min(0, low), high])
    else:
        layout.update(rangemode="tozero")


def _room_for_labels(fig: go.Figure) -> None:
    """Labels printed above points (the funnel's regions) get room under a set top of the
    axis, which would otherwise cut the highest ones off."""
    for trace in fig.data:
        if trace.type != "scatter" or "text" not in (trace.mode or ""):
            continue
        layout = fig.layout[_axis_names(trace)[1]]
        if layout.range is not None and layout.range[0] <= layout.range[1]:
            low, high = layout.range
            layout.update(range=[low, high + 0.08 * (high - low)])
            return


def _date_axes(fig: go.Figure) -> dict[str, list[date]]:
    """Per x axis of dates: the days it shows."""
    days: dict[str, set[date]] = {}
    for trace in fig.data:
        values = [v for v in getattr(trace, "x", None) or () if v is not None]
        if values and all(isinstance(v, date) and not isinstance(v, datetime) for v in values):
            days.setdefault(_axis_names(trace)[0], set()).update(values)
    return {axis: sorted(found) for axis, found in days.items()}


def _print_height(fig: go.Figure) -> int:
    """Bars side by side need room per bar and for their legend, points on two quantities
    room both ways; other charts a fixed height."""
    if any(t.type == "scatter" and _numeric(t.x) for t in fig.data):
        return SCATTER_HEIGHT
    horizontal = [t for t in fig.data if t.type == "bar" and t.orientation == "h"]
    if not horizontal or len(horizontal) != len(fig.data):
        return CHART_HEIGHT
    bars = len({v for t in horizontal for v in (t.y or ())})
    legend_rows = math.ceil(sum(1 for t in horizontal if t.showlegend is not False) / 5)
    return min(CHART_HEIGHT, 150 + 45 * bars + 24 * legend_rows)


def report_charts(report: QuarterlyReport) -> list[tuple[str, go.Figure]]:
    """Every chart of the report as printed, in order: (chapter title, figure)."""
    return [
        (chapter.title, print_figure(block.figure))
        for chapter in _figure_chapters(report)
        for section in chapter.sections
        for block in section.blocks
        if isinstance(block, PublishedChart)
    ]


# The PNGs of recently printed charts, by the figure's content: a report downloaded again, or
# by another member of the same group, is not drawn again. A figure is published before it is
# printed, so equal content means equal figures whoever asks.
_IMAGES: OrderedDict[str, bytes] = OrderedDict()
_IMAGES_KEPT: Final = 64
# kaleido keeps one browser per process: two reports made at once take turns.
_KALEIDO = threading.Lock()


def _image_key(figure: go.Figure) -> str:
    size = (figure.layout.width or CHART_WIDTH, figure.layout.height or CHART_HEIGHT)
    return hashlib.sha256(f"{size}{CHART_SCALE}{figure.to_json()}".encode()).hexdigest()


def chart_images(figures: Sequence[go.Figure]) -> list[bytes | None]:
    """Each figure as PNG at its own size, or None when no browser is present (or rendering
    fails); one kept-open kaleido server renders the figures not drawn before."""
    path = browser_path()
    if path is None or not figures:
        return [None] * len(figures)
    keys = [_image_key(fig) for fig in figures]
    with _KALEIDO:
        missing = {key: fig for key, fig in zip(keys, figures, strict=True) if key not in _IMAGES}
        if missing:
            _render(path, missing)
        images = [_IMAGES.get(key) for key in keys]
        for key in keys:
            if key in _IMAGES:
                _IMAGES.move_to_end(key)
        while len(_IMAGES) > _IMAGES_KEPT:
            _IMAGES.popitem(last=False)
        return images


# The browser stays open this long after the last chart it drew: a second report soon after
# (another region, another member of the group) does not wait for Chromium to start (≈ 2 s).
BROWSER_IDLE_S: Final = 60.0
_closing: threading.Timer | None = None
_drawn = 0  # reports drawn: a timer set before the latest one closes nothing


def _render(path: str, figures: dict[str, go.Figure]) -> None:
    """Draw the figures into _IMAGES (a figure that fails is left out); the caller holds
    _KALEIDO. The browser is started when none is open and closed BROWSER_IDLE_S after its
    last chart, or at once when a chart fails (the next report starts a fresh one)."""
    global _closing, _drawn
    os.environ.setdefault("BROWSER_PATH", path)
    import kaleido

    if _closing is not None:
        _closing.cancel()
        _closing = None
    try:
        kaleido.start_sync_server(silence_warnings=True)  # a no-op while one is open
    except Exception:  # a broken browser: the report still comes, without charts
        return
    failed = True  # until every figure was tried: an interrupted drawing closes the browser
    try:
        failed = not all([_draw(key, fig) for key, fig in figures.items()])
    finally:
        if failed:
            kaleido.stop_sync_server(silence_warnings=True)
        else:
            _drawn += 1
            _closing = threading.Timer(BROWSER_IDLE_S, _close_browser, args=(_drawn,))
            _closing.daemon = True
            _closing.start()


def _draw(key: str, fig: go.Figure) -> bool:
    """One figure into _IMAGES; False when it could not be drawn."""
    import plotly.io as pio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # kaleido: kopts unused
            _IMAGES[key] = pio.to_image(
                fig,
                format="png",
                width=fig.layout.width or CHART_WIDTH,
                height=fig.layout.height or CHART_HEIGHT,
                scale=CHART_SCALE,
            )
    except Exception:
        return False
    return True


def _close_browser(drawn: int) -> None:
    """Close the browser kept open for charts, unless it drew again since this was set."""
    import kaleido

    with _KALEIDO:
        if drawn == _drawn:
            kaleido.stop_sync_server(silence_warnings=True)


# --- type and tables -----------------------------------------------------------------------------


def _fonts() -> tuple[str, str]:
    if "Report" in pdfmetrics.getRegisteredFontNames():
        return "Report", "Report-Bold"
    import reportlab

    bundled = Path(reportlab.__file__).parent / "fonts"
    candidates = [*_FONT_FILES, (bundled / "Vera.ttf", bundled / "VeraBd.ttf")]
    regular, bold = next((r, b) for r, b in candidates if r.is_file() and b.is_file())
    pdfmetrics.registerFont(TTFont("Report", str(regular)))
    pdfmetrics.registerFont(TTFont("Report-Bold", str(bold)))
    return "Report", "Report-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("b", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=12)
    cell = ParagraphStyle("c", fontName=regular, fontSize=7.5, leading=9)
    return {
        "title": ParagraphStyle(
            "t", parent=base["Title"], fontName=bold, fontSize=20, alignment=0, spaceAfter=4
        ),
        "h1": ParagraphStyle(
            "h1", parent=base["Heading1"], fontName=bold, fontSize=15, spaceBefore=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=base["Heading2"], fontName=bold, fontSize=11, spaceBefore=8
        ),
        "body": body,
        "bullet": ParagraphStyle("bl", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=2),
        "quote": ParagraphStyle(
            "q", parent=body, leftIndent=10, borderPadding=(4, 6, 4, 6), backColor="#f3f5f8"
        ),
        "note": ParagraphStyle(
            "n",
            parent=base["BodyText"],
            fontName=regular,
            fontSize=7.5,
            leading=9.5,
            textColor=colors.HexColor("#555555"),
            spaceBefore=1,
            spaceAfter=1,
        ),
        "cell": cell,
        "number": ParagraphStyle("cn", parent=cell, alignment=TA_RIGHT),
        "head": ParagraphStyle("h", parent=cell, fontName=bold),
        "head_number": ParagraphStyle("hn", parent=cell, fontName=bold, alignment=TA_RIGHT),
        "status": ParagraphStyle(
            "s", parent=body, fontName=bold, fontSize=11, textColor=colors.darkred
        ),
    }


def _p(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style, bulletText=bullet)


def _words_width(text: str, font: str, size: float) -> float:
    return max((stringWidth(word, font, size) for word in text.split()), default=0.0)


def column_widths(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: float,
    fonts: tuple[str, str],
    size: float,
) -> list[float] | None:
    """Column widths within `width` in which no word has to break: each column at least as wide
    as its longest word; when every value fits on one line the room left is shared equally,
    otherwise by how much longer a column's values are. None when even the longest words do
    not fit side by side."""
    regular, bold = fonts
    columns = list(zip(header, *rows, strict=True)) if rows else [(h,) for h in header]
    least, natural = [], []
    for head, *cells in columns:
        least.append(
            2 * CELL_PADDING
            + max(
                _words_width(head, bold, size),
                *(_words_width(c, regular, size) for c in cells),
            )
        )
        # A header may take two or three lines; a value reads best on one.
        natural.append(
            2 * CELL_PADDING
            + max(
                _words_width(head, bold, size),
                *(stringWidth(c, regular, size) for c in cells),
            )
        )
    if sum(least) > width:
        return None
    if sum(natural) <= width:
        spare = (width - sum(natural)) / len(natural)
        return [n + spare for n in natural]
    slack = [n - low for n, low in zip(natural, least, strict=True)]
    spare = width - sum(least)
    return [low + spare * s / sum(slack) for low, s in zip(least, slack, strict=True)]


def _grid(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    styles: dict[str, ParagraphStyle],
    width: float = WIDTH,
) -> PdfTable:
    """A table `width` wide whose header row repeats on every page it spans; numbers
    right-aligned; no word broken (smaller type when a wide table needs it)."""
    fonts = _fonts()
    size = styles["cell"].fontSize
    widths = column_widths(header, rows, width, fonts, size)
    while widths is None and size > 6:
        size -= 0.5
        widths = column_widths(header, rows, width, fonts, size)
    if widths is None:  # still too wide: equal columns, words may break
        widths = [width / len(header)] * len(header)
    sized = {k: ParagraphStyle(f"{k}{size}", parent=s, fontSize=size) for k, s in styles.items()}
    cells = [
        [_p(h, sized["head_number" if n else "head"]) for h, n in zip(header, numeric, strict=True)]
    ]
    cells += [
        [_p(v, sized["number" if n else "cell"]) for v, n in zip(row, numeric, strict=True)]
        for row in rows
    ]
    grid = PdfTable(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#7f8c99")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f6f8")]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return grid


class Block:
    """Flowables that belong together, and how much of them must start on the same page."""

    def __init__(self, flowables: list[Flowable], lead: float) -> None:
        self.flowables = flowables
        self.lead = lead

    def placed(self, before: Sequence[Flowable] = ()) -> list[Flowable]:
        """The block after `before` (a heading), moved to a new page when the heading and the
        block's lead do not fit on this one."""
        height = sum(_height(f) for f in before)
        return [CondPageBreak(height + self.lead), *before, *self.flowables]


def _height(flowable: Flowable) -> float:
    _, height = flowable.wrap(WIDTH, PAGE[1])
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _table_block(table: PublishedTable, styles: dict[str, ParagraphStyle], said: set[str]) -> Block:
    """A published table as the page shows it, with its heading and its notes not yet said."""
    heading = _p(table.title, styles["h2"])
    if table.is_empty:
        return Block(
            [KeepTogether([heading, _p("Geen gegevens voor deze selectie.", styles["body"])])], 0
        )
    shown = display(table)
    numeric = [c.format in NUMBERS and not isinstance(c, Text) for c in table.cells]
    grid = _grid(shown.columns, [list(r) for r in shown.iter_rows()], numeric, styles)
    notes = [n for n in table.notes if n not in said]
    if table.symbols:
        notes.append(SYMBOLS_SEE)
    notes = [n for n in dict.fromkeys(notes) if n not in said]
    said.update(notes)
    after = [_p(n, styles["note"]) for n in notes]
    flowables: list[Flowable] = [heading, grid, *after, Spacer(1, 0.25 * cm)]
    total = sum(_height(f) for f in flowables)
    if total <= WHOLE_TABLE:
        return Block([KeepTogether(flowables)], total)
    heights = grid._rowHeights  # set by the wrap above
    lead = _height(heading) + sum(heights[: 1 + ROWS_WITH_HEADING])
    return Block(flowables, lead)


def _chart_block(
    figure: go.Figure, image: bytes | None, styles: dict[str, ParagraphStyle], draft: bool
) -> Block:
    """A chart across the text width, or the Dutch line saying why it is missing; in a draft
    an empty box of the same size (the layout without decoding the image)."""
    if image is None:
        line = _p(NO_CHROMIUM, styles["status"])
        return Block([line], _height(line))
    width, height = figure.layout.width or CHART_WIDTH, figure.layout.height or CHART_HEIGHT
    drawn_height = WIDTH * height / width
    drawn: Flowable = (
        _Box(WIDTH, drawn_height)
        if draft
        else Image(io.BytesIO(image), width=WIDTH, height=drawn_height)
    )
    return Block([drawn, Spacer(1, 0.2 * cm)], drawn_height)


class _Box(Flowable):
    """An empty flowable of a fixed size: a chart's place in the draft layout."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.width, self.height = width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        return None


# --- the document ------------------------------------------------------------------------------


def _figure_chapters(report: QuarterlyReport) -> list[PublishedView]:
    """The chapters after the first page (the critical friend's note is on the first page,
    with the key messages)."""
    if report.key_messages is None:
        return list(report.chapters)
    return [c for c in report.chapters if c.title != FEEDBACK_TITLE]


def _first_page(
    report: QuarterlyReport, styles: dict[str, ParagraphStyle], pages: dict[str, int]
) -> list[Flowable]:
    """Title and status, the key figures, what stands out, the critical friend's note."""
    story: list[Flowable] = [
        _p(report.title, styles["title"]),
        _p(f"Status: {report.status}", styles["status"]),
        _p(report.colophon()[1], styles["note"]),
    ]
    if report.about:
        story.append(_p(f"{report.about[0]} {SYMBOLS_SEE}", styles["note"]))
    messages = report.key_messages
    if messages is not None:
        story.append(_p("Kernboodschappen", styles["h1"]))
    if messages is not None and messages.figures:
        story.append(_key_figures(messages, styles))
    if messages is not None and messages.messages:
        story.append(_p("Wat opvalt", styles["h2"]))
        story += [_p(m, styles["bullet"], bullet="•") for m in messages.messages]
    if messages is not None and messages.feedback:
        story.append(_p(FEEDBACK_TITLE, styles["h2"]))
        heading, *body = messages.feedback
        story.append(_p(heading, styles["body"]))
        story += [_p(text, styles["quote"]) for text in body]
    contents = [
        f"{title} (p. {pages[title]})" if title in pages else title
        for title in [*(c.title for c in _figure_chapters(report)), ABOUT_TITLE]
    ]
    story += [Spacer(1, 0.3 * cm), _p("Inhoud: " + " · ".join(contents), styles["note"])]
    return story


def _key_figures(messages: KeyMessages, styles: dict[str, ParagraphStyle]) -> PdfTable:
    header = messages.header
    numeric = [False, *([True] * (len(header) - 1))]
    return _grid(header, messages.rows(), numeric, styles, min(WIDTH, KEY_FIGURES_WIDTH))


def _chapters(
    report: QuarterlyReport,
    styles: dict[str, ParagraphStyle],
    charts: Iterator[tuple[go.Figure, bytes | None]],
    said: set[str],
    draft: bool,
) -> list[Flowable]:
    """Every figure chapter: its heading kept with its first chart or table."""
    story: list[Flowable] = []
    for index, chapter in enumerate(_figure_chapters(report)):
        heading: list[Flowable] = [_Heading(chapter.title, styles["h1"])]
        if report.snapshot is not None and index > 0:
            heading.append(_p(live_note(report.data_version), styles["note"]))
        blocks: list[Block] = []
        for section in chapter.sections:
            for block in section.blocks:
                if isinstance(block, PublishedChart):
                    figure, image = next(charts)
                    blocks.append(_chart_block(figure, image, styles, draft))
                elif isinstance(block, PublishedTable):
                    blocks.append(_table_block(block, styles, said))
                elif isinstance(block, ViewText):
                    line = _p(block.text, styles["body"])
                    blocks.append(Block([line], _height(line)))
        notes = [n for n in dict.fromkeys(chapter.notes) if n not in said]
        said.update(notes)
        if notes:
            flowables: list[Flowable] = [_p(n, styles["note"]) for n in notes]
            blocks.append(Block(flowables, sum(_height(f) for f in flowables[:2])))
        if not blocks:
            blocks.append(Block([_p("Geen gegevens voor deze selectie.", styles["body"])], 0))
        first, *rest = blocks
        story += first.placed(heading)
        for later in rest:
            story += later.placed()
    return story


def _about(report: QuarterlyReport, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Said once: who sees what exactly, disclosure control, the symbols, status and basis."""
    lines = [*report.about, *report.colophon()]
    # The legend's lines name their symbol first ("'<5': …"): a list of them.
    flowables = [
        _p(line, styles["bullet"], bullet="•") if line.startswith("'") else _p(line, styles["body"])
        for line in lines
    ]
    return Block(flowables, sum(_height(f) for f in flowables)).placed(
        [_Heading(ABOUT_TITLE, styles["h1"])]
    )


class _Heading(Paragraph):
    """A chapter heading: the contents and the PDF's bookmarks point to it."""

    def __init__(self, title: str, style: ParagraphStyle) -> None:
        super().__init__(escape(title), style)
        self.title = title


class _Document(SimpleDocTemplate):
    """Records on which page each chapter starts, and bookmarks it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chapter_pages: dict[str, int] = {}

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self.chapter_pages.setdefault(flowable.title, self.page)
            key = f"h{len(self.chapter_pages)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.title, key, level=0)


def _canvas_with_total(footer: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that holds its pages back until the end, so each footer knows the total."""

    class Numbered(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            super().save()

    return Numbered


def report_pdf(report: QuarterlyReport) -> bytes:
    """The report as PDF bytes: the first page of key messages, the chapters, the explanation
    of the figures; the status and page number on every page."""
    styles = _styles()
    figures = [figure for _, figure in report_charts(report)]
    charts = list(zip(figures, chart_images(figures), strict=True))
    regular = _fonts()[0]
    internal = "intern" if report.about else ""

    def footer(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        parts = [report.title, internal, report.status, f"dataversie {report.data_version}"]
        canvas.drawString(MARGIN, 0.8 * cm, " · ".join(p for p in parts if p))
        canvas.drawRightString(PAGE[0] - MARGIN, 0.8 * cm, f"pagina {number} van {total}")
        canvas.restoreState()

    def build(pages: dict[str, int], draft: bool) -> tuple[bytes, dict[str, int]]:
        said = set(report.about)
        story = [
            *_first_page(report, styles, pages),
            PageBreak(),
            *_chapters(report, styles, iter(charts), said, draft),
            *_about(report, styles),
        ]
        buffer = io.BytesIO()
        doc = _Document(
            buffer,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=1.3 * cm,
            bottomMargin=1.4 * cm,
            title=report.title,
            author="1G1P Monitor",
            subject=f"Kwartaalrapport {report.region_name}, {quarter_label(report.quarter)}",
        )
        doc.build(story, canvasmaker=_canvas_with_total(footer))
        return buffer.getvalue(), doc.chapter_pages

    # Twice: a draft finds the chapters' pages for the contents on the first page.
    _, pages = build({}, draft=True)
    data, _ = build(pages, draft=False)
    return data
