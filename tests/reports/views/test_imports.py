"""The import helpers on a real store: an uploaded file with a bad row, its batch and quarantine."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from checks.importing import import_upload
from data_access.access.roles import operator_reader
from data_access.ingest import lineage
from data_access.ingest.pipeline import FatalImportError, ImportResult
from data_access.settings import Settings
from reports.publish.boundary import PublishedMetrics, PublishedTable, Thresholds, publish_table
from reports.publish.spec import TableSpec
from reports.publish.text import display, to_csv
from reports.views.common import batches_table, region_choices
from reports.views.imports import (
    batch_choices,
    needs_region,
    outcome,
    profile_labels,
    quarantine_table,
)
from tests import scopes
from tests.published import shown

HEADER = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners"
)
GOOD = "R1,F1,KON,34022,aanmelding,2022-01-31,2022-02-20,2022-06-01,CLB,OPVOEDING,GEZINSPLAN,AFGEROND,12,CLB:CLB Kortrijk"
BAD_DATE = GOOD.replace("R1,F1", "R3,F3").replace("2022-01-31", "2022-13-45")
UPLOAD = "\n".join([HEADER, GOOD, GOOD.replace("R1,F1", "R2,F2"), BAD_DATE]).encode() + b"\n"


BEHEERDER = operator_reader()


def _upload(
    engine: Engine, settings: Settings, data: bytes = UPLOAD, name: str = "kon_2022.csv"
) -> ImportResult:
    return import_upload(engine, settings, data, name, "uniform", reader=BEHEERDER)


def _published(spec: TableSpec) -> PublishedTable:
    """A table as a beheerder (every region in detail) is shown it."""
    return publish_table(spec, scopes.everything(), Thresholds())


def test_an_upload_is_imported_under_its_own_name(engine: Engine, settings: Settings) -> None:
    """The bytes are read as the named file; the batch records the upload's name and the UI user."""
    result = _upload(engine, settings)
    assert (
        result.rows_read,
        result.rows_accepted,
        result.rows_rejected,
        result.rows_duplicate,
    ) == (3, 2, 1, 0)
    batch = lineage.import_batches(engine, scopes.everything()).row(0, named=True)
    assert (batch["file_name"], batch["imported_by"]) == ("kon_2022.csv", "cli")


def test_the_temporary_copy_is_removed(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing of the upload stays in the temporary directory after the import."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    _upload(engine, settings)
    assert list(scratch.iterdir()) == []


def test_a_file_of_the_wrong_source_raises_a_dutch_error(
    engine: Engine, settings: Settings
) -> None:
    """Missing columns stop the import with a message naming the file and the columns."""
    with pytest.raises(FatalImportError, match=r"verkeerd\.csv, regel 1: verplichte kolom"):
        _upload(engine, settings, b"a;b\n1;2\n", "verkeerd.csv")


def test_the_batches_table_shows_counts_in_dutch(engine: Engine, settings: Settings) -> None:
    """The batch list shows who imported what, when (local time) and how many rows went where."""
    _upload(engine, settings)
    listed = display(_published(batches_table(engine, scopes.everything())))
    row = listed.row(0, named=True)
    assert (row["Bestand"], row["Bron"], row["Door"]) == (
        "kon_2022.csv",
        "uniform",
        "cli",
    )
    assert (row["Gelezen"], row["Aanvaard"], row["Geweigerd"], row["Dubbel"]) == (
        "3",
        "2",
        "1",
        "0",
    )
    assert len(row["Ingelezen op"]) == len("22/11/2026 07:28")


def test_the_batches_of_other_regions_are_not_listed(engine: Engine, settings: Settings) -> None:
    """A list of batches is a list of records: a reader sees only those of the regions in
    detail (a uniform file's batch has no region of its own: a beheerder's only)."""
    _upload(engine, settings)
    other = batches_table(engine, scopes.regions("GNT"))
    assert publish_table(other, scopes.regions("GNT"), Thresholds()).is_empty
    # Even a table built for a wider scope lists nothing outside the reader's detail.
    assert publish_table(
        batches_table(engine, scopes.everything()), scopes.regions("GNT"), Thresholds()
    ).is_empty
    assert not _published(batches_table(engine, scopes.everything())).is_empty


def test_the_quarantine_names_line_and_reason(engine: Engine, settings: Settings) -> None:
    """The rejected row is listed with its line in the file (header = line 1) and a reason."""
    result = _upload(engine, settings)
    assert result.batch_id is not None
    table = _published(quarantine_table(engine, scopes.everything(), result.batch_id))
    listed = display(table)
    assert listed["Regel"].to_list() == ["4"]
    assert "2022-13-45" in listed["Reden"].item()
    assert "R3" in listed["Oorspronkelijke rij"].item()
    assert "2022-13-45" in to_csv(table).decode("utf-8")


def test_batch_choices_list_only_batches_with_rejected_rows(
    engine: Engine, settings: Settings
) -> None:
    """A clean batch is not offered for the quarantine view; a batch with rejects is."""
    bad = _upload(engine, settings)
    _upload(
        engine, settings, "\n".join([HEADER, GOOD.replace("R1,F1", "R9,F9")]).encode(), "schoon.csv"
    )
    choices = batch_choices(engine, scopes.everything())
    assert choices == {bad.batch_id: f"Batch {bad.batch_id} · kon_2022.csv (1 geweigerd)"}
    assert batch_choices(engine, scopes.regions("GNT")) == {}


def test_outcome_tells_how_to_show_a_result(engine: Engine, settings: Settings) -> None:
    """Rejected rows warn with the counts; the same file again is only an info, without counts."""
    first = _upload(engine, settings)
    kind, view = outcome(first)
    assert kind == "warning" and view is not None
    tiles = [
        (tile.label, tile.value)
        for section in shown(view).sections
        for block in section.blocks
        if isinstance(block, PublishedMetrics)
        for tile in block.tiles
    ]
    assert tiles == [("Gelezen", "3"), ("Aanvaard", "2"), ("Geweigerd", "1"), ("Dubbel", "0")]
    again = _upload(engine, settings)
    assert outcome(again) == ("info", None)


def test_profiles_and_regions_for_the_form(engine: Engine, settings: Settings) -> None:
    """Every profile is offered with its label; legacy exports without region column need one."""
    labels = profile_labels(settings)
    assert labels["uniform"] == "Uniform registratieformaat (CSV of XLSX)"
    assert needs_region(settings, "case_tool") and not needs_region(settings, "uniform")
    assert region_choices(engine)["KON"] == "Konekti"
