"""Differencing over time: a provisional month against its revision, a frozen quarter against
its later corrections. The reader keeps both releases and knows how many registrations the
revision changed; the perturbation stays with the cell, so the second release tells the
change and nothing about the level (docs/disclosure.md, "Cell keys")."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import update

from data_access.access.perturbation import PTABLE
from data_access.access.roles import operator_reader
from data_access.ingest.pipeline import import_file
from data_access.settings import Settings
from data_access.store import columnar
from data_access.store.engine import make_engine
from data_access.store.models import Registration
from reports.quarterly import freeze_quarter
from reports.selection import Selection
from reports.series.intakes import monthly_intakes
from tests.disclosure.conftest import SECRET, TODAY, Score, World

Report = Callable[[Score], None]
HISTORY = Selection(date(2019, 1, 1), date(2026, 9, 30))
QUARTERS = Selection(date(2019, 1, 1), date(2026, 9, 30), "quarter")
PRIOR = range(0, 13)


@pytest.fixture
def copy(world: World, tmp_path: Path) -> Iterator[World]:
    """A copy of the demo store this test may change."""
    directory = tmp_path / "store"
    shutil.copytree(world.settings.data_dir, directory)
    settings = Settings(
        data_dir=directory,
        database_url=f"sqlite:///{directory / 'monitor.db'}",
        pseudonym_key=SECRET.decode(),
    )
    engine = make_engine(settings)
    yield World(engine, settings)
    engine.dispose()


def _cells(world: World, selection: Selection = HISTORY) -> pl.DataFrame:
    """region_code, month, true and published intakes of every monthly cell."""
    return monthly_intakes(world.inputs("truth"), selection).select(
        "region_code",
        "month",
        "source",
        true=pl.col("intakes"),
        published=pl.col("intakes") + pl.col("intakes__noise"),
    )


def _likelihood(published: int, true: int) -> float:
    if true == 0:
        return 1.0 if published == 0 else 0.0
    return sum(p for e, p in PTABLE if max(true + e, 0) == published)


def _independent(p1: int, p2: int, change: int) -> int:
    """The attacker's best guess if each release were an independent draw (a key drawn from
    the records): the most likely count given both."""
    return max(PRIOR, key=lambda t: _likelihood(p1, t) * _likelihood(p2, t + change))


def _shared(p1: int, p2: int, change: int) -> set[int]:
    """The counts both releases leave possible when the perturbation stays with the cell."""
    return {
        t
        for t in PRIOR
        for e, _ in PTABLE
        if (0 if t == 0 else max(t + e, 0)) == p1
        and (0 if t + change == 0 else max(t + change + e, 0)) == p2
    }


def _score(name: str, before: pl.DataFrame, after: pl.DataFrame, change: int) -> Score:
    joined = before.join(after.drop("source"), on=["region_code", "month"], suffix="_after")
    score = Score(name)
    for row in joined.iter_rows(named=True):
        if row["true_after"] - row["true"] != change:
            continue
        p1, p2 = row["published"], row["published_after"]
        score.add(row["true"], _independent(p1, p2, change), p1, _shared(p1, p2, change))
    return score


def test_a_provisional_month_against_its_revision(copy: World, report: Report) -> None:
    """Late registrations arrive for 150 small cells; both releases together guess no better
    than one, and leave every cell at least two possible counts."""
    before = _cells(copy)
    targets = before.filter(pl.col("true").is_between(1, 3) & (pl.col("source") == "rijen")).sort(
        "region_code", "month"
    )
    targets = targets.gather_every(max(1, targets.height // 150))
    registrations = copy.inputs("truth").registrations
    late = copy.settings.data_dir / "laat.csv"
    with late.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "registration_id",
                "family_id",
                "region_code",
                "nis_code",
                "kind",
                "received_date",
                "first_contact_date",
                "closed_date",
                "referrer",
                "request_nature",
                "response_type",
                "closure_reason",
                "child_age",
                "partners",
            ]
        )
        for i, (region, month) in enumerate(targets.select("region_code", "month").iter_rows()):
            nis = registrations.filter(pl.col("region_code") == region)["nis_code"].drop_nulls()
            received = month.replace(day=20).isoformat()
            nis_code = nis[0] if nis.len() else ""
            out.writerow(
                [
                    f"LAAT-{i}",
                    f"LAAT-F-{i}",
                    region,
                    nis_code,
                    "aanmelding",
                    received,
                    "",
                    "",
                    "CLB",
                    "OPVOEDING",
                    "",
                    "",
                    "9",
                    "",
                ]
            )
    result = import_file(copy.engine, copy.settings, late, "uniform", today=TODAY, is_demo=True)
    assert result.rows_accepted == targets.height, result.summary()
    copy.forget()
    after = _cells(copy)
    revised = before.join(
        after.drop("source"), on=["region_code", "month"], suffix="_after"
    ).filter(pl.col("true_after") == pl.col("true") + 1)
    assert revised.height == targets.height
    # Away from the floor at zero, the published count moves by exactly the true change.
    moved = revised.filter(pl.col("published") > 0)
    assert (moved["published_after"] - moved["published"] == 1).all()
    score = _score("revision: a provisional month against its revision", before, after, 1)
    report(score)
    assert score.cells > 100
    assert score.holds(), score.as_dict()


def test_a_frozen_quarter_against_its_corrections(copy: World, report: Report) -> None:
    """A quarter is frozen, then 100 of its aanmeldingen are corrected to consults; the frozen
    figures beside today's tell the corrections and nothing about the levels."""
    frozen = freeze_quarter(copy.engine, operator_reader(), "2025Q2", TODAY)
    assert frozen.figures
    before = _cells(copy, Selection(date(2025, 4, 1), date(2025, 6, 30)))
    truth = copy.inputs("truth").registrations.filter(
        (pl.col("kind") == "aanmelding")
        & pl.col("received_date").is_between(date(2025, 4, 1), date(2025, 6, 30))
    )
    small = before.filter(pl.col("true").is_between(2, 5))
    chosen = (
        truth.with_columns(month=pl.col("received_date").dt.truncate("1mo"))
        .join(small.select("region_code", "month"), on=["region_code", "month"])
        .unique(["region_code", "month"], keep="first", maintain_order=True)
        .head(100)
    )
    with copy.engine.begin() as conn:
        conn.execute(
            update(Registration)
            .where(Registration.id.in_(chosen["id"].to_list()))
            .values(kind="consult")
        )
    columnar.invalidate(copy.engine)
    copy.forget()
    after = _cells(copy, Selection(date(2025, 4, 1), date(2025, 6, 30)))
    score = _score("revision: a frozen quarter against its corrections", before, after, -1)
    report(score)
    assert score.cells > 20
    assert score.holds(), score.as_dict()


def test_a_record_keyed_method_would_fail_this_attack() -> None:
    """Why the key is the cell's and not its records': with an independent draw per release,
    the same attacker pins a small count far more often than one release allows (the figure
    docs/disclosure.md gives)."""
    prior = {t: 1.0 for t in range(1, 5)}
    hits = baseline = total = 0.0
    for t, weight in prior.items():
        for e1, q1 in PTABLE:
            for e2, q2 in PTABLE:
                p1, p2 = max(t + e1, 0), max(t + 1 + e2, 0)
                w = weight * q1 * q2
                total += w
                hits += w * (_independent(p1, p2, 1) == t)
                baseline += w * (p1 == t)
    assert baseline / total == pytest.approx(0.4, abs=0.01)
    assert hits / total > baseline / total + 0.1
