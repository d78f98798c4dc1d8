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
    "ui": {"pages", "sqlalchemy", "cli"},
    "pages": {"sqlalchemy", "sqlite3", "psycopg", "cli"},
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
