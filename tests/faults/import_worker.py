"""Run one import like `1g1p import`, printing each progress step (so a test can kill it).

With `--die-before-manifest` the process kills itself (SIGKILL) right after the import's
commit, before the raw file's manifest line is written: the one step a test cannot hit from
outside by watching the output.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from data_access.ingest import pipeline
from data_access.ingest.pipeline import import_file
from data_access.settings import get_settings
from data_access.store.engine import make_engine


def _die(*_args: Any, **_kwargs: Any) -> None:
    print("committed; dying before the manifest line", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    path, source = Path(sys.argv[1]), sys.argv[2]
    if "--die-before-manifest" in sys.argv[3:]:
        pipeline._append_manifest = _die
    settings = get_settings()
    engine = make_engine(settings)

    def progress(fraction: float, step: str) -> None:
        print(f"{fraction:.3f} {step}", flush=True)

    result = import_file(engine, settings, path, source, progress=progress)
    print(result.summary(), flush=True)


if __name__ == "__main__":
    main()
