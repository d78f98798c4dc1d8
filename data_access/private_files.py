"""Files and folders holding personal data: made owner-only (0700/0600) whatever the umask."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600


def private_dir(path: Path) -> Path:
    """`path` as a directory. Every directory made here, parents included, is owner-only.

    An existing directory keeps its mode: it may be a volume an operator set up on purpose."""
    missing = []
    step = path
    while not step.exists():
        missing.append(step)
        step = step.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it a moment ago, with this same function
        # mkdir's mode passes through the umask; set it exactly.
        os.chmod(directory, DIR_MODE)
    return path


def create_private(path: Path, data: bytes) -> bool:
    """Create `path` owner-only holding `data`, unless it exists already; True when made here."""
    return _create_once(path, lambda handle: handle.write(data))


def copy_private(source: Path, path: Path) -> bool:
    """Copy `source` to an owner-only `path`, unless that exists already; True when made here."""
    with source.open("rb") as original:
        return _create_once(path, lambda handle: shutil.copyfileobj(original, handle))


def _create_once(path: Path, write: Callable[[io.BufferedWriter], object]) -> bool:
    """Readers never see a half-written file, and of two processes creating it at once exactly
    one wins (a pseudonym key must never be replaced by a second one)."""
    private_dir(path.parent)
    if path.exists():
        return False
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    with open_private(partial, exclusive=True) as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(partial, path)  # atomic, and fails when the target exists
    except FileExistsError:
        return False
    finally:
        partial.unlink()
    return True


def create_empty_private(path: Path) -> None:
    """Create `path` as an empty owner-only file unless it exists (a SQLite store to be:
    SQLite then gives its -wal and -shm files the store's own mode)."""
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


@contextlib.contextmanager
def held_alone(path: Path) -> Iterator[bool]:
    """True inside when this process holds the exclusive lock on `path` (an owner-only lock
    file), False at once when another process holds it."""
    with lock_file_private(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_file_private(path: Path) -> io.BufferedRandom:
    """A lock file (for flock; its content unused), created owner-only in an owner-only
    directory like the files it guards."""
    private_dir(path.parent)
    return os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE), "r+b")


def open_private(path: Path, *, exclusive: bool = False) -> io.BufferedWriter:
    """`path` opened to write bytes from the start; a file created here is owner-only.
    `exclusive` refuses an existing file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (os.O_EXCL if exclusive else 0)
    return os.fdopen(os.open(path, flags, FILE_MODE), "wb")


def append_private(path: Path) -> io.TextIOWrapper:
    """`path` opened to append UTF-8 text; a file created here is owner-only."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    return os.fdopen(os.open(path, flags, FILE_MODE), "a", encoding="utf-8")
