"""What `./run app` does before anyone visits: prepare the store, build the demo on an empty one.

`ui.serve` starts this module as a child process next to the app server (`start`). It upgrades
the schema, builds the demo when the store is empty (the first chart no longer waits for a
first visitor), makes the columnar parts the pages read, then runs the quality suites at a
lower priority: the figures may be shown before that run ends. On a store with data it only
finishes what an interrupted import left (data_access.ingest.recovery, checks.pending).
Progress goes to the terminal and to a status file in the data directory, which the pages
read (ui.startup) to show the same progress and an estimate measured on the build itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

from data_access.private_files import held_alone
from data_access.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

STATUS_FILE: Final = "startup.json"
LOCK_FILE: Final = ".startup.lock"
# Phases; the figures can be shown from "controleren" on (the quality run may still be going).
PREPARING, GENERATING, IMPORTING, STAGING = "voorbereiden", "genereren", "inlezen", "klaarzetten"
CHECKING, DONE, FAILED = "controleren", "klaar", "mislukt"
READY_PHASES: Final = (CHECKING, DONE)
# Relative cost per registration of the steps before the first chart, as measured for the demo
# at scale 1 on a 2-core machine: simulating and writing the files 4,4 s, importing them 4,6 s,
# the columnar parts 1,4 s (BENCHMARKS.md, first start). The pace itself is measured on the
# running build; these only weigh the steps against each other.
WEIGHTS: Final = {GENERATING: 1.0, IMPORTING: 1.05, STAGING: 0.3}
# Registrations at demo scale 1, until the simulation has said how many there are.
ROWS_AT_SCALE_ONE: Final = 154_000
# No estimate before this share of the work is done: the first seconds say little.
ESTIMATE_FROM: Final = 0.04
ROW_SOURCES: Final = frozenset({"uniform", "spreadsheet", "case_tool"})
PR_SET_PDEATHSIG: Final = 1  # linux/prctl.h


@dataclass(frozen=True)
class Status:
    """The startup's state as the status file holds it."""

    phase: str
    message: str
    fraction: float  # of the work before the figures can be shown
    eta_s: float | None  # seconds until then, measured on this build (None: not yet known)
    started: float  # epoch seconds
    updated: float
    pid: int
    demo: bool  # this start builds (or built) the demo
    registrations: int = 0
    ready_after_s: float | None = None  # from start until the figures could be shown
    error: str | None = None

    @property
    def data_ready(self) -> bool:
        return self.phase in READY_PHASES

    @property
    def building(self) -> bool:
        return self.phase not in (*READY_PHASES, FAILED)

    @property
    def alive(self) -> bool:
        """Whether the process writing this status still runs."""
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # another user's process with that id: not ours
            return False
        return _not_a_zombie(self.pid)


def _not_a_zombie(pid: int) -> bool:
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        return fields[0] != "Z"
    return True


def status(settings: Settings) -> Status | None:
    """The last status a startup wrote for this data directory, if any."""
    path = settings.data_dir / STATUS_FILE
    try:
        return Status(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _write(settings: Settings, state: Status) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / STATUS_FILE
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(asdict(state)), encoding="utf-8")
    temporary.replace(path)  # readers see the old or the new status, never half of one


def seconds_nl(seconds: float) -> str:
    """'ongeveer 40 s', 'ongeveer 1 min 10 s' (rounded to 5 s above a minute)."""
    if seconds < 60:
        return f"ongeveer {max(1, round(seconds))} s"
    rounded = int(round(seconds / 5) * 5)
    minutes, rest = divmod(rounded, 60)
    return f"ongeveer {minutes} min" + (f" {rest} s" if rest else "")


class Progress:
    """Turns the build's steps into a fraction, an estimate, status lines and terminal lines."""

    def __init__(self, settings: Settings, *, demo: bool, scale: float) -> None:
        self.settings = settings
        self.demo = demo
        self.started = time.time()
        self.rows = max(1, round(ROWS_AT_SCALE_ONE * scale))
        self.phase = PREPARING
        self.done = 0.0  # weighted registrations done
        self.paced_from: float | None = None  # when the weighed work began
        self.ready_after: float | None = None
        self.printed = -1

    @property
    def total(self) -> float:
        return sum(WEIGHTS.values()) * self.rows

    def step(self, phase: str, message: str, done_rows: int = 0) -> None:
        """Where the build is: `done_rows` registrations of this phase are done."""
        if phase == GENERATING and self.paced_from is None:
            self.paced_from = time.time()
        weighed = (GENERATING, IMPORTING, STAGING)
        earlier = weighed[: weighed.index(phase)] if phase in weighed else ()
        before = sum(WEIGHTS[p] for p in earlier)
        if phase in WEIGHTS:
            self.done = (before + WEIGHTS[phase] * min(done_rows, self.rows) / self.rows) * (
                self.rows
            )
        elif phase in READY_PHASES:
            self.done = self.total
            if self.ready_after is None:
                self.ready_after = time.time() - self.started
        self.phase = phase
        self._publish(message)

    def estimate(self) -> float | None:
        """Seconds until the figures can be shown, from the pace so far."""
        fraction = self.done / self.total
        if self.paced_from is None or fraction < ESTIMATE_FROM or fraction >= 1:
            return None
        pace = self.done / max(time.time() - self.paced_from, 1e-3)
        return (self.total - self.done) / pace

    def fail(self, error: str) -> None:
        self.phase = FAILED
        self._publish("De opstart is mislukt", error)

    def _publish(self, message: str, error: str | None = None) -> None:
        eta = self.estimate()
        now = time.time()
        state = Status(
            phase=self.phase,
            message=message,
            fraction=round(self.done / self.total, 4),
            eta_s=None if eta is None else round(eta, 1),
            started=self.started,
            updated=now,
            pid=os.getpid(),
            demo=self.demo,
            registrations=self.rows,
            ready_after_s=None if self.ready_after is None else round(self.ready_after, 1),
            error=error,
        )
        _write(self.settings, state)
        self._print(state)

    def _print(self, state: Status) -> None:
        """One terminal line per phase and per tenth of the work (not one per file)."""
        tenth = int(state.fraction * 10)
        key = _index(state.phase) * 100 + tenth
        if key == self.printed and state.phase != FAILED:
            return
        self.printed = key
        line = f"[opstart {time.time() - self.started:5.1f} s] {state.message}"
        if state.building:
            line += f" · {state.fraction:.0%}"
            if state.eta_s is not None:
                line += f" · de cijfers volgen over {seconds_nl(state.eta_s)}"
        if state.error:
            line += f"\n{state.error}"
        print(line, flush=True)


def _index(phase: str) -> int:
    order = (PREPARING, GENERATING, IMPORTING, STAGING, CHECKING, DONE, FAILED)
    return order.index(phase)


@contextlib.contextmanager
def _exclusive(settings: Settings) -> Iterator[bool]:
    """One startup per data directory: a second app process leaves it to the first."""
    with held_alone(settings.data_dir / LOCK_FILE) as mine:
        yield mine


def run(settings: Settings, today: date | None = None) -> Status | None:
    """The whole startup in this process; None when another process is doing it."""
    with _exclusive(settings) as mine:
        if not mine:
            return None
        previous = status(settings)
        progress = Progress(settings, demo=False, scale=settings.demo_scale)
        progress.step(PREPARING, "Opslag voorbereiden")
        try:
            _run(settings, progress, previous, today or date.today())
        except BaseException as exc:  # shown on the page and in the terminal, then raised
            progress.fail("".join(traceback.format_exception_only(exc)).strip())
            raise
        return status(settings)


def _run(settings: Settings, progress: Progress, previous: Status | None, today: date) -> None:
    from data_access.bootstrap import has_imports, is_demo_store, prepare_store
    from data_access.store.engine import make_engine

    engine = make_engine(settings)
    prepare_store(engine)
    # An earlier demo build that stopped (killed or failed) before its figures were ready
    # left part of the demo: start it again from nothing.
    interrupted = (
        previous is not None
        and previous.demo
        and previous.ready_after_s is None
        and is_demo_store(engine)
    )
    if interrupted:
        _clear_demo(engine, settings)
    if settings.auto_demo and not has_imports(engine):
        progress.demo = True
        _build_demo(engine, settings, progress, today)
    from checks.pending import check_pending
    from data_access.ingest.recovery import recover_raw_files

    recover_raw_files(engine, settings)
    progress.step(CHECKING, "Kwaliteitscontroles uitvoeren")
    # The figures are there: the pages' first runs go first.
    with contextlib.suppress(OSError):
        os.nice(10)
    check_pending(engine, settings, trigger="demo" if progress.demo else "herstel")
    progress.step(DONE, "Klaar")
    engine.dispose()


def _clear_demo(engine: Engine, settings: Settings) -> None:
    from data_access.ingest.pipeline import clear_imported_data
    from data_access.store import columnar

    clear_imported_data(engine)
    columnar.invalidate(engine)
    shutil.rmtree(settings.raw_dir, ignore_errors=True)


def _build_demo(engine: Engine, settings: Settings, progress: Progress, today: date) -> None:
    from data_access.store import columnar
    from demo.build import import_demo_files
    from demo.generator import DemoFile, generate_demo

    scale = settings.demo_scale

    def written(done: int, total: int) -> None:
        progress.rows = max(total, 1)
        progress.step(GENERATING, "Synthetische bronbestanden aanmaken", done)

    progress.step(GENERATING, "Synthetische bronbestanden aanmaken")
    out_dir = settings.data_dir / "demo-files"
    shutil.rmtree(out_dir, ignore_errors=True)
    manifest = generate_demo(out_dir, scale=scale, today=today, progress=written)
    # Registrations per file (monthly totals, staffing and agreements cost next to nothing),
    # on the scale of the simulated rows.
    counted = [f.rows if f.source in ROW_SOURCES else 0 for f in manifest.files]
    share = progress.rows / max(sum(counted), 1)
    before = [round(sum(counted[:i]) * share) for i in range(len(counted))]

    def importing(i: int, item: DemoFile) -> None:
        progress.step(IMPORTING, f"Inlezen: {item.path.name}", before[i])

    import_demo_files(engine, settings, manifest, today, importing)
    progress.step(STAGING, "Gegevens klaarzetten voor de pagina's")
    columnar.frames(engine)  # the parts the pages read, so their first view need not build them


def start(*, tied: bool = False) -> subprocess.Popen[bytes]:
    """Run the startup in a child process (same environment; its lines go to our terminal).

    `tied`: it ends when this thread ends, so a stopped server leaves no build running on its
    own. Linux signals the child when the thread that started it ends, not the process: only
    a thread that lives as long as the server (ui.serve's main thread) may ask for it."""
    command = [sys.executable, "-m", "demo.startup"]
    return subprocess.Popen([*command, "--parent", str(os.getpid())] if tied else command)


def _end_with(parent: int) -> None:
    """Have the kernel send SIGTERM when `parent` ends (Linux prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it ended before the request was made
        sys.exit(0)


def wait_started(
    settings: Settings, child: subprocess.Popen[bytes], timeout: float = 30
) -> Status | None:
    """Until the child has written its first status (or ended): a page opened after this
    never meets a status of an earlier run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = status(settings)
        if (state is not None and state.pid == child.pid) or child.poll() is not None:
            return state
        time.sleep(0.05)
    return status(settings)


def wait_prepared(
    settings: Settings, child: subprocess.Popen[bytes], timeout: float = 600
) -> Status | None:
    """Until the schema is current and the reference data loaded: what the app server waits
    for before it starts, so no page upgrades the schema at the same time. A demo build
    continues after this (its progress shows on the page); a second app process whose child
    found the startup taken waits for the process that has it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = status(settings)
        ended = child.poll() is not None
        preparing = state is not None and state.phase == PREPARING and state.alive
        if state is not None and state.pid == child.pid and not preparing:
            return state
        if ended and not preparing:
            return state
        time.sleep(0.05)
    return status(settings)


def main() -> None:
    """`python -m demo.startup [--parent PID]`: what ui.serve starts beside the app server."""
    if "--parent" in sys.argv:
        _end_with(int(sys.argv[sys.argv.index("--parent") + 1]))
    run(get_settings())


if __name__ == "__main__":
    main()
