"""The demo's documented defects: the quality checks find exactly those, with the right counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from data_access.settings import Settings
from data_access.store.engine import make_engine
from demo.build import DemoBuild, build_demo
from tests.conftest import server_database

TODAY = date(2026, 11, 22)
# Which expectation finds which documented defect (demo/defects.py).
FOUND_BY = {
    "first_contact_before_registration": "datum_volgorde_first_contact_date",
    "missing_referrer": "aanmelder_ingevuld",
    "missing_month": "maand_aangeleverd",
    "suspected_duplicates": "vermoedelijk_dubbel",
}


@pytest.fixture(scope="module")
def defects_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoBuild]:
    """One demo build with its checks, read by every test here."""
    directory = tmp_path_factory.mktemp("defects")
    with server_database() as url:
        settings = Settings(
            data_dir=directory,
            database_url=url or f"sqlite:///{directory / 'store.db'}",
            pseudonym_key="test-key",
        )
        engine = make_engine(settings)
        try:
            yield build_demo(engine, settings, seed=11, scale=0.03, today=TODAY)
        finally:
            engine.dispose()


@pytest.fixture
def demo(defects_demo: DemoBuild) -> DemoBuild:
    return defects_demo


def test_the_checks_find_exactly_the_documented_defects(demo: DemoBuild) -> None:
    """Every documented defect is found with its exact count, and nothing else fails."""
    assert demo.checks is not None
    assert demo.documented_defects == {
        "first_contact_before_registration": 4,
        "missing_referrer": 12,
        "missing_month": 1,
        "suspected_duplicates": 6,
    }
    expected = {FOUND_BY[name]: n for name, n in demo.documented_defects.items()}
    assert demo.checks.failed() == expected
    assert not demo.checks.blocking_failed


def test_the_defects_are_accepted_by_the_import(demo: DemoBuild) -> None:
    """The import rejects nothing: finding these is the checks' job, not the import's."""
    assert demo.rejected == 0


def test_the_defects_sit_where_documented(demo: DemoBuild) -> None:
    """Each finding names the documented region (and month)."""
    assert demo.checks is not None
    found = {
        (r.expectation, r.region_code): r.sample_ids for r in demo.checks.results if not r.success
    }
    assert set(found) == {
        ("datum_volgorde_first_contact_date", "HAG"),
        ("aanmelder_ingevuld", "GNT"),
        ("maand_aangeleverd", "OLI"),
        ("vermoedelijk_dubbel", "KEM"),
    }
    assert found[("maand_aangeleverd", "OLI")] == ["2023-03"]
    assert all(i.startswith("KEM-2024-9") for i in found[("vermoedelijk_dubbel", "KEM")])
