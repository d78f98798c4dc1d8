"""The quarterly report as a PDF (reportlab), with the pages' plotly charts as PNG (kaleido)."""

from __future__ import annotations

import io
import os
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

import plotly.graph_objects as go
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from reports.publish.boundary import PublishedChart, PublishedTable
from reports.publish.spec import Paragraph as Text
from reports.publish.text import display, legend_lines
from reports.quarterly import QuarterlyReport

NO_CHROMIUM: Final = "Grafiek niet beschikbaar: Chromium ontbreekt op deze server"
# Debian's package and the usual names elsewhere; never downloaded (docs/design.md §8).
BROWSERS: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAGE: Final = landscape(A4)
CHART_SIZE: Final = (900, 520)  # pixels; drawn 12,5 cm wide, two side by side
# Fonts with the glyphs of the pages' labels (≤, –, …): DejaVu where installed, else the Vera
# font reportlab ships with.
_FONT_FILES: Final = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
)


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


def chart_images(figures: Sequence[go.Figure]) -> list[bytes | None]:
    """Each figure as PNG, or None when no browser is present (or rendering fails); one
    kept-open kaleido server renders them all."""
    path = browser_path()
    if path is None or not figures:
        return [None] * len(figures)
    os.environ.setdefault("BROWSER_PATH", path)
    import kaleido
    import plotly.io as pio

    width, height = CHART_SIZE
    try:
        kaleido.start_sync_server(silence_warnings=True)
    except Exception:  # a broken browser: the report still comes, without charts
        return [None] * len(figures)
    try:
        images: list[bytes | None] = []
        for fig in figures:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # kaleido: kopts unused
                    images.append(pio.to_image(fig, format="png", width=width, height=height))
            except Exception:
                images.append(None)
        return images
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


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
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=20),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=15),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=11),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=regular, fontSize=9.5),
        "note": ParagraphStyle(
            "n", parent=base["BodyText"], fontName=regular, fontSize=7.5, textColor=colors.grey
        ),
        "cell": ParagraphStyle("c", fontName=regular, fontSize=7, leading=8.5),
        "head": ParagraphStyle("h", fontName=bold, fontSize=7, leading=8.5),
        "status": ParagraphStyle(
            "s", parent=base["BodyText"], fontName=bold, fontSize=11, textColor=colors.darkred
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _chart(image: bytes | None, styles: dict[str, ParagraphStyle]) -> object:
    """A chart drawn half the page wide, or the Dutch line saying why it is missing."""
    if image is None:
        return _p(NO_CHROMIUM, styles["status"])
    width, height = CHART_SIZE
    return Image(io.BytesIO(image), width=12.5 * cm, height=12.5 * cm * height / width)


def _table(
    table: PublishedTable, styles: dict[str, ParagraphStyle], shown_notes: set[str]
) -> list[object]:
    """The table as the page shows it; a caveat already printed in the chapter is not repeated."""
    shown = display(table)
    flow: list[object] = [_p(table.title, styles["h2"])]
    if table.is_empty:
        return [*flow, _p("Geen gegevens voor deze selectie.", styles["body"])]
    rows = [[_p(c, styles["head"]) for c in shown.columns]]
    rows += [[_p(v or "", styles["cell"]) for v in row] for row in shown.iter_rows()]
    width = PAGE[0] - 3 * cm
    grid = PdfTable(rows, colWidths=[width / len(shown.columns)] * len(shown.columns), repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f7f7")]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    flow.append(grid)
    notes = (*table.notes, *legend_lines(table.symbols))
    flow += [_p(note, styles["note"]) for note in notes if note not in shown_notes]
    shown_notes.update(notes)
    return [*flow, Spacer(1, 0.3 * cm)]


def report_pdf(report: QuarterlyReport) -> bytes:
    """The report as PDF bytes: cover, one chapter per section, status on every page."""
    styles = _styles()
    figures = [
        block.figure
        for chapter in report.chapters
        for section in chapter.sections
        for block in section.blocks
        if isinstance(block, PublishedChart)
    ]
    images = iter(chart_images(figures))
    story: list[object] = [
        _p(report.title, styles["title"]),
        _p(f"Status: {report.status}", styles["status"]),
        *(_p(line, styles["body"]) for line in report.colophon()),
        _p(
            "Inhoud: " + " · ".join(chapter.title for chapter in report.chapters),
            styles["body"],
        ),
    ]
    for chapter in report.chapters:
        story += [PageBreak(), _p(chapter.title, styles["h1"])]
        shown_notes: set[str] = set()
        for section in chapter.sections:
            blocks = section.blocks
            story += [_p(b.text, styles["body"]) for b in blocks if isinstance(b, Text)]
            charts = [_chart(next(images), styles) for b in blocks if isinstance(b, PublishedChart)]
            if charts:
                pairs = [
                    charts[i : i + 2] + [""] * (2 - len(charts[i : i + 2]))
                    for i in range(0, len(charts), 2)
                ]
                story.append(PdfTable(pairs, colWidths=[13 * cm, 13 * cm]))
            for block in blocks:
                if isinstance(block, PublishedTable):
                    story += _table(block, styles, shown_notes)
        story += [_p(n, styles["note"]) for n in chapter.notes if n not in shown_notes]

    footer_font = _fonts()[0]

    def footer(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(footer_font, 7.5)
        canvas.drawString(
            1.5 * cm,
            0.8 * cm,
            f"{report.title} · {report.status} · dataversie {report.data_version} · "
            f"pagina {doc.page}",
        )
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.3 * cm,
        bottomMargin=1.4 * cm,
        title=report.title,
        author="1G1P Monitor",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
