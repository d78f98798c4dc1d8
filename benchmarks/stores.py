"""Benchmark stores: generate the demo source files once per scale, import them with timing."""

from __future__ import annotations

import json
import os
import shutil
import statistics
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from benchmarks.import_pass import timed_imports
from benchmarks.timing import peak_rss_mb, reset_peak
from data_access.bootstrap import prepare_store
from data_access.settings import Settings
from data_access.store.engine import make_engine
from demo.generator import generate_demo

PSEUDONYM_KEY = "benchmark"


def store_settings(workdir: Path, scale: float, server_url: str | None) -> Settings:
    """Settings of the benchmark store for one scale: a SQLite file, or a database on a server."""
    directory = workdir / f"scale-{scale:g}" / ("postgresql" if server_url else "sqlite")
    directory.mkdir(parents=True, exist_ok=True)
    if server_url is None:
        url = f"sqlite:///{directory / 'monitor.db'}"
    else:
        name = "bench_" + f"{scale:g}".replace(".", "_")
        url = f"{_psycopg(server_url).rsplit('/', 1)[0]}/{name}"
    return Settings(data_dir=directory, database_url=url, pseudonym_key=PSEUDONYM_KEY)


def _psycopg(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _reset(settings: Settings, server_url: str | None) -> None:
    """Start from an empty store (and an empty data directory for the raw-file archive)."""
    for path in settings.data_dir.glob("monitor.db*"):
        path.unlink()
    shutil.rmtree(settings.data_dir / "columnar", ignore_errors=True)
    if server_url is not None:
        name = settings.url.rsplit("/", 1)[1]
        admin = create_engine(_psycopg(server_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()


def listing_path(workdir: Path, scale: float) -> Path:
    """Where the list of a scale's source files (in import order) is kept."""
    return workdir / f"scale-{scale:g}" / "files" / "manifest.json"


def source_files(workdir: Path, scale: float, today: date) -> list[dict[str, Any]]:
    """The demo source files of a scale, generated once and listed in import order."""
    listing = listing_path(workdir, scale)
    if listing.exists():
        return list(json.loads(listing.read_text(encoding="utf-8")))
    manifest = generate_demo(listing.parent, scale=scale, today=today)
    files = [
        {"path": str(f.path), "source": f.source, "region": f.region_code} for f in manifest.files
    ]
    listing.write_text(json.dumps(files), encoding="utf-8")
    return files


def build_store(workdir: Path, scale: float, server_url: str | None, today: date) -> dict[str, Any]:
    """Import every source file of the scale into a fresh store; throughput per source kind.

    A kind is the profile and the file format (uniform CSV and uniform XLSX differ tenfold).
    Each file is imported once into a growing store, as in production; the median is over files.
    """
    files = source_files(workdir, scale, today)
    settings = store_settings(workdir, scale, server_url)
    _reset(settings, server_url)
    reset_peak()  # this store's import only, not the generator's or an earlier store's
    engine = make_engine(settings)
    prepare_store(engine)
    per_kind: dict[str, list[tuple[int, float]]] = defaultdict(list)
    timings = timed_imports(engine, settings, files, today)
    for kind, rows, seconds in timings:
        per_kind[kind].append((rows, seconds))
    total = sum(seconds for _, _, seconds in timings)
    engine.dispose()
    return {
        "import": throughput(per_kind),
        "import_seconds": round(total, 2),
        "import_peak_rss_mb": peak_rss_mb(),
    }


def throughput(per_kind: dict[str, list[tuple[int, float]]]) -> dict[str, dict[str, Any]]:
    """Rows per second of each source kind from its files' (rows, seconds): all rows over all
    seconds, and the median over files."""
    kinds = {}
    for kind, samples in sorted(per_kind.items()):
        rows = sum(r for r, _ in samples)
        seconds = sum(s for _, s in samples)
        kinds[kind] = {
            "files": len(samples),
            "rows": rows,
            "seconds": round(seconds, 3),
            "rows_per_s": round(rows / seconds) if seconds else None,
            "median_file_rows_per_s": round(statistics.median(r / s for r, s in samples if s)),
        }
    return kinds


def registration_count(settings: Settings) -> int:
    """Registrations in the store."""
    engine = make_engine(settings)
    with engine.connect() as conn:
        count = int(conn.scalar(text("SELECT COUNT(*) FROM registration")) or 0)
    engine.dispose()
    return count


def use_store(settings: Settings) -> None:
    """Point the app's settings (read from the environment) at the benchmark store."""
    os.environ["MONITOR_DATA_DIR"] = str(settings.data_dir)
    os.environ["DATABASE_URL"] = settings.url
    os.environ["MONITOR_PSEUDONYM_KEY"] = PSEUDONYM_KEY
    os.environ["MONITOR_AUTO_DEMO"] = "false"
    os.environ["MONITOR_AUTH_MODE"] = "demo"
    from data_access.settings import get_settings

    get_settings.cache_clear()
