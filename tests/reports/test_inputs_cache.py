"""The inputs cache holds one data version, a bounded number of scopes, and loads once."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date

import polars as pl

from data_access.access.scope import Scope
from data_access.store import schemas
from reports.inputs import Inputs
from reports.service import InputsCache
from tests import scopes
from tests.reports.views.frames import hand_inputs

TODAY = date(2026, 11, 22)


class _Counting:
    """A loader that builds small real Inputs and counts its calls."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds  # a slow load, so concurrent sessions overlap
        self.calls: list[tuple[Scope, str]] = []
        self.base = hand_inputs(pl.DataFrame(schema=schemas.REGISTRATION), [], today=TODAY)

    def __call__(self, scope: Scope, basis: str, today: date) -> Inputs:
        self.calls.append((scope, basis))
        time.sleep(self.seconds)
        return replace(self.base, scope=scope)


def test_a_new_data_version_frees_the_old_entries() -> None:
    """Within a version each (scope, basis) loads once; after an import everything reloads."""
    load = _Counting()
    cache = InputsCache(load)
    kon = scopes.regions("KON")
    first = cache.get(1, kon, "then", TODAY)
    assert cache.get(1, kon, "then", TODAY) is first
    cache.get(1, scopes.everything(), "then", TODAY)
    assert len(load.calls) == 2
    after_import = cache.get(2, kon, "then", TODAY)
    assert after_import is not first
    assert len(load.calls) == 3
    cache.get(2, scopes.everything(), "then", TODAY)
    assert len(load.calls) == 4, "the old version's entry for everything was dropped"


def test_at_most_size_scopes_are_kept() -> None:
    """The least recently used scope goes first when the cache is full."""
    load = _Counting()
    cache = InputsCache(load, size=2)
    a, b, c = (scopes.regions(code) for code in ("AAA", "BBB", "CCC"))
    cache.get(1, a, "then", TODAY)
    cache.get(1, b, "then", TODAY)
    cache.get(1, a, "then", TODAY)  # a is now the most recent
    cache.get(1, c, "then", TODAY)  # evicts b
    cache.get(1, a, "then", TODAY)
    assert len(load.calls) == 3
    cache.get(1, b, "then", TODAY)
    assert load.calls[-1] == (b, "then") and len(load.calls) == 4


def test_concurrent_sessions_share_one_load() -> None:
    """Ten sessions asking at once for the same inputs cause one load, not ten copies."""
    load = _Counting(seconds=0.2)
    cache = InputsCache(load)
    results: list[Inputs] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(cache.get(5, scopes.everything(), "then", TODAY))
        )
        for _ in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(load.calls) == 1
    assert all(result is results[0] for result in results)


def test_a_session_with_an_older_version_does_not_empty_the_cache() -> None:
    """A rerun that read the version just before an import committed is served the newer
    entries; the cache never flips back and forth between two versions."""
    load = _Counting()
    cache = InputsCache(load)
    newer = cache.get(8, scopes.everything(), "then", TODAY)
    assert cache.get(7, scopes.everything(), "then", TODAY) is newer
    assert cache.get(8, scopes.everything(), "then", TODAY) is newer
    assert len(load.calls) == 1


def test_kept_inputs_are_served_while_others_load() -> None:
    """A session whose inputs are kept is not held up by another scope's load (at 1M a load
    takes about a second), and loads still run one at a time."""
    load = _Counting(seconds=1.0)
    cache = InputsCache(load)
    load.seconds = 0.0
    kept = cache.get(1, scopes.regions("KON"), "then", TODAY)
    load.seconds = 1.0
    loading = threading.Thread(target=cache.get, args=(1, scopes.everything(), "today", TODAY))
    loading.start()
    time.sleep(0.1)  # the other load has begun
    started = time.monotonic()
    assert cache.get(1, scopes.regions("KON"), "then", TODAY) is kept
    assert time.monotonic() - started < 0.5
    assert loading.is_alive()
    loading.join()
    assert len(load.calls) == 2


def test_a_kept_result_is_read_while_another_is_computed() -> None:
    """Sessions of one scope share the inputs' memo: a result already kept is handed out at
    once while another session computes a new one, and a new result is computed once."""
    inputs = _Counting().base
    inputs.remembered("kept", lambda: 1)
    computed: list[int] = []

    def slow() -> int:
        computed.append(1)
        time.sleep(1.0)
        return 2

    others = [threading.Thread(target=inputs.remembered, args=("new", slow)) for _ in range(3)]
    for thread in others:
        thread.start()
    time.sleep(0.1)  # the new result is being computed, under the inputs' lock
    started = time.monotonic()
    assert inputs.remembered("kept", lambda: 0) == 1
    assert time.monotonic() - started < 0.5
    for thread in others:
        thread.join()
    assert computed == [1] and inputs.memo["new"] == 2
