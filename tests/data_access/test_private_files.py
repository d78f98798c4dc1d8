"""Files holding personal data are owner-only (0700 folders, 0600 files) under a permissive umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access.bootstrap import prepare_store
from data_access.ingest.pipeline import import_file
from data_access.private_files import copy_private, create_private, private_dir
from data_access.settings import Settings
from data_access.store import columnar
from data_access.store.engine import make_engine
from demo.build import build_demo

UNIFORM = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners\n"
    "K1,F1,KON,34022,aanmelding,2024-01-31,2024-02-20,,CLB,OPVOEDING,GEZINSPLAN,,12,"
    "CLB:CLB Kortrijk\n"
)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The common default umask (022), under which a plain open() makes files world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(root: Path) -> dict[str, int]:
    """The mode of `root` and of everything below it, by path relative to `root`."""
    found = {".": _mode(root)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = _mode(path)
    return found


def _not_owner_only(modes: dict[str, int], root: Path) -> dict[str, str]:
    return {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }


def test_an_import_keeps_raw_file_manifest_key_and_cache_owner_only(
    settings: Settings, tmp_path: Path, permissive_umask: None
) -> None:
    """A fresh data directory, the raw copy of an imported file, the manifest, the generated
    pseudonym key and the columnar parts are all owner-only, on either store."""
    data_dir = tmp_path / "fresh" / "data"
    settings = settings.model_copy(update={"data_dir": data_dir, "pseudonym_key": None})
    source = tmp_path / "kon.csv"
    source.write_text(UNIFORM)
    assert _mode(source) == 0o644  # the umask really is permissive
    engine = make_engine(settings)
    prepare_store(engine)
    import_file(engine, settings, source, "uniform", today=date(2024, 6, 1))
    assert columnar.frames(engine) is not None  # writes the parts
    engine.dispose()

    modes = _modes(data_dir)
    assert {"raw/manifest.jsonl", "pseudonym.key", "columnar"} <= set(modes)
    assert [n for n in modes if n.startswith("raw/") and n.endswith(".csv")]
    assert [n for n in modes if n.startswith("columnar/") and n.endswith(".arrow")]
    assert _not_owner_only(modes, data_dir) == {}
    assert _mode(data_dir.parent) == 0o700  # a missing parent is made owner-only too


def test_the_embedded_store_and_its_wal_files_are_owner_only(
    tmp_path: Path, permissive_umask: None
) -> None:
    """monitor.db, its -wal and -shm files and the data directory: 0600 and 0700."""
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, database_url=None, pseudonym_key="k")
    engine = make_engine(settings)
    with engine.begin() as conn:  # a write, so the -wal and -shm files exist while it is open
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        names = {p.name for p in data_dir.iterdir()}
        assert {"monitor.db", "monitor.db-wal", "monitor.db-shm"} <= names
        assert _not_owner_only(_modes(data_dir), data_dir) == {}
    engine.dispose()


def test_the_demo_files_folder_is_owner_only(settings: Settings, permissive_umask: None) -> None:
    """The demo's synthetic source files (with names, like real ones) sit in an owner-only folder."""
    engine = make_engine(settings)
    build_demo(engine, settings, scale=0.002, today=date(2025, 1, 15), run_checks=False)
    engine.dispose()
    assert _mode(settings.data_dir / "demo-files") == 0o700
    assert _mode(settings.raw_dir) == 0o700


def test_create_private_never_replaces_an_existing_file(
    tmp_path: Path, permissive_umask: None
) -> None:
    """A second key or raw copy never overwrites the first, and leaves no partial file behind."""
    key = tmp_path / "keys" / "pseudonym.key"
    assert create_private(key, b"first")
    assert not create_private(key, b"second")
    source = tmp_path / "source.csv"
    source.write_bytes(b"a,b\n")
    assert not copy_private(source, key)
    assert key.read_bytes() == b"first"
    assert _mode(key) == 0o600 and _mode(key.parent) == 0o700
    assert sorted(p.name for p in key.parent.iterdir()) == ["pseudonym.key"]


def test_an_existing_folder_keeps_its_mode(tmp_path: Path, permissive_umask: None) -> None:
    """An operator's existing data volume is not re-moded; only what is made here is."""
    volume = tmp_path / "volume"
    volume.mkdir(mode=0o750)
    os.chmod(volume, 0o750)
    private_dir(volume / "raw")
    assert (_mode(volume), _mode(volume / "raw")) == (0o750, 0o700)
