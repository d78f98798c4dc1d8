"""Build the demo store: generate synthetic source files and import them through the pipeline."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from data_access.bootstrap import prepare_store
from data_access.ingest.pipeline import ImportResult, import_file
from data_access.private_files import private_dir
from data_access.settings import Settings
from demo.generator import DemoFile, DemoManifest, generate_demo

if TYPE_CHECKING:
    from checks.run import CheckRunSummary

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class DemoBuild:
    """What the demo build imported, the defects it planted, and what the checks found."""

    results: list[ImportResult]
    documented_defects: dict[str, int] = field(default_factory=dict)
    checks: CheckRunSummary | None = None

    @property
    def accepted(self) -> int:
        return sum(r.rows_accepted for r in self.results)

    @property
    def rejected(self) -> int:
        return sum(r.rows_rejected for r in self.results)


def build_demo(
    engine: Engine,
    settings: Settings,
    *,
    seed: int = 42,
    scale: float = 1.0,
    today: date | None = None,
    progress: Progress | None = None,
    run_checks: bool = True,
) -> DemoBuild:
    """Write the demo's source files into the data directory and import every one of them.

    The quality suites run once at the end (not after each file: starting Great Expectations
    takes seconds), so the quality page and the passports are there from the start.
    """
    report = progress or (lambda _f, _m: None)
    today = today or date.today()
    prepare_store(engine)
    out_dir = settings.data_dir / "demo-files"
    shutil.rmtree(out_dir, ignore_errors=True)
    # Like real sources, the demo's files carry (synthetic) names: kept owner-only all the same.
    private_dir(out_dir)
    report(0.0, "Synthetische bronbestanden aanmaken")
    manifest = generate_demo(out_dir, seed=seed, scale=scale, today=today)
    total = len(manifest.files)

    def each_file(i: int, item: DemoFile) -> None:
        report(0.1 + 0.9 * i / total, f"Inlezen: {item.path.name}")

    results = import_demo_files(engine, settings, manifest, today, each_file)
    summary = None
    if run_checks:
        from checks.run import run_checks as run_quality_checks

        report(0.97, "Kwaliteitscontroles uitvoeren")
        summary = run_quality_checks(engine, settings, trigger="demo", today=today)
    report(1.0, "Demo klaar")
    return DemoBuild(results, manifest.documented_defects, summary)


def import_demo_files(
    engine: Engine,
    settings: Settings,
    manifest: DemoManifest,
    today: date,
    before_each: Callable[[int, DemoFile], None] | None = None,
) -> list[ImportResult]:
    """Import the demo's files in their order, as demo data, each through the pipeline."""
    results = []
    for i, item in enumerate(manifest.files):
        if before_each is not None:
            before_each(i, item)
        results.append(
            import_file(
                engine,
                settings,
                item.path,
                item.source,
                region=item.region_code,
                user="demo",
                today=today,
                is_demo=True,
            )
        )
    return results
