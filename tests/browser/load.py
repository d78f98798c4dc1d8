"""Load: N concurrent browser sessions on one app server, changing filters; page times in ms.

Not part of the test run: `.venv/bin/python -m tests.browser.load --sessions 20 --seconds 150
--think 5`. Builds a small demo store, starts the app on loopback, runs every session as its own
browser context (its own Streamlit session), five per Chromium, and prints median, p95 and max
page times for BENCHMARKS.md. Each session's timeline (and a screenshot of any failure) goes to
test-artifacts/load/.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tests.browser import harness

# Under load a page may queue behind 19 others on a 2-core machine: time it, do not fail it.
LOAD_TIMEOUT_MS = 180_000
SESSIONS_PER_BROWSER = 5
PATHS = ["/", "/intakes", "/response_time", "/referrers", "/volume", "/staffing", "/reach"]
# The slider each granularity renders: it shows only once the rerun for the click has run.
SLIDERS = {"Maand": "Maanden", "Kwartaal": "Kwartalen"}
CHART = "[data-testid=stPlotlyChart] .main-svg"
ERROR_BOX = "[data-testid=stException]"
ARTIFACTS = harness.ARTIFACTS / "load"
# Logs every change of the app's script and connection state to the console (see Trace).
WATCH_JS = """(() => {
  let last = '';
  const report = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app) return;
    const now = app.getAttribute('data-test-script-state') + ' '
      + app.getAttribute('data-test-connection-state');
    if (now !== last) { last = now; console.log('STATE ' + now); }
  };
  new MutationObserver(report).observe(document, {
    subtree: true, attributes: true, childList: true,
    attributeFilter: ['data-test-script-state', 'data-test-connection-state'],
  });
})();"""
# What a failed session shows: a stuck run, a lost connection, an empty view or an error.
STATE_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const texts = sel => [...document.querySelectorAll(sel)].map(e => e.innerText.slice(0, 300));
  return {
    url: location.href,
    script: app && app.getAttribute('data-test-script-state'),
    connection: app && app.getAttribute('data-test-connection-state'),
    status: texts('[data-testid=stStatusWidget]'),
    h1: texts('h1'),
    charts: document.querySelectorAll('[data-testid=stPlotlyChart]').length,
    alerts: texts('[data-testid=stAlert]'),
    exceptions: texts('[data-testid=stException]'),
  };
}"""


class Trace:
    """One session's timeline (steps, script and connection states) and its failure snapshot.

    Written to test-artifacts/load/session-NN.txt (plus a screenshot when a step fails)."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.origin = time.monotonic()
        self.events: list[str] = []

    def note(self, what: str) -> None:
        self.events.append(f"{time.monotonic() - self.origin:8.2f} {what}")

    async def watch(self, page: Any) -> None:
        await page.add_init_script(WATCH_JS)
        page.on("console", self._console)
        page.on("websocket", lambda ws: ws.on("close", lambda _: self.note("websocket closed")))
        page.on("crash", lambda _: self.note("page crashed"))

    def _console(self, msg: Any) -> None:
        if msg.text.startswith("STATE"):
            self.note(msg.text)

    async def snapshot(self, page: Any, tag: str) -> None:
        """The page's state into the timeline and a screenshot beside it."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            self.note(f"{tag}: {await page.evaluate(STATE_JS)}")
            shot = ARTIFACTS / f"session-{self.index:02d}-{tag}.png"
            await page.screenshot(path=str(shot), timeout=30_000)
        except Exception as exc:  # a snapshot must never be the failure itself
            self.note(f"{tag}: no snapshot ({exc!r:.200})")

    def save(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        timeline = ARTIFACTS / f"session-{self.index:02d}.txt"
        timeline.write_text("\n".join(self.events) + "\n")


async def _settle(page: Any) -> str | None:
    """Wait for the end of the script run and its first chart; the error box text if it failed.

    The caller has already waited for a sign that the run it caused has started: right after a
    click the page still shows the previous run, finished and with its charts."""
    await page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=LOAD_TIMEOUT_MS
    )
    await page.wait_for_selector(
        "[data-testid=stStatusWidget]", state="detached", timeout=LOAD_TIMEOUT_MS
    )
    await page.wait_for_selector("h1", timeout=LOAD_TIMEOUT_MS)
    # Every figure page draws a chart; a run that failed shows an error box instead.
    await page.locator(f"{CHART}, {ERROR_BOX}").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    error = page.locator(ERROR_BOX)
    return str(await error.first.inner_text())[:300] if await error.count() else None


async def _session(
    browser: Any,
    base: str,
    index: int,
    until: float,
    think: float,
    times: list[float],
    first_loads: list[float],
    errors: list[str],
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 1400})
    context.set_default_timeout(LOAD_TIMEOUT_MS)
    page = await context.new_page()
    trace = Trace(index)
    await trace.watch(page)
    sidebar = page.locator("[data-testid=stSidebar]")

    async def check(what: str, started: float) -> None:
        error = await _settle(page)
        trace.note(f"{what}: {'error' if error else 'done'} in {time.monotonic() - started:.1f} s")
        if error:
            errors.append(f"session {index}: error box on {page.url}: {error}")
            await trace.snapshot(page, f"error-{len(errors)}")

    try:
        started = time.monotonic()
        await page.goto(base + "/", timeout=LOAD_TIMEOUT_MS)
        # The first run has begun once the app leaves its initial state.
        await page.wait_for_selector(
            "[data-testid=stApp]:not([data-test-script-state=initial])", timeout=LOAD_TIMEOUT_MS
        )
        await check("first page", started)
        first_loads.append(time.monotonic() - started)
        step, path, granularity = index, "/", "Maand"
        pause = random.Random(index)
        while time.monotonic() < until:
            # A person reads the page before the next change (0,5-1,5 × the think time).
            await asyncio.sleep(think * pause.uniform(0.5, 1.5))
            step += 1
            started = time.monotonic()
            if step % 3 == 0:  # a filter change: month ↔ quarter (the other one: a real change)
                granularity = "Kwartaal" if granularity == "Maand" else "Maand"
                trace.note(f"step {step}: {granularity} on {path}")
                await sidebar.get_by_role("radio", name=granularity, exact=True).click()
                # The new slider comes from the rerun itself (the choice is drawn at once).
                await sidebar.get_by_text(SLIDERS[granularity], exact=True).wait_for()
            else:  # another page, inside the same session
                path = next(p for p in PATHS[step % len(PATHS) :] + PATHS if p != path)
                trace.note(f"step {step}: open {path}")
                await page.locator(f"[data-testid=stSidebarNav] a[href$='{path}']").first.click()
                # The address changes when the server starts the new page's run, not at the click.
                await page.wait_for_url(lambda url, p=path: urlparse(url).path == p)
            await check(f"step {step}", started)
            times.append(time.monotonic() - started)
    except Exception as exc:  # every failure is counted, not fatal to the other sessions
        errors.append(f"session {index}: {type(exc).__name__}: {str(exc)[:200]}")
        trace.note(f"failed: {type(exc).__name__}")
        await trace.snapshot(page, "failed")
    finally:
        trace.save()
        await context.close()


async def run(
    sessions: int, seconds: float, base: str, think: float = 0.0
) -> tuple[list[float], list[float], list[str]]:
    """Page-change times, first-page times and errors of `sessions` concurrent sessions."""
    from playwright.async_api import async_playwright

    times: list[float] = []
    first_loads: list[float] = []
    errors: list[str] = []
    async with async_playwright() as playwright:
        # A few sessions per Chromium: one browser process composites all of its pages, and
        # twenty pages in one browser queue behind that single process.
        browsers = [
            await playwright.chromium.launch(
                executable_path=str(harness.CHROMIUM), headless=True, args=harness.CHROMIUM_ARGS
            )
            for _ in range(math.ceil(sessions / SESSIONS_PER_BROWSER))
        ]
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _session(
                    browsers[i // SESSIONS_PER_BROWSER],
                    base,
                    i,
                    until,
                    think,
                    times,
                    first_loads,
                    errors,
                )
                for i in range(sessions)
            )
        )
        for browser in browsers:
            await browser.close()
    return times, first_loads, errors


def _summary(times: list[float]) -> str:
    if not times:
        return "none"
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"median={statistics.median(ordered) * 1000:.0f} ms p95={p95 * 1000:.0f} ms "
        f"max={ordered[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--scale", type=float, default=0.03)
    parser.add_argument(
        "--think", type=float, default=0.0, help="Mean seconds a session waits between changes."
    )
    parser.add_argument(
        "--url",
        help="Drive this running server (e.g. one on a benchmark store, beside `python -m "
        "benchmarks load`) instead of building a demo store and starting one.",
    )
    args = parser.parse_args()
    if args.url:
        started = time.monotonic()
        times, first_loads, errors = asyncio.run(
            run(args.sessions, args.seconds, args.url, args.think)
        )
        wall = time.monotonic() - started
    else:
        with tempfile.TemporaryDirectory(prefix="1g1p-load-") as name:
            directory = Path(name)
            harness.build_store(directory, scale=args.scale)
            with harness.app_server(directory) as base:
                started = time.monotonic()
                times, first_loads, errors = asyncio.run(
                    run(args.sessions, args.seconds, base, args.think)
                )
                wall = time.monotonic() - started
    print(
        f"sessions={args.sessions} seconds={args.seconds:.0f} think={args.think:g}s "
        f"wall={wall:.0f}s"
    )
    print(f"page changes={len(times)} errors={len(errors)}")
    print(f"page changes: {_summary(times)}")
    print(f"first pages ({len(first_loads)}): {_summary(first_loads)}")
    for error in errors[:10]:
        print("ERROR", error)


if __name__ == "__main__":
    main()
