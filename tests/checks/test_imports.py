"""Great Expectations takes seconds to import: only running the checks may load it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Import every module the app, the CLI and the checks are made of (the pages run as scripts
# on top of these) and list the Great Expectations modules that came along.
PROBE = """
import importlib, pkgutil, sys
for name in ("data_access", "indicators", "reports", "ui", "checks"):
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)
import cli
print(sorted(m for m in sys.modules if m.split(".")[0] == "great_expectations"))
"""


def test_no_module_imports_great_expectations_on_import() -> None:
    """Importing the app's and the CLI's modules (checks.run included) loads no GX module."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
