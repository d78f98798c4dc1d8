"""The attacker's world: a demo store, the outputs each reader gets, and the truth to score
attacks against (docs/disclosure.md, "The attacks the tests run")."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from data_access.access.perturbation import PTABLE, RecordKeys
from data_access.access.scope import Scope
from data_access.settings import Settings
from data_access.store.engine import make_engine
from demo.build import build_demo
from reports.inputs import Inputs, load_inputs
from reports.publish.boundary import PublishedView, Thresholds, publish
from reports.registry import indicator
from reports.selection import Selection
from tests import scopes
from tests.conftest import built_once

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "test-artifacts" / "disclosure-attacks.json"
# A fixed day, so the demo and every figure are the same on every run.
TODAY = date(2026, 11, 15)
SECRET = b"disclosure-suite"
KEYS = RecordKeys.from_secret(SECRET)
# Big enough for a few thousand small cells, small enough to build in seconds.
SCALE = float(os.environ.get("MONITOR_DISCLOSURE_SCALE", "0.03"))

READERS: dict[str, Callable[[], Scope]] = {
    "trekkersgroep": lambda: scopes.regions(),
    "stuurgroep": lambda: scopes.regions("KON"),
    "critical friend": lambda: scopes.regions("GNT", "WAD"),
}


@dataclass
class World:
    """The store, each reader's inputs, and what each indicator publishes for them."""

    engine: Engine
    settings: Settings
    _inputs: dict[tuple[str, str], Inputs] = field(default_factory=dict)

    def inputs(self, reader: str, basis: str = "then") -> Inputs:
        """A reader's inputs ("truth": every region exact)."""
        if (reader, basis) not in self._inputs:
            scope = scopes.everything() if reader == "truth" else READERS[reader]()
            self._inputs[(reader, basis)] = load_inputs(
                self.engine,
                scope,
                basis,  # type: ignore[arg-type]
                TODAY,
                KEYS,
            )
        return self._inputs[(reader, basis)]

    def published(
        self, reader: str, name: str, selection: Selection, **options: Any
    ) -> PublishedView:
        """An indicator's view as `reader` sees it."""
        inputs = self.inputs(reader, selection.basis)
        view = indicator(name).build(inputs, selection, **options)
        return publish(view, inputs.scope, Thresholds())

    def published_exact(self, name: str, selection: Selection, **options: Any) -> PublishedView:
        """An indicator's view with every region exact (the truth the attacks are scored on)."""
        inputs = self.inputs("truth", selection.basis)
        view = indicator(name).build(inputs, selection, **options)
        return publish(view, inputs.scope, Thresholds())

    def forget(self) -> None:
        """Read the store again (after it changed)."""
        self._inputs.clear()


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A demo store of some 4.500 registrations in 17 regions over eight years."""

    def settings_in(directory: Path) -> Settings:
        url = f"sqlite:///{directory / 'monitor.db'}"
        return Settings(data_dir=directory, database_url=url, pseudonym_key=SECRET.decode())

    def build(directory: Path) -> None:
        engine = make_engine(settings_in(directory))
        build_demo(engine, settings_in(directory), scale=SCALE, today=TODAY, run_checks=False)
        engine.dispose()

    settings = settings_in(built_once(tmp_path_factory, "disclosure", build))
    engine = make_engine(settings)
    yield World(engine, settings)
    engine.dispose()


# --- scoring ------------------------------------------------------------------------------


def possible_true_values(published: int, largest: int = 12) -> set[int]:
    """The true counts that could have been published as `published` (the method and its
    table are public)."""
    return {t for t in range(largest + 1) for e, _ in PTABLE if _published(t, e) == published}


def _published(true: int, e: int) -> int:
    return 0 if true == 0 else max(true + e, 0)


@dataclass
class Score:
    """An attack's exact hits on true counts of 1–4 against reading the published value."""

    attack: str
    cells: int = 0
    hits: int = 0
    baseline_hits: int = 0
    pinned: int = 0

    def add(self, true: int, estimate: int, published: int, possible: set[int]) -> None:
        if not 1 <= true <= 4:
            return
        self.cells += 1
        self.hits += estimate == true
        self.baseline_hits += published == true
        self.pinned += len(possible) == 1

    @property
    def rate(self) -> float:
        return self.hits / self.cells if self.cells else 0.0

    @property
    def baseline(self) -> float:
        return self.baseline_hits / self.cells if self.cells else 0.0

    def holds(self) -> bool:
        """No cell pinned, and no more exact hits than the baseline beyond chance (two
        standard errors of the difference of two proportions on these cells)."""
        slack = 2 * math.sqrt(max(self.cells, 1) * 0.25 * 2) + 1
        return self.pinned == 0 and self.hits <= self.baseline_hits + slack

    def as_dict(self) -> dict[str, Any]:
        return {
            "cells of 1-4 attacked": self.cells,
            "exact hits": self.hits,
            "hit rate": round(self.rate, 3),
            "baseline (reading the published value)": round(self.baseline, 3),
            "pinned to one value": self.pinned,
        }


_SCORES: dict[str, dict[str, Any]] = {}


@pytest.fixture
def report() -> Callable[[Score], None]:
    """Write an attack's score to test-artifacts/disclosure-attacks.json and print it."""

    def write(score: Score) -> None:
        _SCORES[score.attack] = score.as_dict()
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(json.dumps(_SCORES, indent=2, ensure_ascii=False), encoding="utf-8")
        print(score.attack, score.as_dict())

    return write
