"""Capacity without browsers: N simulated sessions (benchmarks.protocol) on one app server.

Each session behaves as a person with a tab: it opens the app, picks a demo role, then
repeatedly waits an exponential think time (mean 5 s) and either opens another page of the
navigation or changes one of the filters on screen (each widget kind with its own value).
Sessions arrive spread over the first think time. Latency runs from the rerun request sent to
the `script_finished` that ends its run. The generator runs on the same machine as the server
and shares its cores: its own CPU time is measured and reported beside the server's.

Each step is also marked by what it showed: a screen (a page with the values of its choices)
that no session, nor the warm-up, had shown before, or one shown before. The first is where
the server computes and publishes a view; the second mostly draws a view it kept. With
`--floor` the same sessions then run on the floor app, whose every step is drawn anew: what
Streamlit and the machine leave of the target's ratio by themselves (BENCHMARKS.md, load).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.protocol import Run, Session
from benchmarks.servers import cpu_seconds

# Share of steps that open another page (the rest change a filter on screen).
PAGE_SHARE = 0.4
ROLE = "stuurgroep"
USER_PICKER = "Demogebruiker"


@dataclass
class Sample:
    """One step of one session."""

    session: int
    kind: str  # first, login, page, filter
    what: str  # the page or the widget's label
    sent: float  # seconds since the run started
    seconds: float
    received_bytes: int
    errors: list[str] = field(default_factory=list)
    server_cpu_s: float | None = None  # the server's CPU time for this step (one session only)
    new_screen: bool = False  # a screen no session (nor the warm-up) had shown before


# A screen as Session.screen() keys it.
Screen = tuple[str, tuple[tuple[str, str, str], ...]]


async def _session(
    base_url: str,
    index: int,
    started: float,
    until: float,
    think: float,
    samples: list[Sample],
    seed: int,
    seen: set[Screen],
    cpu: Any = None,
) -> None:
    rng = random.Random(seed * 1000 + index)
    await asyncio.sleep(rng.uniform(0, think))  # arrivals spread over the first think time
    session = Session(base_url)
    cpu_before = [cpu() if cpu else 0.0]

    def note(kind: str, what: str, run: Any) -> None:
        used = None
        if cpu is not None:  # alone on the server: its CPU time since the last step is ours
            now = cpu()
            used, cpu_before[0] = round(now - cpu_before[0], 3), now
        screen = session.screen()
        new = screen not in seen
        seen.add(screen)
        samples.append(
            Sample(
                index,
                kind,
                what,
                run.sent - started,
                run.seconds,
                run.received_bytes,
                list(run.errors),
                used,
                new,
            )
        )

    try:
        await asyncio.to_thread(session.fetch_cookies)  # a load balancer's route cookie
        await session.connect()
        note("first", "", await session.open())
        login = await log_in(session)
        if login is not None:  # the floor app has no one to log in as
            note("login", ROLE, login)
        step = 0
        while True:
            await asyncio.sleep(rng.expovariate(1 / think))
            if time.monotonic() >= until:
                break
            if cpu is not None:
                cpu_before[0] = cpu()
            step += 1
            current = session.page_hash
            others = [p for p in session.pages if p.script_hash != current]
            filters = [w for w in session.widgets.values() if w.changeable]
            filters = [w for w in filters if w.label != USER_PICKER]
            if others and (rng.random() < PAGE_SHARE or not filters):
                page = rng.choice(others)
                note("page", page.name, await session.switch_page(page))
            elif filters:
                widget = rng.choice(filters)
                note("filter", widget.label, await session.change(widget, widget.changed(step)))
    except Exception as exc:  # counted, not fatal to the other sessions
        samples.append(Sample(index, "failed", "", time.monotonic() - started, 0.0, 0, [repr(exc)]))
    finally:
        await session.close()


async def log_in(session: Session) -> Run | None:
    """Pick the measured role in the demo-user picker; None on an app without one."""
    pickers = [w for w in session.widgets.values() if w.label == USER_PICKER]
    if not pickers:
        return None
    role = next(o for o in pickers[0].options if ROLE in o.lower())
    return await session.change(pickers[0], role)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (the value below which `share` of the values lie)."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_s": round(statistics.median(values), 3),
        "p95_s": round(percentile(values, 0.95), 3),
        "max_s": round(max(values), 3),
    }


def run_load(
    base_url: str,
    sessions: int,
    seconds: float,
    *,
    think: float = 5.0,
    server_pids: tuple[int, ...] = (),
    seed: int = 1,
    seen: set[Screen] | None = None,
) -> dict[str, Any]:
    """N sessions for `seconds` against `base_url`; latencies per kind of step and by new or
    seen screen, throughput, and the CPU the server processes and this generator used
    meanwhile. `seen`: the screens shown before this run (added to as it goes)."""
    samples: list[Sample] = []
    seen = set() if seen is None else seen
    load_before = os.getloadavg()
    server_before = {pid: cpu_seconds(pid) for pid in server_pids}
    own_before = time.process_time()
    started = time.monotonic()

    # With one session and one server process, each step's server CPU time is measured too.
    probe = None
    if sessions == 1 and len(server_pids) == 1:
        pid = server_pids[0]

        def probe() -> float:
            return cpu_seconds(pid)

    async def everyone() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _session(base_url, i, started, until, think, samples, seed, seen, probe)
                for i in range(sessions)
            )
        )

    asyncio.run(everyone())
    wall = time.monotonic() - started
    server_cpu = {pid: round(cpu_seconds(pid) - server_before[pid], 1) for pid in server_pids}
    steps = [s for s in samples if s.kind in ("page", "filter")]
    failed = [s for s in samples if s.errors]
    return {
        "sessions": sessions,
        "seconds": seconds,
        "think_s": think,
        "wall_s": round(wall, 1),
        "steps": len(steps),
        "steps_per_s": round(len(steps) / wall, 2),
        "all": summary([s.seconds for s in steps]),
        "page": summary([s.seconds for s in steps if s.kind == "page"]),
        "filter": summary([s.seconds for s in steps if s.kind == "filter"]),
        "new_screen": summary([s.seconds for s in steps if s.new_screen]),
        "seen_screen": summary([s.seconds for s in steps if not s.new_screen]),
        "first": summary([s.seconds for s in samples if s.kind == "first"]),
        "login": summary([s.seconds for s in samples if s.kind == "login"]),
        "mean_kb": round(statistics.mean(s.received_bytes for s in steps) / 1024, 1)
        if steps
        else 0,
        "errors": len(failed),
        "error_examples": [f"{s.kind} {s.what}: {s.errors[0]}" for s in failed[:5]],
        "server_cpu_s": server_cpu,
        "server_cores": round(sum(server_cpu.values()) / wall, 2),
        "server_cpu_per_step_s": round(sum(server_cpu.values()) / len(steps), 3) if steps else None,
        "per_step": [
            {
                "kind": s.kind,
                "what": s.what,
                "s": round(s.seconds, 3),
                "cpu_s": s.server_cpu_s,
                "kb": round(s.received_bytes / 1024, 1),
                "new_screen": s.new_screen,
            }
            for s in steps
        ]
        if sessions == 1
        else [],
        "generator_cores": round((time.process_time() - own_before) / wall, 2),
        "load_before": [round(v, 2) for v in load_before],
        "load_after": [round(v, 2) for v in os.getloadavg()],
        # The tail the target is about: every step slower than the 95th percentile, with when
        # it was sent (steps that fall in the same second take turns for the interpreter).
        "slowest": [
            {
                "kind": s.kind,
                "what": s.what,
                "at_s": round(s.sent, 1),
                "s": round(s.seconds, 3),
                "new_screen": s.new_screen,
            }
            for s in sorted(steps, key=lambda s: -s.seconds)[: max(5, len(steps) // 20)]
        ],
    }


def markdown(runs: list[dict[str, Any]]) -> str:
    """Sessions against latency, as pasted into BENCHMARKS.md; below the table, the target's
    ratio (p95 at N sessions to the one-session median) and the one session's own."""
    header = (
        "| sessions | steps | steps/s | p50 | p95 | max | pages p50 / p95 | filters p50 / p95 "
        "| new screens: n, p50 / p95 | seen screens: n, p50 "
        "| errors | server CPU / step | server cores | generator cores | load before |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [header]
    for r in runs:
        a, p, f = r["all"], r["page"], r["filter"]
        new, seen = r.get("new_screen", {}), r.get("seen_screen", {})
        lines.append(
            f"| {r['sessions']} | {r['steps']} | {r['steps_per_s']} | {a.get('p50_s', '–')} s "
            f"| {a.get('p95_s', '–')} s | {a.get('max_s', '–')} s "
            f"| {p.get('p50_s', '–')} / {p.get('p95_s', '–')} s "
            f"| {f.get('p50_s', '–')} / {f.get('p95_s', '–')} s "
            f"| {new.get('n', 0)}, {new.get('p50_s', '–')} / {new.get('p95_s', '–')} s "
            f"| {seen.get('n', 0)}, {seen.get('p50_s', '–')} s | {r['errors']} "
            f"| {r['server_cpu_per_step_s']} s | {r['server_cores']} | {r['generator_cores']} "
            f"| {r['load_before'][0]} |"
        )
    lines += ["", *ratios(runs)]
    return "\n".join(lines)


def ratios(runs: list[dict[str, Any]]) -> list[str]:
    """The target's ratio for each run of several sessions, against the run of one."""
    alone = next((r["all"] for r in runs if r["sessions"] == 1 and r["all"]["n"]), None)
    if alone is None:
        return []
    median = alone["p50_s"]
    said = [
        f"- one session: p95 ÷ median {alone['p95_s'] / median:.2f}× "
        f"({alone['p95_s']} ÷ {median} s)"
    ]
    said += [
        f"- {r['sessions']} sessions: p95 ÷ the one-session median "
        f"{r['all']['p95_s'] / median:.2f}× ({r['all']['p95_s']} ÷ {median} s)"
        for r in runs
        if r["sessions"] > 1 and r["all"]["n"]
    ]
    return said


def load_command(args: Any) -> dict[str, Any]:
    """`python -m benchmarks load`: against --url, or an app server started on the scale's
    benchmark store (built first when missing)."""
    from datetime import date

    from benchmarks.run import machine
    from benchmarks.servers import app_server, wait_idle
    from benchmarks.stores import build_store, store_settings

    counts = args.sessions or [1, 5, 10, 20]
    context: dict[str, Any] = {"machine": machine(), "scale": args.scale}
    if args.url:
        pids, shown = tuple(args.server_pid), set[Screen]()
        runs = [
            run_load(args.url, n, args.seconds, think=args.think, server_pids=pids, seen=shown)
            for n in counts
        ]
        return {**context, "url": args.url, "runs": runs}
    settings = store_settings(args.workdir, args.scale, args.database_url)
    if not (settings.data_dir / "import.json").exists():
        built = build_store(args.workdir, args.scale, args.database_url, date.today())
        (settings.data_dir / "import.json").write_text(json.dumps(built), encoding="utf-8")
    with app_server(settings) as server:
        seen = warm_up(server.base_url)
        # The first figure starts preparing the first switches beside it (reports.service):
        # measured steps do not share the cores with that.
        wait_idle(server.pid)
        runs = [
            run_load(
                server.base_url,
                n,
                args.seconds,
                think=args.think,
                server_pids=(server.pid,),
                seen=seen,
            )
            for n in counts
        ]
    backend = "postgresql" if args.database_url else "sqlite"
    measured = {**context, "backend": backend, "runs": runs}
    if args.floor:
        measured["floor_runs"] = floor_load(counts, args.seconds, args.think, settings.data_dir)
    return measured


def floor_load(counts: list[int], seconds: float, think: float, logs: Path) -> list[dict[str, Any]]:
    """The same sessions on the floor app (benchmarks/floor), a bare page that computes and
    draws its one chart and table anew at every step: what Streamlit and plotly themselves
    leave of the target on this machine (BENCHMARKS.md, load)."""
    from benchmarks.servers import floor_server

    with floor_server(log=logs / "floor-load.log") as server:
        return [
            run_load(server.base_url, n, seconds, think=think, server_pids=(server.pid,))
            for n in counts
        ]


def warm_up(base_url: str) -> set[Screen]:
    """One session opens every page once as the measured role: the server's caches are loaded
    (a cold page is the benchmark's pages section, not this one's). Returns the screens it
    showed."""
    shown: set[Screen] = set()

    async def visit() -> None:
        session = Session(base_url)
        await asyncio.to_thread(session.fetch_cookies)
        await session.connect()
        try:
            await session.open()
            await log_in(session)
            shown.add(session.screen())
            for page in list(session.pages):
                await session.switch_page(page)
                shown.add(session.screen())
        finally:
            await session.close()

    asyncio.run(visit())
    return shown
