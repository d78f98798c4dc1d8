"""The command line refuses, in Dutch, a selection it cannot show truly."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app


@pytest.mark.parametrize(
    "command",
    [
        ["indicator", "intakes"],
        ["parliament", "--out", "antwoord.xlsx"],
    ],
)
def test_a_first_month_after_the_last_is_refused_in_dutch(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--from` after `--to` exits 1 with a Dutch message and writes nothing, instead of an
    empty table that reads as no intakes."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, [*command, "--from", "2024-06", "--to", "2024-01"])
    assert result.exit_code == 1
    assert "--from 2024-06 ligt na --to 2024-01" in result.output
    assert not (tmp_path / "antwoord.xlsx").exists()


def test_a_part_of_a_quarter_is_refused_in_dutch() -> None:
    """Per quarter, a period that starts or ends inside a quarter is refused, not labelled as
    the whole quarter."""
    result = CliRunner().invoke(
        app, ["indicator", "intakes", "--from", "2024-02", "--to", "2024-06", "--per", "quarter"]
    )
    assert result.exit_code == 1
    assert "hele kwartalen" in result.output
