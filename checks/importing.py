"""Import a file, then check it: the one way a file enters the store outside the demo build."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from data_access.access.roles import Reader, require_beheerder
from data_access.ingest.pipeline import ImportResult, Progress, import_file
from data_access.settings import Settings

if TYPE_CHECKING:
    from checks.run import CheckRunSummary


@dataclass(frozen=True)
class Checked:
    """An import's result and what the quality suites found after it (None when the file
    changed nothing and no earlier batch waited for its checks, so no check ran)."""

    result: ImportResult
    checks: CheckRunSummary | None
    # Batches an earlier import left unchecked (killed after its commit), checked now too.
    caught_up: tuple[int, ...] = ()

    def checks_message(self) -> str | None:
        """The checks' Dutch summary, naming the batches caught up on; None when none ran."""
        if self.checks is None:
            return None
        from checks.pending import CatchUp

        return CatchUp(self.checks, self.caught_up).message()


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
    imported: Callable[[ImportResult], None] | None = None,
) -> Checked:
    """Import one file with its profile; when it changed the store, run the quality suites on
    the new batch and on the whole store, with the row checks of any batch an interrupted
    import left unchecked (Great Expectations is imported only then). Raises
    FatalImportError or ProfileError with a Dutch message. `imported` hears the import's
    result once it is committed, before the checks start (the command line prints it then)."""
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
    if imported is not None:
        imported(result)
    from data_access.ingest import recovery

    # A file imported before changes nothing, but a batch an import killed after its commit
    # left unchecked is checked now (data_access.ingest.recovery).
    if result.batch_id is None and not recovery.unchecked_batches(engine):
        return Checked(result, None)
    from checks.pending import check_imports

    if progress is not None:
        progress(1.0, "Kwaliteitscontroles uitvoeren")
    caught = check_imports(engine, settings, batch_id=result.batch_id)
    if caught is None:
        return Checked(result, None)
    return Checked(result, caught.summary, caught.caught_up)


def import_upload(
    engine: Engine,
    settings: Settings,
    data: bytes,
    file_name: str,
    source: str,
    *,
    reader: Reader,
    region: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import uploaded bytes as a file named `file_name` (its extension picks CSV or XLSX),
    then check it (import_and_check). The bytes go to a private temporary directory that is
    removed afterwards; the store keeps its own copy of every imported file. Raises
    FatalImportError or ProfileError (Dutch); `check_outcome` shows what the checks found."""
    require_beheerder(reader, "bestanden inlezen")
    safe_name = Path(file_name).name or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="1g1p-upload-") as directory:
        path = Path(directory) / safe_name
        path.write_bytes(data)
        checked = import_and_check(
            engine,
            settings,
            path,
            source,
            region=region,
            user=reader.email,
            display_name=file_name,
            progress=progress,
            # What a demo user imports into the demo store stays demo data.
            is_demo=reader.is_demo,
        )
    return checked.result
