"""The whole app: navigation, first start on an empty store, and the demo banner."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from data_access.access import reads
from data_access.bootstrap import has_imports
from data_access.settings import Settings, get_settings
from data_access.store.engine import make_engine
from demo import startup
from reports.service import Service
from tests import scopes
from tests.pages.conftest import PAGE_FILES, ROOT, PageOpener, forget_the_store, shown_tables


def test_navigation_lists_the_dutch_pages(open_page: PageOpener) -> None:
    """app.py opens Overzicht by default and every page title is Dutch."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert not list((ROOT / "pages").glob("*.py")), "page scripts belong in sub-folders (app.py)"
    titles = [entry.title for entry in Service.pages()]
    assert titles[0] == "Overzicht"
    assert {
        "Aanmeldingen",
        "Tijdige opname",
        "Aanmelders",
        "Volumeafspraken GV/SDJ",
        "Personeelsinzet",
        "Bereik en trajecten",
        "Betrokken organisaties",
        "Regio's vergelijken",
    } <= set(titles)
    for title in ["Kwartaalrapport", "Datakwaliteit", "Importeren", "Gebruikers en audit"]:
        assert f'title="{title}"' in source


def test_every_page_shows_the_demo_banner(open_page: PageOpener) -> None:
    """On a demo store each page says it shows synthetic data."""
    at = open_page("intakes")
    assert any("Demomodus" in w.value for w in at.warning)


def test_first_start_on_an_empty_store_builds_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page opened on an empty embedded store (no `./run app` prepared it) starts the demo
    build beside the server, shows its progress while it runs, then synthetic figures."""
    monkeypatch.setenv("MONITOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'monitor.db'}")
    monkeypatch.setenv("MONITOR_DEMO_SCALE", "0.01")
    monkeypatch.setenv("MONITOR_AUTO_DEMO", "true")
    get_settings.cache_clear()
    forget_the_store()
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'monitor.db'}")
    at = AppTest.from_file(str(PAGE_FILES["indicator"]), default_timeout=180)
    at.session_state["_indicator"] = "intakes"
    at.run()
    assert not at.exception
    state = startup.status(settings)
    assert state is not None and state.demo and state.data_ready
    assert state.ready_after_s is not None
    engine = make_engine(settings)
    assert has_imports(engine)
    assert reads.registrations(engine, scopes.everything()).height > 500
    assert any("Demomodus" in w.value for w in at.warning)
    assert shown_tables(at), "figures appear after the demo was built"
    deadline = time.monotonic() + 120
    while (state := startup.status(settings)) is not None and state.alive:
        assert time.monotonic() < deadline, state
        time.sleep(0.5)  # the quality run ends before the test's directory goes
    assert state is not None and state.phase == startup.DONE
    engine.dispose()
    get_settings.cache_clear()
    forget_the_store()


def test_an_engine_the_cache_lets_go_closes_its_connections(
    open_empty_page: PageOpener,
) -> None:
    """Cleared from Streamlit's cache, the UI's engine closes its pooled connections at once (a
    dropped PostgreSQL database would otherwise log their errors later, from any thread)."""
    from ui import store

    engine = store.engine()
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    pool = engine.pool
    assert pool.checkedin() == 1

    forget_the_store()

    assert engine.pool is not pool  # disposed: a new, empty pool
    assert pool.checkedin() == 0
    assert store.engine() is not engine
