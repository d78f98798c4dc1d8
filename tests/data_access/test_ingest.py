"""Importing every kind of source: nothing lost, bad input named, the store never half-written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from data_access.access import reads
from data_access.ingest.pipeline import FatalImportError, ImportResult, import_file, rebuild
from data_access.reference.loader import load_reference
from data_access.settings import Settings
from data_access.store import db
from data_access.store.db import data_version
from data_access.store.engine import make_engine
from data_access.store.models import ImportBatch, Quarantine, Registration
from tests import scopes
from tests.cli_run import CliRunIn

TODAY = dt.date(2026, 11, 1)
HEADER = [
    "registration_id",
    "family_id",
    "region_code",
    "nis_code",
    "kind",
    "received_date",
    "first_contact_date",
    "closed_date",
    "referrer",
    "request_nature",
    "response_type",
    "closure_reason",
    "child_age",
    "partners",
]
GOOD = "R1,F1,KON,34022,aanmelding,2022-01-31,2022-02-20,2022-06-01,CLB,OPVOEDING,GEZINSPLAN,AFGEROND,12,CLB:CLB Kortrijk"


def _csv(path: Path, rows: list[str], header: list[str] = HEADER, sep: str = ",") -> Path:
    path.write_text(sep.join(header) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _import(
    engine: Engine, settings: Settings, path: Path, source: str = "uniform", **kw: object
) -> ImportResult:
    return import_file(engine, settings, path, source, today=TODAY, **kw)  # type: ignore[arg-type]


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def _quarantine(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Quarantine.line_number, Quarantine.column_name, Quarantine.reason)
        ).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=["line", "column", "reason"], orient="row")


def _balanced(result: ImportResult) -> bool:
    return result.rows_read == result.rows_accepted + result.rows_rejected + result.rows_duplicate


def test_a_clean_file_is_accepted_whole(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """Every valid row is stored; the batch records its counts."""
    result = _import(
        engine, settings, _csv(tmp_path / "a.csv", [GOOD, GOOD.replace("R1,F1", "R2,F2")])
    )
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 2, 0)
    assert _count(engine, Registration) == 2
    with engine.connect() as conn:
        batch = conn.execute(select(ImportBatch)).one()
    assert (batch.rows_read, batch.rows_accepted) == (2, 2)


def test_the_same_file_twice_is_a_no_op(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """A second import of identical bytes changes nothing and says so."""
    path = _csv(tmp_path / "a.csv", [GOOD])
    _import(engine, settings, path)
    version = data_version(engine.connect())
    again = _import(engine, settings, path)
    assert again.already_imported_as is not None
    assert "al ingelezen" in again.summary()
    assert _count(engine, ImportBatch) == 1
    assert data_version(engine.connect()) == version


def test_a_corrected_file_updates_by_source_record(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A later file with the same record id replaces the record instead of adding one."""
    _import(engine, settings, _csv(tmp_path / "a.csv", [GOOD]))
    corrected = GOOD.replace("2022-06-01", "2022-07-15")
    result = _import(
        engine, settings, _csv(tmp_path / "b.csv", [corrected, GOOD.replace("R1,F1", "R2,F2")])
    )
    assert (result.rows_accepted, result.rows_updated, result.rows_duplicate) == (2, 1, 0)
    with engine.connect() as conn:
        closed = conn.scalar(
            select(Registration.closed_date).where(Registration.source_record_id == "R1")
        )
    assert closed == dt.date(2022, 7, 15)
    assert _count(engine, Registration) == 2


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            GOOD.replace("2022-01-31", "2022-02-30"),
            "received_date",
            "onmogelijke datum '2022-02-30'",
        ),
        (
            GOOD.replace("2022-01-31", "31-31-2022"),
            "received_date",
            "ongeldige of onmogelijke datum",
        ),
        (
            GOOD.replace("2022-02-20", "2022-01-02"),
            "first_contact_date",
            "eerste contact (02/01/2022) vóór de aanmelding (31/01/2022)",
        ),
        (GOOD.replace(",CLB,OPV", ",BUURMAN,OPV"), "referrer", "onbekende code 'BUURMAN'"),
        (GOOD.replace("34022", "99999"), "nis_code", "onbekende NIS-code '99999'"),
        (
            GOOD.replace("2022-01-31", "2027-01-31")
            .replace("2022-02-20", "")
            .replace("2022-06-01", ""),
            "received_date",
            "in de toekomst",
        ),
        (GOOD.replace("R1,F1,", "R1,,"), "family_id", "gezinssleutel ontbreekt"),
        (GOOD.replace(",12,", ",twaalf,"), "child_age", "geen geldige waarde 'twaalf'"),
    ],
)
def test_a_bad_row_is_quarantined_with_line_column_and_reason(
    engine: Engine, settings: Settings, tmp_path: Path, row: str, column: str, reason: str
) -> None:
    """A row with a bad value is kept in quarantine, naming line and column; the rest loads."""
    result = _import(
        engine, settings, _csv(tmp_path / "a.csv", [GOOD.replace("R1,F1", "R0,F0"), row])
    )
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    assert _balanced(result)
    quarantined = _quarantine(engine).row(0, named=True)
    assert quarantined["line"] == 3
    assert quarantined["column"] == column
    assert reason in quarantined["reason"]


def test_duplicate_rows_in_a_file_are_counted_not_stored_twice(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """An identical repeated row is a duplicate; the same id with other content is rejected."""
    other = GOOD.replace("2022-06-01", "2022-08-01")
    result = _import(engine, settings, _csv(tmp_path / "a.csv", [GOOD, GOOD, other]))
    assert (
        result.rows_read,
        result.rows_accepted,
        result.rows_duplicate,
        result.rows_rejected,
    ) == (3, 1, 1, 1)
    assert "komt al voor op regel 2" in _quarantine(engine)["reason"][0]


def test_an_empty_file_is_refused(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """An empty file is a fatal error that names the file."""
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    with pytest.raises(FatalImportError, match=r"leeg\.csv: het bestand is leeg"):
        _import(engine, settings, path)


def test_a_wrong_delimiter_names_the_missing_columns(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A comma file for a semicolon profile fails on line 1 with a hint about the delimiter."""
    path = _csv(tmp_path / "komma.csv", ["1,C1,1"], header=["VraagID", "ClientID", "Type"])
    with pytest.raises(
        FatalImportError, match=r"komma\.csv, regel 1: verplichte kolom.*scheidingsteken"
    ):
        _import(engine, settings, path, "case_tool", region="GNT")


def test_the_uniform_format_takes_what_belgian_excel_writes(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A `;` CSV in cp1252 with a decimal comma, and a UTF-8 one with a BOM, import as the
    uniform format."""
    excel = tmp_path / "excel.csv"
    row = GOOD.replace("CLB Kortrijk", "CLB Café").replace(",", ";")
    excel.write_bytes((";".join(HEADER) + "\r\n" + row + "\r\n").encode("cp1252"))
    bom = _csv(tmp_path / "bom.csv", [GOOD.replace("R1,F1", "R2,F2")])
    bom.write_bytes("\ufeff".encode() + bom.read_bytes())
    assert _import(engine, settings, excel).rows_accepted == 1
    assert _import(engine, settings, bom).rows_accepted == 1
    with engine.connect() as conn:
        names = set(conn.scalars(text("SELECT name FROM partner")).all())
    assert names == {"CLB Café", "CLB Kortrijk"}


def test_a_file_without_its_optional_columns_imports(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The uniform format's partners column is optional."""
    header = HEADER[:-1]
    row = GOOD.rsplit(",", 1)[0]
    result = _import(engine, settings, _csv(tmp_path / "zonder.csv", [row], header=header))
    assert (result.rows_accepted, result.rows_rejected) == (1, 0)


def test_a_missing_required_column_is_named(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Without received_date the import stops and names that column."""
    header = [h for h in HEADER if h != "received_date"]
    row = ",".join(v for h, v in zip(HEADER, GOOD.split(","), strict=True) if h != "received_date")
    with pytest.raises(FatalImportError, match=r"regel 1: verplichte kolom.*received_date"):
        _import(engine, settings, _csv(tmp_path / "a.csv", [row], header=header))


def test_a_wrong_encoding_names_line_and_column(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A byte that is neither UTF-8 nor cp1252 is refused with its line and column."""
    path = tmp_path / "cp1252.csv"
    content = ",".join(HEADER) + "\n" + GOOD.replace("CLB Kortrijk", "CLB Caf\x81") + "\n"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(
        FatalImportError,
        match=r"cp1252\.csv, regel 2, kolom \d+: ongeldige tekens voor codering UTF-8 of cp1252",
    ):
        _import(engine, settings, path)


def test_a_file_of_another_source_points_to_the_right_profile(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A case-tool export given as uniform says which source it looks like."""
    header = "VraagID;ClientID;Type;Ontvangen;EersteContact;Afgesloten;AanmelderCode;VraagCode;AntwoordCode;AfsluitCode;Postcode;Geboortejaar;Partners;ClientNaam;Rijksregisternr;Straat"
    path = tmp_path / "export.csv"
    path.write_text(
        header + "\n" + "1;C1;1;2020-03-05 00:00:00;;;10;1;3;;9000;2010;;X;Y;Z\n", encoding="cp1252"
    )
    with pytest.raises(FatalImportError, match="lijkt op bron 'case_tool'"):
        _import(engine, settings, path, "uniform")


def _spreadsheet(path: Path, rows: list[list[object]], formula_at: int | None = None) -> Path:
    headers = [
        "Dossiernr",
        "Naam kind",
        "Datum aanmelding",
        "Aanmelder",
        "Aard van de vraag",
        "Aanbod",
        "Datum 1e contact",
        "Afsluitdatum",
        "Reden afsluiting",
        "Gemeente",
        "Leeftijd",
        "Betrokken partners",
        "Adres",
        "Opmerkingen",
    ]
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Aanmeldingen")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            else:
                sheet.write(r, c, value)
    if formula_at is not None:
        sheet.write_formula(formula_at, 10, "=7+5", None, 12)
    book.close()
    return path


SHEET_ROW: list[object] = [
    "2019-001",
    "Jan Peeters",
    dt.date(2019, 3, 4),
    "Huis v/h Kind",
    "Opvoeding",
    "Gezinsplan",
    "12/03/2019",
    None,
    None,
    "Kortrijk",
    7,
    "CLB Kortrijk; CAW Zuid-West-Vlaanderen",
    "Kerkstraat 1",
    "moeder belt terug",
]


def test_a_spreadsheet_is_mapped_and_its_identifiers_never_stored(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Free text maps to codes, the municipality name to its NIS code, and names vanish."""
    second = list(SHEET_ROW)
    second[0], second[3], second[9] = "2019-002", "ouders", "kortrijk "
    path = _spreadsheet(tmp_path / "register.xlsx", [SHEET_ROW, second])
    result = _import(engine, settings, path, "spreadsheet", region="KON")
    assert result.rows_accepted == 2, result.summary()
    frame = reads.registrations(engine, scopes.everything()).sort("received_date")
    assert frame["referrer"].to_list() == ["HUIS_VAN_HET_KIND", "CLIENT"]
    assert frame["nis_code"].to_list() == ["34022", "34022"]
    assert frame["first_contact_date"][0] == dt.date(2019, 3, 12)
    assert frame["family_id"].n_unique() == 1  # the same child: a returning family
    partners = reads.registration_partners(engine, scopes.everything())
    assert set(partners["sector"]) == {"CLB", "CAW"}
    with engine.connect() as conn:
        dump = " ".join(
            str(v)
            for table in ("registration", "quarantine", "partner")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
            for v in row
        )
    assert "Peeters" not in dump and "Kerkstraat" not in dump


def test_a_formula_cell_is_quarantined(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """A cell computed by a formula is no registered fact: that row goes to quarantine."""
    second = list(SHEET_ROW)
    second[0] = "2019-002"
    path = _spreadsheet(tmp_path / "formule.xlsx", [SHEET_ROW, second], formula_at=2)
    result = _import(engine, settings, path, "spreadsheet", region="KON")
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    row = _quarantine(engine).row(0, named=True)
    assert (row["line"], row["column"]) == (3, "Leeftijd")
    assert "formule" in row["reason"]


def test_legacy_sources_need_a_region(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """A spreadsheet without --region cannot be placed and is refused."""
    path = _spreadsheet(tmp_path / "register.xlsx", [SHEET_ROW])
    with pytest.raises(FatalImportError, match="--region"):
        _import(engine, settings, path, "spreadsheet")


def test_case_tool_export(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """cp1252, numeric codes, postcodes and birth years map onto the store; consults stay consults."""
    header = "VraagID;ClientID;Type;Ontvangen;EersteContact;Afgesloten;AanmelderCode;VraagCode;AntwoordCode;AfsluitCode;Postcode;Geboortejaar;Partners;ClientNaam;Rijksregisternr;Straat"
    rows = [
        "101;C1;1;2020-03-05 00:00:00;2020-03-20 00:00:00;;30;2;3;;9000;2010;CGG Eclips|CAW Oost-Vlaanderen;Zoë Janssens;10.01.01-123.45;Veldstraat 9",
        "102;C2;2;2020-03-06 00:00:00;;;40;1;1;;;2012;;Émile Dubois;11.02.02-222.22;Kouter 1",
        "103;C3;1;2020-03-07 00:00:00;;;77;1;1;;9000;2012;;X;Y;Z",
    ]
    path = tmp_path / "export.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="cp1252")
    result = _import(engine, settings, path, "case_tool", region="GNT")
    assert (result.rows_accepted, result.rows_rejected) == (2, 1)
    frame = reads.registrations(engine, scopes.everything()).sort("id")
    assert frame["kind"].to_list() == ["aanmelding", "consult"]
    assert frame["referrer"].to_list() == ["GV", "CLIENT"]
    assert frame["nis_code"].to_list() == ["44021", None]
    assert frame["child_age"].to_list() == [10, 8]
    assert "onbekende code '77'" in _quarantine(engine)["reason"][0]
    with engine.connect() as conn:
        dump = " ".join(
            str(v)
            for table in ("registration", "quarantine")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
            for v in row
        )
    assert "Janssens" not in dump and "123.45" not in dump and "Veldstraat" not in dump


def test_monthly_counts_go_to_aggregate_reports(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Monthly totals become one store row per month and measure; a bad month is quarantined."""
    header = "Maand;Aanmeldingen;Binnen de maand opgenomen;Brede instap;Jeugdhulp;GV;SDJ;Gezin zelf;Andere"
    path = tmp_path / "maand.csv"
    path.write_text(
        header
        + "\n2019-01;40;31;25;5;3;1;4;2\n2019-02;38;30;24;5;3;1;3;2\n2019-13;1;1;1;0;0;0;0;0\n"
    )
    result = _import(engine, settings, path, "monthly_counts", region="NLI")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 2, 1)
    aggregates = reads.aggregate_reports(engine, scopes.everything())
    assert aggregates.height == 16
    intakes = aggregates.filter(pl.col("measure") == "intakes").sort("month")["value"].to_list()
    assert intakes == [40, 38]


def test_staffing_and_volume_agreements(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """Staffing and agreements load into their tables and update on a corrected file."""
    staffing = tmp_path / "staffing.csv"
    staffing.write_text(
        'region_code,quarter,function,sector,fte\nKON,2020Q1,COORDINATIE,JEUGDHULP,1\nKON,2020Q1,TEAMMEDEWERKER,CAW,"4,5"\nKON,2020Q5,ELP,CGG,1\n'
    )
    result = _import(engine, settings, staffing, "staffing")
    assert (result.rows_accepted, result.rows_rejected) == (2, 1)
    assert reads.staffing(engine, scopes.everything())["fte"].sum() == pytest.approx(5.5)
    volume = tmp_path / "volume.csv"
    volume.write_text("region_code,year,party,agreed\nKON,2022,GV,120\nKON,2022,SDJ,40\n")
    _import(engine, settings, volume, "volume_agreements")
    volume.write_text("region_code,year,party,agreed\nKON,2022,GV,130\nKON,2022,SDJ,40\n")
    again = _import(engine, settings, volume, "volume_agreements")
    assert (again.rows_updated, again.rows_duplicate) == (1, 1)
    agreed = reads.volume_agreements(engine, scopes.everything()).sort("party")["agreed"].to_list()
    assert agreed == [130, 40]


def test_a_new_legacy_system_is_a_profile_file_not_code(
    engine: Engine, tmp_path: Path, settings: Settings
) -> None:
    """A TOML profile in an extra directory is enough to import a new export format."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "brugse_tool.toml").write_text(
        """
[source]
name = "brugse_tool"
label = "Export van een nieuw pakket"
kind = "registrations"
source_system = "brugse_tool"
supports = ["intakes"]
requires_region = true

[reader]
format = "csv"
delimiter = "|"
date_formats = ["%d.%m.%Y"]

[columns]
source_record_id = "Nr"
family_key = "Gezin"
received_date = "Binnen"
referrer = "Via"

[codes.referrer]
"school" = "ONDERWIJS"
"zelf" = "CLIENT"
""",
        encoding="utf-8",
    )
    path = tmp_path / "brugge.txt"
    path.write_text(
        "Nr|Gezin|Binnen|Via\n1|G1|03.02.2022|School\n2|G2|04.02.2022|zelf\n3|G3|05.02.2022|buren\n"
    )
    custom = settings.model_copy(update={"profile_dir": profiles})
    result = import_file(engine, custom, path, "brugse_tool", region="NWV", today=TODAY)
    assert (result.rows_accepted, result.rows_rejected) == (2, 1)
    frame = reads.registrations(engine, scopes.everything())
    assert set(frame["source_system"]) == {"brugse_tool:NWV"}
    assert sorted(frame["referrer"].to_list()) == ["CLIENT", "ONDERWIJS"]


def test_an_interrupted_import_leaves_the_store_unchanged(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Stopping an import half-way through writing rolls back everything of that batch."""
    _import(engine, settings, _csv(tmp_path / "a.csv", [GOOD]))
    before = (
        _count(engine, Registration),
        _count(engine, ImportBatch),
        data_version(engine.connect()),
    )
    rows = [GOOD.replace("R1,F1", f"X{i},F{i}") for i in range(45_000)]
    path = _csv(tmp_path / "groot.csv", rows)

    def interrupt(fraction: float, _message: str) -> None:
        if fraction > 0.5:  # after the first chunk of rows was written in the transaction
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _import(engine, settings, path, progress=interrupt)
    after = (
        _count(engine, Registration),
        _count(engine, ImportBatch),
        data_version(engine.connect()),
    )
    assert after == before
    assert _import(engine, settings, path).rows_accepted == 45_000


def test_imports_without_key_lookups_leave_every_key_sound_and_checks_back_on(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """On SQLite an import writes without the per-row foreign-key lookups: every key it wrote
    still holds (new rows, a corrected file with new partners, an interrupted import), and
    every pooled connection enforces foreign keys again afterwards."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps its foreign-key checks during an import")

    def orphans() -> list[object]:
        with engine.connect() as conn:
            return list(conn.exec_driver_sql("PRAGMA foreign_key_check").all())

    other = GOOD.replace("R1,F1", "R2,F2").replace("CLB:CLB Kortrijk", "CAW:CAW Brugge")
    _import(engine, settings, _csv(tmp_path / "a.csv", [GOOD, other]))
    assert orphans() == []
    changed = GOOD.replace("CLB:CLB Kortrijk", "CGG:CGG Nieuw;CLB:CLB Kortrijk")
    corrected = _import(engine, settings, _csv(tmp_path / "b.csv", [changed, other]))
    assert corrected.rows_updated == 1
    assert orphans() == []

    def interrupt(fraction: float, _message: str) -> None:
        if fraction > 0.5:
            raise KeyboardInterrupt

    rows = [GOOD.replace("R1,F1", f"X{i},F{i}") for i in range(30_000)]
    with pytest.raises(KeyboardInterrupt):
        _import(engine, settings, _csv(tmp_path / "c.csv", rows), progress=interrupt)
    assert orphans() == []
    # Every pooled connection refuses a registration of an unknown region.
    connections = [engine.connect() for _ in range(3)]
    try:
        for conn in connections:
            with pytest.raises(IntegrityError, match="FOREIGN KEY"), conn.begin():
                conn.execute(
                    text(
                        "INSERT INTO registration (family_id, region_code, kind, received_date, "
                        "source_system, source_record_id, batch_id) "
                        "VALUES ('f', 'NOPE', 'aanmelding', '2024-01-01', 's', 'r', 1)"
                    )
                )
    finally:
        for conn in connections:
            conn.close()


def test_rebuild_recreates_the_store_from_the_raw_files(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """After rebuild the registrations are the same as after the original imports."""
    _import(engine, settings, _csv(tmp_path / "a.csv", [GOOD, GOOD.replace("R1,F1", "R2,F2")]))
    _import(engine, settings, _csv(tmp_path / "b.csv", [GOOD.replace("2022-06-01", "2022-09-09")]))
    columns = ["source_record_id", "closed_date", "family_id"]
    original = reads.registrations(engine, scopes.everything()).select(columns).sort(columns)
    results = rebuild(engine, settings)
    assert len(results) == 2
    rebuilt = reads.registrations(engine, scopes.everything()).select(columns).sort(columns)
    assert rebuilt.equals(original)


@pytest.mark.slow
def test_a_50_mb_file_imports(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """A 50 MB uniform file is read and stored whole."""
    path = tmp_path / "groot.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(HEADER) + "\n")
        i = 0
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(GOOD.replace("R1,F1", f"R{i},F{i % 5000}") + "\n")
            i += 1
    result = _import(engine, settings, path)
    assert result.rows_accepted == i
    assert _count(engine, Registration) == i


def test_cli_import_prints_a_dutch_summary_and_fails_clearly(
    settings: Settings, tmp_path: Path, cli: CliRunIn
) -> None:
    """`1g1p import` prints the summary; an unknown profile exits non-zero with a Dutch message."""
    path = _csv(tmp_path / "a.csv", [GOOD])
    ok = cli(settings, "import", str(path), "--source", "uniform")
    assert ok.returncode == 0, ok.stderr
    assert "1 rijen gelezen, 1 aanvaard" in ok.stdout
    bad = cli(settings, "import", str(path), "--source", "onbestaand")
    assert bad.returncode == 1
    assert "Onbekende bron 'onbestaand'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_second_file_of_a_source_without_partners(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A later batch of a source whose stored rows have no partners compares and loads fine."""
    bare = GOOD.replace(",CLB:CLB Kortrijk", ",")
    _import(engine, settings, _csv(tmp_path / "a.csv", [bare]))
    result = _import(
        engine, settings, _csv(tmp_path / "b.csv", [bare, bare.replace("R1,F1", "R2,F2")])
    )
    assert (result.rows_accepted, result.rows_duplicate) == (1, 1)


def test_legacy_registers_keep_date_order_errors_for_the_quality_checks(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A spreadsheet row with a first contact before registration is stored, not quarantined."""
    row = list(SHEET_ROW)
    row[6] = "01/03/2019"  # before the registration on 04/03/2019
    result = _import(
        engine, settings, _spreadsheet(tmp_path / "r.xlsx", [row]), "spreadsheet", region="KON"
    )
    assert (result.rows_accepted, result.rows_rejected) == (1, 0)
    stored = reads.registrations(engine, scopes.everything())
    assert stored["first_contact_date"][0] < stored["received_date"][0]


def test_a_changed_registration_moves_to_the_new_batch_with_new_partners(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Inserted and changed rows carry the new batch's id, a changed row's partner links are
    replaced, and an unchanged row stays in its first batch."""
    other = GOOD.replace("R1,F1", "R2,F2")
    first = _import(engine, settings, _csv(tmp_path / "a.csv", [GOOD, other]))
    changed = GOOD.replace("CLB:CLB Kortrijk", "CAW:CAW Zuid-West-Vlaanderen;CLB:CLB Brugge")
    new = GOOD.replace("R1,F1", "R3,F3")
    second = _import(engine, settings, _csv(tmp_path / "b.csv", [changed, other, new]))
    assert (second.rows_accepted, second.rows_updated, second.rows_duplicate) == (2, 1, 1)
    with engine.connect() as conn:
        stored = conn.execute(select(Registration.source_record_id, Registration.batch_id))
        batches = {record: batch for record, batch in stored}
    assert batches == {"R1": second.batch_id, "R2": first.batch_id, "R3": second.batch_id}
    with engine.connect() as conn:
        links = conn.execute(
            text(
                "SELECT r.source_record_id, p.name FROM registration_partner rp "
                "JOIN registration r ON r.id = rp.registration_id "
                "JOIN partner p ON p.id = rp.partner_id ORDER BY 1, 2"
            )
        ).all()
    by_record: dict[str, list[str]] = {}
    for record, name in links:
        by_record.setdefault(record, []).append(name)
    assert by_record == {
        "R1": ["CAW Zuid-West-Vlaanderen", "CLB Brugge"],
        "R2": ["CLB Kortrijk"],
        "R3": ["CLB Kortrijk"],
    }


def test_new_registrations_get_ids_in_file_order(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Each batch's new rows are numbered after the stored ones, in the order of the file."""
    _import(engine, settings, _csv(tmp_path / "a.csv", [GOOD.replace("R1,F1", "Z9,F9")]))
    rows = [GOOD.replace("R1,F1", f"R{n},F{n}") for n in (5, 2, 8)]
    _import(engine, settings, _csv(tmp_path / "b.csv", rows))
    frame = reads.registrations(engine, scopes.everything()).sort("id")
    assert frame["source_record_id"].to_list() == ["Z9", "R5", "R2", "R8"]
    assert frame["id"].to_list() == [1, 2, 3, 4]


@pytest.mark.parametrize("key", [b"k", b"test-key", b"x" * 64, b"y" * 100])
def test_pseudonyms_are_the_keyed_hash_of_the_normalised_key(key: bytes) -> None:
    """Vectorised pseudonyms equal HMAC-SHA256 of each normalised value; null stays null."""
    import hashlib
    import hmac

    from data_access.ingest.rules import pseudonyms

    values = pl.Series(["F1", " f1 ", None, "Zoë  Janssens", "F1"], dtype=pl.String)
    expected = [
        None if v is None else hmac.new(key, n.encode(), hashlib.sha256).hexdigest()
        for v, n in zip(values.to_list(), ["f1", "f1", "", "zoë janssens", "f1"], strict=True)
    ]
    assert pseudonyms(key, values).to_list() == expected


def test_records_between_and_around_stored_ones_are_matched_exactly(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A file whose record ids fall between stored ones adds them; a file spanning stored ids
    updates exactly the stored ones it holds and adds the rest."""
    row = GOOD.replace("R1,F1", "{id},F{id}")
    _import(engine, settings, _csv(tmp_path / "a.csv", [row.format(id="R1"), row.format(id="R3")]))
    between = _import(engine, settings, _csv(tmp_path / "b.csv", [row.format(id="R2")]))
    assert (between.rows_accepted, between.rows_updated) == (1, 0)
    changed = row.format(id="R3").replace("2022-06-01", "2022-07-15")
    around = _import(
        engine,
        settings,
        _csv(tmp_path / "c.csv", [row.format(id="R0"), changed, row.format(id="R4")]),
    )
    assert (around.rows_accepted, around.rows_updated, around.rows_duplicate) == (3, 1, 0)
    frame = reads.registrations(engine, scopes.everything()).sort("source_record_id")
    assert frame["source_record_id"].to_list() == ["R0", "R1", "R2", "R3", "R4"]
    assert frame.filter(pl.col("source_record_id") == "R3")["closed_date"].item() == dt.date(
        2022, 7, 15
    )


def test_driver_rows_are_the_frame_rows_with_iso_dates(engine: Engine) -> None:
    """The tuples handed to SQLite are frame.rows(), dates as ISO text, nulls as None."""
    from data_access.ingest.pipeline import _driver_rows

    frame = pl.DataFrame(
        {
            "id": [1, 2],
            "day": [dt.date(2022, 1, 31), None],
            "age": pl.Series([12, None], dtype=pl.Int16),
            "text": ["a", None],
        }
    )
    with engine.connect() as conn:
        rows = list(_driver_rows(conn, frame))
    if engine.dialect.name == "sqlite":
        assert rows == [(1, "2022-01-31", 12, "a"), (2, None, None, None)]
    else:
        assert rows == frame.rows()


def test_a_refused_statement_raises_what_sqlalchemy_raises(engine: Engine) -> None:
    """Rows handed to the driver cursor fail with SQLAlchemy's own exception, as through
    exec_driver_sql; the transaction leaves nothing behind."""
    from sqlalchemy.exc import IntegrityError

    from data_access.ingest.pipeline import _executemany, _insert_sql
    from data_access.store.models import Partner

    frame = pl.DataFrame({"name": ["Twee keer", "Twee keer"], "sector": ["CLB", "CLB"]})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _executemany(conn, _insert_sql(conn, "partner", frame.columns), frame)
    assert _count(engine, Partner) == 0


def test_an_in_memory_store_reads_its_reference_data_on_the_importing_thread(
    tmp_path: Path,
) -> None:
    """An in-memory SQLite store is one connection per thread; the import's reference data is
    read from that same store (another thread would meet an empty database)."""
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", pseudonym_key="test-key")
    engine = make_engine(settings)
    db.upgrade(engine)
    load_reference(engine)
    result = _import(engine, settings, _csv(tmp_path / "a.csv", [GOOD]))
    assert (result.rows_read, result.rows_accepted) == (1, 1)
    assert _count(engine, Registration) == 1
    engine.dispose()
