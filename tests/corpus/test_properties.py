"""Property tests of the readers and the import: whatever the bytes, the invariants hold."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import Engine

from data_access.ingest.files import LINE, FatalImportError, read_table
from data_access.ingest.profiles import get_profile
from data_access.settings import Settings
from tests.corpus.corpus import UNIFORM_HEADER, uniform_row
from tests.corpus.invariants import import_checked

FAST = hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
counter = itertools.count()


@FAST
@given(data=st.binary(max_size=2000), profile=st.sampled_from(["uniform", "case_tool"]))
def test_the_csv_reader_never_crashes_on_bytes(tmp_path: Path, data: bytes, profile: str) -> None:
    """Any bytes give a table (rows + broken lines) or a Dutch FatalImportError naming the file."""
    path = tmp_path / f"bytes-{next(counter)}.csv"
    path.write_bytes(data)
    try:
        raw = read_table(path, get_profile(profile))
    except FatalImportError as exc:
        assert path.name in str(exc)
        return
    assert raw.frame[LINE].is_sorted()
    assert all(line >= 2 for line, _reason, _raw in raw.broken)


CELL = st.text(
    # NUL makes the file binary, which is refused as a whole (tested above).
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    max_size=12,
) | st.sampled_from(["", "KON", "2022-01-31", "CLB", "aanmelding", '"', ",", "\n", "=1+1"])


@FAST
@given(rows=st.lists(st.lists(CELL, min_size=12, max_size=16), max_size=12))
def test_the_csv_reader_accounts_for_every_row(tmp_path: Path, rows: list[list[str]]) -> None:
    """Parsed rows plus broken lines never exceed the data lines; every kept row has all columns."""
    import csv
    import io

    buffer = io.StringIO()
    # "\r\n" makes the writer quote fields holding either line-break character.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(UNIFORM_HEADER)
    writer.writerows(rows)
    path = tmp_path / f"rows-{next(counter)}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    raw = read_table(path, get_profile("uniform"))
    non_blank = [r for r in rows if any(c.strip() for c in r)]
    assert raw.frame.height + len(raw.broken) == len(non_blank)
    assert raw.frame.height == sum(len(r) == len(UNIFORM_HEADER) for r in non_blank)


FIELD = {
    1: st.sampled_from(["F1", "F2", ""]),
    2: st.sampled_from(["KON", "GNT", "XXX", "<b>", ""]),
    3: st.sampled_from(["34022", "99999", "", "abc"]),
    4: st.sampled_from(["aanmelding", "consult", "x"]),
    5: st.sampled_from(["2022-01-31", "2022-02-30", "31/01/2022", "", "2099-01-01"]),
    6: st.sampled_from(["2022-02-20", "2021-01-01", "", "nooit"]),
    8: st.sampled_from(["CLB", "GV", "SDJ", "BOGUS", ""]),
    12: st.sampled_from(["12", "-1", "150", "", "twaalf"]),
}


@st.composite
def registration_rows(draw: st.DrawFn) -> list[list[str]]:
    rows = []
    for i in range(draw(st.integers(1, 25))):
        row = uniform_row(draw(st.integers(0, 30)) if draw(st.booleans()) else 1000 + i)
        row[13] = ""
        for column, strategy in FIELD.items():
            if draw(st.booleans()):
                row[column] = draw(strategy)
        rows.append(row)
    return rows


@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(registration_rows(), min_size=1, max_size=3))
def test_every_import_balances_and_stores_what_it_counts(
    engine: Engine, settings: Settings, tmp_path: Path, batches: list[list[list[str]]]
) -> None:
    """For valid, invalid, repeated and conflicting rows alike: read = accepted + rejected +
    duplicate, the store grows by exactly the new rows and quarantine by the rejected ones."""
    for rows in batches:
        path = tmp_path / f"batch-{next(counter)}.csv"
        path.write_text(
            "\n".join(",".join(r) for r in [UNIFORM_HEADER, *rows]) + "\n", encoding="utf-8"
        )
        import_checked(engine, settings, path, "uniform", None)


def test_settings_fixture_is_real(settings: Settings) -> None:
    """The property tests run on the real store of this CI job (SQLite or PostgreSQL)."""
    assert settings.url.startswith(("sqlite", "postgresql"))
