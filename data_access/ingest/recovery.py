"""Finish what an interrupted import left behind: raw copies without a batch, unchecked batches.

An import copies the raw file into the archive, commits its batch, appends a manifest line,
and then its caller runs the quality suites. A process killed along the way leaves:

- before the commit: a raw copy nobody refers to (no batch, no manifest line) — removed;
- after the commit, before the manifest line: a batch whose raw copy the manifest does not
  list, so `1g1p rebuild` would lose it — adopted (the line is written from the batch);
- after the commit, before the checks: a batch the suites never read — `checked_at` stays
  empty until a run over the whole store has read it, and the next start or import runs them
  (checks.pending).

Imports hold a shared lock on the archive from the copy to the manifest line; cleaning takes
it exclusively without waiting, so it never touches a copy an import in any process on this
machine is still working on (a killed process's lock goes with it). On PostgreSQL the suites'
catch-up run takes an advisory lock, so two app processes starting together run it once.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, ParamSpec, TypeVar

from sqlalchemy import Engine, func, select, update

from data_access.private_files import append_private, held_alone, lock_file_private
from data_access.settings import Settings
from data_access.store.models import ImportBatch

ARCHIVE_LOCK = ".archive.lock"
MANIFEST = "manifest.jsonl"
# Session-level advisory lock of the checks' catch-up run (PostgreSQL); the import's own lock
# is 19_121_001 (data_access.ingest.pipeline).
CATCH_UP_LOCK = 19_121_002


@dataclass(frozen=True)
class RawRecovery:
    """What cleaning the raw archive did: copies removed, batches adopted into the manifest."""

    removed: tuple[str, ...] = ()
    adopted: tuple[int, ...] = ()
    skipped: bool = False  # an import was running: nothing was looked at


def _lock_file(settings: Settings) -> IO[bytes]:
    return lock_file_private(settings.raw_dir / ARCHIVE_LOCK)


@contextlib.contextmanager
def archiving(settings: Settings) -> Iterator[None]:
    """Held by an import while it may copy a raw file and until its manifest line is written."""
    with _lock_file(settings) as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


P = ParamSpec("P")
R = TypeVar("R")


def recovering(import_file: Callable[P, R]) -> Callable[P, R]:
    """Wrap `import_file(engine, settings, …, archive=True)`: first clean up what an earlier
    import left in the archive, then import while holding the archive (a hook, so the
    pipeline itself stays as it is)."""

    @functools.wraps(import_file)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not kwargs.get("archive", True):  # a rebuild reads the archive, writes nothing to it
            return import_file(*args, **kwargs)
        engine, settings = args[0], args[1]
        assert isinstance(engine, Engine) and isinstance(settings, Settings)
        recover_raw_files(engine, settings)
        with archiving(settings):
            return import_file(*args, **kwargs)

    return wrapper


def _listed(settings: Settings) -> set[str]:
    path = settings.raw_dir / MANIFEST
    if not path.exists():
        return set()
    return {
        json.loads(line)["raw_file"]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }


def _unlisted(settings: Settings) -> list[Path]:
    """Raw copies the manifest does not list (the usual archive has none: cheap to ask)."""
    if not settings.raw_dir.is_dir():
        return []
    listed = _listed(settings)
    return sorted(
        p
        for p in settings.raw_dir.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and p.name != MANIFEST
        and p.name not in listed
    )


def recover_raw_files(engine: Engine, settings: Settings) -> RawRecovery:
    """Remove raw copies of imports killed before their commit; adopt those killed after it.

    Runs at the start of every import and of the app; returns at once when an import holds
    the archive (it will run again at the next one)."""
    if not _unlisted(settings):
        return RawRecovery()
    with held_alone(settings.raw_dir / ARCHIVE_LOCK) as mine:
        return _recover(engine, settings) if mine else RawRecovery(skipped=True)


def _recover(engine: Engine, settings: Settings) -> RawRecovery:
    unlisted = {p.name: p for p in _unlisted(settings)}
    if not unlisted:
        return RawRecovery()
    b = ImportBatch
    with engine.connect() as conn:
        batches = conn.execute(
            select(
                b.id,
                b.file_name,
                b.sha256,
                b.source_profile,
                b.region_code,
                b.imported_by,
                b.imported_at,
                b.is_demo,
                b.raw_path,
            )
            .where(b.raw_path.is_not(None))
            .order_by(b.id)
        ).all()
    adopted: list[int] = []
    entries: list[str] = []
    for batch in batches:
        name = Path(str(batch.raw_path)).name
        if name not in unlisted:
            continue
        entry = {
            "sha256": batch.sha256,
            "file_name": batch.file_name,
            "source": batch.source_profile,
            "region": batch.region_code,
            "user": batch.imported_by,
            "raw_file": name,
            "is_demo": bool(batch.is_demo),
            "imported_at": _utc(batch.imported_at).isoformat(),
        }
        entries.append(json.dumps(entry, ensure_ascii=False) + "\n")
        adopted.append(int(batch.id))
        unlisted.pop(name)
    if entries:
        with append_private(settings.raw_dir / MANIFEST) as manifest:
            manifest.writelines(entries)
    for path in unlisted.values():
        path.unlink(missing_ok=True)
    return RawRecovery(removed=tuple(sorted(unlisted)), adopted=tuple(adopted))


def _utc(moment: datetime) -> datetime:
    """SQLite gives stored times back without their zone; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def unchecked_batches(engine: Engine) -> list[int]:
    """Batches no run of the quality suites over the whole store has read yet, oldest first."""
    with engine.connect() as conn:
        found = conn.scalars(
            select(ImportBatch.id).where(ImportBatch.checked_at.is_(None)).order_by(ImportBatch.id)
        )
        return [int(batch) for batch in found]


def newest_batch(engine: Engine) -> int:
    """The newest committed batch (0 without any): a run that reads the store after this
    covers it and every batch before it, since imports commit in the order of their ids."""
    with engine.connect() as conn:
        return int(conn.scalar(select(func.max(ImportBatch.id))) or 0)


def mark_checked(engine: Engine, up_to: int, when: datetime | None = None) -> int:
    """Record that a run over the whole store read every batch up to `up_to`; how many were
    still unchecked."""
    with engine.begin() as conn:
        done = conn.execute(
            update(ImportBatch)
            .where(ImportBatch.id <= up_to, ImportBatch.checked_at.is_(None))
            .values(checked_at=when or datetime.now(UTC))
        )
        return int(done.rowcount or 0)


@contextlib.contextmanager
def catching_up(engine: Engine, settings: Settings) -> Iterator[bool]:
    """True inside when this process may run the checks' catch-up now, False when another
    process is running it: PostgreSQL's advisory lock, or a file lock beside the store."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = bool(conn.scalar(select(func.pg_try_advisory_lock(CATCH_UP_LOCK))))
            try:
                yield got
            finally:
                if got:
                    conn.scalar(select(func.pg_advisory_unlock(CATCH_UP_LOCK)))
                conn.commit()
        return
    with held_alone(settings.data_dir / ".checks.lock") as mine:
        yield mine
