"""The quality suites for import batches nobody checked: after an import, and at the app's start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine

from checks.run import CheckRunSummary, run_checks
from data_access.ingest import recovery
from data_access.settings import Settings

# Unchecked batches that get row checks of their own (the newest ones): an interrupted import
# leaves one. Older ones, such as a store rebuilt or built by the benchmark without checks, are
# read by the run over the whole store like every other batch. Each batch's own checks cost
# 0,6–1,5 s (Great Expectations' overhead per validation; measured on the 150k demo store).
OWN_CHECKS: Final = 3


@dataclass(frozen=True)
class CatchUp:
    """A run of the suites and the batches it checked that an interrupted import had left."""

    summary: CheckRunSummary
    caught_up: tuple[int, ...]

    def message(self) -> str:
        """Dutch lines for the command line and the import page."""
        lines = []
        if self.caught_up:
            batches = ", ".join(str(b) for b in self.caught_up[-OWN_CHECKS:])
            more = len(self.caught_up) - OWN_CHECKS
            lines.append(
                f"Nooit gecontroleerde batches (een import werd onderbroken na het opslaan): "
                f"{batches}{f' en {more} oudere' if more > 0 else ''}. De controles zijn nu "
                "uitgevoerd."
            )
        return "\n".join([*lines, self.summary.summary()])


def check_imports(
    engine: Engine, settings: Settings, *, batch_id: int | None, trigger: str = "import"
) -> CatchUp | None:
    """After an import: the suites on the whole store with the new batch's row checks and those
    of every batch an earlier import left unchecked. None when there was nothing to check
    (a file imported before, whose batch was checked)."""
    pending = [b for b in recovery.unchecked_batches(engine) if b != batch_id]
    if batch_id is None and not pending:
        return None
    summary = run_checks(
        engine,
        settings,
        batch_id=batch_id,
        trigger=trigger,
        earlier_batches=pending[-OWN_CHECKS:],
    )
    return CatchUp(summary, tuple(pending))


def check_pending(
    engine: Engine, settings: Settings, *, trigger: str = "herstel"
) -> CatchUp | None:
    """At start: run the suites when a batch was never checked, unless another process is
    already doing so. None when nothing was pending (or another process took it)."""
    if not recovery.unchecked_batches(engine):
        return None
    with recovery.catching_up(engine, settings) as mine:
        if not mine:
            return None
        return check_imports(engine, settings, batch_id=None, trigger=trigger)
