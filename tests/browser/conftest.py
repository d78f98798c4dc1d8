"""Browser fixtures: one demo store and one app server per session, Debian's Chromium headless."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import harness

SKIP_REASON = (
    "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium) and "
    "the playwright package"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here `browser`; skip them with a reason where they cannot run."""
    try:
        import playwright  # noqa: F401

        missing = not harness.CHROMIUM.exists()
    except ImportError:
        missing = True
    # The app server always runs on its own SQLite store: one browser run per CI job is enough.
    on_server = os.environ.get("DATABASE_URL", "").startswith("postgresql")
    for item in items:
        if Path(str(item.fspath)).parent != Path(__file__).parent:
            continue
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
        elif on_server:
            item.add_marker(pytest.mark.skip(reason="browser tests run once, in the SQLite job"))


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The real app (`python -m ui.serve`) on a fresh small demo store, on a loopback port."""
    # Its own directory, not pytest's basetemp: parallel pytest runs prune each other's.
    with tempfile.TemporaryDirectory(prefix="1g1p-browser-") as name:
        directory = Path(name)
        harness.build_store(directory)
        with harness.app_server(directory) as base:
            yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    # Auto-retrying assertions wait as long as any other step on a busy CI machine.
    expect.set_options(timeout=harness.TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = harness.launch(playwright)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Any:
    """Keep what the browser showed when a browser test fails: a screenshot, and the page's
    text in the report (CI keeps the log, not always the artefacts)."""
    report = yield
    tab = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and tab is not None:
        directory = harness.ARTIFACTS / "screenshots"
        directory.mkdir(parents=True, exist_ok=True)
        name = "".join(ch if ch.isalnum() else "-" for ch in item.name)
        try:
            tab.screenshot(path=str(directory / f"FAILED-{name}.png"), full_page=True)
            shown = tab.locator("[data-testid=stApp]").inner_text(timeout=5_000)
        except Exception as exc:  # the page may be gone: report that instead
            shown = f"(niet leesbaar: {exc})"
        report.sections.append(("what the browser showed", f"{tab.url}\n{shown[:4000]}"))
    return report


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh browser session (its own Streamlit session) with a tall viewport for screenshots."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 2600}, accept_downloads=True, locale="nl-BE"
    )
    tab = context.new_page()
    tab.set_default_timeout(harness.TIMEOUT_MS)
    harness.open_app(tab, app_url)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    directory = harness.ARTIFACTS / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory
