"""Faults: imports killed before or after their commit leave nothing half-done for long."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, select

from checks.pending import check_pending
from data_access.ingest import recovery
from data_access.ingest.pipeline import import_file, manifest_entries
from data_access.quality.results import latest_run_id
from data_access.settings import Settings
from data_access.store.models import ImportBatch
from tests.corpus.corpus import uniform_row, uniform_text

ROOT = Path(__file__).resolve().parents[2]


def _file(path: Path, rows: int, tag: str) -> Path:
    lines = []
    for i in range(rows):
        row = uniform_row(i)
        row[0], row[1] = f"{tag}{i}", f"F{i % 997}"
        lines.append(row)
    path.write_text(uniform_text(lines), encoding="utf-8")
    return path


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "MONITOR_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.url,
        "MONITOR_PSEUDONYM_KEY": settings.pseudonym_key or "",
        "PYTHONUNBUFFERED": "1",
    }


def _kill_when(command: list[str], settings: Settings, sign: str) -> list[str]:
    """Run `command`, SIGKILL it as soon as a line of its output contains `sign`."""
    worker = subprocess.Popen(
        command,
        cwd=ROOT,
        env=_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert worker.stdout is not None
    seen = []
    for line in worker.stdout:
        seen.append(line.rstrip())
        if sign in line:
            worker.send_signal(signal.SIGKILL)
            break
    worker.wait(timeout=120)
    assert worker.returncode == -signal.SIGKILL, seen
    return seen


def _raw_files(settings: Settings) -> set[str]:
    return {
        p.name
        for p in settings.raw_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name != "manifest.jsonl"
    }


def _listed(settings: Settings) -> set[str]:
    return {entry["raw_file"] for entry in manifest_entries(settings)}


def _checked_at(engine: Engine, batch_id: int) -> object:
    with engine.connect() as conn:
        return conn.scalar(select(ImportBatch.checked_at).where(ImportBatch.id == batch_id))


def test_a_raw_copy_left_by_an_import_killed_before_its_commit_is_removed(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """SIGKILL inside the transaction: the raw copy stays without a batch or a manifest line
    (the 122 against 120 seen before); the next import removes it, and every raw file is
    listed again."""
    import_file(engine, settings, _file(tmp_path / "eerste.csv", 10, "A"), "uniform")
    big = _file(tmp_path / "groot.csv", 70_000, "K")
    _kill_when(
        [sys.executable, "-m", "tests.faults.import_worker", str(big), "uniform"],
        settings,
        "Registraties opslaan",  # the first 20.000 rows are in the open transaction
    )
    engine.dispose()
    orphans = _raw_files(settings) - _listed(settings)
    assert len(orphans) == 1

    import_file(engine, settings, _file(tmp_path / "tweede.csv", 10, "B"), "uniform")

    assert not (_raw_files(settings) & orphans)
    assert _raw_files(settings) == _listed(settings)
    assert len(manifest_entries(settings)) == 2


def test_a_batch_committed_before_its_manifest_line_is_adopted_at_start(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """SIGKILL after the commit, before the manifest line: the batch is in the store, its raw
    copy unlisted (a rebuild would lose it). Recovery at the next start writes the line from
    the batch; nothing is removed."""
    path = _file(tmp_path / "jaar.csv", 50, "M")
    seen = _kill_when(
        [
            sys.executable,
            "-m",
            "tests.faults.import_worker",
            str(path),
            "uniform",
            "--die-before-manifest",
        ],
        settings,
        "dying before the manifest line",
    )
    engine.dispose()
    assert any("Registraties opslaan" in line for line in seen)
    with engine.connect() as conn:
        batch = conn.execute(select(ImportBatch)).one()
    assert _listed(settings) == set()
    assert _raw_files(settings) == {Path(str(batch.raw_path)).name}

    done = recovery.recover_raw_files(engine, settings)

    assert done.adopted == (batch.id,) and done.removed == ()
    (entry,) = manifest_entries(settings)
    assert entry["file_name"] == "jaar.csv" and entry["source"] == "uniform"
    assert entry["sha256"] == batch.sha256
    assert _raw_files(settings) == _listed(settings)
    # The same file again is a no-op, as for any imported file.
    assert import_file(engine, settings, path, "uniform").already_imported_as == batch.id


def test_cleaning_waits_for_an_import_in_progress(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """While an import holds the archive, an unlisted copy may be that import's own: cleaning
    leaves everything alone and says so."""
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    mid_import = settings.raw_dir / ("0" * 64 + ".csv")
    mid_import.write_text("in gebruik", encoding="utf-8")
    with recovery.archiving(settings):
        done = recovery.recover_raw_files(engine, settings)
    assert done.skipped and mid_import.exists()
    assert recovery.recover_raw_files(engine, settings).removed == (mid_import.name,)
    assert not mid_import.exists()


def test_an_import_killed_before_its_checks_is_checked_on_the_next_import(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """`1g1p import` killed after the commit, while the quality suites start: the batch is
    marked unchecked. Running the same import again no longer only says "al ingelezen": it
    checks that batch and says so."""
    path = _file(tmp_path / "maand.csv", 40, "C")
    command = [sys.executable, "-m", "cli", "import", str(path), "--source", "uniform"]
    seen = _kill_when(command, settings, "rijen gelezen")
    engine.dispose()
    assert not any("Kwaliteitscontrole" in line for line in seen)
    with engine.connect() as conn:
        (batch_id,) = conn.scalars(select(ImportBatch.id)).all()
    assert recovery.unchecked_batches(engine) == [batch_id]
    assert _checked_at(engine, batch_id) is None
    assert latest_run_id(engine, batch_id=batch_id) is None

    again = subprocess.run(
        command, cwd=ROOT, env=_env(settings), capture_output=True, text=True, check=False
    )

    assert again.returncode == 0, again.stderr
    assert "al ingelezen" in again.stdout
    assert "Nooit gecontroleerde batches" in again.stdout
    assert f"Batch {batch_id} (controle nr." in again.stdout
    assert recovery.unchecked_batches(engine) == []
    assert _checked_at(engine, batch_id) is not None
    assert latest_run_id(engine, batch_id=batch_id) is not None


def test_unchecked_batches_are_checked_at_start_once(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """At start the suites run for the batches nobody checked, with their own row checks; a
    second process starting at the same time leaves it to the first."""
    first = import_file(engine, settings, _file(tmp_path / "a.csv", 20, "A"), "uniform")
    second = import_file(engine, settings, _file(tmp_path / "b.csv", 20, "B"), "uniform")
    assert recovery.unchecked_batches(engine) == [first.batch_id, second.batch_id]
    with recovery.catching_up(engine, settings) as mine:
        assert mine
        assert check_pending(engine, settings) is None  # another process holds the catch-up

    caught = check_pending(engine, settings)

    assert caught is not None
    assert caught.caught_up == (first.batch_id, second.batch_id)
    assert "Nooit gecontroleerde batches" in caught.message()
    assert recovery.unchecked_batches(engine) == []
    assert latest_run_id(engine, batch_id=first.batch_id) is not None
    assert check_pending(engine, settings) is None  # nothing left


def test_the_manifest_lines_written_by_recovery_rebuild_the_store(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """An adopted line is a line like any other: rebuild imports its file."""
    from data_access.ingest.pipeline import rebuild

    result = import_file(engine, settings, _file(tmp_path / "x.csv", 15, "X"), "uniform")
    (settings.raw_dir / "manifest.jsonl").unlink()  # as if killed before the line
    assert recovery.recover_raw_files(engine, settings).adopted == (result.batch_id,)
    lines = (settings.raw_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["file_name"] == "x.csv"
    rebuilt = rebuild(engine, settings)
    assert [r.rows_accepted for r in rebuilt] == [15]
