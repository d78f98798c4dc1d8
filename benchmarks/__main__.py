"""`python -m benchmarks run …`: build the benchmark stores, measure, write JSON and Markdown."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.compare import compare_imports
from benchmarks.report import comparison_markdown, markdown
from benchmarks.run import run_benchmark
from benchmarks.sections import SECTIONS, run_section


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="Build the stores and measure every section.")
    run.add_argument("--scale", type=float, action="append", help="Demo scale (1 ≈ 150.000).")
    run.add_argument("--workdir", type=Path, default=Path("/tmp/bench"))
    run.add_argument("--database-url", help="Also measure on this PostgreSQL server.")
    run.add_argument("--repeat", type=int, default=3, help="Runs per figure (the median).")
    run.add_argument("--section", action="append", choices=sorted(SECTIONS))
    run.add_argument("--reuse", action="store_true", help="Reuse stores built before.")
    run.add_argument("--out", type=Path, help="Write the results as JSON here.")
    versus = commands.add_parser(
        "compare-imports", help="Import throughput of this tree against another revision."
    )
    versus.add_argument("--against", required=True, help="A git revision, e.g. HEAD~5.")
    versus.add_argument("--scale", type=float, default=6.7, help="Demo scale (1 ≈ 150.000).")
    versus.add_argument("--rounds", type=int, default=5, help="Alternating passes of each.")
    versus.add_argument("--workdir", type=Path, default=Path("/tmp/bench"))
    load = commands.add_parser(
        "load", help="Simulated sessions (Streamlit's websocket protocol) on one app server."
    )
    load.add_argument("--scale", type=float, default=6.7, help="Demo scale of the store.")
    load.add_argument("--workdir", type=Path, default=Path("/tmp/bench"))
    load.add_argument("--database-url", help="Use the store on this PostgreSQL server.")
    load.add_argument("--sessions", type=int, action="append", help="Repeatable: 1, 5, 10, 20.")
    load.add_argument("--seconds", type=float, default=120, help="Per number of sessions.")
    load.add_argument("--think", type=float, default=5.0, help="Mean think time (exponential).")
    load.add_argument("--url", help="Measure this running server (e.g. nginx) instead.")
    load.add_argument("--server-pid", type=int, action="append", default=[])
    load.add_argument("--out", type=Path, help="Write the results as JSON here.")
    load.add_argument(
        "--floor",
        action="store_true",
        help="Then the same sessions on the floor app (not with --url).",
    )
    first = commands.add_parser(
        "first-start", help="./run app on a fresh data directory until the first chart."
    )
    first.add_argument("--scale", type=float, default=1.0, help="Demo scale (1 ≈ 150.000).")
    first.add_argument("--repeat", type=int, default=3)
    first.add_argument("--out", type=Path, help="Write the results as JSON here.")
    section = commands.add_parser("section", help="(internal) one section, JSON on stdout.")
    section.add_argument("name", choices=sorted(SECTIONS))
    section.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.command == "section":
        print(json.dumps(run_section(args.name, args.repeat)))
        return
    if args.command == "first-start":
        from benchmarks.first_start import first_start
        from benchmarks.first_start import markdown as first_markdown

        starts = [first_start(args.scale) for _ in range(args.repeat)]
        if args.out:
            args.out.write_text(json.dumps(starts, indent=2), encoding="utf-8")
        print(json.dumps(starts, indent=2))
        print(first_markdown(starts))
        return
    if args.command == "load":
        from benchmarks.load import load_command
        from benchmarks.load import markdown as load_markdown

        runs = load_command(args)
        if args.out:
            args.out.write_text(json.dumps(runs, indent=2), encoding="utf-8")
        print(load_markdown(runs["runs"]))
        if "floor_runs" in runs:
            print("\nThe floor app, the same sessions:\n")
            print(load_markdown(runs["floor_runs"]))
        return
    if args.command == "compare-imports":
        compared = compare_imports(args.scale, args.rounds, args.against, args.workdir)
        print(json.dumps(compared, indent=2))
        print(comparison_markdown(compared, args.against))
        return
    results = run_benchmark(
        scales=args.scale or [1.0],
        workdir=args.workdir,
        server_url=args.database_url,
        repeat=args.repeat,
        sections=args.section,
        reuse=args.reuse,
    )
    if args.out:
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
