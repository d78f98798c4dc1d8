"""Shared fixtures: real stores (a SQLite file, or a fresh PostgreSQL database) built from DDL."""

from __future__ import annotations

import fcntl
import functools
import gc
import json
import os
import shutil
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from data_access.reference.loader import load_reference
from data_access.settings import Settings
from data_access.store import db
from data_access.store.engine import make_engine
from tests.cli_run import CliRun, CliRunIn, invoke

SERVER_URL = os.environ.get("DATABASE_URL", "")
# A page's first figure would start building every view a first switch shows beside it: in the
# suite that is hundreds of extra builds racing each test's temporary store.
# tests/reports/test_prepared_switches.py turns it on where it is tested.
os.environ["MONITOR_PREPARE_SWITCHES"] = "false"


def _postgres_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@contextmanager
def server_database() -> Iterator[str | None]:
    """A fresh, empty PostgreSQL database's URL when the tests run on a server, dropped
    afterwards; None on the embedded SQLite store (the caller picks its own file)."""
    if not SERVER_URL.startswith("postgresql"):
        yield None
        return
    server = _postgres_url(SERVER_URL)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# Fixtures that open a store: a test using one (directly or through another fixture) is marked
# `store`, and CI runs those again on PostgreSQL. (The disclosure suite's world is always a
# SQLite file of its own: it is not among them.)
STORE_FIXTURES = frozenset(
    {
        "settings",
        "empty_engine",
        "engine",
        "demo_settings",
        "empty_settings",
        "report_settings",
        "report_engine",
        "defects_demo",
        "shared_store",
        "store",
        "golden_store",
    }
)


# Seconds each test module took in a whole run (`./run test --store-durations` writes them).
DURATIONS = Path(__file__).with_name("durations.json")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-durations",
        action="store_true",
        help=f"write each module's seconds in this run to {DURATIONS.name} (test scheduling)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if STORE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.store)
    # pytest-xdist hands whole modules (--dist loadscope) to whichever worker is free, in this
    # order (--no-loadscope-reorder). Longest first leaves short modules for the end, so the
    # workers finish together: ordered by test count, as xdist would, a 21-second module of
    # three tests came last and one worker waited for it alone. A module not yet measured
    # counts as long, so it never trails. The order within a module is kept.
    seconds = _stored_durations()
    longest = max(seconds.values(), default=0.0)
    items.sort(key=lambda item: -seconds.get(_module(item.nodeid), longest))


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _stored_durations() -> dict[str, float]:
    return json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.exists() else {}


_measured: defaultdict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _measured[_module(report.nodeid)] += report.duration  # setup, call and teardown


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With --store-durations, the modules this run measured replace theirs in the file; a
    partial run (-k, one directory) keeps the others."""
    if not session.config.getoption("store_durations") or "PYTEST_XDIST_WORKER" in os.environ:
        return
    seconds = _stored_durations() | {m: round(s, 1) for m, s in _measured.items()}
    ordered = dict(sorted(seconds.items(), key=lambda e: -e[1]))
    DURATIONS.write_text(json.dumps(ordered, indent=1) + "\n", encoding="utf-8")


# A test worker's heap is large and long-lived: Streamlit's runtime, Great Expectations and
# plotly's figure classes, imported during collection or by the first test that needs them.
# With Python's default thresholds the workers spent about 20 of the run's 345 CPU-seconds in
# the collector, mostly scanning that heap again in full collections. Young collections less
# often leave fewer to promote (measured: 10 CPU-seconds); what collection imported is frozen.
gc.set_threshold(20_000, 20, 20)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what collection created (the modules, classes and functions of the product, the
    libraries and the tests) out of the collector's sight for the rest of the run."""
    gc.collect()
    gc.freeze()


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A directory holding a SQLite store that `build(directory)` fills, built once per test
    run: under pytest-xdist the first worker builds it while the others wait, and each worker
    gets its own copy (their tests write to it). A demo store takes seconds to build."""
    own = tmp_path_factory.mktemp(name)
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        build(own)
        return own
    # The workers' base directories (popen-gw0, …) share a parent of this run alone.
    run = tmp_path_factory.getbasetemp().parent
    shared = run / f"built-{name}"
    with open(run / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (run / f"built-{name}.done").exists():
            shared.mkdir()
            build(shared)
            (run / f"built-{name}.done").touch()
    shutil.copytree(shared, own, dirs_exist_ok=True)
    return own


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Each new AppTest scans the metadata of every installed distribution for Streamlit
    components (about 0,3 s, half of a page test). The installed packages do not change during
    a test run, so the real scan runs once per worker and each AppTest registers its result."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)
    yield
    manifest_scanner.scan_component_manifests = scan


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings for one test: its own data directory and its own empty store."""
    if SERVER_URL.startswith("postgresql"):
        server = _postgres_url(SERVER_URL)
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        base = server.rsplit("/", 1)[0]
        yield Settings(data_dir=tmp_path, database_url=f"{base}/{name}", pseudonym_key="test-key")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield Settings(
            data_dir=tmp_path,
            database_url=f"sqlite:///{tmp_path / 'store.db'}",
            pseudonym_key="test-key",
        )


@pytest.fixture
def empty_engine(settings: Settings) -> Iterator[Engine]:
    """An engine on a store without schema."""
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated store with the reference data, built once per test process, that `engine`
    copies: a SQLite file's path, or the name of a PostgreSQL database used as a template."""
    if SERVER_URL.startswith("postgresql"):
        with server_database() as url:
            assert url is not None
            _migrated(create_engine(url))
            yield url.rsplit("/", 1)[1]
        return
    path = tmp_path_factory.mktemp("template") / "store.db"
    template = Settings(data_dir=path.parent, database_url=f"sqlite:///{path}", pseudonym_key="t")
    _migrated(make_engine(template))
    yield str(path)


def _migrated(engine: Engine) -> None:
    db.upgrade(engine)
    load_reference(engine)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:  # everything in the file itself, nothing in its WAL
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture
def engine(settings: Settings, template_store: str) -> Iterator[Engine]:
    """A migrated store with the reference data loaded: a copy of the template store."""
    url = make_url(settings.url)
    if url.get_backend_name() == "postgresql":
        admin = create_engine(_postgres_url(SERVER_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{template_store}"'))
        admin.dispose()
    else:
        assert url.database is not None
        shutil.copyfile(template_store, url.database)
        os.chmod(url.database, 0o600)
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunIn]:
    """`cli(settings, *args)` runs `1g1p ARGS` on that store: the real command line, in this
    process. A new interpreter would pay Great Expectations' import again (about 5 s); the few
    tests about the process itself (killed imports, a first start) start one."""
    from data_access.settings import get_settings

    def run(settings: Settings, *args: str) -> CliRun:
        monkeypatch.setenv("MONITOR_DATA_DIR", str(settings.data_dir))
        monkeypatch.setenv("DATABASE_URL", settings.url)
        monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", settings.pseudonym_key or "")
        get_settings.cache_clear()
        return invoke(*args)

    yield run
    get_settings.cache_clear()
