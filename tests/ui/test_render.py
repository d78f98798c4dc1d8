"""Text in a table is shown as written: ui.render.html_table escapes every header and cell.

How Chromium shows it is tested in tests/browser/test_hostile.py; here, that the escaping loses
nothing and that no text becomes markup."""

from __future__ import annotations

import polars as pl
import pytest

from tests.pages.conftest import read_table
from ui.render import TABLE_CLASS, html_table

HOSTILE = [
    "<b>vet</b><!-- c -->",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><a href="http://x.be">klik</a>',
    "R&D &amp; co &lt;5",
    "</td></tr></table><table><tr><td>",
    "'; DROP TABLE registration; --",
    "**vet** _x_ [klik](http://x.be) :smile: $x^2$ # kop",
    "regel\neen",
]
PLAIN = ["1.234", "208,79", "<5", "–", "+3,2 %", "-3", "Team 10 VTE: 1 coördinatie", "2026 K3"]


@pytest.mark.parametrize("text", HOSTILE + PLAIN)
def test_every_header_and_cell_reads_back_as_written(text: str) -> None:
    shown = pl.DataFrame({text: [text, None], "Regio": ["Konekti", text]})
    markup = html_table(shown)
    assert markup.startswith(f'<div class="{TABLE_CLASS}"><table>')
    read = read_table(markup)
    assert list(read.columns) == [text, "Regio"]
    assert read.fillna("(leeg)").values.tolist() == [[text, "Konekti"], ["(leeg)", text]]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_text_becomes_markup(text: str) -> None:
    """Only the table's own tags are in it: every '<' of the text is escaped."""
    markup = html_table(pl.DataFrame({"Tekst": [text]}))
    tags = [part.split(">", 1)[0].split(" ", 1)[0] for part in markup.split("<")[1:]]
    assert set(tags) <= {"div", "table", "thead", "tbody", "tr", "th", "td"} | {
        f"/{t}" for t in ("div", "table", "thead", "tbody", "tr", "th", "td")
    }
