"""Every table download on a page is audited when it is clicked, under the reader's name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from streamlit.runtime.media_file_manager import MediaFileManager

from data_access.settings import Settings
from data_access.store.engine import make_engine
from data_access.store.models import AuditEvent
from reports.registry import INDICATORS
from tests.pages.conftest import PAGE_FILES, PageOpener

STUURGROEP = "stuurgroep.kon@demo.1g1p"
# Feedback lists notes only once one is written (its table renders through the same
# ui.render.table; tests/browser/test_hostile.py downloads it). Bronprofiel maken previews a
# profile's result (and offers it as files) only once a sample file is loaded.
WITH_DOWNLOADS = sorted(
    ({entry.name for entry in INDICATORS} | set(PAGE_FILES)) - {"feedback", "indicator", "profiles"}
)


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """The callables behind the page's download buttons, by file id: what Streamlit runs when
    the person clicks one (AppTest has no browser to click with)."""
    found: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def keep(
        self: MediaFileManager, data_callable: Callable[[], Any], *args: Any, **kw: Any
    ) -> str:
        file_id = original(self, data_callable, *args, **kw)
        found[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return found


def _exports(settings: Settings, actor: str) -> list[dict[str, str]]:
    engine = make_engine(settings)
    with engine.connect() as conn:
        rows = conn.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "export", AuditEvent.actor == actor)
            .order_by(AuditEvent.id)
        ).all()
    engine.dispose()
    return [dict(r) for r in rows]


def test_a_table_download_is_audited_on_click_only(
    open_page: PageOpener, demo_settings: Settings, deferred: dict[str, Callable[[], Any]]
) -> None:
    """Showing the page audits nothing; clicking its CSV and XLSX downloads adds one export
    line each, naming the demo stuurgroep and the table."""
    before = _exports(demo_settings, STUURGROEP)
    at = open_page("intakes", demo_user=STUURGROEP)
    assert not at.exception
    first_csv, first_xlsx = at.get("download_button")[:2]
    assert (first_csv.label, first_xlsx.label) == ("CSV downloaden", "XLSX downloaden")
    assert _exports(demo_settings, STUURGROEP) == before  # offered, not yet downloaded
    csv = deferred[first_csv.proto.deferred_file_id]()
    xlsx = deferred[first_xlsx.proto.deferred_file_id]()
    assert csv.decode("utf-8-sig").startswith("# Aanmeldingen")
    assert xlsx[:2] == b"PK"
    added = _exports(demo_settings, STUURGROEP)[len(before) :]
    assert [e["formaat"] for e in added] == ["csv", "xlsx"]
    assert [e["tabel"] for e in added] == ["aanmeldingen"] * 2


@pytest.mark.parametrize("name", WITH_DOWNLOADS)
def test_every_download_on_every_page_is_audited(
    open_page: PageOpener,
    demo_settings: Settings,
    deferred: dict[str, Callable[[], Any]],
    name: str,
) -> None:
    """No page hands out a file's bytes directly: as the beheerder (who is offered every
    download), each download button runs a callable that adds exactly one export line."""
    at = open_page(name)
    assert not at.exception
    buttons = at.get("download_button")
    assert buttons  # every page offers its tables (or its report) as files
    engine = make_engine(demo_settings)
    for button in buttons:
        file_id = button.proto.deferred_file_id
        assert file_id in deferred, button.label
        if "PDF" in button.label:
            continue  # the same audited path as the report's XLSX, minus seconds of Chromium
        before = _count_exports(engine)
        deferred[file_id]()
        assert _count_exports(engine) == before + 1, button.label
    engine.dispose()


def _count_exports(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export")
            )
            or 0
        )
