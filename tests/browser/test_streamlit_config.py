"""What .streamlit/config.toml promises, seen in Chromium: no Deploy, no statistics, no side exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser import harness

pytestmark = pytest.mark.browser


def test_the_browser_talks_only_to_the_app(browser: Any, app_url: str, screenshots: Path) -> None:
    """From the first request on, the page contacts no host but the app: no usage statistics
    (Streamlit would fetch its metrics config from its own servers) and no third-party icon.
    Its toolbar has no Deploy button and no developer menu."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200}, locale="nl-BE")
    tab = context.new_page()
    tab.set_default_timeout(harness.TIMEOUT_MS)
    hosts: set[str] = set()
    tab.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    harness.open_app(tab, app_url)
    harness.go(tab, "/intakes")
    tab.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for()
    assert hosts == {urlparse(app_url).netloc}
    assert tab.locator("[data-testid=stAppDeployButton]").count() == 0
    assert tab.locator("[data-testid=stMainMenu]").count() == 0
    tab.screenshot(path=str(screenshots / "config-toolbar.png"))
    context.close()


def test_a_table_offers_only_the_audited_downloads(page: Any) -> None:
    """A table has no download of its own (it would skip the audit trail and the formula
    neutralisation): hovering it offers no 'Download as CSV'; the page's CSV and XLSX buttons
    are there."""
    harness.go(page, "/intakes")
    page.locator(".monitor-table").first.hover()
    page.wait_for_timeout(300)
    toolbar = page.locator("[data-testid=stElementToolbarButton] button")
    labels = toolbar.evaluate_all("buttons => buttons.map(b => b.getAttribute('aria-label'))")
    assert not {"Download as CSV", "Downloaden als CSV"} & set(labels)
    assert page.get_by_role("button", name="CSV downloaden").count() >= 1
    assert page.get_by_role("button", name="XLSX downloaden").count() >= 1
