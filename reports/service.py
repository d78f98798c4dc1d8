"""What the UI may ask for: published views, files and services for a reader, never rows.

The UI holds one Service per process. It keeps the inputs (registrations of every region,
below the boundary) per data version, scope, basis and day, and hands out only what passed
the publishing boundary. A test forbids pages and ui/ to import anything that holds rows.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import polars as pl
from sqlalchemy import Engine

from data_access.access import reads
from data_access.access.audit import audit
from data_access.access.reads import Basis
from data_access.access.roles import Reader, require_beheerder
from data_access.access.scope import AccessError as AccessError
from data_access.access.scope import Scope
from data_access.ingest.files import FatalImportError as FatalImportError
from data_access.ingest.pipeline import ImportResult
from data_access.ingest.profiles import ProfileError as ProfileError
from data_access.reference import tables
from data_access.settings import Settings
from indicators.periods import quarter_bounds
from reports.inputs import Inputs, load_inputs
from reports.parliament import parliament_xlsx
from reports.publish.boundary import (
    PublishedTable,
    PublishedView,
    Thresholds,
    publish,
    publish_table,
)
from reports.publish.spec import TableSpec, View
from reports.publish.text import to_csv, to_xlsx
from reports.quarterly import (
    QuarterlyReport,
    ReportHead,
    freeze_quarter,
    quarterly_report,
    report_head,
    report_xlsx,
)
from reports.registry import BY_NAME, INDICATORS, indicator
from reports.selection import Selection, first_quarters

# AccessError, FatalImportError and ProfileError are re-exported above: the errors a page shows
# in Dutch, so that pages import nothing below reports.

if TYPE_CHECKING:
    from reports.views.quality import QualityParts

Loading = Callable[[], AbstractContextManager[Any]]
T = TypeVar("T")


class InputsCache:
    """Inputs per (scope, basis, day) of the current data version only.

    An import frees every entry of the older version at once (a cache keyed on the version
    would hold old versions until evicted, hundreds of MB each at 1M registrations), at most
    `size` entries are kept, and loads run one at a time, so sessions of different scopes
    arriving after an import do not each hold a load's transient memory at once
    (BENCHMARKS.md)."""

    def __init__(self, load: Callable[[Scope, Basis, date], Inputs], size: int = 6) -> None:
        self._load = load
        self._size = size
        self._lock = threading.Lock()  # the entries
        self._loading = threading.Lock()  # one load at a time; kept entries are served meanwhile
        self._version: int | None = None
        self._entries: OrderedDict[tuple[Scope, Basis, date], Inputs] = OrderedDict()

    def get(self, version: int, scope: Scope, basis: Basis, today: date) -> Inputs:
        key = (scope, basis, today)
        kept, version = self._kept(version, key)
        if kept is not None:
            return kept
        with self._loading:
            kept, version = self._kept(version, key)  # loaded while this one waited
            if kept is not None:
                return kept
            loaded = self._load(scope, basis, today)
            with self._lock:
                if version == self._version:
                    self._entries[key] = loaded
                    while len(self._entries) > self._size:
                        self._entries.popitem(last=False)
            return loaded

    def has_room(self) -> bool:
        """Whether one more entry fits without pushing out a kept one."""
        with self._lock:
            return len(self._entries) < self._size

    def _kept(self, version: int, key: tuple[Scope, Basis, date]) -> tuple[Inputs | None, int]:
        """The entry for `key` of the newest version seen, if kept (and that version)."""
        with self._lock:
            if self._version is not None and version < self._version:
                # Read just before an import committed: serve the newer entries, never flip back.
                version = self._version
            if version != self._version:
                dropped = bool(self._entries)
                self._entries.clear()
                self._version = version
                if dropped:
                    # Script runs leave reference cycles that still point at the old frames;
                    # free them now rather than at some later collection (BENCHMARKS.md).
                    gc.collect()
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key], version
            return None, version

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._version = None
            gc.collect()


class VersionedCache(Generic[T]):
    """What was made from one data version, the newest `size` kept: a page drawn again, or by
    another session of the same scope, is not built and published again.

    The service keeps two: published views per (inputs, indicator, selection, options,
    thresholds) and the quality page's per (scope, region); and, below the boundary, the
    quality page's parts that every region shares, per scope. Above the boundary, what is kept
    is what that scope was shown, keyed on that scope (the inputs are the scope's own), so it
    can only be handed to the same scope.

    Entries of an older data version go when a newer one is seen (the inputs cache frees those
    inputs at the same moment). Two sessions asking for the same new view may both build it:
    the second is kept, equal to the first."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._version: int | None = None
        self._entries: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, inputs: Inputs, key: Hashable, build: Callable[[], T]) -> T:
        """What was built from these inputs under `key`."""
        full = (inputs.scope, inputs.basis, inputs.today, key)
        return self.kept(inputs.data_version, full, build)

    def kept(self, version: int, key: Hashable, build: Callable[[], T]) -> T:
        """What was built from data version `version` under `key` (which must name the
        scope)."""
        full = (version, key)
        with self._lock:
            if self._version is None or version > self._version:
                self._entries.clear()
                self._version = version
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
        published = build()
        with self._lock:
            if version == self._version:
                self._entries[full] = published
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return published

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._version = None


@dataclass(frozen=True)
class PageEntry:
    """An indicator as the navigation lists it."""

    name: str
    title: str
    icon: str
    caption: str
    own_page: bool


_log = logging.getLogger(__name__)
OTHER_BASIS: dict[Basis, Basis] = {"then": "today", "today": "then"}


class Service:
    """The UI's one door to the figures: every answer has passed the publishing boundary."""

    def __init__(self, engine: Engine, settings: Settings, loading: Loading = nullcontext) -> None:
        self.engine = engine
        self.settings = settings
        self._loading = loading
        self._inputs = InputsCache(self._load)
        self._published: VersionedCache[PublishedView] = VersionedCache()
        self._quality: VersionedCache[QualityParts] = VersionedCache(size=16)
        self._regions: tuple[int, pl.DataFrame] | None = None
        self._prepared: set[tuple[Scope, date, int]] = set()
        self._preparing = threading.Lock()

    def _load(self, scope: Scope, basis: Basis, today: date) -> Inputs:
        with self._loading():
            # Sessions go on to other regions (Vlaanderen, the comparison): each series is
            # computed once over every region, and every later set of regions read from it.
            return load_inputs(self.engine, scope, basis, today, every_region=True)

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.settings.min_count, self.settings.min_denominator)

    def inputs(self, reader: Reader, basis: Basis, today: date | None = None) -> Inputs:
        """The reader's inputs (below the boundary: for reports built here only)."""
        version = reads.data_version(self.engine)
        return self._inputs.get(version, reader.scope, basis, today or date.today())

    def clear(self) -> None:
        """Forget every kept input and view (tests, after a store was replaced)."""
        self._inputs.clear()
        self._published.clear()
        self._quality.clear()
        self._regions = None
        with self._preparing:
            self._prepared.clear()

    # --- what pages list and draw ---------------------------------------------------------

    @staticmethod
    def pages() -> list[PageEntry]:
        """The indicators' pages, in navigation order."""
        return [PageEntry(i.name, i.title, i.icon, i.caption, i.own_page) for i in INDICATORS]

    @staticmethod
    def page(name: str) -> PageEntry:
        """One indicator's page entry."""
        i = BY_NAME.get(name) or indicator(name)
        return PageEntry(i.name, i.title, i.icon, i.caption, i.own_page)

    def regions(self) -> pl.DataFrame:
        """Every region with its active period: reference data for the sidebar's choices,
        read once per data version (as the inputs are), not on every rerun of every page."""
        version = reads.data_version(self.engine)
        kept = self._regions
        if kept is None or kept[0] != version:
            kept = self._regions = (version, tables.regions(self.engine))
        return kept[1]

    def view(
        self, reader: Reader, name: str, selection: Selection, **options: Any
    ) -> PublishedView:
        """An indicator's view for a selection, as this reader may see it."""
        inputs = self.inputs(reader, selection.basis)
        spec = indicator(name)

        def build() -> PublishedView:
            extra: dict[str, Any] = {}
            if name == "compare":
                from reports.views.compare import map_layout

                extra["elz_layout"] = map_layout(self.engine, inputs, selection)
            return self.published(reader, spec.build(inputs, selection, **options, **extra))

        key = (name, selection, tuple(sorted(options.items())), self.thresholds)
        published = self._published.get(inputs, key, build)
        if self.settings.prepare_switches:
            self._prepare_switches(reader, selection, inputs)
        return published

    def _prepare_switches(self, reader: Reader, selection: Selection, inputs: Inputs) -> None:
        """Once per scope and data version, when the inputs cache has room: build every
        indicator's view of what a first switch would show, in a thread beside the session.
        That is this selection in the other region basis (its inputs loaded), the first
        quarters the sidebar offers in both bases (the series per quarter made), and, in both
        bases, the choices of a page that compute a series of their own (Indicator.prepared). At 1M
        registrations a first switch of basis otherwise waits 2-3 s, and a first switch to
        quarters, to another deadline rule or to a referrer group's share 0,2-0,4 s; every
        other session sharing the cores slows with it (BENCHMARKS.md)."""
        key = (inputs.scope, inputs.today, inputs.data_version)
        with self._preparing:
            if key in self._prepared or not self._inputs.has_room():
                return
            # Only the newest data version is ever prepared again: older keys are dropped.
            self._prepared = {k for k in self._prepared if k[2] >= inputs.data_version}
            self._prepared.add(key)
        first, last = first_quarters(inputs.today)
        quarters = replace(
            selection,
            start=quarter_bounds(first)[0],
            end=quarter_bounds(last)[1],
            granularity="quarter",
        )
        switches = [
            replace(selection, basis=OTHER_BASIS[selection.basis]),
            quarters,
            replace(quarters, basis=OTHER_BASIS[selection.basis]),
        ]
        jobs: list[tuple[str, Selection, dict[str, Any]]] = [
            (spec.name, switched, {}) for switched in switches for spec in INDICATORS
        ]
        jobs += [
            (spec.name, replace(selection, basis=basis), options)
            for basis in (selection.basis, OTHER_BASIS[selection.basis])
            for spec in INDICATORS
            for options in spec.prepared
        ]
        threading.Thread(
            target=self._prepare, args=(reader, jobs), name="voorbereiden", daemon=True
        ).start()

    def _prepare(self, reader: Reader, jobs: list[tuple[str, Selection, dict[str, Any]]]) -> None:
        for name, selection, options in jobs:
            try:
                self.view(reader, name, selection, **options)
            except Exception:  # a view that fails is built (and reported) when a page asks
                _log.warning("Voorbereiden van %s mislukt (%s, %s)", name, selection, options)

    def published(self, reader: Reader, view: View) -> PublishedView:
        """A view built here, published for the reader."""
        return publish(view, reader.scope, self.thresholds)

    def table(self, reader: Reader, table: TableSpec) -> PublishedTable:
        """One table built here, published for the reader."""
        return publish_table(table, reader.scope, self.thresholds)

    # --- files ----------------------------------------------------------------------------

    def download(
        self, reader_email: str, table: PublishedTable, kind: Literal["csv", "xlsx"]
    ) -> bytes:
        """A published table as a file; every download is recorded in the audit trail."""
        data = to_csv(table) if kind == "csv" else to_xlsx(table)
        audit(self.engine, reader_email, "export", {"tabel": table.name, "formaat": kind})
        return data

    # --- the quarterly report, the parliamentary answer, frozen quarters -------------------

    def report_head(self, reader: Reader, region_code: str, quarter: str) -> ReportHead:
        """What the report's page shows of a region's quarter (refused otherwise)."""
        today = date.today()
        inputs = self.inputs(reader, "then", today)
        return report_head(self.engine, reader, region_code, quarter, today, inputs)

    def report(self, reader: Reader, region_code: str, quarter: str) -> QuarterlyReport:
        """The quarterly report of a region as this reader may see it (refused otherwise)."""
        today = date.today()
        inputs = self.inputs(reader, "then", today)
        return quarterly_report(self.engine, reader, region_code, quarter, today, inputs)

    def report_file(
        self, reader: Reader, region_code: str, quarter: str, kind: Literal["pdf", "xlsx"]
    ) -> bytes:
        """The whole report as PDF or XLSX, made when asked for; the export is recorded in the
        audit trail."""
        report = self.report(reader, region_code, quarter)
        if kind == "pdf":
            from reports.pdf import report_pdf

            data = report_pdf(report)
        else:
            data = report_xlsx(report)
        audit(
            self.engine,
            reader.email,
            "export",
            {
                "rapport": "kwartaal",
                "regio": report.region_code,
                "kwartaal": report.quarter,
                "formaat": kind,
            },
        )
        return data

    def parliament_file(self, reader: Reader, start: date, end: date) -> bytes:
        """The parliamentary answer (publication: every region under disclosure control),
        for the beheerder; recorded in the audit trail."""
        require_beheerder(reader, "het parlementaire antwoord maken")
        data = parliament_xlsx(self.engine, start, end, date.today())
        audit(
            self.engine,
            reader.email,
            "export",
            {"rapport": "parlement", "van": str(start), "tot": str(end)},
        )
        return data

    def freeze(self, reader: Reader, quarter: str) -> None:
        """Freeze a closed quarter's key figures (beheerder)."""
        freeze_quarter(self.engine, reader, quarter, date.today())

    # --- feedback, users, quality, imports ---------------------------------------------------

    def notes(
        self, reader: Reader, region_code: str, region_name: str, quarter: str
    ) -> PublishedTable:
        """The critical friend's notes of a region and quarter the reader may read."""
        from reports.views.feedback import notes_table

        return self.table(
            reader, notes_table(self.engine, reader, region_code, region_name, quarter)
        )

    def users(self, reader: Reader) -> PublishedView:
        """Users, roles and the audit trail (beheerder only; a Dutch AccessError otherwise)."""
        from reports.publish.spec import Section
        from reports.views.admin import audit_table, users_table

        users, trail = users_table(self.engine, reader), audit_table(self.engine, reader)
        return self.published(
            reader,
            View("Gebruikers en audit", (Section("", (users,)), Section("Auditlogboek", (trail,)))),
        )

    def quality(self, reader: Reader, region: str | None) -> PublishedView:
        """Datakwaliteit as this reader may see it; `region`: whose passport shows as tiles."""
        from reports.views.quality import quality_parts, with_passport

        # Kept per data version: a check run is stored in one transaction, then the version
        # is bumped (data_access.quality.results.store_run). What every region shares is read
        # once; another region's passport only publishes the page again.
        version = reads.data_version(self.engine)
        key = (reader.scope, self.settings.quality_threshold)
        parts = self._quality.kept(
            version, key, lambda: quality_parts(self.engine, reader.scope, self.settings)
        )
        return self._published.kept(
            version,
            ("quality", *key, region),
            lambda: self.published(reader, with_passport(parts, region)),
        )

    def quality_regions(self) -> dict[str, str]:
        """Regions with a passport, those below the threshold first."""
        from reports.views.quality import region_options

        return region_options(self.engine, self.settings)

    def run_checks(self, reader: Reader) -> str:
        """Run every quality suite now (beheerder); the Dutch summary."""
        from checks.run import run_checks

        require_beheerder(reader, "de kwaliteitscontroles starten")
        return run_checks(self.engine, self.settings, trigger="beheerder").summary()

    def sources(self) -> dict[str, str]:
        """Source profile name → Dutch label, the uniform format first."""
        from reports.views.imports import profile_labels

        return profile_labels(self.settings)

    def needs_region(self, source: str) -> bool:
        """Whether files of this source carry no region column."""
        from reports.views.imports import needs_region

        return needs_region(self.settings, source)

    def region_choices(self) -> dict[str, str]:
        """Region code → name of every region, past ones included."""
        from reports.views.common import region_choices

        return region_choices(self.engine)

    def upload(
        self,
        reader: Reader,
        data: bytes,
        file_name: str,
        source: str,
        region: str | None,
        progress: Callable[[float, str], None] | None = None,
    ) -> ImportResult:
        """Import an uploaded file, then check it (beheerder; Dutch errors)."""
        from checks.importing import import_upload

        return import_upload(
            self.engine,
            self.settings,
            data,
            file_name,
            source,
            reader=reader,
            region=region,
            progress=progress,
        )

    def dry_run(
        self, reader: Reader, data: bytes, file_name: str, source: str, region: str | None
    ) -> PublishedView:
        """Proefimport of uploaded bytes: what an import would do; nothing is written."""
        from reports.views.imports import dry_run_upload

        view = dry_run_upload(
            self.engine, self.settings, data, file_name, source, reader=reader, region=region
        )
        return self.published(reader, view)

    def unusable_profiles(self) -> list[str]:
        """Why each profile file in the profile directory cannot be used (Dutch)."""
        from reports.views.imports import unusable_profiles

        return unusable_profiles(self.settings)

    def import_outcome(
        self, reader: Reader, result: ImportResult
    ) -> tuple[Literal["info", "warning", "success"], PublishedView | None]:
        """How an import's result shows: the kind of message and its counts as key figures."""
        from reports.views.imports import outcome

        kind, view = outcome(result)
        return kind, self.published(reader, view) if view is not None else None

    @staticmethod
    def import_summary(result: ImportResult) -> str:
        """The import's summary as Markdown (the command line prints the same text)."""
        from reports.views.imports import summary_text

        return summary_text(result)

    def check_outcome(
        self, batch_id: int
    ) -> tuple[Literal["success", "warning", "error"], list[str]] | None:
        """What the quality checks found after importing a batch (Dutch lines)."""
        from reports.views.imports import check_outcome

        return check_outcome(self.engine, batch_id)

    def batches(self, reader: Reader) -> PublishedTable:
        """The recent import batches of the reader's detail regions."""
        from reports.views.common import batches_table
        from reports.views.imports import profile_labels

        sources = profile_labels(self.settings)
        return self.table(reader, batches_table(self.engine, reader.scope, sources=sources))

    def batch_choices(self, reader: Reader) -> dict[int, str]:
        """Batches with rejected rows, as selectbox labels."""
        from reports.views.imports import batch_choices

        return batch_choices(self.engine, reader.scope)

    def quarantine(self, reader: Reader, batch_id: int) -> PublishedTable:
        """The rejected rows of one batch of the reader's detail regions."""
        from reports.views.imports import quarantine_table

        return self.table(reader, quarantine_table(self.engine, reader.scope, batch_id))

    def save_note(
        self, reader: Reader, region_code: str, quarter: str, body: str, *, for_report: bool = False
    ) -> int:
        """Store a new version of a critical friend's note, marked for the quarterly report or
        not (Dutch AccessError otherwise)."""
        from data_access.access.notes import save_note

        return save_note(self.engine, reader, region_code, quarter, body, for_report=for_report)
