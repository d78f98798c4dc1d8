"""Two app processes behind nginx (deploy/two-processes.sh): sticky routes, one shared store."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from benchmarks.protocol import Session
from benchmarks.servers import free_port
from data_access.settings import Settings
from data_access.store.engine import make_engine
from demo.build import build_demo
from indicators.formatting import month_label
from tests.conftest import server_database
from tests.corpus.corpus import uniform_row, uniform_text

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "two-processes.sh"
NGINX_PORT = 8890
UPSTREAM = "X-Monitor-Upstream"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small demo store on a fresh PostgreSQL database, served by the script's two
    processes behind nginx; yields nginx's URL and stops everything afterwards."""
    directory = tmp_path_factory.mktemp("two-processes")
    with server_database() as url:
        assert url is not None
        settings = Settings(data_dir=directory / "data", database_url=url, pseudonym_key="deploy")
        engine = make_engine(settings)
        build_demo(engine, settings, scale=0.02)
        engine.dispose()
        first = free_port()
        ports = f"{first} {free_port(range(first + 1, 8831))}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "MONITOR_DATA_DIR": str(settings.data_dir),
            "MONITOR_PSEUDONYM_KEY": "deploy",
            "MONITOR_AUTO_DEMO": "false",
            "APP_PORTS": ports,
            "NGINX_PORT": str(NGINX_PORT),
        }
        run_dir = directory / "run"
        started = subprocess.run(
            [str(SCRIPT), "start", str(run_dir)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        try:
            assert started.returncode == 0, started.stdout + started.stderr
            yield f"http://127.0.0.1:{NGINX_PORT}"
        finally:
            subprocess.run([str(SCRIPT), "stop", str(run_dir)], env=env, check=False, timeout=120)


def test_each_browser_stays_with_one_process_and_both_get_browsers(cluster: str) -> None:
    """nginx sets a route cookie on the first answer; every later request with it goes to the
    same process, and fresh browsers are spread over both."""
    reached: set[str] = set()
    for _ in range(16):
        session = Session(cluster)
        first = session.fetch_cookies()[UPSTREAM]
        assert "monitor_route" in session.cookies
        later = {session.fetch_cookies()[UPSTREAM] for _ in range(4)}
        assert later == {first}
        reached.add(first)
    assert len(reached) == 2


def _routed(base_url: str) -> tuple[Session, Session]:
    """Two browsers whose routes lead to different processes."""
    by_process: dict[str, Session] = {}
    for _ in range(64):
        session = Session(base_url)
        by_process.setdefault(session.fetch_cookies()[UPSTREAM], session)
        if len(by_process) == 2:
            return by_process.popitem()[1], by_process.popitem()[1]
    raise AssertionError("every route led to one process")


def _konekti(csv: bytes, month: str) -> int:
    """KON's intakes in `month` from the Aanmeldingen page's CSV download (0 when absent)."""
    for line in csv.decode("utf-8-sig").splitlines():
        cells = line.split(";")
        if cells[:2] == ["Konekti", month]:
            return int(cells[2].replace(".", ""))
    return 0


async def _intakes_csv(session: Session) -> bytes:
    """The CSV of the Aanmeldingen page's table of intakes per region and period: the download
    whose file carries that table's title (the page has more tables than one)."""
    files = [
        await session.download(w)
        for w in list(session.widgets.values())
        if w.kind == "download_button" and w.label == "CSV downloaden"
    ]
    found = [f for f in files if "Aanmeldingen per regio en" in f.decode("utf-8-sig")]
    assert len(found) == 1, [f.decode("utf-8-sig").splitlines()[:1] for f in files]
    return found[0]


def test_an_import_through_one_process_shows_in_the_other(cluster: str, tmp_path: Path) -> None:
    """A beheerder on process A uploads a file (/_stcore/upload_file) and imports it; a reader
    on process B sees the new registrations on its next rerun, in the CSV its download button
    serves from B's memory (/media/): uploads, downloads and websockets all stay on their
    process, and each process re-reads its cached inputs after another one's import."""
    received = date.today().replace(day=1) - timedelta(days=20)  # in the default 12 months
    month = month_label(received.replace(day=1))
    rows = []
    for i in range(25):
        row = uniform_row(i, received.isoformat())
        row[0], row[1] = f"NGX{i}", f"NGXF{i}"
        row[6] = (received + timedelta(days=3)).isoformat()  # first contact after the request
        rows.append(row)
    data = uniform_text(rows).encode()

    async def scenario() -> tuple[int, int, int, list[str]]:
        writer, reader = _routed(cluster)
        for session in (writer, reader):
            await session.connect()
            await session.open()
        await reader.switch_page(reader.page("Aanmeldingen"))
        before = _konekti(await _intakes_csv(reader), month)
        await writer.switch_page(writer.page("Importeren"))
        uploader = writer.widget("Bronbestand", "file_uploader")
        await writer.upload(uploader, "via-nginx.csv", data, "text/csv")
        await writer.change(uploader, uploader.value)
        imported = await writer.click(writer.widget("Importeren", "button"))
        errors = list(imported.errors)
        await writer.switch_page(writer.page("Aanmeldingen"))
        on_writer = _konekti(await _intakes_csv(writer), month)
        await reader.change(reader.widget("Regio's", "radio"), "Zoals toen georganiseerd")
        after = _konekti(await _intakes_csv(reader), month)
        for session in (writer, reader):
            await session.close()
        return before, on_writer, after, errors

    before, on_writer, after, errors = asyncio.run(scenario())
    assert errors == []
    assert on_writer == before + 25
    assert after == before + 25
