"""What a person sees in Chromium: every page as every demo role, filters, upload and download."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser import axe, harness, shown

pytestmark = pytest.mark.browser

ROLES = {
    "beheerder": "Beheerder",
    "trekkersgroep": "Trekkersgroep",
    "stuurgroep": "Stuurgroep Konekti",
    "critical-friend": "Critical friend Gent en Waas-Dender",
}
FIGURE_PAGES = {
    "/": "Overzicht",
    "/intakes": "Aanmeldingen",
    "/response_time": "Tijdige opname",
    "/referrers": "Aanmelders",
    "/volume": "Volumeafspraken GV/SDJ",
    "/staffing": "Personeelsinzet",
    "/reach": "Bereik en trajecten",
    "/compare": "Regio's vergelijken",
}
ADMIN_PAGES = {
    "/import": "Importeren",
    "/profiles": "Bronprofiel maken",
    "/users": "Gebruikers en audit",
}
CHART = "[data-testid=stPlotlyChart] .main-svg"
NUMBER = re.compile(r"\d")


def _check_page(page: Any, path: str) -> str:
    """Title, demo banner and no error box; returns the title."""
    title = page.locator("h1").first.inner_text().strip()
    assert title, f"{path}: no title"
    assert page.locator("[data-testid=stException]").count() == 0, (
        f"{path}: {page.locator('[data-testid=stException]').first.inner_text()[:500]}"
    )
    assert "Traceback" not in page.locator("[data-testid=stMain]").inner_text()
    banner = page.locator("[data-testid=stAlert]", has_text="Demomodus")
    expect(banner, f"{path}: no demo banner").to_have_count(1)
    return title


def _shot(page: Any, directory: Path, role: str, path: str) -> None:
    """The whole page: Streamlit scrolls inside its main area, so the window is made as tall as
    that area's content for the picture (a full-page shot would stop at the window)."""
    name = path.strip("/") or "overview"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stSidebarContent'].map("
        "id => document.querySelector(`[data-testid=${id}]`)?.scrollHeight || 0))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(height + 40, 16_000)})
    page.wait_for_timeout(200)
    page.screenshot(path=str(directory / f"{role}-{name}.png"))
    page.set_viewport_size(size)


def _open_sections(page: Any) -> None:
    """Open what is drawn only when opened: every expander, every tab (the last one stays)."""
    closed = page.locator("[data-testid=stExpander] details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()
    for tab in page.locator("[data-testid=stTabs] [role=tab]").all():
        tab.click()
    page.wait_for_timeout(300)  # what is inside draws


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_reads_whole_and_dutch_for_every_role(
    page: Any, role: str, screenshots: Path
) -> None:
    """Each page the role is offered shows its title, the demo banner and no error box; figure
    pages draw a chart; only the beheerder gets the admin pages. With every expander and tab
    open, no page shows framework English (text, aria-label, title), a raw code, True/False,
    a raw timestamp, '<5' in a percentage column or a label cut off with '…', and axe-core
    finds no serious or critical WCAG 2.1 AA violation. A screenshot is kept of each."""
    harness.choose_user(page, ROLES[role])
    paths = harness.nav_paths(page)
    assert set(FIGURE_PAGES) <= set(paths), paths
    assert (set(ADMIN_PAGES) <= set(paths)) == (role == "beheerder"), paths
    assert ("/feedback" in paths) == (role != "trekkersgroep"), paths
    problems: dict[str, Any] = {}
    for path in paths:
        harness.go(page, path)
        title = _check_page(page, path)
        if path in FIGURE_PAGES:
            assert title == FIGURE_PAGES[path]
            page.locator(CHART).first.wait_for(timeout=harness.TIMEOUT_MS)
        elif path in ADMIN_PAGES:
            assert title == ADMIN_PAGES[path]
        _open_sections(page)
        found = shown.findings(page.evaluate(shown.READ_JS))
        if found:
            problems[f"{path} (tekst)"] = found.report()
        violations = axe.violations(page)
        if violations:
            problems[f"{path} (axe)"] = violations
        _shot(page, screenshots, role, path)
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)[:6000]


def test_the_overview_shows_key_figures(page: Any) -> None:
    """The Overzicht opens by default with the key figures as numbers and a rendered chart."""
    assert page.locator("h1").first.inner_text() == "Overzicht"
    metric = page.locator("[data-testid=stMetric]", has_text="Aanmeldingen").first
    value = metric.locator("[data-testid=stMetricValue]").inner_text()
    assert NUMBER.search(value), value
    page.locator(CHART).first.wait_for()
    assert page.locator(".js-plotly-plot").count() >= 1


def test_switching_to_quarters_redraws_the_page(page: Any, screenshots: Path) -> None:
    """Maand → Kwartaal replaces the month slider by a quarter slider and redraws the chart."""
    harness.go(page, "/intakes")
    sidebar = page.locator("[data-testid=stSidebar]")
    # Auto-retrying assertions: a page's sidebar is drawn by its own run, which may still be
    # sending its elements when the run state first reads as finished on a loaded machine.
    expect(sidebar.get_by_text("Maanden", exact=True)).to_have_count(1)
    harness.set_granularity(page, "Kwartaal")
    expect(sidebar.get_by_text("Kwartalen", exact=True)).to_have_count(1)
    expect(sidebar.get_by_text("Maanden", exact=True)).to_have_count(0)
    _check_page(page, "/intakes")
    page.locator(CHART).first.wait_for()
    expect(sidebar).to_contain_text(re.compile(r"20\d\d K[1-4]"))
    _shot(page, screenshots, "beheerder", "intakes-kwartaal")
    # The choice is kept across pages of the same session.
    harness.go(page, "/response_time")
    expect(sidebar.get_by_text("Kwartalen", exact=True)).to_have_count(1)


def test_the_map_draws_every_zone_from_the_app_alone(page: Any, app_url: str) -> None:
    """The map on Regio's vergelijken draws all 57 ELZ as SVG shapes, and everything it asks
    for (plotly's world outline included) comes from the app itself: an outline fetched from
    plotly's CDN would fail in a closed network and leave the map empty."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    harness.go(page, "/compare")
    zones = page.locator("[data-testid=stPlotlyChart] .choroplethlocation")
    expect(zones).to_have_count(57, timeout=harness.TIMEOUT_MS)
    assert page.locator("[data-testid=stPlotlyChart] canvas").count() == 0  # no WebGL map
    origin = urlparse(app_url)
    assert [url for url in asked if urlparse(url).netloc != origin.netloc] == []
    assert any(url.endswith("/app/static/topojson/world_110m.json") for url in asked), asked


def test_a_csv_export_downloads_the_shown_table(page: Any) -> None:
    """'CSV downloaden' gives a ';'-separated file for Excel with the table's Dutch headers."""
    harness.go(page, "/intakes")
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV downloaden").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    header = next(line for line in text.splitlines() if not line.startswith("#"))
    assert ";" in header and "Regio" in header, header
    assert len(text.splitlines()) > 3


def test_the_quarterly_report_downloads_as_a_pdf(page: Any) -> None:
    """The page shows the report's key figures; 'PDF downloaden' makes the whole report when
    pressed: a PDF that names the region and the quarter shown."""
    harness.choose_user(page, ROLES["stuurgroep"])
    harness.go(page, "/report")
    title = page.locator("h3", has_text="Kwartaalrapport Konekti").inner_text()
    with page.expect_download() as info:
        page.get_by_role("button", name="PDF downloaden").click()
    download = info.value
    assert download.suggested_filename.startswith("kwartaalrapport-KON-")
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    quarter = title.split("— ")[-1]
    assert "Konekti" in text and quarter in text, (quarter, text[:300])


UNIFORM_HEADER = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners"
)


def uniform_csv(tag: str, rows: int = 2) -> bytes:
    """A small valid uniform file; `tag` makes its content (and so its hash) unique."""
    lines = [UNIFORM_HEADER] + [
        f"BT-{tag}-{i},F{i},KON,34022,aanmelding,2024-01-1{i % 10},2024-01-2{i % 10},,CLB,"
        "OPVOEDING,GEZINSPLAN,,9,"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def upload(page: Any, name: str, data: bytes) -> None:
    """Upload a file on the import page (as beheerder) and press Importeren."""
    harness.go(page, "/import")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    settle_button = page.get_by_role("button", name="Importeren", exact=True)
    settle_button.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.trim() === 'Importeren' && !b.disabled)"
    )
    settle_button.click()
    harness.settle(page)
    page.locator("[data-testid=stAlert]", has_text="rijen gelezen").first.wait_for(timeout=120_000)


def test_a_beheerder_uploads_a_file(page: Any, screenshots: Path) -> None:
    """A uniform CSV uploaded on Importeren is read whole; its counts and batch are shown."""
    upload(page, "browser-upload.csv", uniform_csv("upload", rows=3))
    main = page.locator("[data-testid=stMain]")
    summary = main.locator("[data-testid=stAlert]", has_text="rijen gelezen").first.inner_text()
    assert "browser-upload.csv" in summary
    assert "3 rijen gelezen, 3 aanvaard" in summary
    gelezen = page.locator("[data-testid=stMetric]", has_text="Gelezen")
    assert gelezen.locator("[data-testid=stMetricValue]").inner_text() == "3"
    _check_page(page, "/import")
    _shot(page, screenshots, "beheerder", "import-after-upload")
