"""The startup beside the app server: builds the demo on an empty store, and again after a stop."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.bootstrap import has_imports
from data_access.ingest.pipeline import import_file, manifest_entries
from data_access.ingest.recovery import unchecked_batches
from data_access.settings import Settings
from demo import startup
from demo.generator import generate_demo
from tests.corpus.invariants import store_counts

TODAY = date(2026, 11, 22)
SCALE = 0.01


@pytest.fixture
def demo_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"demo_scale": SCALE, "auto_demo": True})


def _raw_files(settings: Settings) -> set[str]:
    return {
        p.name
        for p in settings.raw_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name != "manifest.jsonl"
    }


def test_it_builds_the_demo_then_checks_it(empty_engine: Engine, demo_settings: Settings) -> None:
    """On an empty store: the demo is imported, ready before its quality run, and every batch
    is checked by the end; the status says so."""
    done = startup.run(demo_settings, today=TODAY)

    assert done is not None and done.phase == startup.DONE and done.demo
    assert done.ready_after_s is not None and done.ready_after_s > 0
    assert done.fraction == 1.0
    assert has_imports(empty_engine)
    assert unchecked_batches(empty_engine) == []
    assert _raw_files(demo_settings) == {e["raw_file"] for e in manifest_entries(demo_settings)}


def test_a_store_with_data_is_left_as_it_is(engine: Engine, demo_settings: Settings) -> None:
    """With imports present nothing is built; the batches nobody checked are checked."""
    path = demo_settings.data_dir / "klein.csv"
    path.write_text(
        "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
        "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners\n"
        "A1,F1,KON,34022,aanmelding,2022-01-31,2022-02-20,,CLB,OPVOEDING,GEZINSPLAN,,12,\n",
        encoding="utf-8",
    )
    import_file(engine, demo_settings, path, "uniform")
    before = store_counts(engine)

    done = startup.run(demo_settings, today=TODAY)

    assert done is not None and done.phase == startup.DONE and not done.demo
    assert store_counts(engine).registrations == before.registrations == 1
    assert unchecked_batches(engine) == []


def test_a_demo_build_stopped_halfway_is_built_again(
    engine: Engine, demo_settings: Settings, tmp_path: Path
) -> None:
    """A server stopped during the build left part of the demo and a status of a process that
    is gone: the next start clears the part and builds the whole demo."""
    files = generate_demo(tmp_path / "files", scale=SCALE, today=TODAY)
    first = files.files[0]
    import_file(
        engine, demo_settings, first.path, first.source, region=first.region_code, is_demo=True
    )
    stale = startup.Status(
        phase=startup.IMPORTING,
        message="Inlezen",
        fraction=0.5,
        eta_s=3.0,
        started=0.0,
        updated=0.0,
        pid=_gone_pid(),
        demo=True,
    )
    (demo_settings.data_dir / startup.STATUS_FILE).write_text(json.dumps(stale.__dict__))
    assert startup.status(demo_settings) == stale and not stale.alive

    done = startup.run(demo_settings, today=TODAY)

    assert done is not None and done.demo and done.phase == startup.DONE
    registrations = store_counts(engine).registrations
    assert registrations == sum(f.rows for f in files.files if f.source in startup.ROW_SOURCES)
    assert _raw_files(demo_settings) == {e["raw_file"] for e in manifest_entries(demo_settings)}


def test_a_second_startup_leaves_it_to_the_first(demo_settings: Settings) -> None:
    """Two app processes on one data directory: only one prepares the store."""
    with startup._exclusive(demo_settings) as mine:
        assert mine
        assert startup.run(demo_settings, today=TODAY) is None


def test_the_estimate_follows_the_measured_pace(demo_settings: Settings) -> None:
    """Half the weighed work done in 2 s leaves an estimate of 2 s; none before 4 %."""
    progress = startup.Progress(demo_settings, demo=True, scale=1.0)
    progress.rows = 1000
    progress.step(startup.GENERATING, "Aanmaken", 0)
    assert progress.estimate() is None
    progress.paced_from = progress.paced_from - 2.0 if progress.paced_from else None
    total = sum(startup.WEIGHTS.values())
    half = (total / 2 - startup.WEIGHTS[startup.GENERATING]) / startup.WEIGHTS[startup.IMPORTING]
    progress.step(startup.IMPORTING, "Inlezen", round(1000 * half))
    estimate = progress.estimate()
    assert estimate is not None and 1.8 < estimate < 2.3
    assert startup.seconds_nl(75) == "ongeveer 1 min 15 s"
    assert startup.seconds_nl(12.4) == "ongeveer 12 s"


def _gone_pid() -> int:
    """A process id that no process has (a finished child's)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert child.pid != os.getpid()
    return child.pid
