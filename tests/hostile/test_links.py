"""Hostile query parameters on the report's stable link are refused in Dutch, never run."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data_access.settings import Settings
from tests.hostile.test_feedback import HTML, SQL, _registrations
from tests.pages.conftest import PAGE_FILES, PageOpener


@pytest.mark.parametrize(
    ("region", "quarter"),
    [
        ("KON", f"2025Q1{SQL}"),
        ("KON", HTML),
        ("KON", "../../etc/passwd"),
        (f"KON{SQL}", "2025Q1"),
        (HTML, "2025Q1"),
    ],
)
def test_a_hostile_report_link_is_refused_as_text(
    open_page: PageOpener, demo_settings: Settings, region: str, quarter: str
) -> None:
    """?regio=…&kwartaal=… with SQL, HTML or a path: an unknown region falls back to the
    reader's own, a malformed quarter gets the Dutch JJJJQn message; nothing runs, no
    traceback, the store is untouched."""
    open_page("report")  # the demo store in place for this test
    before = _registrations(demo_settings)
    at = AppTest.from_file(str(PAGE_FILES["report"]), default_timeout=120)
    at.session_state["demogebruiker"] = "stuurgroep.kon@demo.1g1p"
    at.query_params["regio"] = region
    at.query_params["kwartaal"] = quarter
    at.run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    assert next(s for s in at.selectbox if s.label == "Regio").value == "KON"
    if quarter != "2025Q1":
        assert any("geen kwartaal" in e.value and "JJJJQn" in e.value for e in at.error)
    # Markdown is shown as text: no element on the page may carry raw HTML.
    assert not any(m.proto.allow_html for m in at.markdown)
    assert _registrations(demo_settings) == before
