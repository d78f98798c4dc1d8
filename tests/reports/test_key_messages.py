"""The report's first page: key figures and what stands out, from the published chapters only."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from data_access.access.notes import save_note
from data_access.access.roles import Reader, reader_for
from indicators.formatting import quarter_label
from indicators.periods import add_months, quarter_of
from reports.key_messages import KEY_FIGURES, comparison_quarters, key_messages
from reports.publish.boundary import PublishedChart, PublishedTable, Thresholds, publish
from reports.publish.cells import Count, Difference, Text
from reports.publish.spec import Section, TableSpec, View
from reports.publish.text import display
from reports.quarterly import QuarterlyReport, quarterly_report
from tests import scopes

TODAY = date.today()
QUARTER = quarter_of(add_months(TODAY, -3))
STUURGROEP = "stuurgroep.kon@demo.1g1p"
FRIEND = "friend@demo.1g1p"


def _reader(engine: Engine, email: str) -> Reader:
    found = reader_for(engine, email)
    assert found is not None
    return found


def _report(engine: Engine, email: str = STUURGROEP, region: str = "KON") -> QuarterlyReport:
    return quarterly_report(engine, _reader(engine, email), region, QUARTER, TODAY)


def _table(report: QuarterlyReport, name: str) -> PublishedTable:
    return next(t for chapter in report.chapters for t in chapter.tables() if t.name == name)


def test_the_key_figures_are_the_published_chapter_figures(report_engine: Engine) -> None:
    """Each key figure, its previous quarter, the same quarter last year and both changes are
    the cells of the region's row in the published key-figures chapter, as shown there."""
    report = _report(report_engine)
    messages = report.key_messages
    assert messages is not None
    table = _table(report, "kerncijfers")
    (row,) = table.values.with_row_index().filter(pl.col("region_code") == "KON")["index"]
    previous, last_year = comparison_quarters(QUARTER)
    assert messages.header[1:5:3] == (quarter_label(QUARTER), quarter_label(last_year))
    assert messages.header[2] == quarter_label(previous)
    assert [f.label for f in messages.figures] == [label for label, *_ in KEY_FIGURES]
    for figure, (_, column, change, _) in zip(messages.figures, KEY_FIGURES, strict=True):
        assert figure.now == table.shown(column, row)
        assert figure.previous == table.shown(f"{column}_prev", row)
        assert figure.last_year == table.shown(f"{column}_last_year", row)
        assert figure.change_previous == table.shown(f"{change}_prev", row, signed=True)
        assert figure.change_last_year == table.shown(f"{change}_last_year", row, signed=True)


NUMBER = r"\d[\d.,]*\d%?|\d%?"


def _published_numbers(report: QuarterlyReport) -> set[str]:
    """Every number the published chapters show: in cells, notes and the charts' series."""
    texts: list[str] = []
    for chapter in report.chapters:
        for table in chapter.tables():
            texts += table.notes
            for column in display(table).iter_columns():
                texts += [v for v in column.to_list() if v]
        for section in chapter.sections:
            for block in section.blocks:
                if isinstance(block, PublishedChart):
                    texts += [str(t.name) for t in block.figure.data if t.name]
    return {n.rstrip(".,") for text in texts for n in re.findall(NUMBER, text)}


@pytest.mark.parametrize(("email", "region"), [(STUURGROEP, "KON"), (FRIEND, "GNT")])
def test_every_number_on_the_first_page_is_a_published_one(
    report_engine: Engine, email: str, region: str
) -> None:
    """Each number a message quotes is shown in a published table or chart of the report
    (dates and quarter names aside): the first page says nothing the chapters do not."""
    report = _report(report_engine, email, region)
    assert report.key_messages is not None
    assert report.key_messages.messages
    published = _published_numbers(report)
    for message in report.key_messages.messages:
        plain = re.sub(r"\d{2}/\d{2}/\d{4}|\b20\d\d K[1-4]\b|\b20\d\d\b", "", message)
        for number in re.findall(NUMBER, plain):
            assert number.rstrip(".,") in published, (number, message)


def _kerncijfers(now: int, before: int, last_year: int) -> View:
    frame = pl.DataFrame(
        {
            "region_code": ["KON"],
            "intakes": [now],
            "intakes_prev": [before],
            "intakes_last_year": [last_year],
        }
    )
    table = TableSpec(
        frame,
        (Text("region_code", "Regio", "region"), Count("intakes", "Aanmeldingen")),
        title="Kerncijfers",
        region_names={"KON": "Konekti"},
        inputs=(
            Count("intakes_prev", "intakes"),
            Count("intakes_last_year", "intakes"),
            *(
                Difference(
                    f"intakes_change_{s}",
                    "",
                    "pct",
                    of="intakes",
                    against=f"intakes_{s}",
                    relative=True,
                )
                for s in ("prev", "last_year")
            ),
        ),
        name="kerncijfers",
    )
    return View("Kerncijfers", (Section("", (table,)),))


@pytest.mark.parametrize(
    ("now", "before", "last_year", "expected"),
    [
        (100, 80, 98, "Aanmeldingen: 100, 25,0% meer dan in 2025 K2 (80)."),
        (
            70,
            80,
            100,
            "Aanmeldingen: 70, 12,5% minder dan in 2025 K2 (80) en 30,0% minder dan in "
            "2024 K3 (100).",
        ),
        (12, 6, 12, None),  # a doubling of six: too few registrations to call out
        (100, 95, 105, None),
    ],
)
def test_a_change_of_a_tenth_on_enough_registrations_stands_out(
    now: int, before: int, last_year: int, expected: str | None
) -> None:
    """It calls out a count that moved by a tenth or more against a comparison quarter, never
    one resting on fewer than 20 registrations; otherwise it says nothing stood out."""
    chapter = publish(_kerncijfers(now, before, last_year), scopes.everything(), Thresholds())
    messages = key_messages((chapter,), "KON", "Konekti", "2025Q3", date(2025, 11, 1))
    if expected is None:
        (only,) = messages.messages
        assert only.startswith("Geen opvallende verschuivingen")
    else:
        assert messages.messages == (expected,)
    assert messages.figures[0].now == str(now)


def test_only_a_note_marked_for_the_report_reaches_its_first_page(report_engine: Engine) -> None:
    """An unmarked note stays out of the report; the newest version, marked, is its feedback."""
    friend = _reader(report_engine, FRIEND)
    save_note(report_engine, friend, "GNT", QUARTER, "Nog een werkversie.")
    unmarked = _report(report_engine, FRIEND, "GNT").key_messages
    assert unmarked is not None
    assert unmarked.feedback == (
        f"Geen feedback van de critical friend voor het rapport van {quarter_label(QUARTER)}.",
    )
    note = "Sterke groei; let op de wachttijd."
    save_note(report_engine, friend, "GNT", QUARTER, note, for_report=True)
    marked = _report(report_engine, FRIEND, "GNT").key_messages
    assert marked is not None
    assert marked.feedback[1] == note
    assert marked.feedback[0].startswith(f"Versie 2 van {FRIEND}")
