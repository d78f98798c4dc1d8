"""Reader options and mapping rules for real files, and messages that name the real cause."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import Engine, select

from data_access.access import reads
from data_access.ingest.files import FatalImportError, read_table
from data_access.ingest.pipeline import ImportResult, import_file
from data_access.ingest.profiles import get_profile
from data_access.settings import Settings
from data_access.store.models import Quarantine
from tests import scopes

TODAY = dt.date(2025, 3, 1)

PROFILE = """
[source]
name = "netwerk"
label = "Netwerkexport"
kind = "registrations"
supports = ["intakes", "referrers"]

[reader]
delimiter = "auto"
encoding = "auto"
header_row = {header_row}
footer = ['^totaal']
date_formats = ["%d/%m/%Y", "%Y-%m-%d"]
optional = ["first_contact_date"]

[columns]
region_code = "Regio"
source_record_id = "Nr"
family_key = "Gezin"
received_date = "Datum"
first_contact_date = "Contact"
referrer = "Via"
birth_date = "Geboren"

[drop]
columns = ["Naam"]

[fill_down]
fields = ["region_code"]

[codes.region_code]
"konekti" = "KON"
"gent" = "GNT"

[patterns.referrer]
'^clb\\b' = "CLB"
'^(ouders|mama)$' = "CLIENT"
"""

BODY = [
    "Regio;Nr;Gezin;Naam;Datum;Via;Geboren",
    "Konekti;1;G1;Jan Modaal;05/03/2023;CLB Menen;01/02/2013",
    ";2;G2;An Modaal;2023-03-06;mama;14/07/2015",
    "Gent;3;G3;Els Modaal;07/03/2023;CLB Gent;31/02/2015",
    ";4;G4;Bo Modaal;8 maart 2023;ouders;01/01/2016",
    "Totaal;4",
]


def _setup(settings: Settings, header_row: str = '"auto"') -> Settings:
    settings.profile_directory.mkdir(parents=True, exist_ok=True)
    (settings.profile_directory / "netwerk.toml").write_text(
        PROFILE.replace("{header_row}", header_row), encoding="utf-8"
    )
    return settings


def _csv(tmp_path: Path, lines: list[str], name: str = "netwerk.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def _import(engine: Engine, settings: Settings, path: Path) -> ImportResult:
    return import_file(engine, settings, path, "netwerk", today=TODAY)


def _reasons(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(Quarantine.line_number, Quarantine.reason)).all()
    return dict(rows)


def test_title_lines_footer_fill_down_two_date_formats_and_patterns(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Two title lines above the header are skipped, the totals line is not a row, the region
    is filled down and mapped by name, two date formats are read, free text matches by pattern;
    a date in neither format is refused naming both formats the Dutch way, and an impossible
    birth date without repeating it."""
    _setup(settings)
    path = _csv(tmp_path, ["Export Netwerk;;", "Datum export: 01/02/2025", *BODY])
    result = _import(engine, settings, path)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (4, 2, 2)
    assert result.footer_lines == 1
    stored = reads.registrations(engine, scopes.everything()).sort("source_record_id")
    assert stored["region_code"].to_list() == ["KON", "KON"]
    assert stored["received_date"].to_list() == [dt.date(2023, 3, 5), dt.date(2023, 3, 6)]
    assert stored["referrer"].to_list() == ["CLB", "CLIENT"]
    assert stored["child_age"].to_list() == [10, 7]
    reasons = _reasons(engine)
    assert set(reasons) == {6, 7}  # header on line 3: data from line 4
    assert (
        "kolom Geboren: ongeldige geboortedatum (verwacht DD/MM/JJJJ of JJJJ-MM-DD)" in reasons[6]
    )
    assert "31/02" not in reasons[6]
    assert reasons[7] == (
        "kolom Datum: ongeldige of onmogelijke datum '8 maart 2023' "
        "(verwacht DD/MM/JJJJ of JJJJ-MM-DD)"
    )
    assert result.rule_counts["fill_down.region_code"] == 2
    assert result.rule_counts["patterns.referrer[1]"] == 2


def test_a_header_below_where_the_profile_says_is_named(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """With title lines but header_row = 1, the refusal says where the header is and what to
    set, instead of blaming the delimiter or encoding."""
    _setup(settings, header_row="1")
    path = _csv(tmp_path, ["Export Netwerk", "", *BODY])
    with pytest.raises(FatalImportError) as refused:
        _import(engine, settings, path)
    message = str(refused.value)
    assert message == (
        "netwerk.csv: de kolomkoppen staan op regel 3, niet op regel 1; de regels erboven zijn "
        'titelregels. Zet header_row = 3 (of "auto") onder [reader] in profiel netwerk.toml.'
    )
    assert "scheidingsteken" not in message


def test_a_sheet_with_title_rows_says_where_its_header_is(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The same for an XLSX: the header's row is named."""
    _setup(settings, header_row="1")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Export Netwerk")
    for r, line in enumerate(BODY[:3], start=2):
        sheet.write_row(r, 0, line.split(";"))
    book.close()
    path = tmp_path / "netwerk.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FatalImportError, match=r"kolomkoppen staan op rij 3, niet op rij 1"):
        _import(engine, settings, path)


def test_the_delimiter_and_encoding_are_detected_and_optional_columns_may_lack(
    settings: Settings, tmp_path: Path
) -> None:
    """',' or ';', UTF-8 with BOM or cp1252: the reader takes what the header splits on."""
    _setup(settings)
    profile = get_profile("netwerk", settings.profile_directory)
    lines = [line.replace(";", ",") for line in BODY[:3]]
    path = tmp_path / "komma.csv"
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    raw = read_table(path, profile)
    assert (raw.delimiter, raw.encoding, raw.header_line, raw.frame.height) == (
        ",",
        "utf-8-sig",
        1,
        2,
    )
    assert "Contact" not in raw.frame.columns  # optional, and absent: no refusal


def test_a_title_pattern_that_matches_nothing_is_a_clear_refusal(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A region that should come from a title line that is not there names the key."""
    settings.profile_directory.mkdir(parents=True)
    text = PROFILE.replace("{header_row}", '"auto"').replace('region_code = "Regio"\n', "")
    text = text.replace('fields = ["region_code"]', "fields = []")
    text = text.replace("[drop]", "[title]\nregion_code = '^regio:\\s*(.+)$'\n\n[drop]")
    (settings.profile_directory / "netwerk.toml").write_text(text, encoding="utf-8")
    path = _csv(tmp_path, ["Export zonder regio", *BODY])
    with pytest.raises(
        FatalImportError,
        match=r"geen titelregel past op het patroon .* van title\.region_code \(profiel netwerk\.toml\)",
    ):
        _import(engine, settings, path)
