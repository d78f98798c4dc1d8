"""One import pass over the benchmark's source files into a fresh SQLite store."""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from data_access.bootstrap import prepare_store
from data_access.settings import Settings

try:
    from data_access.ingest.pipeline import import_file
    from data_access.store.engine import make_engine
except ModuleNotFoundError:  # a revision from before data_access was split into subsystems
    from data_access.db import make_engine  # type: ignore[no-redef]

    from data_access.ingest import import_file  # type: ignore[attr-defined,no-redef]


def timed_imports(
    engine: Any, settings: Settings, files: list[dict[str, Any]], today: date
) -> list[tuple[str, int, float]]:
    """Import each listed file in order: (source kind, rows read, seconds) per file, the kind
    being the profile and the file format (uniform CSV and uniform XLSX differ tenfold)."""
    timings = []
    for item in files:
        path = Path(item["path"])
        start = time.perf_counter()
        result = import_file(
            engine,
            settings,
            path,
            item["source"],
            region=item["region"],
            user="benchmark",
            today=today,
            is_demo=True,
        )
        seconds = time.perf_counter() - start
        timings.append((f"{item['source']}:{path.suffix.lstrip('.')}", result.rows_read, seconds))
    return timings


def main(listing: Path, store: Path, today: date) -> None:
    """Import every listed file; print a JSON list of [source kind, rows read, seconds].

    Run by path with PYTHONPATH at the tree under test (benchmarks.compare), so that another
    revision's import code is measured with these same files: it uses only the import API
    every revision has.
    """
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir(parents=True)
    settings = Settings(
        data_dir=store, database_url=f"sqlite:///{store / 'monitor.db'}", pseudonym_key="bench"
    )
    engine = make_engine(settings)
    prepare_store(engine)
    files = json.loads(listing.read_text(encoding="utf-8"))
    timings = timed_imports(engine, settings, files, today)
    engine.dispose()
    shutil.rmtree(store, ignore_errors=True)
    print(json.dumps(timings))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), date.fromisoformat(sys.argv[3]))
