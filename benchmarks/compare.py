"""Import throughput of this tree against another revision, in alternating passes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.stores import listing_path, source_files, throughput

ROOT = Path(__file__).resolve().parents[1]
PASS = Path(__file__).with_name("import_pass.py")


def compare_imports(
    scale: float, rounds: int, against: str, workdir: Path, today: date | None = None
) -> dict[str, Any]:
    """Per source kind: rows/s of each round for this tree and for `against`, their medians
    and the median of the per-round ratios (this / against).

    The machine's speed drifts by up to ±15 % within an hour (BENCHMARKS.md), so an import
    figure says little next to one measured in another hour. Each round imports the same
    source files once with each tree (the other revision's files from `git archive`), each
    into a fresh SQLite store in a fresh interpreter, the first tree alternating; the ratio
    per round cancels the drift.
    """
    today = today or date.today()
    source_files(workdir, scale, today)  # generated once, by this tree, for both
    listing = listing_path(workdir, scale)
    trees = {"this": ROOT, against: _checkout(against, workdir)}
    rates: dict[str, dict[str, list[int]]] = {label: defaultdict(list) for label in trees}
    for round_number in range(rounds):
        order = list(trees.items())
        for label, tree in order[::-1] if round_number % 2 else order:
            for kind, figures in _one_pass(tree, listing, workdir, today).items():
                rates[label][kind].append(int(figures["rows_per_s"]))
    kinds = sorted(set(rates["this"]) & set(rates[against]))
    return {
        kind: {
            "this": rates["this"][kind],
            against: rates[against][kind],
            "this_median": statistics.median(rates["this"][kind]),
            f"{against}_median": statistics.median(rates[against][kind]),
            "ratio_median": round(
                statistics.median(
                    a / b for a, b in zip(rates["this"][kind], rates[against][kind], strict=True)
                ),
                3,
            ),
        }
        for kind in kinds
    }


def _checkout(revision: str, workdir: Path) -> Path:
    """The files of `revision` beside the benchmark stores, by commit (made once, reused);
    `git archive` leaves the repository itself untouched."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{revision}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    tree = workdir / f"tree-{commit[:12]}"
    if not tree.exists():
        partial = tree.with_name(tree.name + ".partial")
        partial.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive.stdout, check=True)
        partial.rename(tree)
    return tree


def _one_pass(tree: Path, listing: Path, workdir: Path, today: date) -> dict[str, Any]:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(PASS), str(listing), str(workdir / "compare-store"), str(today)],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"import pass in {tree} failed:\n{done.stderr[-3000:]}")
    per_kind: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for kind, rows, seconds in json.loads(done.stdout.strip().splitlines()[-1]):
        per_kind[kind].append((rows, seconds))
    return throughput(per_kind)
