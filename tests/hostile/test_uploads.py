"""Uploaded file names with path traversal or HTML never write outside a private temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from checks.importing import import_upload
from data_access.access.roles import demo_readers, ensure_demo_users
from data_access.access.scope import AccessError
from data_access.settings import Settings
from data_access.store.models import ImportBatch

HEADER = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners"
)


def _csv(tag: str) -> bytes:
    row = f"H-{tag},F1,KON,34022,aanmelding,2024-02-01,2024-02-10,,CLB,OPVOEDING,GEZINSPLAN,,9,"
    return f"{HEADER}\n{row}\n".encode()


@pytest.mark.parametrize(
    "name",
    [
        "../../../{target}/evil.csv",
        "..\\..\\..\\{target}\\evil.csv",
        "{target}/evil.csv",
        "<script>alert(1)</script>.csv",
        "x'); DROP TABLE import_batch; --.csv",
        "....//....//{target}//evil.csv",
    ],
)
def test_an_upload_name_never_escapes_the_temp_dir(
    engine: Engine, settings: Settings, tmp_path: Path, name: str
) -> None:
    """The bytes land in a private temp dir under the name's last part; the name is kept only as
    text in the batch, and the raw archive is the store's own content-addressed copy."""
    target = tmp_path / "outside"
    target.mkdir()
    file_name = name.format(target=str(target).lstrip("/"))
    ensure_demo_users(engine)
    beheerder = next(r for r in demo_readers(engine) if r.is_beheerder)
    result = import_upload(
        engine,
        settings,
        _csv(str(abs(hash(name)))),
        file_name,
        "uniform",
        reader=beheerder,
    )
    assert result.rows_accepted == 1
    assert list(target.iterdir()) == []
    assert not (Path("/") / str(target).lstrip("/") / "evil.csv").exists()
    with engine.connect() as conn:
        stored = conn.execute(select(ImportBatch.file_name, ImportBatch.raw_path)).one()
    assert stored.file_name == file_name
    raw = Path(stored.raw_path)
    assert raw.parent == settings.raw_dir and raw.name.startswith(result_digest(raw))


def result_digest(raw: Path) -> str:
    """The archive is named by the file's sha256 (64 hex digits), never by the uploaded name."""
    stem = raw.name.split(".")[0]
    assert len(stem) == 64 and all(c in "0123456789abcdef" for c in stem)
    return stem


def test_only_a_beheerder_may_upload(engine: Engine, settings: Settings) -> None:
    """Another role's upload is refused before a byte is written."""
    ensure_demo_users(engine)
    trekker = next(r for r in demo_readers(engine) if not r.is_beheerder)
    with pytest.raises(AccessError):
        import_upload(engine, settings, _csv("t"), "a.csv", "uniform", reader=trekker)
