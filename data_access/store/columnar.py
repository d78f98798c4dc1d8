"""A columnar copy of the registrations beside the store, one Arrow file per import batch.

Reading a million registrations through a row cursor costs seconds (BENCHMARKS.md); reading
them from Arrow files costs a fraction of one. The store stays the truth; these files are a
cache that can be deleted at any time.

Why per batch: an import only ever adds rows to its own batch or moves rows into it (a changed
registration gets the new batch's id and new partner links, ingest.pipeline), and nothing
else writes registrations. So the rows of batch k, once read, change only by leaving k for a
later batch. A part file of batch k therefore never needs rewriting: the current state is the
union of the parts of the store's batches, keeping each registration from its highest batch.
A new import costs one small read of its own rows; a cleared store lists no batches.

Consistency: a part is tagged with the data version it was read at, and a reader at version v
uses only parts read at a version ≤ v (their extra, since-moved rows are dropped by the
highest-batch rule). The batch list and any missing parts are read between two reads of the
data version; when an import committed in between, the reader starts over, so it always sees
the store before or after a batch, never in between.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
import weakref
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, func, literal_column, select

from data_access.private_files import open_private, private_dir
from data_access.store import schemas
from data_access.store.db import data_version
from data_access.store.frames import read_frame
from data_access.store.models import ImportBatch, Partner, Registration, RegistrationPartner

# Where each engine's parts live; engines made without a data directory have no cache.
_DIRECTORIES: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()
# The last assembled frames per engine and data version, shared by the reads of one load.
_LAST: weakref.WeakKeyDictionary[Engine, tuple[int, Frames]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()

PARTNER_PART = pl.Schema(
    {
        "registration_id": pl.Int64,
        "partner_name": pl.String,
        "sector": pl.String,
        "batch_id": pl.Int64,
    }
)
# <kind>-<batch id>-<batch identity>-v<data version read at>.arrow
_NAME = re.compile(
    r"^(?P<kind>reg|par)-(?P<batch>\d+)-(?P<stamp>[0-9a-f]{12})-v(?P<version>\d+)\.arrow$"
)
_ATTEMPTS = 5

Frames = tuple[pl.DataFrame, pl.DataFrame]


def attach(engine: Engine, data_dir: Path) -> None:
    """Keep the columnar parts of this engine's store under data_dir."""
    url = engine.url.render_as_string(hide_password=True)
    # The frames' schemas are part of the key: parts written by an older release are not read.
    layout = f"{url}|{schemas.REGISTRATION}|{PARTNER_PART}"
    store = hashlib.sha256(layout.encode()).hexdigest()[:16]
    _DIRECTORIES[engine] = data_dir / "columnar" / store


def directory(engine: Engine) -> Path | None:
    """The engine's part directory, or None when it has none."""
    return _DIRECTORIES.get(engine)


def invalidate(engine: Engine) -> None:
    """Drop this process's parts: for a store whose registrations were changed outside an
    import (a hand-made SQL correction), which the parts cannot notice. Other processes with
    their own data directory must do the same."""
    with _LOCK:
        _LAST.pop(engine, None)
        folder = directory(engine)
        if folder is not None and folder.is_dir():
            for path in folder.iterdir():
                with contextlib.suppress(OSError):
                    path.unlink()


def frames(engine: Engine) -> Frames | None:
    """Every registration (schemas.REGISTRATION) and every partner link (PARTNER_PART, the
    link's registration batch), or None when the engine keeps no columnar parts."""
    folder = directory(engine)
    if folder is None:
        return None
    with _LOCK:
        for _ in range(_ATTEMPTS):
            assembled = _assemble(engine, folder)
            if assembled is not None:
                return assembled
    return None  # the store kept changing under us: the caller reads it directly


def _assemble(engine: Engine, folder: Path) -> Frames | None:
    with engine.connect() as conn:
        version = data_version(conn)
        last = _LAST.get(engine)
        if last is not None and last[0] == version:
            return last[1]
        batches = _batches(conn)
        parts = _existing_parts(folder)
        chosen: dict[tuple[str, int], Path] = {}
        fresh: list[tuple[Path, pl.DataFrame]] = []
        for batch, stamp in batches:
            for kind, read in (("reg", _read_registrations), ("par", _read_partners)):
                usable = [
                    (v, path)
                    for (k, b, s, v), path in parts.items()
                    if (k, b, s) == (kind, batch, stamp) and v <= version
                ]
                if usable:
                    chosen[(kind, batch)] = max(usable)[1]
                else:
                    path = folder / f"{kind}-{batch}-{stamp}-v{version}.arrow"
                    fresh.append((path, read(engine, batch)))
                    chosen[(kind, batch)] = path
        counts = (
            conn.scalar(select(func.count()).select_from(Registration)) or 0,
            conn.scalar(select(func.count()).select_from(RegistrationPartner)) or 0,
        )
        if data_version(conn) != version:
            return None
    private_dir(folder)  # the parts hold registrations
    for path, frame in fresh:
        _write(path, frame)
    try:
        result = _combine(chosen, counts)
    except (OSError, pl.exceptions.ComputeError, _Inconsistent):
        # A part vanished or broke under us (another process cleared it): read it again.
        for path in chosen.values():
            with contextlib.suppress(OSError):
                path.unlink()
        return None
    _forget_stale(parts, version, {(k, b): p.name for (k, b), p in chosen.items()}, set(batches))
    _LAST[engine] = (version, result)
    return result


def _batches(conn: Connection) -> list[tuple[int, str]]:
    """Every batch with its identity stamp (so a batch id reused after a clear never matches
    an old part)."""
    rows = conn.execute(
        select(ImportBatch.id, ImportBatch.imported_at, ImportBatch.sha256).order_by(ImportBatch.id)
    ).all()
    return [
        (batch, hashlib.sha256(f"{imported_at}|{sha}".encode()).hexdigest()[:12])
        for batch, imported_at, sha in rows
    ]


def _existing_parts(folder: Path) -> dict[tuple[str, int, str, int], Path]:
    parts: dict[tuple[str, int, str, int], Path] = {}
    if not folder.is_dir():
        return parts
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match:
            key = (
                match["kind"],
                int(match["batch"]),
                match["stamp"],
                int(match["version"]),
            )
            parts[key] = path
    return parts


def _read_registrations(engine: Engine, batch: int) -> pl.DataFrame:
    r = Registration
    stmt = select(*[getattr(r, name) for name in schemas.REGISTRATION.names()]).where(
        r.batch_id == _literal(batch)
    )
    return read_frame(engine, stmt, schemas.REGISTRATION, bulk=True)


def _read_partners(engine: Engine, batch: int) -> pl.DataFrame:
    r, rp, p = Registration, RegistrationPartner, Partner
    stmt = (
        select(rp.registration_id, p.name, p.sector, r.batch_id)
        .join(r, r.id == rp.registration_id)
        .join(p, p.id == rp.partner_id)
        .where(r.batch_id == _literal(batch))
    )
    return read_frame(engine, stmt, PARTNER_PART, bulk=True)


def _literal(batch: int) -> Any:
    """The batch id written into the statement (an int, so safe): a statement without bound
    parameters is read columnar on PostgreSQL (data_access.store.frames)."""
    return literal_column(str(int(batch)))


def _write(path: Path, frame: pl.DataFrame) -> None:
    """Write atomically: a reader sees the whole part or none."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    with open_private(partial) as handle:
        frame.write_ipc(handle, compression="uncompressed")
    os.replace(partial, path)


def _combine(chosen: dict[tuple[str, int], Path], counts: tuple[int, int]) -> Frames:
    """The current rows from the chosen parts; `counts` are the store's row counts, which tell
    whether any part still holds copies of registrations since moved to a later batch."""

    def load(kind: str, schema: pl.Schema) -> pl.DataFrame:
        paths = [path for (k, _b), path in sorted(chosen.items()) if k == kind]
        if not paths:
            return pl.DataFrame(schema=schema)
        return pl.scan_ipc(paths).collect()

    registrations = load("reg", schemas.REGISTRATION)
    links = load("par", PARTNER_PART)
    if registrations.height != counts[0]:
        latest = pl.col("batch_id") == pl.col("batch_id").max().over("id")
        registrations = registrations.filter(latest)
    if links.height != counts[1]:
        current = registrations.select(pl.col("id").alias("registration_id"), "batch_id")
        links = links.join(current, on=["registration_id", "batch_id"], how="semi")
    if (registrations.height, links.height) != counts:
        raise _Inconsistent
    return registrations, links


class _Inconsistent(Exception):
    """The parts do not add up to the store: some are damaged or were written wrongly."""


def _forget_stale(
    parts: dict[tuple[str, int, str, int], Path],
    version: int,
    chosen: dict[tuple[str, int], str],
    batches: set[tuple[int, str]],
) -> None:
    """Remove parts older than this reader's version that nobody needs any more: those of
    batches that no longer exist (a cleared store) and copies superseded by the chosen part.
    Parts read at a later version belong to newer readers and stay."""
    for (kind, batch, stamp, tagged), path in parts.items():
        if tagged >= version or path.name == chosen.get((kind, batch)):
            continue
        if (batch, stamp) not in batches or (kind, batch) in chosen:
            with contextlib.suppress(OSError):
                path.unlink()
