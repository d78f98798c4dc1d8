"""A stored value traces back to its file, line, column and profile rule, without values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from data_access.ingest.files import FatalImportError
from data_access.ingest.pipeline import import_file
from data_access.ingest.trace import trace
from data_access.settings import Settings
from data_access.store.models import Registration
from tests.corpus.legacy import kompas

TODAY = dt.date(2025, 3, 1)


@pytest.fixture
def imported(engine: Engine, settings: Settings, tmp_path: Path) -> Settings:
    """The Kompas export imported with its profile from the profile directory."""
    export = kompas()
    settings.profile_directory.mkdir(parents=True)
    profile = settings.profile_directory / "kompas.toml"
    profile.write_text(export.profile, encoding="utf-8")
    path = tmp_path / "bron.csv"
    path.write_bytes(export.data)
    import_file(engine, settings, path, "kompas", today=TODAY)
    return settings


def test_a_value_traces_to_its_line_column_and_rule(engine: Engine, imported: Settings) -> None:
    """Record K1003 (line 9): region from the title line through codes.region_code, the
    referrer 'Huis van het Kind Kortrijk' through the second referrer pattern, the age from the birth date."""
    found = trace(engine, imported, "K1003")
    assert (found.source_system, found.file_name, found.line) == ("kompas:KON", "bron.csv", 9)
    fields = {name: (column, rules) for name, column, rules in found.fields}
    assert fields["region_code"] == (None, ("title.region_code", "codes.region_code"))
    assert fields["referrer"] == ("Verwezen door", ("patterns.referrer[2]",))
    assert fields["child_age"] == ("Geboortedatum", ("birth_date",))
    assert fields["received_date"] == ("Aanmelddatum", ())
    text = found.summary()
    assert "regel 9" in text and "Huis van het Kind" not in text  # rules, never values


def test_a_derived_value_names_its_rule(engine: Engine, imported: Settings) -> None:
    """A cancelled request's closure reason traces to the [[derive]] rule and its column."""
    with engine.connect() as conn:
        record = conn.scalar(
            select(Registration.source_record_id).where(
                Registration.closure_reason == "VRAAG_WEGGEVALLEN"
            )
        )
    assert record is not None
    fields = {
        name: (column, rules) for name, column, rules in trace(engine, imported, record).fields
    }
    assert fields["closure_reason"] == ("Reden einde", ("derive[1]",))


def test_the_trace_reads_the_profile_that_imported_the_batch(
    engine: Engine, imported: Settings
) -> None:
    """After the profile file changes, the kept text of the old one still explains the batch."""
    path = imported.profile_directory / "kompas.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("'huis van het kind", "'nooit|huis van het kind"),
        encoding="utf-8",
    )
    fields = {name: rules for name, _column, rules in trace(engine, imported, "K1003").fields}
    assert fields["referrer"] == ("patterns.referrer[2]",)


def test_an_unknown_record_is_refused_in_dutch(engine: Engine, imported: Settings) -> None:
    """A record number that is not stored is named in the refusal."""
    with pytest.raises(FatalImportError, match="Geen registratie met dossiernummer 'K9999'"):
        trace(engine, imported, "K9999")
