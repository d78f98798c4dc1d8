"""Faults: an import killed mid-write leaves the store as it was; readers never see half a batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.access import reads
from data_access.ingest.pipeline import import_file
from data_access.settings import Settings
from tests import scopes
from tests.corpus.corpus import uniform_row, uniform_text
from tests.corpus.invariants import store_counts

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


def _big_file(path: Path, rows: int, tag: str) -> Path:
    lines = []
    for i in range(rows):
        row = uniform_row(i)
        row[0], row[1] = f"{tag}{i}", f"F{i % 997}"
        lines.append(row)
    path.write_text(uniform_text(lines), encoding="utf-8")
    return path


def test_an_import_killed_mid_write_leaves_the_store_unchanged(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """SIGKILL after the first chunk of rows went into the transaction: nothing of the batch is
    stored (no rows, no batch, same data version) and running the same import again succeeds."""
    import_file(engine, settings, _big_file(tmp_path / "first.csv", 10, "A"), "uniform")
    before = store_counts(engine)
    path = _big_file(tmp_path / "groot.csv", 70_000, "K")
    env = {
        **os.environ,
        "MONITOR_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.url,
        "MONITOR_PSEUDONYM_KEY": settings.pseudonym_key or "",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.import_worker", str(path), "uniform"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    seen = []
    for line in worker.stdout:
        seen.append(line.strip())
        if "Registraties opslaan" in line:  # the first 20.000 rows are in the open transaction
            worker.send_signal(signal.SIGKILL)
            break
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL, (
        seen,
        worker.stderr.read() if worker.stderr else "",
    )
    engine.dispose()  # drop pooled connections opened before the kill
    assert store_counts(engine) == before
    result = import_file(engine, settings, path, "uniform")
    assert result.rows_accepted == 70_000
    assert store_counts(engine).registrations == before.registrations + 70_000


@pytest.mark.skipif(
    not ON_POSTGRES, reason="concurrent readers during an import are tested on PostgreSQL only"
)
def test_readers_see_the_store_before_or_after_a_batch_never_between(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """20 threads read registrations while a 60.000-row batch loads: each read counts either
    the rows before the batch or all rows after it."""
    import_file(engine, settings, _big_file(tmp_path / "first.csv", 500, "A"), "uniform")
    everything = scopes.everything()
    before = reads.registrations(engine, everything).height
    path = _big_file(tmp_path / "groot.csv", 60_000, "C")
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        try:
            while not done.is_set():
                seen.append(reads.registrations(engine, everything).height)
        except BaseException as exc:  # recorded and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(20)]
    for thread in threads:
        thread.start()
    try:
        result = import_file(engine, settings, path, "uniform")
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=120)
    after = before + result.rows_accepted
    assert not errors, errors[:3]
    assert seen and set(seen) <= {before, after}, sorted(set(seen))[:10]
    assert before in seen
    assert reads.registrations(engine, everything).height == after
