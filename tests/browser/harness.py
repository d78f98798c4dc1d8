"""Start the real app on a demo store and drive it with Debian's Chromium (tests and load.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Debian's browser with everything that would reach the network switched off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
PSEUDONYM_KEY = "browser-test"
# Streamlit renders over a websocket; on a busy 2-core CI machine a page can take a minute.
TIMEOUT_MS = 120_000


def build_store(directory: Path, scale: float = 0.03) -> None:
    """A small synthetic demo store (about 10.000 rows at 0.03) in `directory` (SQLite)."""
    from data_access.settings import Settings
    from data_access.store.engine import make_engine
    from demo.build import build_demo

    settings = Settings(
        data_dir=directory,
        database_url=f"sqlite:///{directory / 'monitor.db'}",
        pseudonym_key=PSEUDONYM_KEY,
    )
    engine = make_engine(settings)
    build_demo(engine, settings, scale=scale)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(directory: Path, auth_mode: str = "demo") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MONITOR_DATABASE_URL"}}
    env.update(
        MONITOR_DATA_DIR=str(directory),
        MONITOR_PSEUDONYM_KEY=PSEUDONYM_KEY,
        MONITOR_AUTH_MODE=auth_mode,
        MONITOR_AUTO_DEMO="false",
    )
    return env


@contextmanager
def app_server(
    directory: Path,
    *,
    port: int | None = None,
    auth_mode: str = "demo",
    args: tuple[str, ...] = (),
) -> Iterator[str]:
    """`python -m ui.serve` on a loopback port (a free one unless given), with extra Streamlit
    `args`; yields its base URL, kills it afterwards."""
    port = port or free_port()
    log = (directory / "app.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ui.serve",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            # Everything else from the committed .streamlit/config.toml, found from cwd=ROOT.
            *args,
        ],
        cwd=ROOT,
        env=app_env(directory, auth_mode),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"app server did not start: {(directory / 'app.log').read_text()[-2000:]}"
                )
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def launch(playwright: Any) -> Any:
    """Headless Debian Chromium; never a downloaded browser."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def settle(page: Any, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the script run triggered by the last action has finished and rendered."""
    app = page.locator("[data-testid=stApp]")
    app.wait_for(timeout=timeout)
    # A rerun starts a moment after the click; give it that moment before waiting for the end.
    page.wait_for_timeout(150)
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout
    )
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached", timeout=timeout)
    page.wait_for_selector("h1", timeout=timeout)


def open_app(page: Any, base: str) -> None:
    page.goto(base + "/", timeout=TIMEOUT_MS)
    settle(page)


def choose_user(page: Any, label: str) -> None:
    """Pick a demo user in the sidebar's Demogebruiker selectbox."""
    page.get_by_role("combobox", name="Demogebruiker").click()
    page.get_by_role("option", name=label, exact=True).click()
    settle(page)


def expand_nav(page: Any) -> None:
    """Show every page link: past ten pages Streamlit folds the rest under 'View n more'."""
    more = page.locator("[data-testid=stSidebarNavViewButton]", has_text="more")
    if more.count():
        more.first.click()
        page.wait_for_selector("[data-testid=stSidebarNavViewButton]:has-text('less')")


def nav_paths(page: Any) -> list[str]:
    """The pages the sidebar offers the current reader, as URL paths ('/' is Overzicht)."""
    expand_nav(page)
    hrefs: list[str] = page.locator("[data-testid=stSidebarNav] a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )
    return hrefs


def go(page: Any, path: str) -> None:
    """Navigate inside the session (a full reload would start a new session and lose the role)."""
    expand_nav(page)
    page.locator(f"[data-testid=stSidebarNav] a[href$='{path}']").first.click()
    # Compare paths only: a page may carry query parameters (the report's stable ?regio= link).
    page.wait_for_url(lambda url: urlparse(url).path.endswith(path), timeout=TIMEOUT_MS)
    settle(page)


def set_granularity(page: Any, label: str) -> None:
    """Switch the shared 'Periode per' filter (Maand / Kwartaal)."""
    page.locator("[data-testid=stSidebar]").get_by_role("radio", name=label, exact=True).click()
    settle(page)
