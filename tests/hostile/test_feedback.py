"""Hostile text typed into the UI (feedback note and quarter) is stored and shown as text only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data_access.settings import Settings
from data_access.store.engine import make_engine
from data_access.store.models import Registration
from tests.hostile.texts import HTML, SQL
from tests.pages.conftest import PageOpener

FRIEND = "friend@demo.1g1p"


def _registrations(settings: Settings) -> int:
    engine = make_engine(settings)
    with engine.connect() as conn:
        count = int(conn.scalar(select(func.count()).select_from(Registration)) or 0)
    engine.dispose()
    return count


def test_a_note_with_html_and_sql_is_kept_verbatim(
    open_page: PageOpener, demo_settings: Settings
) -> None:
    """HTML and SQL in a note are stored as typed, shown in the table as text, and harm nothing."""
    before = _registrations(demo_settings)
    at = open_page("feedback", demo_user=FRIEND)
    at.text_input(key="feedback_kwartaal").set_value("2025Q2").run()
    at.text_area[0].set_value(f"{HTML} {SQL}")  # inside a form: sent with the submit
    at.button[0].click().run()
    assert not at.exception
    assert any("bewaard" in s.value for s in at.success)
    shown = at.dataframe[0].value
    assert f"{HTML} {SQL}" in shown["Feedback"].to_list()
    # Nothing rendered as raw HTML: the markdown elements never carry the script.
    assert all("<script>" not in m.value for m in at.markdown)
    assert _registrations(demo_settings) == before


@pytest.mark.parametrize("quarter", [f"2025Q1{SQL}", "<b>2025Q1</b>", "2025 Q1"])
def test_a_hostile_quarter_gets_a_dutch_message_not_a_traceback(
    open_page: PageOpener, demo_settings: Settings, quarter: str
) -> None:
    """A quarter that is not JJJJQn is refused with a Dutch message; the page keeps working."""
    before = _registrations(demo_settings)
    at = open_page("feedback", demo_user=FRIEND)
    at.text_input(key="feedback_kwartaal").set_value(quarter).run()
    at.text_area[0].set_value("Een notitie.")
    at.button[0].click().run()
    assert _registrations(demo_settings) == before
    assert not at.exception, at.exception[0].message if at.exception else ""
