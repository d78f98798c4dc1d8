"""Every page, export and command shows the figures the golden files hold for the fixed demo."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

import pytest

from data_access.settings import Settings
from tests.golden.capture import GOLDEN_DIR, build_store, captured


@pytest.fixture(scope="module")
def golden_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The fixed demo store (seed 42, scale 0.02, today 15/11/2026) on the test's backend."""
    from tests.conftest import server_database

    directory = tmp_path_factory.mktemp("golden")
    with server_database() as url:
        yield build_store(directory, url)


def test_every_output_equals_its_golden_file(golden_store: Settings) -> None:
    """Each table, chart's data and tile equals the file written before the house was
    rearranged; a difference names the file and shows the first changed lines."""
    produced = dict(captured(golden_store))
    expected = {
        str(path.relative_to(GOLDEN_DIR)): path.read_text(encoding="utf-8")
        for path in GOLDEN_DIR.rglob("*")
        if path.is_file()
    }
    assert sorted(produced) == sorted(expected)
    for name, text in produced.items():
        if text != expected[name]:
            diff = "\n".join(
                list(
                    difflib.unified_diff(
                        expected[name].splitlines(), text.splitlines(), lineterm=""
                    )
                )[:40]
            )
            pytest.fail(f"{name} differs from its golden file:\n{diff}")
    assert Path(GOLDEN_DIR).is_dir()
