"""Hostile query parameters on the report's stable link are refused in Dutch, never run."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile.texts import HTML, SQL
from tests.pages.conftest import PAGE_FILES, PageOpener


@pytest.mark.parametrize(
    ("region", "quarter"),
    [
        ("GNT", f"2025Q1{SQL}"),
        ("GNT", HTML),
        ("GNT", "../../etc/passwd"),
        (f"GNT{SQL}", "2025Q1"),
        (HTML, "2025Q1"),
    ],
)
def test_a_hostile_report_link_is_refused_as_text(
    open_page: PageOpener, region: str, quarter: str
) -> None:
    """?regio=…&kwartaal=… with SQL, HTML or a path: a region that is not a code falls back to
    the reader's first region and the link is rewritten to it; a quarter that is not JJJJQn
    gets the Dutch message. No traceback, and no markdown on the page may carry raw HTML."""
    open_page("report")  # the demo store in place for this test
    at = AppTest.from_file(str(PAGE_FILES["report"]), default_timeout=120)
    at.query_params["regio"] = region
    at.query_params["kwartaal"] = quarter
    at.run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    chooser = next(s for s in at.selectbox if s.label == "Regio")
    assert len(chooser.options) > 1  # a beheerder: the fallback is a real choice
    if region == "GNT":
        assert chooser.value == "GNT"
    else:
        assert chooser.index == 0 and chooser.value != region
    assert at.query_params["regio"] in (chooser.value, [chooser.value])
    if quarter != "2025Q1":
        assert any("geen kwartaal" in e.value and "JJJJQn" in e.value for e in at.error)
    else:
        assert not at.error
    assert not any(m.proto.allow_html for m in at.markdown)
