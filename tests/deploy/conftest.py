"""The deployment tests: every test here starts deploy/two-processes.sh (nginx, PostgreSQL)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here `deploy`; skip them with a reason where they cannot run."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgresql")
    has_nginx = shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists()
    for item in items:
        if Path(str(item.fspath)).parent != Path(__file__).parent:
            continue
        item.add_marker(pytest.mark.deploy)
        if not on_postgres:
            item.add_marker(
                pytest.mark.skip(reason="several processes share a PostgreSQL store (DATABASE_URL)")
            )
        elif not has_nginx:
            item.add_marker(pytest.mark.skip(reason="needs Debian's nginx (apt-get install nginx)"))
