"""Start Streamlit on app.py with st.navigation in charge from the very first request."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main() -> None:
    """`streamlit run app.py` plus one flag; extra arguments go to Streamlit."""
    # With a pages/ folder beside app.py, Streamlit answers requests in its legacy folder mode
    # until app.py first calls st.navigation (which clears this flag itself): a deep link to a
    # fresh server would get a "Page not found" dialog. Clearing it up front avoids that.
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
