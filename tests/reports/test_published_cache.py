"""Published views are kept per scope, data version, indicator, selection, options and
thresholds: a page drawn again is not built again, and never handed to another scope."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from data_access.access.roles import demo_readers
from data_access.settings import Settings
from data_access.store import schemas
from reports.publish.boundary import PublishedView, Thresholds, publish
from reports.publish.spec import View
from reports.selection import Selection
from reports.service import Service, VersionedCache
from tests import scopes
from tests.reports.views.frames import hand_inputs

TODAY = date(2026, 11, 22)


def _builder(calls: list[str], name: str) -> PublishedView:
    calls.append(name)
    return publish(View(title=name, sections=()), scopes.everything(), Thresholds())


def test_a_view_is_built_once_per_scope_version_and_key() -> None:
    base = hand_inputs(pl.DataFrame(schema=schemas.REGISTRATION), [], today=TODAY)
    kon, gnt = (
        replace(base, scope=scopes.regions("KON")),
        replace(base, scope=scopes.regions("GNT")),
    )
    cache, calls = VersionedCache[PublishedView](size=8), []
    first = cache.get(kon, "a", lambda: _builder(calls, "a"))
    assert cache.get(kon, "a", lambda: _builder(calls, "a")) is first
    assert cache.get(gnt, "a", lambda: _builder(calls, "a")) is not first  # another scope
    cache.get(kon, "b", lambda: _builder(calls, "b"))
    assert calls == ["a", "a", "b"]
    newer = replace(kon, data_version=kon.data_version + 1)
    assert cache.get(newer, "a", lambda: _builder(calls, "a")) is not first  # after an import
    # A rerun that read the older version is built for itself, not kept over the newer one.
    cache.get(kon, "a", lambda: _builder(calls, "a"))
    kept = cache.get(newer, "a", lambda: _builder(calls, "a"))
    assert calls == ["a", "a", "b", "a", "a"]
    assert cache.get(newer, "a", lambda: _builder(calls, "x")) is kept


def test_at_most_size_views_are_kept() -> None:
    base = hand_inputs(pl.DataFrame(schema=schemas.REGISTRATION), [], today=TODAY)
    cache, calls = VersionedCache[PublishedView](size=2), []
    for key in ("a", "b", "a", "c", "a", "b"):
        cache.get(base, key, lambda key=key: _builder(calls, key))  # type: ignore[misc]
    assert calls == ["a", "b", "c", "b"]  # b went when c came (a was used since)


def test_the_service_hands_each_reader_the_view_of_their_own_scope(
    report_engine: Engine, report_settings: Settings
) -> None:
    """The same reader and selection get the kept view; another scope gets its own, equal to
    what a fresh service publishes for it; other options or thresholds are built anew."""
    readers = {r.email.split("@")[0]: r for r in demo_readers(report_engine)}
    stuurgroep, trekker = readers["stuurgroep.kon"], readers["trekker"]
    selection = Selection(date(2025, 1, 1), date(2025, 12, 31))
    service = Service(report_engine, report_settings)
    own = service.view(stuurgroep, "intakes", selection)
    assert service.view(stuurgroep, "intakes", selection) is own
    theirs = service.view(trekker, "intakes", selection)
    assert theirs is not own
    fresh = Service(report_engine, report_settings).view(trekker, "intakes", selection)
    assert theirs.main is not None and fresh.main is not None
    assert_frame_equal(theirs.main.values, fresh.main.values)
    assert_frame_equal(theirs.main.markers, fresh.main.markers)
    quarter = replace(selection, granularity="quarter")
    assert service.view(stuurgroep, "intakes", quarter) is not own
    rule = service.view(stuurgroep, "response_time", selection, rule="30_days")
    assert service.view(stuurgroep, "response_time", selection, rule="calendar_month") is not rule
    service.settings = report_settings.model_copy(
        update={"min_count": report_settings.min_count + 5}
    )
    stricter = service.view(stuurgroep, "intakes", selection)
    assert stricter is not own and stricter.main is not None and own.main is not None
    assert stricter.main.markers.null_count().sum_horizontal().item() < (
        own.main.markers.null_count().sum_horizontal().item()
    )


def test_a_report_made_again_shows_new_feedback(
    report_engine: Engine, report_settings: Settings
) -> None:
    """The report's chapters are published once per scope and data version, but the critical
    friend's feedback, which changes without a new data version, is made anew each time (as
    are the frozen key figures: tests/reports/test_snapshots.py)."""
    from data_access.access.notes import save_note
    from indicators.periods import add_months, quarter_of

    friend = next(r for r in demo_readers(report_engine) if r.email.startswith("friend"))
    quarter = quarter_of(add_months(date.today(), -15))  # a quarter no other test writes to
    service = Service(report_engine, report_settings)
    before = service.report(friend, "WAD", quarter)
    note = "Een opvallend kwartaal; bespreek de wachttijd."
    save_note(report_engine, friend, "WAD", quarter, note, for_report=True)
    after = service.report(friend, "WAD", quarter)
    assert all(a is b for a, b in zip(before.chapters[1:-1], after.chapters[1:-1], strict=True))
    feedback = [p.text for s in after.chapters[-1].sections for p in s.blocks]
    assert note in feedback and note not in [
        p.text for s in before.chapters[-1].sections for p in s.blocks
    ]


def test_what_is_drawn_on_every_rerun_is_worked_out_once(
    report_engine: Engine, report_settings: Settings
) -> None:
    """A kept table's text and the sidebar's regions are the same objects on the next rerun,
    and equal to what working them out afresh gives."""
    from data_access.reference import tables
    from reports.publish.text import _display, display

    reader = next(r for r in demo_readers(report_engine) if r.email.startswith("trekker"))
    service = Service(report_engine, report_settings)
    view = service.view(reader, "intakes", Selection(date(2025, 1, 1), date(2025, 12, 31)))
    table = view.tables()[0]
    assert display(table) is display(table)
    assert_frame_equal(display(table), _display(table))
    assert service.regions() is service.regions()
    assert_frame_equal(service.regions(), tables.regions(report_engine))
