"""Start Streamlit on app.py with st.navigation in charge from the very first request."""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from data_access.settings import get_settings
from demo import startup

APP = Path(__file__).resolve().parent.parent / "app.py"
# Plotly looks these up in sys.modules without importing them (`get_module(name,
# should_load=False)`) and uses whatever it finds, while Streamlit imports pandas (and with it
# numpy) lazily inside a script run. When several sessions start at once, one session's figure
# could meet the other's half-imported module: "partially initialized module 'numpy' has no
# attribute 'ndarray'" in place of a chart (BENCHMARKS.md, browser load). Imported up front,
# they are complete before the first script thread starts.
PRELOAD = ("numpy", "pandas")
# What every script run imports anyway (app.py and its pages, Streamlit's dataframe and chart
# elements), imported here so that it is in the heap before the freeze below.
APP_MODULES = ("pyarrow", "plotly.graph_objects", "reports.service", "ui.page", "ui.render")


def preload() -> None:
    """Import the modules plotly peeks at, on the main thread, before any session runs."""
    for name in PRELOAD:
        importlib.import_module(name)


def freeze_the_modules() -> None:
    """Leave what was imported out of every later full garbage collection.

    The modules' objects (≈ 200.000 at start) live as long as the process, yet a full
    collection walked them all: 0,12 s at start, and 0,18-0,32 s once a server had kept views,
    each time stopping every session's script run (BENCHMARKS.md, load). Frozen after one last
    collection, they are never walked again; what the sessions make later is collected as
    before. Only the server does this: the tests and the CLI keep Python's defaults."""
    for name in APP_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()


def main() -> None:
    """`streamlit run app.py` plus one flag and the store's startup beside it; extra arguments
    go to Streamlit."""
    # With a pages/ folder beside app.py, Streamlit answers requests in its legacy folder mode
    # until app.py first calls st.navigation (which clears this flag itself): a deep link to a
    # fresh server would get a "Page not found" dialog. Clearing it up front avoids that.
    PagesManager.uses_pages_directory = False
    # The store is prepared beside the server, not on the first visit: on an empty store the
    # demo is built right away, its progress in this terminal and on the page (demo.startup).
    settings = get_settings()
    startup.wait_prepared(settings, startup.start(tied=True))
    preload()
    freeze_the_modules()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
