"""Broken files at volume: each one is refused in Dutch or imported whole, never half-stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.access import reads
from data_access.ingest.pipeline import FatalImportError, ImportResult
from data_access.settings import Settings
from tests import scopes
from tests.corpus.corpus import FIVE_DATES, PROFILES, build_corpus, uniform_row, uniform_text
from tests.corpus.invariants import import_checked, store_counts


def _cases() -> list[tuple[str, str]]:
    import random
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        rng = random.Random(10)
        return [
            (profile, case)
            for profile, (_suffix, _region, build) in PROFILES.items()
            for case in build(rng, Path(name))
        ]


CASES = _cases()
PARAMS = [pytest.param(p, c, id=f"{p}-{c}") for p, c in CASES]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    files = build_corpus(tmp_path_factory.mktemp("corpus"))
    return {(profile, path.stem): path for profile, _region, path in files}


@pytest.mark.parametrize(("profile", "case"), PARAMS)
def test_a_broken_file_is_refused_or_imported_whole(
    shared_store: tuple[Engine, Settings],
    corpus: dict[tuple[str, str], Path],
    profile: str,
    case: str,
) -> None:
    """Every corpus file keeps the invariants; a second import of it changes nothing."""
    engine, settings = shared_store
    region = PROFILES[profile][1]
    path = corpus[(profile, case)]
    first = import_checked(engine, settings, path, profile, region)
    before = store_counts(engine)
    again = import_checked(engine, settings, path, profile, region)
    assert type(again) is type(first)
    assert store_counts(engine) == before


EXPECTED_FATAL = {
    ("uniform", "binary"), ("uniform", "nul-bytes"),
    ("uniform", "bom-only"), ("uniform", "giant-line"), ("uniform", "duplicate-header"),
    ("uniform", "xlsx-bytes-as-csv"), ("case_tool", "binary"),
    ("case_tool", "undefined-cp1252-byte"), ("case_tool", "commas"), ("case_tool", "giant-line"),
    ("spreadsheet", "truncated"), ("spreadsheet", "wrong-sheet"), ("spreadsheet", "csv-as-xlsx"),
    ("spreadsheet", "zip-not-xlsx"),
}  # fmt: skip


@pytest.mark.parametrize(("profile", "case"), sorted(EXPECTED_FATAL))
def test_unreadable_files_are_refused(
    shared_store: tuple[Engine, Settings],
    corpus: dict[tuple[str, str], Path],
    profile: str,
    case: str,
) -> None:
    """Files that are not text of the profile's kind are refused as a whole."""
    engine, settings = shared_store
    outcome = import_checked(
        engine, settings, corpus[(profile, case)], profile, PROFILES[profile][1]
    )
    assert isinstance(outcome, FatalImportError)


@pytest.mark.parametrize("case", ["latin1", "semicolons", "utf16"])
def test_what_belgian_excel_writes_is_the_uniform_format(
    engine: Engine, settings: Settings, corpus: dict[tuple[str, str], Path], case: str
) -> None:
    """A `;` file, a cp1252 file (as Excel in Belgium saves CSV) and UTF-16 with its
    byte-order mark (Excel's "Unicode-tekst") import whole as the uniform format: the
    delimiter and encoding are detected."""
    outcome = import_checked(engine, settings, corpus[("uniform", case)], "uniform", None)
    assert isinstance(outcome, ImportResult)
    assert (outcome.rows_read, outcome.rows_accepted) == (1, 1), outcome.summary()


def test_only_the_profiles_date_format_is_accepted(
    engine: Engine, settings: Settings, corpus: dict[tuple[str, str], Path]
) -> None:
    """Of six spellings of 31 January 2022 the uniform format takes ISO and the Belgian
    dd/mm/yyyy; the US order, dots, digits only and month names go to quarantine; no date is
    ever misread."""
    outcome = import_checked(
        engine, settings, corpus[("uniform", "dates-five-formats")], "uniform", None
    )
    assert isinstance(outcome, ImportResult)
    assert (outcome.rows_accepted, outcome.rows_rejected) == (2, len(FIVE_DATES) - 2)
    stored = reads.registrations(engine, scopes.everything())
    assert set(stored["received_date"].to_list()) == {dt.date(2022, 1, 31)}
    assert sorted(stored["source_record_id"]) == ["U0", "U1"]


def test_quoted_newlines_stay_inside_their_field(
    engine: Engine, settings: Settings, corpus: dict[tuple[str, str], Path]
) -> None:
    """A line break or quote inside a quoted field is part of the value, not a new row."""
    outcome = import_checked(
        engine, settings, corpus[("uniform", "quoted-newlines")], "uniform", None
    )
    assert isinstance(outcome, ImportResult)
    assert outcome.rows_read == 2
    assert outcome.rows_accepted == 2, outcome.summary()


def test_spreadsheet_formulas_are_quarantined(
    engine: Engine, settings: Settings, corpus: dict[tuple[str, str], Path]
) -> None:
    """Rows with a formula cell go to quarantine; the other rows are stored."""
    outcome = import_checked(
        engine, settings, corpus[("spreadsheet", "formulas")], "spreadsheet", "KON"
    )
    assert isinstance(outcome, ImportResult)
    assert outcome.rows_rejected == 3 and outcome.rows_accepted == 3, outcome.summary()


def test_a_pipe_in_a_partner_name_is_refused_in_dutch(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A partner called 'CLB:a|b' is kept whole or its row quarantined; never an IntegrityError."""
    path = tmp_path / "pipe.csv"
    path.write_text(uniform_text([[*uniform_row(1)[:13], "CLB:CLB a|b"]]), encoding="utf-8")
    outcome = import_checked(engine, settings, path, "uniform", None)
    assert isinstance(outcome, ImportResult | FatalImportError)


def test_an_empty_region_is_quarantined(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """A row without a region code goes to quarantine naming the column; the others are stored."""
    row = uniform_row(1)
    row[2] = ""
    path = tmp_path / "geen-regio.csv"
    path.write_text(uniform_text([uniform_row(2), row]), encoding="utf-8")
    outcome = import_checked(engine, settings, path, "uniform", None)
    assert isinstance(outcome, ImportResult)
    assert (outcome.rows_accepted, outcome.rows_rejected) == (1, 1)
