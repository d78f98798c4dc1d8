"""Imports run one way: app → pages → ui → reports/indicators → data_access (STYLE §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["data_access", "indicators", "checks", "reports", "demo", "ui", "pages", "benchmarks"]

# What each layer must never import.
FORBIDDEN = {
    "data_access": {"indicators", "reports", "ui", "pages", "demo", "checks", "streamlit", "cli"},
    "indicators": {"reports", "ui", "pages", "demo", "checks", "streamlit", "sqlalchemy", "cli"},
    "checks": {"reports", "ui", "pages", "demo", "streamlit", "cli"},
    "reports": {"ui", "pages", "streamlit", "cli"},
    "demo": {"ui", "pages", "streamlit", "reports", "cli"},
    "ui": {"pages", "sqlalchemy", "cli", "checks"},
    # A page uses ui/ and what reports offers it (the service, its choices and errors), never a
    # layer further down.
    "pages": {
        "sqlalchemy",
        "sqlite3",
        "psycopg",
        "cli",
        "indicators",
        "checks",
        "demo",
        "data_access",
    },
    # The benchmark drives every layer from outside, like a test, but pages only through AppTest.
    "benchmarks": {"pages"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Imports only for type checkers create no runtime dependency.
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_layer_imports_only_downwards(package: str) -> None:
    """No module of a layer imports a layer above it (or Streamlit below the UI)."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_nothing_imports_pages() -> None:
    """Pages are run by Streamlit, never imported."""
    for path in ROOT.rglob("*.py"):
        if (
            ".venv" in path.parts
            or ".tools" in path.parts
            or path.parts[len(ROOT.parts)] == "tests"
        ):
            continue
        assert "pages" not in _imports(path), path


def test_page_scripts_define_no_callables() -> None:
    """A lambda or function made in a page script and handed to Streamlit (a format_func, a
    download's data) keeps the script's globals, the reader's inputs among them, alive for as
    long as the session keeps it: after an import the old frames could not be freed. Pages
    pass callables defined in modules instead (dict.get, functools.partial, ui.components)."""
    made = {
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py")]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef)
    }
    assert made == set()


# Inside data_access, each subsystem uses only those below it: no circle between them.
SUBSYSTEMS = {
    "store": set(),
    "reference": {"store"},
    "access": {"store", "reference"},
    "ingest": {"store", "reference", "access"},
    "quality": {"store", "reference", "access"},
}


def _subsystems_imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
        for name in names:
            parts = name.split(".")
            if parts[0] == "data_access" and len(parts) > 1 and parts[1] in SUBSYSTEMS:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("subsystem", sorted(SUBSYSTEMS))
def test_data_access_subsystems_import_only_downwards(subsystem: str) -> None:
    """store ← reference ← access ← ingest, quality: a subsystem never imports one beside or
    above it, so data_access has no circle."""
    allowed = SUBSYSTEMS[subsystem] | {subsystem}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_subsystems_imported(path) - allowed)
        for path in (ROOT / "data_access" / subsystem).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _modules(path: Path) -> set[str]:
    """Every module a file imports, in full (data_access.access.reads, not data_access)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


# Modules that hold or hand out registrations (of every region, below the boundary).
ROWS = (
    "data_access.access.reads",
    "data_access.store.models",
    "data_access.store.frames",
    "data_access.store.columnar",
    "data_access.store.db",
    "data_access.ingest.lineage",
    "data_access.quality",
    "reports.inputs",
    "reports.series",
    "reports.views",
    "reports.registry",
)


def _ui_files() -> list[Path]:
    return [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]


def test_rows_never_reach_pages_or_ui() -> None:
    """Pages and ui/ get figures only from reports.service, after the publishing boundary:
    they import nothing that holds registrations."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in _modules(path) if any(m == r or m.startswith(f"{r}.") for r in ROWS)
        )
        for path in _ui_files()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


DRAWING = {"dataframe", "data_editor", "table", "plotly_chart", "metric", "download_button", "html"}


def test_only_the_render_module_draws_figures() -> None:
    """st.html, st.dataframe, st.plotly_chart, st.metric and st.download_button (on st or any
    container) are called in ui/render.py only, which accepts only published objects; st.html
    also in ui/chrome.py, for its own style sheet and script."""
    calls = {
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _ui_files()
        if path != ROOT / "ui" / "render.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in DRAWING
        and getattr(node.func.value, "id", "") not in {"render", "service"}
        and not (path == ROOT / "ui" / "chrome.py" and node.func.attr == "html")
    }
    assert calls == set()


def test_no_view_imports_another_view() -> None:
    """A view builds on series and indicators, never on another view (only the shared
    wording of reports.views.common)."""
    offenders = {}
    for path in (ROOT / "reports" / "views").glob("*.py"):
        own = f"reports.views.{path.stem}"
        others = {
            m
            for m in _modules(path)
            if m.startswith("reports.views.")
            and not m.startswith((own, "reports.views.common"))
            and m.count(".") == 2
        }
        if others:
            offenders[path.name] = sorted(others)
    assert offenders == {}


def test_the_published_types_are_made_only_at_the_boundary() -> None:
    """Whoever builds a PublishedTable (or chart, key figures, view) outside the boundary gets
    an error: the render module can trust what it is given."""
    import polars as pl

    from reports.publish.boundary import PublishedTable

    with pytest.raises(TypeError):
        PublishedTable(
            pl.DataFrame(), pl.DataFrame(), (), "t", (), {}, "t", None, False, None, (), object()
        )
