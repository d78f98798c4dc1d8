"""The one module that draws figures: tables, charts, key figures and their downloads.

It draws only what the publishing boundary made (reports.publish.boundary); anything else is
refused. A test keeps st.html (but for ui/chrome.py's style and script), st.table,
st.dataframe, st.plotly_chart, st.metric and st.download_button out of every other module.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Final, Literal

import polars as pl
import streamlit as st

from data_access.access.roles import Reader
from reports.publish.boundary import (
    PublishedBlock,
    PublishedChart,
    PublishedMetrics,
    PublishedTable,
    PublishedView,
)
from reports.publish.spec import Paragraph
from reports.publish.text import display, legend_lines
from ui import chrome, store

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

EMPTY: Final = "Geen gegevens voor deze selectie."
WITHHELD: Final = (
    "Je rol mag deze lijst niet zien: ze toont afzonderlijke registraties of bestanden, en "
    "die zijn er alleen voor wie een regio in detail volgt."
)
WITHHELD_OTHERS: Final = (
    "Niets te tonen voor je eigen regio('s); die van andere regio's mag je rol hier niet zien."
)
# Rows of a table on screen at once (unless the table says otherwise); longer ones get pages.
PAGE_ROWS: Final = 25
MIME: Final = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def view(published: PublishedView, reader: Reader, key: str) -> None:
    """A whole published view: its notes, its sections in order, the legend of its symbols."""
    _require(published, PublishedView)
    if published.is_empty:
        # The view's own message (e.g. "no checks ran yet") says more than the generic one.
        messages = [
            block
            for section in published.sections
            for block in section.blocks
            if isinstance(block, Paragraph) and block.kind in ("info", "warning")
        ]
        for message in messages or [Paragraph(EMPTY, "info")]:
            paragraph(message)
        return
    for note in published.notes:
        st.caption(note)
    # A chart's data is within reach: below it, unless its table is listed in the view anyway.
    listed = [
        b for section in published.sections for b in section.blocks if isinstance(b, PublishedTable)
    ]
    for index, section in enumerate(published.sections):
        if section.title:
            st.subheader(section.title)
        for note in section.notes:
            st.caption(note)
        # A table's note that a paragraph of its section said already is not said twice.
        said = {*published.notes, *section.notes}
        for number, block in enumerate(section.blocks):
            if isinstance(block, PublishedChart) and any(block.table is t for t in listed):
                chart(block, reader, f"{key}-{index}-{number}", with_table=False)
            else:
                block_of(block, reader, f"{key}-{index}-{number}", frozenset(said))
            if isinstance(block, Paragraph):
                said.add(block.text)
    legend(published)


def legend(published: PublishedView) -> None:
    """Once per view: what its symbols mean and that other regions are perturbed."""
    lines = legend_lines(published.symbols, perturbed=published.perturbed)
    if lines:
        st.caption("  \n".join(lines))


def block_of(
    block: PublishedBlock, reader: Reader, key: str, said: frozenset[str] = frozenset()
) -> None:
    """One block of a section; `said`: notes already shown above it."""
    if isinstance(block, PublishedTable):
        table(block, reader, key, said)
    elif isinstance(block, PublishedChart):
        chart(block, reader, key, said=said)
    elif isinstance(block, PublishedMetrics):
        metrics(block)
    elif isinstance(block, Paragraph):
        paragraph(block)
    else:
        raise TypeError(f"Not a published block: {type(block).__name__}")


def paragraph(block: Paragraph) -> None:
    """A text of the view: caption, text or a message."""
    draw: dict[str, Callable[[str], object]] = {
        "caption": st.caption,
        "text": st.markdown,
        "info": st.info,
        "warning": st.warning,
    }
    draw[block.kind](block.text)


def table(
    published: PublishedTable, reader: Reader, key: str, said: frozenset[str] = frozenset()
) -> None:
    """The table as shown (nl-BE text), its own notes (those not in `said` already) and CSV
    and XLSX downloads of exactly that table."""
    _require(published, PublishedTable)
    if published.is_empty:
        st.info(_empty(published, reader))
        return
    shown = display(published)
    per_page = published.rows_shown or PAGE_ROWS
    if shown.height > per_page:
        shown = _page(shown, per_page, key)
    # A plain HTML table, every row of the page in view, drawn as one element. The interactive
    # grid (st.dataframe) wrote its hidden accessible copy 200 ms after each change, and
    # st.table renders each cell as a Markdown element of its own: 0,2 s of script in the
    # browser for four tables of 25 rows on every change (BENCHMARKS.md).
    st.html(html_table(shown))
    for note in published.notes:
        if note not in said:
            st.caption(note)
    downloads(published, reader, key)


TABLE_CLASS: Final = "monitor-table"


def html_table(shown: pl.DataFrame) -> str:
    """The shown table as an HTML table (headers as column headers), every header and cell
    escaped, so text from a source file is shown exactly as written; an empty cell is empty."""

    def cell(value: object) -> str:
        return "" if value is None else escape(str(value))

    head = "".join(f'<th scope="col">{cell(name)}</th>' for name in shown.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(value)}</td>" for value in row) + "</tr>"
        for row in shown.iter_rows()
    )
    return (
        f'<div class="{TABLE_CLASS}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _empty(published: PublishedTable, reader: Reader) -> str:
    """Why a table shows nothing: no data, or rows the reader's role may not see."""
    if not published.withheld:
        return EMPTY
    if reader.scope.detail_regions is not None and not reader.scope.detail_regions:
        return WITHHELD
    return WITHHELD_OTHERS


def _page(shown: pl.DataFrame, per_page: int, key: str) -> pl.DataFrame:
    """One page of a long table, chosen below it ("Rijen 26–50 van 180")."""
    pages = range(-(-shown.height // per_page))
    chosen = st.selectbox(
        "Rijen",
        pages,
        format_func=partial(_rows_label, per_page, shown.height),
        key=f"{key}-pagina",
        width=260,
    )
    return shown.slice((chosen or 0) * per_page, per_page)


def _rows_label(per_page: int, total: int, page: int) -> str:
    first = page * per_page + 1
    return f"{first}–{min(first + per_page - 1, total)} van {total}"


def downloads(published: PublishedTable, reader: Reader, key: str) -> None:
    """CSV and XLSX of a published table, made (and audited) when clicked."""
    # Side by side, each as wide as its label (columns of a fixed share cut it to "C…").
    row = st.container(horizontal=True)
    kinds: tuple[Literal["csv", "xlsx"], ...] = ("csv", "xlsx")
    for kind in kinds:
        row.download_button(
            f"{kind.upper()} downloaden",
            partial(store.service().download, reader.email, published, kind),
            f"{published.name}.{kind}",
            MIME[kind],
            key=f"{key}-{kind}",
            on_click="ignore",
        )


def chart(
    published: PublishedChart,
    reader: Reader,
    key: str,
    with_table: bool = True,
    said: frozenset[str] = frozenset(),
) -> None:
    """A chart drawn from a published table; its table within reach below it."""
    _require(published, PublishedChart)
    st.plotly_chart(published.figure, key=key, config=chrome.PLOTLY_CONFIG)
    if not with_table:
        return
    if published.show_table:
        table(published.table, reader, f"{key}-table", said)
    else:
        with st.expander(f"Gegevens van de grafiek: {published.title}"):
            table(published.table, reader, f"{key}-table", said)


def metrics(published: PublishedMetrics) -> None:
    """Key figures as tiles, four to a row, with their changes."""
    _require(published, PublishedMetrics)
    columns = st.columns(4)
    for i, tile in enumerate(published.tiles):
        first = tile.changes[0] if tile.changes else None
        with columns[i % 4]:
            st.metric(
                tile.label,
                tile.value,
                first,
                delta_color="normal" if tile.higher_is_better else "off",
                delta_arrow="off" if first is None or first.startswith("+0,0") else "auto",
                help=tile.help or None,
                border=True,
                chart_data=list(tile.trend) or None,
                chart_type="bar",
            )
            for change in tile.changes[1:]:
                if change:
                    st.caption(change)
            if tile.reference:
                st.caption(tile.reference)


def download_file(label: str, data: Callable[[], bytes], name: str, kind: str, key: str) -> None:
    """A file made on demand (a report, the parliamentary answer): the maker audits it."""
    st.download_button(label, data, name, MIME.get(kind), key=key, on_click="ignore")


def progress_to(bar: DeltaGenerator) -> Callable[[float, str], None]:
    """An import's progress callback drawing on `bar`. Defined here, not in the page: a
    callable made in a page script keeps that script's globals alive."""

    def report(done: float, step: str) -> None:
        bar.progress(min(done, 1.0), text=step)

    return report


def _require(value: object, kind: type) -> None:
    if not isinstance(value, kind):
        raise TypeError(
            f"Only what the publishing boundary made is drawn, not {type(value).__name__}."
        )
