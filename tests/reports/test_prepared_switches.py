"""What a first switch shows is prepared beside a scope's first figure (MONITOR_PREPARE_SWITCHES):
the other region basis and the sidebar's first quarters find their inputs loaded and every
page's view built."""

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
from indicators.periods import quarter_bounds
from reports import service as service_module
from reports.inputs import Inputs
from reports.registry import INDICATORS
from reports.selection import Selection, first_quarters
from reports.service import Service

SELECTION = Selection(date(2025, 1, 1), date(2025, 12, 31), regions=("KON",))


def _after_a_first_figure(settings: Settings, prepare: bool) -> tuple[Service, Reader, list[str]]:
    """A service (preparing switches or not) that drew one figure for a stuurgroep, anything
    it started beside it finished; and the inputs loads it made."""
    loads: list[str] = []

    @contextmanager
    def counted() -> Iterator[None]:
        loads.append("load")
        yield

    chosen = settings.model_copy(update={"prepare_switches": prepare})
    service = Service(make_engine(chosen), chosen, loading=counted)
    reader = reader_for(service.engine, "stuurgroep.kon@demo.1g1p")
    assert reader is not None
    service.view(reader, "intakes", SELECTION)
    _prepared()
    return service, reader, loads


def _prepared() -> None:
    for thread in threading.enumerate():
        if thread.name == "voorbereiden":
            thread.join(timeout=120)
            assert not thread.is_alive()


def _first_quarters(basis: str) -> Selection:
    first, last = first_quarters()
    return replace(
        SELECTION,
        start=quarter_bounds(first)[0],
        end=quarter_bounds(last)[1],
        granularity="quarter",
        basis="today" if basis == "today" else "then",
    )


@pytest.mark.store
def test_the_first_figure_prepares_the_first_switches(
    report_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, reader, loads = _after_a_first_figure(report_settings, prepare=True)
    assert loads == ["load", "load"]  # this basis, then the other one beside it

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again: the switch was not prepared")

    # Every page of the other basis, and of the first quarters in either basis, comes from
    # what was prepared: nothing is built or loaded.
    monkeypatch.setattr(service_module, "publish", refused)
    switches = [
        replace(SELECTION, basis="today"),
        _first_quarters("then"),
        _first_quarters("today"),
    ]
    for switched in switches:
        for spec in INDICATORS:
            assert service.view(reader, spec.name, switched).title
    assert loads == ["load", "load"]
    # Another window of quarters was not prepared.
    earlier = replace(_first_quarters("then"), start=date(2024, 1, 1))
    with pytest.raises(AssertionError, match="not prepared"):
        service.view(reader, "intakes", earlier)
    monkeypatch.undo()
    # Once per scope and data version: another figure starts nothing more.
    service.view(reader, "referrers", SELECTION)
    _prepared()
    assert loads == ["load", "load"]
    service.engine.dispose()


@pytest.mark.store
def test_a_pages_choices_find_their_series_made(
    report_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A choice that computes a whole-history series of its own (another deadline rule, a
    referrer group's share) finds it made beside the first figure: its view, with any other
    choice beside it, computes nothing new over the inputs."""
    service, reader, _ = _after_a_first_figure(report_settings, prepare=True)

    def refused(self: Inputs, key: object, compute: object) -> object:
        if key not in self.memo:
            raise AssertionError(f"computed beside no first figure: {key!r}")
        return self.memo[key]

    monkeypatch.setattr(Inputs, "remembered", refused)
    for basis in ("then", "today"):
        for spec in INDICATORS:
            for options in spec.prepared:
                other = {"method": "normal"} if spec.name == "compare" else {}
                chosen = replace(SELECTION, basis=basis)
                assert service.view(reader, spec.name, chosen, **options, **other).title
    service.engine.dispose()


@pytest.mark.store
def test_turned_off_nothing_is_prepared(report_settings: Settings) -> None:
    service, _, loads = _after_a_first_figure(report_settings, prepare=False)
    assert loads == ["load"]
    service.engine.dispose()
