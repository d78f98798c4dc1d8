"""Load: N concurrent browser sessions on one app server, changing filters; page times in ms.

Not part of the test run: `.venv/bin/python -m tests.browser.load --sessions 20 --seconds 120`.
Builds a small demo store, starts the app on loopback, runs every session as its own browser
context (its own Streamlit session) in one Chromium, and prints median and p95 page times plus
a Markdown section for BENCHMARKS.md.
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

from tests.browser import harness

# Under load a page may queue behind 19 others on a 2-core machine: time it, do not fail it.
LOAD_TIMEOUT_MS = 180_000
SESSIONS_PER_BROWSER = 5
PATHS = ["/", "/intakes", "/response_time", "/referrers", "/volume", "/staffing", "/reach"]


async def _settle(page: Any) -> None:
    await page.wait_for_timeout(150)
    await page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=LOAD_TIMEOUT_MS
    )
    await page.wait_for_selector(
        "[data-testid=stStatusWidget]", state="detached", timeout=LOAD_TIMEOUT_MS
    )
    await page.wait_for_selector("h1", timeout=LOAD_TIMEOUT_MS)


async def _session(
    browser: Any,
    base: str,
    index: int,
    until: float,
    think: float,
    times: list[float],
    errors: list[str],
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 1400})
    context.set_default_timeout(LOAD_TIMEOUT_MS)
    page = await context.new_page()
    try:
        await page.goto(base + "/", timeout=LOAD_TIMEOUT_MS)
        await _settle(page)
        step = index
        pause = random.Random(index)
        while time.monotonic() < until:
            # A person reads the page before the next change (0,5-1,5 × the think time).
            await asyncio.sleep(think * pause.uniform(0.5, 1.5))
            step += 1
            started = time.monotonic()
            if step % 3 == 0:  # a filter change: month ↔ quarter
                label = "Kwartaal" if step % 2 else "Maand"
                sidebar = page.locator("[data-testid=stSidebar]")
                await sidebar.get_by_role("radio", name=label, exact=True).click()
            else:  # another page, inside the same session
                path = PATHS[step % len(PATHS)]
                await page.locator(f"[data-testid=stSidebarNav] a[href$='{path}']").first.click()
            await _settle(page)
            try:
                await page.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for(
                    timeout=LOAD_TIMEOUT_MS
                )
            except Exception:
                notices = await page.locator("[data-testid=stAlert]").all_inner_texts()
                errors.append(f"session {index}: no chart on {page.url}; notices {notices}")
                raise
            times.append(time.monotonic() - started)
            if await page.locator("[data-testid=stException]").count():
                errors.append(f"session {index}: error box on {page.url}")
    except Exception as exc:  # every failure is counted, not fatal to the other sessions
        errors.append(f"session {index}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()


async def run(
    sessions: int, seconds: float, base: str, think: float = 0.0
) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    times: list[float] = []
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
                _session(browsers[i // SESSIONS_PER_BROWSER], base, i, until, think, times, errors)
                for i in range(sessions)
            )
        )
        for browser in browsers:
            await browser.close()
    return times, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--scale", type=float, default=0.03)
    parser.add_argument(
        "--think", type=float, default=0.0, help="Mean seconds a session waits between changes."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="1g1p-load-") as name:
        directory = Path(name)
        harness.build_store(directory, scale=args.scale)
        with harness.app_server(directory) as base:
            started = time.monotonic()
            times, errors = asyncio.run(run(args.sessions, args.seconds, base, args.think))
            wall = time.monotonic() - started
    ordered = sorted(times)
    median = statistics.median(ordered) if ordered else float("nan")
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else float("nan")
    print(
        f"sessions={args.sessions} seconds={args.seconds:.0f} think={args.think:g}s "
        f"wall={wall:.0f}s"
    )
    print(f"page changes={len(times)} errors={len(errors)}")
    print(f"median={median * 1000:.0f} ms p95={p95 * 1000:.0f} ms max={ordered[-1] * 1000:.0f} ms")
    for error in errors[:10]:
        print("ERROR", error)


if __name__ == "__main__":
    main()
