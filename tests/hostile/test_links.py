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
    the reader's first region, a quarter that is not a closed quarter to the last closed one
    (with a Dutch warning that never repeats the link's text), and the link is rewritten to
    them. No traceback, and no markdown on the page may carry raw HTML."""
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
    quarter_chooser = next(s for s in at.selectbox if s.label == "Kwartaal")
    assert at.query_params["kwartaal"] in (quarter_chooser.value, [quarter_chooser.value])
    if quarter != "2025Q1":
        assert quarter_chooser.index == 0  # the last closed quarter
        warning = next(w.value for w in at.warning if "uit de link" in w.value)
        assert quarter not in warning
    else:
        assert quarter_chooser.value == "2025Q1"
        assert not any("uit de link" in w.value for w in at.warning)
    assert not at.error
    assert not any(m.proto.allow_html for m in at.markdown)
