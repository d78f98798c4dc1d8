"""The columnar copy of the registrations always equals what the store holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, select

from data_access.access import reads
from data_access.ingest.pipeline import clear_imported_data, import_file
from data_access.reference import tables
from data_access.reference.areas import reassign_to_today
from data_access.settings import Settings
from data_access.store import columnar, schemas
from data_access.store.models import Partner, RegistrationPartner
from tests import scopes

HEADER = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners\n"
)
FIRST = [
    "K1,F1,KON,34022,aanmelding,2022-01-31,2022-02-20,,CLB,OPVOEDING,GEZINSPLAN,,12,CLB:CLB Kortrijk",
    "K2,F2,KON,,consult,2022-02-01,,,CLIENT,SCHOOL,CONSULT,,9,",
    "G1,F3,GNT,44021,aanmelding,2022-03-01,2022-03-05,,GV,PSYCHISCH,ELP,,15,CAW:CAW Oost",
]
# K1 corrected (new first contact, other partner), K2 repeated unchanged, one new row.
SECOND = [
    "K1,F1,KON,34022,aanmelding,2022-01-31,2022-02-10,,CLB,OPVOEDING,GEZINSPLAN,,12,CAW:CAW Zuid",
    "K2,F2,KON,,consult,2022-02-01,,,CLIENT,SCHOOL,CONSULT,,9,",
    "K3,F5,KON,34022,aanmelding,2022-04-01,,,CLB,SCHOOL,ELP,,7,",
]


def _import(engine: Engine, settings: Settings, path: Path, rows: list[str]) -> None:
    path.write_text(HEADER + "\n".join(rows) + "\n")
    import_file(engine, settings, path, "uniform", today=date(2026, 11, 1))


def _assert_current(engine: Engine) -> None:
    cached = columnar.frames(engine)
    assert cached is not None
    direct = reads._registrations_from_store(engine, scopes.everything(), None, None, "then")
    assert_frame_equal(cached[0].sort("id"), direct.sort("id"))
    assert cached[0].schema == schemas.REGISTRATION
    with engine.connect() as conn:
        stored = conn.execute(
            select(RegistrationPartner.registration_id, Partner.name).join(
                Partner, Partner.id == RegistrationPartner.partner_id
            )
        ).all()
    assert sorted(cached[1].select("registration_id", "partner_name").iter_rows()) == sorted(
        (registration, name) for registration, name in stored
    )


def test_parts_follow_imports_corrections_and_a_cleared_store(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """After an import, a correction that moves a row to a later batch, and a cleared store
    re-imported under reused batch ids, the columnar frames equal the store's rows."""
    folder = columnar.directory(engine)
    assert folder is not None
    _import(engine, settings, tmp_path / "a.csv", FIRST)
    _assert_current(engine)
    assert len(list(folder.glob("reg-*.arrow"))) == 1

    _import(engine, settings, tmp_path / "b.csv", SECOND)
    _assert_current(engine)
    registrations, links = columnar.frames(engine) or (None, None)
    assert registrations is not None and links is not None
    corrected = registrations.filter(pl.col("source_record_id") == "K1")
    assert corrected["first_contact_date"].to_list() == [date(2022, 2, 10)]
    k1 = corrected["id"].item()
    assert links.filter(pl.col("registration_id") == k1)["partner_name"].to_list() == ["CAW Zuid"]

    clear_imported_data(engine)
    emptied = columnar.frames(engine)
    assert emptied is not None and all(frame.is_empty() for frame in emptied)
    assert not list(folder.glob("*.arrow")), "parts of removed batches are deleted"
    _import(engine, settings, tmp_path / "c.csv", SECOND)
    _assert_current(engine)
    again = columnar.frames(engine)
    assert again is not None and again[0]["source_record_id"].sort().to_list() == ["K1", "K2", "K3"]


def test_a_damaged_or_deleted_part_is_read_again(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A truncated part file or a removed directory costs a re-read, never wrong figures."""
    _import(engine, settings, tmp_path / "a.csv", FIRST)
    _assert_current(engine)
    folder = columnar.directory(engine)
    assert folder is not None
    part = next(folder.glob("reg-*.arrow"))
    part.write_bytes(part.read_bytes()[:40])
    columnar._LAST.clear()
    _assert_current(engine)

    for path in folder.iterdir():
        path.unlink()
    columnar._LAST.clear()
    _assert_current(engine)
    assert list(folder.glob("reg-*.arrow"))


def test_a_part_read_at_a_later_version_is_not_used_by_an_older_reader(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A reader at data version v ignores parts tagged with a later version (they may lack
    rows that moved to batches the reader does not know yet)."""
    _import(engine, settings, tmp_path / "a.csv", FIRST)
    _assert_current(engine)
    folder = columnar.directory(engine)
    assert folder is not None
    part = next(folder.glob("reg-*.arrow"))
    kind, batch, stamp, version = part.stem.split("-")
    later = folder / f"{kind}-{batch}-{stamp}-v{int(version[1:]) + 5}.arrow"
    pl.read_ipc(part).head(1).write_ipc(later)  # a 'newer' copy holding fewer rows
    columnar._LAST.clear()
    _assert_current(engine)
    assert later.exists(), "a newer reader's part is left alone"


def test_reads_through_parts_equal_reads_from_the_store(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Period, scope and basis filters give the same rows from the parts as from SQL."""
    _import(engine, settings, tmp_path / "a.csv", FIRST)
    _import(engine, settings, tmp_path / "b.csv", SECOND)
    scope = scopes.regions("KON")
    start, end = date(2022, 2, 1), date(2022, 3, 31)
    via_parts = reads.registrations(engine, scope, start=start, end=end)
    direct = reads._registrations_from_store(engine, scope, start, end, "then")
    assert_frame_equal(via_parts.sort("id"), direct.sort("id"))
    assert via_parts["source_record_id"].sort().to_list() == ["K2"]
    day = date(2026, 11, 1)
    today = reads.registrations(engine, scope, basis="today", today=day)
    detached = reads._registrations_from_store(engine, scopes.everything(), None, None, "today")
    expected = scope.filter(
        reassign_to_today(detached.lazy(), tables.area_tables(engine), day)
    ).collect()
    assert_frame_equal(today.sort("id"), expected.select(today.columns).sort("id"))
    # K1 and K3 lie in a Konekti municipality; K2 has none (unassigned), Gent is out of scope.
    assert sorted(today["source_record_id"].to_list()) == ["K1", "K3"]
