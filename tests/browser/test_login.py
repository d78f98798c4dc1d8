"""Login through st.login against a real OIDC provider on loopback, in Chromium."""

from __future__ import annotations

import secrets
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import harness

pytestmark = pytest.mark.browser

STUURGROEP = "an.peeters@konekti.be"
UNKNOWN = "onbekend@example.be"
REPOSITORY_SECRETS = harness.ROOT / ".streamlit" / "secrets.toml"
FIGURES = "[data-testid=stMetric], [data-testid=stPlotlyChart], .monitor-table"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """oidc-provider-mock, a real OpenID Connect provider (any client id and secret; the login
    form asks for the subject, whose e-mail claim is the subject itself) on a loopback port."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def oidc_app(provider: str) -> Iterator[tuple[str, Path]]:
    """The real app in OIDC mode on a small demo store with one stuurgroep user made by the
    CLI; its secrets in a temporary file passed with --secrets.files, never in the repository.
    Yields the app's URL, on exactly the host of redirect_uri (the login's cookies are bound
    to it), and the store file."""
    assert not REPOSITORY_SECRETS.exists()
    with tempfile.TemporaryDirectory(prefix="1g1p-oidc-") as name:
        directory = Path(name)
        harness.build_store(directory, scale=0.01)
        subprocess.run(
            [
                str(Path(sys.executable).with_name("1g1p")),
                *("users", "add", STUURGROEP, "--role", "stuurgroep", "--region", "KON"),
                *("--name", "An Peeters"),
            ],
            env=harness.app_env(directory, "oidc"),
            cwd=harness.ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
        port = harness.free_port()
        base = f"http://localhost:{port}"
        secrets_file = directory / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{base}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "monitor-test"\n'
            f'client_secret = "{secrets.token_hex(16)}"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        )
        with harness.app_server(
            directory,
            port=port,
            auth_mode="oidc",
            args=("--secrets.files", str(secrets_file)),
        ):
            yield base, directory / "monitor.db"
    assert not REPOSITORY_SECRETS.exists()


@pytest.fixture
def tab(browser: Any, oidc_app: tuple[str, Path]) -> Iterator[Any]:
    """A fresh browser session (no cookies) on the app's login page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(harness.TIMEOUT_MS)
    page.goto(oidc_app[0] + "/")
    _settle(page)
    yield page
    context.close()


def _settle(page: Any) -> None:
    """Wait for the end of the script run (a refused reader's page has no title to wait for)."""
    page.locator("[data-testid=stApp]").wait_for()
    page.wait_for_timeout(150)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached")


def _log_in(page: Any, app: str, email: str) -> None:
    """Aanmelden → the provider's form → back at the app as `email`."""
    expect(page.get_by_text("Meld je aan met je account van de organisatie.")).to_be_visible()
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(lambda url: "/oauth2/authorize" in url)
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda url: urlparse(url).netloc == urlparse(app).netloc)
    _settle(page)


def _audit(store: Path, actor: str) -> list[str]:
    with sqlite3.connect(store) as conn:
        rows = conn.execute(
            "SELECT action FROM audit_event WHERE actor = ? ORDER BY id", (actor,)
        ).fetchall()
    return [action for (action,) in rows]


def test_a_stuurgroep_user_sees_their_scope_and_logs_out(
    tab: Any, oidc_app: tuple[str, Path], screenshots: Path
) -> None:
    """Logged in through the provider, the stuurgroep of Konekti is named in the sidebar, sees
    figures, gets only Konekti's quarterly report and downloads a table under their own name in
    the audit trail; after Afmelden the app asks for a login again, also on a fresh load."""
    app, store = oidc_app
    _log_in(tab, app, STUURGROEP)
    sidebar = tab.locator("[data-testid=stSidebar]")
    expect(sidebar).to_contain_text("Aangemeld als An Peeters · Stuurgroep (Konekti)")
    expect(tab.locator("h1").first).to_have_text("Overzicht")
    tab.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for()
    value = tab.locator("[data-testid=stMetricValue]").first.inner_text()
    assert any(ch.isdigit() for ch in value), value
    assert _audit(store, STUURGROEP) == ["aanmelding"]
    tab.screenshot(path=str(screenshots / "oidc-stuurgroep.png"), full_page=True)

    harness.go(tab, "/report")
    expect(tab.locator("h3", has_text="Kwartaalrapport Konekti")).to_have_count(1)
    regions = tab.locator("[data-testid=stMain]").get_by_role("combobox", name="Regio", exact=True)
    regions.click()
    expect(tab.get_by_role("option")).to_have_text(["Konekti"])
    tab.keyboard.press("Escape")

    harness.go(tab, "/intakes")
    with tab.expect_download():
        tab.get_by_role("button", name="CSV downloaden").first.click()
    assert _audit(store, STUURGROEP) == ["aanmelding", "export"]

    tab.locator("[data-testid=stSidebar]").get_by_role("button", name="Afmelden").click()
    # Streamlit ends the session at the provider too (its end_session_endpoint), which asks to
    # confirm and then sends the browser back to the app.
    tab.wait_for_url(lambda url: urlparse(url).path == "/oauth2/end_session")
    tab.get_by_role("button", name="End session").click()
    tab.wait_for_url(lambda url: urlparse(url).netloc == urlparse(app).netloc)
    _settle(tab)
    expect(tab.get_by_role("button", name="Aanmelden")).to_be_visible()
    assert tab.locator(FIGURES).count() == 0
    tab.goto(app + "/intakes")
    _settle(tab)
    expect(tab.get_by_role("button", name="Aanmelden")).to_be_visible()
    assert tab.locator(FIGURES).count() == 0
    assert "Aangemeld als" not in tab.locator("[data-testid=stApp]").inner_text()


def test_an_unknown_email_sees_only_a_message(
    tab: Any, oidc_app: tuple[str, Path], screenshots: Path
) -> None:
    """A login the provider accepts but the store does not know shows why, and no figure on
    any page."""
    app, store = oidc_app
    _log_in(tab, app, UNKNOWN)
    expect(
        tab.locator("[data-testid=stAlert]", has_text=f"Geen toegang voor {UNKNOWN}")
    ).to_be_visible()
    assert tab.locator(FIGURES).count() == 0
    tab.screenshot(path=str(screenshots / "oidc-unknown.png"), full_page=True)
    tab.goto(app + "/intakes")
    _settle(tab)
    expect(tab.locator("[data-testid=stAlert]", has_text="Geen toegang")).to_be_visible()
    assert tab.locator(FIGURES).count() == 0
    assert "Aangemeld als" not in tab.locator("[data-testid=stApp]").inner_text()
    assert _audit(store, UNKNOWN) == []
