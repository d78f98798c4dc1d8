"""Hostile text typed into the UI (feedback note and quarter) is stored and shown as text only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from data_access.settings import Settings
from data_access.store.engine import make_engine
from data_access.store.models import Registration
from tests.hostile.texts import HTML, SQL
from tests.pages.conftest import PageOpener, shown_tables

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
    at.selectbox(key="feedback_kwartaal").set_value("2025Q2").run()
    at.text_area[0].set_value(f"{HTML} {SQL}")  # inside a form: sent with the submit
    at.button[0].click().run()
    assert not at.exception
    assert any("bewaard" in s.value for s in at.success)
    shown = shown_tables(at)[0]
    assert f"{HTML} {SQL}" in shown["Feedback"].to_list()
    # Nothing rendered as raw HTML: the markdown elements never carry the script.
    assert all("<script>" not in m.value for m in at.markdown)
    assert _registrations(demo_settings) == before


@pytest.mark.parametrize("quarter", [f"2025Q1{SQL}", "<b>2025Q1</b>", "2025 Q1"])
def test_a_hostile_quarter_is_refused_in_dutch(
    open_page: PageOpener, demo_settings: Settings, quarter: str
) -> None:
    """The page offers quarters only from a list ("2025 K1"), so nothing typed reaches the
    store; a quarter that is not JJJJQn handed to the service is refused in Dutch, and no note
    is stored."""
    from data_access.access.roles import reader_for
    from data_access.access.scope import AccessError
    from reports.service import Service

    at = open_page("feedback", demo_user=FRIEND)
    chooser = at.selectbox(key="feedback_kwartaal")
    assert all(re.fullmatch(r"20\d\d K[1-4]", label) for label in chooser.options)
    engine = make_engine(demo_settings)
    reader = reader_for(engine, FRIEND)
    assert reader is not None
    before = _registrations(demo_settings)
    with pytest.raises(AccessError, match="geen kwartaal"):
        Service(engine, demo_settings).save_note(reader, "GNT", quarter, "Een notitie.")
    engine.dispose()
    assert _registrations(demo_settings) == before
