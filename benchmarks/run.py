"""Build the stores of each scale and run every section on them; results as a JSON-able dict."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.sections import SECTIONS, run_section
from benchmarks.stores import build_store, registration_count, store_settings, use_store

PACKAGES = ("polars", "pandas", "sqlalchemy", "streamlit", "connectorx", "great_expectations")


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    memory_kib = 0
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {name: metadata.version(name) for name in PACKAGES},
    }


def _section_in_child(name: str, repeat: int) -> dict[str, Any]:
    """One section in a fresh interpreter: its module imports and peak memory are its own."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "section", name, "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    if done.returncode != 0:
        return {f"{name}_error": done.stderr[-2000:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_benchmark(
    *,
    scales: list[float],
    workdir: Path,
    server_url: str | None = None,
    repeat: int = 3,
    sections: list[str] | None = None,
    reuse: bool = False,
    in_process: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """For each scale and backend: build (or reuse) the store, then measure each section."""
    today = today or date.today()
    chosen = sections or list(SECTIONS)
    backends: list[str | None] = [None] + ([server_url] if server_url else [])
    runs = []
    for scale in scales:
        for server in backends:
            settings = store_settings(workdir, scale, server)
            cache = settings.data_dir / "import.json"
            if reuse and cache.exists():
                built = json.loads(cache.read_text(encoding="utf-8"))
            else:
                built = build_store(workdir, scale, server, today)
                cache.write_text(json.dumps(built), encoding="utf-8")
            entry: dict[str, Any] = {
                "scale": scale,
                "backend": "postgresql" if server else "sqlite",
                "registrations": registration_count(settings),
                **built,
            }
            use_store(settings)
            for name in chosen:
                entry |= (
                    run_section(name, repeat) if in_process else _section_in_child(name, repeat)
                )
            runs.append(entry)
    return {"machine": machine(), "repeat": repeat, "runs": runs}
