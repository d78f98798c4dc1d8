"""Import a file, then check it: the one way a file enters the store outside the demo build."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from data_access.ingest.pipeline import ImportResult, Progress, import_file
from data_access.settings import Settings

if TYPE_CHECKING:
    from checks.run import CheckRunSummary


@dataclass(frozen=True)
class Checked:
    """An import's result and what the quality suites found after it (None when the file
    changed nothing, so no check ran)."""

    result: ImportResult
    checks: CheckRunSummary | None


def import_and_check(
    engine: Engine,
    settings: Settings,
    path: Path,
    source: str,
    *,
    region: str | None = None,
    user: str = "cli",
    display_name: str | None = None,
    progress: Progress | None = None,
    is_demo: bool = False,
    today: date | None = None,
) -> Checked:
    """Import one file with its profile; when it changed the store, run the quality suites on
    the new batch and on the whole store (Great Expectations is imported only then). Raises
    FatalImportError or ProfileError with a Dutch message."""
    result = import_file(
        engine,
        settings,
        path,
        source,
        region=region,
        user=user,
        display_name=display_name,
        progress=progress,
        is_demo=is_demo,
        today=today,
    )
    if result.batch_id is None:
        return Checked(result, None)
    from checks.run import run_checks

    if progress is not None:
        progress(1.0, "Kwaliteitscontroles uitvoeren")
    summary = run_checks(engine, settings, batch_id=result.batch_id, trigger="import")
    return Checked(result, summary)
