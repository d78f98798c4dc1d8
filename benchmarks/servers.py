"""Start the real app (or the floor app) on a loopback port for the browser and load benchmarks."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from data_access.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FLOOR_APP = ROOT / "benchmarks" / "floor" / "app.py"
# The ports this project's app servers use on a shared machine (nginx listens on 8890).
PORTS = range(8801, 8831)
STREAMLIT_FLAGS = [
    "--server.headless",
    "true",
    "--server.address",
    "127.0.0.1",
    "--browser.gatherUsageStats",
    "false",
    "--server.fileWatcherType",
    "none",
]


def free_port(ports: range = PORTS) -> int:
    """The first port of `ports` nobody listens on."""
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}–{ports.stop - 1}")


def store_env(settings: Settings) -> dict[str, str]:
    """The environment of an app process on this store (no demo build, demo login)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MONITOR_DATABASE_URL"}}
    env.update(
        MONITOR_DATA_DIR=str(settings.data_dir),
        DATABASE_URL=settings.url,
        MONITOR_PSEUDONYM_KEY=settings.pseudonym_key or "",
        MONITOR_AUTH_MODE="demo",
        MONITOR_AUTO_DEMO="false",
    )
    return env


@dataclass(frozen=True)
class Server:
    """A running app process: where it answers, and its process id (to read its CPU time)."""

    base_url: str
    pid: int
    log: Path


def wait_healthy(
    base_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server did not start: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


def wait_startup_done(settings: Settings, timeout: float = 900) -> None:
    """Until the app's startup (demo.startup) has finished, quality catch-up included: the
    figures are measured on an otherwise idle server."""
    from demo import startup

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = startup.status(settings)
        if state is not None and (state.phase in (startup.DONE, startup.FAILED) or not state.alive):
            return
        time.sleep(0.5)
    raise RuntimeError("the app's startup did not finish")


def _end_with_parent() -> None:
    """In the child before exec: SIGTERM when the thread that started it ends (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def _process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        # Its own process group: stopping it stops the startup child it may have started. It
        # also ends with this process, even one killed before its clean-up could run.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_end_with_parent,
        )
        try:
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextlib.contextmanager
def app_server(
    settings: Settings,
    port: int | None = None,
    *,
    log: Path | None = None,
    extra_env: dict[str, str] | None = None,
    wait_for_startup: bool = True,
) -> Iterator[Server]:
    """`python -m ui.serve` on the store of `settings`; yields once it answers and its
    startup (schema, quality catch-up) is done."""
    port = port or free_port()
    log = log or settings.data_dir / f"app-{port}.log"
    env = {**store_env(settings), **(extra_env or {})}
    command = [sys.executable, "-m", "ui.serve", *STREAMLIT_FLAGS, "--server.port", str(port)]
    with _process(command, env, log) as process:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, process, log, timeout=300)
        if wait_for_startup:
            wait_startup_done(settings)
        yield Server(base, process.pid, log)


@contextlib.contextmanager
def floor_server(
    port: int | None = None, *, log: Path, script: Path = FLOOR_APP
) -> Iterator[Server]:
    """The floor app (benchmarks/floor/app.py), a bare Streamlit app to measure against, or
    another plain Streamlit script."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        *STREAMLIT_FLAGS,
        "--server.port",
        str(port),
    ]
    with _process(command, dict(os.environ), log) as process:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, process, log, timeout=120)
        yield Server(base, process.pid, log)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def wait_idle(pid: int, quiet: float = 2.0, timeout: float = 300) -> float:
    """Wait until the process has used almost no CPU for `quiet` seconds (what it prepares in
    the background after a first figure is done); the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pid)
        time.sleep(quiet)
        if cpu_seconds(pid) - before < 0.05 * quiet:
            break
    return time.monotonic() - started


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()
