"""The other region basis is prepared beside a scope's first figure (MONITOR_PREPARE_OTHER_BASIS):
a first switch of basis finds its inputs loaded and every page's view built."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import pytest

from data_access.access.roles import Reader, reader_for
from data_access.settings import Settings
from data_access.store.engine import make_engine
from reports import service as service_module
from reports.registry import INDICATORS
from reports.selection import Selection
from reports.service import Service

SELECTION = Selection(date(2025, 1, 1), date(2025, 12, 31), regions=("KON",))


def _after_a_first_figure(settings: Settings, prepare: bool) -> tuple[Service, Reader, list[str]]:
    """A service (preparing the other basis or not) that drew one figure for a stuurgroep,
    anything it started beside it finished; and the inputs loads it made."""
    loads: list[str] = []

    @contextmanager
    def counted() -> Iterator[None]:
        loads.append("load")
        yield

    chosen = settings.model_copy(update={"prepare_other_basis": prepare})
    service = Service(make_engine(chosen), chosen, loading=counted)
    reader = reader_for(service.engine, "stuurgroep.kon@demo.1g1p")
    assert reader is not None
    service.view(reader, "intakes", SELECTION)
    _prepared()
    return service, reader, loads


def _prepared() -> None:
    for thread in threading.enumerate():
        if thread.name == "andere-regiobasis":
            thread.join(timeout=120)
            assert not thread.is_alive()


@pytest.mark.store
def test_the_first_figure_prepares_the_other_basis(
    report_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, reader, loads = _after_a_first_figure(report_settings, prepare=True)
    assert loads == ["load", "load"]  # this basis, then the other one beside it

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again: the other basis was not prepared")

    # Every page of the other basis comes from what was prepared: nothing is built or loaded.
    monkeypatch.setattr(service_module, "publish", refused)
    today = replace(SELECTION, basis="today")
    for spec in INDICATORS:
        assert service.view(reader, spec.name, today).title
    assert loads == ["load", "load"]
    monkeypatch.undo()
    # Once per scope and data version: another figure starts nothing more.
    service.view(reader, "referrers", SELECTION)
    _prepared()
    assert loads == ["load", "load"]
    service.engine.dispose()


@pytest.mark.store
def test_turned_off_nothing_is_prepared(report_settings: Settings) -> None:
    service, _, loads = _after_a_first_figure(report_settings, prepare=False)
    assert loads == ["load"]
    service.engine.dispose()
