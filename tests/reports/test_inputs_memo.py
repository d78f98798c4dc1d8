"""Results remembered with a set of inputs stay with exactly those inputs."""

from __future__ import annotations

import dataclasses
from datetime import date

import polars as pl

from data_access.store import schemas
from tests.reports.views.frames import hand_inputs


def test_a_replaced_inputs_remembers_nothing_of_the_original() -> None:
    """dataclasses.replace (other passports, another basis) starts with an empty memo, so a
    report chapter computed from the original is never served for the copy."""
    original = hand_inputs(pl.DataFrame(schema=schemas.REGISTRATION), [], today=date(2026, 1, 1))
    assert original.remembered("chapter", lambda: "original") == "original"
    assert original.remembered("chapter", lambda: "recomputed") == "original"
    copy = dataclasses.replace(original, basis="today")
    assert copy.remembered("chapter", lambda: "copy") == "copy"
