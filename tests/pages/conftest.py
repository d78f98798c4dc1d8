"""AppTest fixtures: the real pages on a small real demo store (or an empty one)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from data_access.bootstrap import prepare_store
from data_access.settings import Settings, get_settings
from data_access.store.engine import make_engine
from demo.build import build_demo
from tests.conftest import built_once
from ui.render import TABLE_CLASS

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "")
DEMO_SCALE = 0.03
TODAY = date.today()


def _store_url(directory: Path) -> Iterator[str]:
    if SERVER_URL.startswith("postgresql"):
        server = SERVER_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        name = f"app_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{server.rsplit('/', 1)[0]}/{name}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{directory / 'monitor.db'}"


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A store holding a small synthetic demo (about 4.500 registrations), built once."""

    def settings_in(directory: Path, url: str | None = None) -> Settings:
        url = url or f"sqlite:///{directory / 'monitor.db'}"
        return Settings(data_dir=directory, database_url=url, pseudonym_key="app-test")

    def build(settings: Settings) -> None:
        engine = make_engine(settings)
        build_demo(engine, settings, scale=DEMO_SCALE, today=TODAY)
        engine.dispose()

    if not SERVER_URL.startswith("postgresql"):
        yield settings_in(
            built_once(tmp_path_factory, "demo-store", lambda d: build(settings_in(d)))
        )
        return
    directory = tmp_path_factory.mktemp("demo-store")
    for url in _store_url(directory):
        settings = settings_in(directory, url)
        build(settings)
        yield settings


@pytest.fixture
def empty_settings(tmp_path: Path) -> Iterator[Settings]:
    """A migrated store with reference data and no imports, where no demo is built."""
    for url in _store_url(tmp_path):
        settings = Settings(
            data_dir=tmp_path, database_url=url, pseudonym_key="app-test", auto_demo=False
        )
        engine = make_engine(settings)
        prepare_store(engine)
        engine.dispose()
        yield settings


# The settings of the store whose engine and service the process-wide resources (ui.store)
# hold now, if any.
_serving: Settings | None = None


def _use(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app at `settings`' store. Tests on the same store share its engine and service,
    as the sessions of one server process do (the service keys what it keeps by data version
    and scope); another store starts from nothing."""
    global _serving
    monkeypatch.setenv("MONITOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.url)
    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", settings.pseudonym_key or "")
    monkeypatch.setenv("MONITOR_AUTO_DEMO", "true" if settings.auto_demo else "false")
    monkeypatch.setenv("MONITOR_AUTH_MODE", "demo")
    get_settings.cache_clear()
    if settings != _serving:
        forget_the_store()
        _serving = settings


def forget_the_store() -> None:
    """Drop the process-wide engine and service: the next page run makes them anew."""
    global _serving
    st.cache_resource.clear()
    st.cache_data.clear()
    _serving = None


PageOpener = Callable[..., AppTest]
PAGE_FILES = {path.stem: path for path in (ROOT / "pages").glob("*/*.py")}


@pytest.fixture
def open_page(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[PageOpener]:
    """Run a page of the real app on the demo store: open_page("intakes")."""
    _use(demo_settings, monkeypatch)
    yield _opener(monkeypatch)
    get_settings.cache_clear()


def _opener(monkeypatch: pytest.MonkeyPatch) -> PageOpener:
    """open(name) runs a page in demo mode (as demo_user=email if given); open(name,
    as_user=email) as that user logged in through OIDC (the user must exist in the store)."""

    def opener(name: str, as_user: str | None = None, demo_user: str | None = None) -> AppTest:
        # An indicator without widgets of its own runs on the shared figure page.
        script = PAGE_FILES.get(name, PAGE_FILES["indicator"])
        at = AppTest.from_file(str(script), default_timeout=90)
        at.session_state["_indicator"] = name
        if demo_user is not None:
            at.session_state["demogebruiker"] = demo_user
        if as_user is not None:
            monkeypatch.setenv("MONITOR_AUTH_MODE", "oidc")
            get_settings.cache_clear()
            at.user = {"is_logged_in": True, "email": as_user, "name": as_user}
        return at.run()

    return opener


@pytest.fixture
def open_empty_page(
    empty_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PageOpener]:
    """Run a page of the real app on a store without any registration."""
    _use(empty_settings, monkeypatch)
    yield _opener(monkeypatch)
    get_settings.cache_clear()
    forget_the_store()  # an empty store is made for one test only


@pytest.fixture
def unpaged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables shown whole, not a page of 25 rows at a time: for tests that compare a whole table
    (paging itself is tested in test_cli_equals_page.py)."""
    monkeypatch.setattr("ui.render.PAGE_ROWS", 100_000)


class _TableReader(HTMLParser):
    """The rows of an HTML table as text, headers first (character references undone)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_table(markup: str) -> pd.DataFrame:
    """The table ui.render.html_table wrote, as a reader reads it: an empty cell is None."""
    reader = _TableReader()
    reader.feed(markup)
    header, *rows = reader.rows
    return pd.DataFrame([[v or None for v in row] for row in rows], columns=header)


def shown_tables(at: AppTest) -> list[pd.DataFrame]:
    """The page's published tables, in page order, headers and cells as a reader reads them."""
    marker = f'class="{TABLE_CLASS}"'
    return [read_table(e.proto.body) for e in at.get("html") if marker in e.proto.body]


def frame_with(at: AppTest, *columns: str, index: int = 0):  # type: ignore[no-untyped-def]
    """The `index`-th table on the page whose header holds these columns (a chart's data table
    sits in its expander beside the page's tables, so position alone no longer says which)."""
    found = [frame for frame in shown_tables(at) if set(columns) <= set(frame.columns)]
    assert len(found) > index, f"no table with {columns} on the page"
    return found[index]
