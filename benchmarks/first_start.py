"""The first start: `./run app` on a fresh data directory until a browser shows the first chart.

What a newcomer does: run the command and open the page. The clock starts before `./run app`
(with the package cache warm: .venv exists), Debian's Chromium asks for the page until the
server answers and then waits for the first plotly chart drawn. Meanwhile the startup's status
file (demo.startup) is read every 0,2 s, so the estimates the page showed can be compared with
when the figures were in fact ready.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.browser import launch
from benchmarks.servers import ROOT, free_port
from data_access.settings import Settings

CHART = "[data-testid=stPlotlyChart] .main-svg"
TIMEOUT_S = 600.0


def _watch(settings: Settings, started: float, stop: threading.Event, seen: list[Any]) -> None:
    from demo import startup

    while not stop.is_set():
        state = startup.status(settings)
        if state is not None:
            seen.append((time.monotonic() - started, state.phase, state.fraction, state.eta_s))
        time.sleep(0.2)


def first_start(scale: float = 1.0) -> dict[str, Any]:
    """One first start, measured."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="1g1p-first-start-") as name:
        directory = Path(name)
        settings = Settings(data_dir=directory)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
        env.pop("DATABASE_URL", None)
        env.update(MONITOR_DATA_DIR=str(directory), MONITOR_DEMO_SCALE=str(scale))
        command = [
            str(ROOT / "run"),
            "app",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ]
        seen: list[Any] = []
        stop = threading.Event()
        log = (directory / "terminal.log").open("wb")
        load_before = os.getloadavg()
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        watcher = threading.Thread(target=_watch, args=(settings, started, stop, seen))
        watcher.start()
        chart_s = page_s = None
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                tab = browser.new_page(viewport={"width": 1440, "height": 900})
                while time.monotonic() - started < TIMEOUT_S:
                    try:
                        tab.goto(f"http://127.0.0.1:{port}/", timeout=5_000)
                        break
                    except Exception:  # not listening yet: a person would press reload
                        time.sleep(0.2)
                page_s = time.monotonic() - started
                tab.wait_for_selector(CHART, timeout=TIMEOUT_S * 1000)
                chart_s = time.monotonic() - started
                browser.close()
            while time.monotonic() - started < TIMEOUT_S and not any(
                phase in ("klaar", "mislukt") for _, phase, _, _ in seen
            ):
                time.sleep(0.5)
        finally:
            stop.set()
            watcher.join()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        terminal = (directory / "terminal.log").read_text(errors="replace")
    ready = next((t for t, phase, _, _ in seen if phase in ("controleren", "klaar")), None)
    done = next((t for t, phase, _, _ in seen if phase == "klaar"), None)
    estimates = [
        {"at_s": round(t, 1), "fraction": f, "said_s": eta, "was_s": round(ready - t, 1)}
        for t, _, f, eta in seen
        if eta is not None and ready is not None
    ]
    errors = [e["said_s"] - e["was_s"] for e in estimates]
    return {
        "scale": scale,
        "page_answers_s": None if page_s is None else round(page_s, 1),
        "first_chart_s": None if chart_s is None else round(chart_s, 1),
        "figures_ready_s": None if ready is None else round(ready, 1),
        "checks_done_s": None if done is None else round(done, 1),
        "estimate_error_median_s": round(statistics.median(errors), 1) if errors else None,
        "estimate_error_range_s": [round(min(errors), 1), round(max(errors), 1)]
        if errors
        else None,
        "estimates": estimates[:: max(1, len(estimates) // 12)],
        "terminal": [line for line in terminal.splitlines() if line.startswith("[opstart")],
        "load_before": [round(v, 2) for v in load_before],
        "load_after": [round(v, 2) for v in os.getloadavg()],
    }


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| run | page answers (s) | first chart (s) | figures ready (s) | checks done (s) "
        "| estimate said − was: median [range] (s) | load before |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(runs, 1):
        spread = r["estimate_error_range_s"]
        lines.append(
            f"| {i} | {r['page_answers_s']} | {r['first_chart_s']} | {r['figures_ready_s']} "
            f"| {r['checks_done_s']} | {r['estimate_error_median_s']} "
            f"{spread if spread else ''} | {r['load_before'][0]} |"
        )
    return "\n".join(lines)
