"""The committed Streamlit config names real 1.67 options, and a process started here reads it."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"
EXPECTED = {
    "browser.gatherUsageStats": False,
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "none",
    "client.disableDataExport": True,
    "runner.postScriptGC": False,
    "server.maxUploadSize": 100,
    "server.enableStaticServing": True,
    "theme.primaryColor": "#b02a37",
}
READ = """
import json, sys
import streamlit.config as config
keys = json.loads(sys.argv[1])
print(json.dumps({k: [config.get_option(k), config.get_where_defined(k)] for k in keys}))
"""


def _options() -> dict[str, object]:
    with CONFIG.open("rb") as handle:
        sections = tomllib.load(handle)
    return {f"{s}.{k}": v for s, values in sections.items() for k, v in values.items()}


def test_every_option_is_one_streamlit_knows() -> None:
    """A misspelt option would be ignored silently: each one is in Streamlit's own list."""
    import streamlit.config as config

    known = config._config_options_template
    assert [key for key in _options() if key not in known] == []
    assert _options() == EXPECTED


def test_an_app_process_started_at_the_root_reads_the_file() -> None:
    """Streamlit, started from the repository root as ./run app does, takes every value from
    this file."""
    result = subprocess.run(
        [sys.executable, "-c", READ, json.dumps(list(EXPECTED))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    read = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: v for k, (v, _) in read.items()} == EXPECTED
    assert {where for _, where in read.values()} == {str(CONFIG)}
