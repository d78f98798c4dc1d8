"""Hostile input seen in Chromium: HTML and SQL in names and notes are shown as text, never run."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser import harness
from tests.browser.test_pages import ROLES, uniform_csv, upload
from ui import chrome

pytestmark = pytest.mark.browser

SCRIPT_NAME = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>.csv'
SQL = "x'); DROP TABLE registration; --"


def _not_executed(page: Any) -> None:
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator("[data-testid=stMain] img[src=x]").count() == 0
    # The only script in the page is the app's own Dutch chrome (ui/chrome.js), verbatim.
    own = chrome._snippet().split("<script>", 1)[1].rsplit("</script>", 1)[0]
    scripts = page.locator("[data-testid=stMain] script").evaluate_all(
        "scripts => scripts.map(s => s.textContent)"
    )
    assert [text for text in scripts if text != own] == []


def test_an_html_file_name_is_shown_as_text(page: Any, screenshots: Path) -> None:
    """An uploaded file named with HTML and a script is imported and its name shown literally."""
    upload(page, SCRIPT_NAME, uniform_csv("html-name"))
    summary = page.locator("[data-testid=stAlert]", has_text="rijen gelezen").first.inner_text()
    assert "2 rijen gelezen" in summary
    assert "window.__pwned" in summary  # shown (escaped or as text), not interpreted
    _not_executed(page)
    page.screenshot(path=str(screenshots / "hostile-upload-name.png"), full_page=True)


def test_a_feedback_note_with_html_and_sql_is_stored_as_text(page: Any, screenshots: Path) -> None:
    """A critical friend's note full of HTML and SQL is saved as a version and shown as text."""
    harness.choose_user(page, ROLES["critical-friend"])
    harness.go(page, "/feedback")
    page.get_by_role("combobox", name="Kwartaal").click()
    page.get_by_role("option", name="2025 K1", exact=True).click()
    harness.settle(page)
    markdown = "**vet** [klik](http://x.be) www.x.be a@x.be :smile: :red[rood] $x$ # kop"
    note = (
        f'<script>window.__pwned=3</script><img src=x onerror="window.__pwned=4"> {SQL} {markdown}'
    )
    page.get_by_label("Nieuwe versie van de feedback").fill(note)
    page.get_by_role("button", name="Bewaren als nieuwe versie").click()
    harness.settle(page)
    page.locator("[data-testid=stAlert]", has_text="bewaard").first.wait_for()
    _not_executed(page)
    # The notes table shows the note as written: no tag, link, emphasis, emoji or formula.
    cell = page.locator(".monitor-table td", has_text="DROP TABLE").first
    assert cell.inner_text() == note
    assert cell.locator("a, img, script, strong, em, h1, .katex, span[class*=Icon]").count() == 0
    # Its CSV export shows what was stored: the text, verbatim.
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV downloaden").first.click()
    exported = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "<script>window.__pwned=3</script>" in exported
    assert "DROP TABLE registration" in exported
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(screenshots / "hostile-feedback.png"), full_page=True)
    # The store survived the SQL fragment: every figure page still draws.
    harness.go(page, "/intakes")
    page.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for()


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/app/static/../../../../etc/passwd",
        "/app/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/component/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/media/..%2f..%2fetc%2fpasswd",
    ],
)
def test_path_traversal_urls_serve_no_files(app_url: str, path: str) -> None:
    """URLs that climb out of the app's directories never return a file from the system."""
    try:
        with urllib.request.urlopen(app_url + path, timeout=10) as answer:
            body = answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        assert exc.code in {400, 403, 404}
        return
    assert "root:" not in body
