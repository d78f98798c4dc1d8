"""Run one import like `1g1p import`, printing each progress step (so a test can kill it)."""

from __future__ import annotations

import sys
from pathlib import Path

from data_access.ingest.pipeline import import_file
from data_access.settings import get_settings
from data_access.store.engine import make_engine


def main() -> None:
    path, source = Path(sys.argv[1]), sys.argv[2]
    settings = get_settings()
    engine = make_engine(settings)

    def progress(fraction: float, step: str) -> None:
        print(f"{fraction:.3f} {step}", flush=True)

    result = import_file(engine, settings, path, source, progress=progress)
    print(result.summary(), flush=True)


if __name__ == "__main__":
    main()
