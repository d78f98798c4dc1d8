"""The quality suites on a real store: a clean store passes, each seeded defect fails exactly its
own expectation, results persist, and `1g1p check` exits 1 on a blocking failure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
import typer
from sqlalchemy import Engine, delete, func, insert, select, text, update
from typer.testing import CliRunner

from checks.commands import check_command
from checks.run import run_checks
from checks.suites import BY_KEY, CHECKS
from data_access.quality import results as quality
from data_access.settings import Settings, get_settings
from data_access.store.models import (
    AggregateReport,
    CheckResult,
    CheckRun,
    NetworkReference2020,
    Registration,
    Staffing,
)
from tests.checks.conftest import TODAY, add_batch, registration, relax

R = Registration
KON_SEPT = date(2019, 9, 2)


def _one(engine: Engine, region: str = "KON", day: date = KON_SEPT) -> int:
    """The id of a clean registration of `region` received on `day`."""
    with engine.connect() as conn:
        found = conn.scalar(
            select(R.id).where(R.region_code == region, R.received_date == day).limit(1)
        )
    assert found is not None
    return int(found)


def _set(engine: Engine, **values: object) -> None:
    with engine.begin() as conn:
        conn.execute(update(R).where(R.id == _one(engine)).values(**values))


def _insert(engine: Engine, rows: list[dict[str, object]]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(R), rows)


def _sql(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def _blank_region(engine: Engine) -> None:
    relax(engine, drop=(("fk_registration_region_code_region", "foreignkey"),))
    _sql(engine, "UPDATE registration SET region_code = '' WHERE id = :id", id=_one(engine))


def _unknown_region(engine: Engine) -> None:
    relax(engine, drop=(("fk_registration_region_code_region", "foreignkey"),))
    _sql(engine, "UPDATE registration SET region_code = 'XYZ' WHERE id = :id", id=_one(engine))


def _missing_received(engine: Engine) -> None:
    relax(engine, nullable=("received_date",))
    _set(engine, received_date=None, first_contact_date=None, closed_date=None)


def _same_source_key(engine: Engine) -> None:
    relax(engine, drop=(("uq_registration_source_system", "unique"),))
    with engine.connect() as conn:
        taken = conn.scalar(select(R.source_record_id).where(R.id == _one(engine)))
    copy = registration("KON", KON_SEPT, 1, _batch_id(engine), family_id="OTHER")
    _insert(engine, [{**copy, "source_record_id": taken}])


def _batch_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.min(R.batch_id))) or 0)


def _same_day_copy(engine: Engine) -> None:
    with engine.connect() as conn:
        row = conn.execute(select(R).where(R.id == _one(engine))).mappings().one()
    copy = {k: v for k, v in row.items() if k != "id"}
    copy["source_record_id"] = "KON-COPY-1"
    _insert(engine, [copy])


def _forgotten_month(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            delete(R).where(
                R.region_code == "KON", R.received_date.between(date(2019, 9, 1), date(2019, 9, 30))
            )
        )


def _spike(engine: Engine) -> None:
    batch = _batch_id(engine)
    _insert(
        engine,
        [registration("KON", KON_SEPT, 900_000 + k, batch, family_id=f"S{k}") for k in range(150)],
    )


def _reported_otherwise(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(AggregateReport).values(
                region_code="KON",
                month=date(2019, 9, 1),
                measure="intakes",
                value=30,
                source_system="monthly_counts:KON",
                batch_id=_batch_id(engine),
            )
        )


def _staffing(rows: list[tuple[str, str, float]]) -> Callable[[Engine], None]:
    def seed(engine: Engine) -> None:
        with engine.begin() as conn:
            conn.execute(
                insert(Staffing),
                [
                    {
                        "region_code": "KON",
                        "quarter": "2019Q3",
                        "function": f,
                        "sector": s,
                        "fte": x,
                    }
                    for f, s, x in rows
                ],
            )

    return seed


def _reference_total(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(NetworkReference2020)
            .where(NetworkReference2020.region_code == "KON")
            .values(fte_total=20.0)
        )


SEEDS: dict[str, Callable[[Engine], None]] = {
    "verplicht_family_id": lambda e: _set(e, family_id="  "),
    "verplicht_region_code": _blank_region,
    "verplicht_kind": lambda e: _set(e, kind=""),
    "verplicht_received_date": _missing_received,
    "verplicht_source_system": lambda e: _set(e, source_system=""),
    "verplicht_source_record_id": lambda e: _set(e, source_record_id=" "),
    "codelijst_region_code": _unknown_region,
    "codelijst_kind": lambda e: _set(e, kind="overleg"),
    "codelijst_referrer": lambda e: _set(e, referrer="BUURMAN"),
    "codelijst_request_nature": lambda e: _set(e, request_nature="WEER"),
    "codelijst_response_type": lambda e: _set(e, response_type="THEE"),
    "codelijst_closure_reason": lambda e: _set(e, closure_reason="VERHUISD"),
    "unieke_bronsleutel": _same_source_key,
    "datum_volgorde_first_contact_date": lambda e: _set(e, first_contact_date=date(2019, 8, 30)),
    "datum_volgorde_closed_date": lambda e: _set(e, closed_date=date(2019, 8, 30)),
    "datum_toekomst_received_date": lambda e: _set(
        e, received_date=TODAY + timedelta(days=30), first_contact_date=None, closed_date=None
    ),
    "datum_toekomst_first_contact_date": lambda e: _set(
        e, first_contact_date=TODAY + timedelta(days=3), closed_date=None
    ),
    "datum_toekomst_closed_date": lambda e: _set(e, closed_date=TODAY + timedelta(days=9)),
    "datum_na_start_netwerk": lambda e: _set(
        e, received_date=date(2018, 8, 20), first_contact_date=None, closed_date=None
    ),
    "leeftijd_plausibel": lambda e: _set(e, child_age=31),
    "aanmelder_ingevuld": lambda e: _set(e, referrer=None),
    "vermoedelijk_dubbel": _same_day_copy,
    "maand_aangeleverd": _forgotten_month,
    "maandaantal_plausibel": _spike,
    "maandtotalen_kloppen": _reported_otherwise,
    "vte_per_lijn_plausibel": _staffing([("TEAMMEDEWERKER", "JEUGDHULP", 45.0)]),
    "vte_team_plausibel": _staffing(
        [
            (f, "JEUGDHULP", 20.0)
            for f in ("COORDINATIE", "TEAMMEDEWERKER", "ELP", "VRIJWILLIGERSCOACH")
        ]
    ),
    "vte_som_klopt": _reference_total,
}


def test_every_expectation_has_a_seeded_defect() -> None:
    """The parametrised test below covers every declared expectation."""
    assert set(SEEDS) == {check.key for check in CHECKS}


def test_a_clean_store_passes_every_check(clean_engine: Engine, settings: Settings) -> None:
    """Without defects no expectation fails, for any region."""
    summary = run_checks(clean_engine, settings, trigger="test", today=TODAY)
    assert summary.failed() == {}
    assert not summary.blocking_failed
    assert {r.expectation for r in summary.results} == set(BY_KEY)


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_one_seeded_defect_fails_exactly_its_expectation(
    key: str, clean_engine: Engine, settings: Settings
) -> None:
    """A store with one defect makes exactly that expectation fail, and it blocks only if
    declared blocking."""
    SEEDS[key](clean_engine)
    summary = run_checks(clean_engine, settings, trigger="test", today=TODAY)
    assert set(summary.failed()) == {key}
    assert summary.blocking_failed == BY_KEY[key].blocking


def test_a_finding_names_its_region_and_record(clean_engine: Engine, settings: Settings) -> None:
    """The failing result is stored for the defect's region with the source's record number."""
    _set(clean_engine, referrer=None)
    summary = run_checks(clean_engine, settings, trigger="test", today=TODAY)
    (failed,) = [r for r in summary.results if not r.success]
    assert (failed.region_code, failed.unexpected_count) == ("KON", 1)
    assert failed.sample_ids[0].startswith("KON-")
    assert failed.element_count > 100


def test_results_persist_per_run_and_expectation(clean_engine: Engine, settings: Settings) -> None:
    """A run writes a check_run and one check_result per expectation and region."""
    summary = run_checks(clean_engine, settings, trigger="test", today=TODAY)
    with clean_engine.connect() as conn:
        runs = conn.execute(select(CheckRun.id, CheckRun.trigger, CheckRun.success)).all()
        stored = conn.scalar(
            select(func.count())
            .select_from(CheckResult)
            .where(CheckResult.run_id == summary.run_id)
        )
    assert [tuple(r) for r in runs] == [(summary.run_id, "test", True)]
    assert stored == len(summary.results) > len(CHECKS)


def test_an_import_batch_is_checked_on_its_own_too(
    clean_engine: Engine, settings: Settings
) -> None:
    """With a batch id, the row checks also run on that batch alone, stored as a batch run."""
    batch = add_batch(clean_engine, "late.csv")
    _insert(clean_engine, [registration("KON", KON_SEPT, 800_001, batch, referrer="BUURMAN")])
    summary = run_checks(clean_engine, settings, batch_id=batch, trigger="import", today=TODAY)
    assert summary.failed(batch=True) == {"codelijst_referrer": 1}
    assert {r.element_count for r in summary.batch_results if r.region_code == "KON"} == {1}
    assert quality.latest_run_id(clean_engine, batch_id=batch) == summary.batch_run_id
    assert quality.latest_run_id(clean_engine) == summary.run_id


def test_passport_scores_respond_to_a_defect(clean_engine: Engine, settings: Settings) -> None:
    """A forgotten month lowers only that region's timeliness, below the threshold."""
    _forgotten_month(clean_engine)
    run_checks(clean_engine, settings, trigger="test", today=TODAY)
    passports = quality.passports(clean_engine, settings.quality_threshold)
    kon = passports.filter(passports["region_code"] == "KON").row(0, named=True)
    assert kon["timeliness"] < 1.0 and kon["below_threshold"]
    assert kon["validity"] == kon["completeness"] == 1.0
    others = passports.filter(passports["region_code"] != "KON")
    assert not others["below_threshold"].any()


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("MONITOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.url)
    get_settings.cache_clear()
    app = typer.Typer()
    app.command()(check_command)
    try:
        return CliRunner().invoke(app, []).exit_code
    finally:
        get_settings.cache_clear()


def test_check_command_exits_1_on_a_blocking_failure(
    clean_engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`1g1p check` exits 0 on a clean store and 1 once a blocking expectation fails."""
    _set(clean_engine, referrer=None)  # not blocking
    assert _cli(settings, monkeypatch) == 0
    _set(clean_engine, referrer="BUURMAN")  # a code outside the code list blocks
    assert _cli(settings, monkeypatch) == 1
