"""The command line run in the test's own process: what `1g1p ARGS` left, as a new process
would leave it."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CliRun:
    """What a run of `1g1p` left: its exit code and what it printed on each stream."""

    returncode: int
    stdout: str
    stderr: str


# The `cli` fixture: cli(settings, *args) runs `1g1p ARGS` on that store.
CliRunIn = Callable[..., CliRun]


def invoke(*args: str) -> CliRun:
    """`1g1p ARGS` through the real typer app; an exception the command does not turn into a
    Dutch message is printed on stderr, as Python would."""
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, list(args))
    stderr = result.stderr
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return CliRun(result.exit_code, result.stdout, stderr)
