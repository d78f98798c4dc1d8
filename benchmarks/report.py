"""The results as Markdown tables, as pasted into BENCHMARKS.md."""

from __future__ import annotations

from typing import Any


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def markdown(results: dict[str, Any]) -> str:
    """One section per store: imports, reads, baseline ratios, indicators, pages, checks."""
    out: list[str] = []
    for run in results["runs"]:
        out.append(
            f"### Scale {run['scale']:g} on {run['backend']}: "
            f"{run['registrations']:,} registrations (median of {results['repeat']})"
        )
        out.append("")
        out += _table(
            ["source kind", "files", "rows", "seconds", "rows/s", "median file rows/s"],
            [
                [
                    k,
                    v["files"],
                    v["rows"],
                    v["seconds"],
                    v["rows_per_s"],
                    v["median_file_rows_per_s"],
                ]
                for k, v in run["import"].items()
            ],
        )
        if "first_read" in run:
            f = run["first_read"]
            out += _table(
                ["columnar parts: build for the whole store (s)", "read after an import (s)"],
                [[f["build_parts_s"], f["after_import_s"]]],
            )
        if "reads" in run:
            r = run["reads"]
            out += _table(
                ["read of every registration", "ours after an import (s)", "pandas read_sql (s)"],
                [[r["registrations_rows"], r["ours_s"], r["pandas_read_sql_s"]]],
            )
        if "baseline" in run:
            out += _table(
                [
                    "table",
                    "pandas page view (s)",
                    "pandas groupby only (s)",
                    "ours cold (s)",
                    "ours warm (s)",
                    "cold ×",
                    "warm ×",
                ],
                [
                    [
                        k,
                        v["baseline_page_view_s"],
                        v["baseline_groupby_s"],
                        v["ours_cold_s"],
                        v["ours_warm_s"],
                        v["cold_speedup"],
                        v["warm_speedup"],
                    ]
                    for k, v in run["baseline"].items()
                    if not k.startswith("_")
                ],
            )
        if "indicators" in run:
            out += _table(
                ["1g1p indicator", "command cold (s)", "view warm (s)", "exit"],
                [
                    [k, v["cold_s"], v["warm_s"], v.get("exit_code")]
                    for k, v in run["indicators"].items()
                ],
            )
        if "pages" in run:
            out += _table(
                ["page", "cold (s)", "warm (s)", "warm = filter change", "errors"],
                [
                    [k, v["cold_s"], v["warm_s"], v["warm_is_filter_change"], len(v["errors"])]
                    for k, v in run["pages"].items()
                ],
            )
        if "checks" in run:
            c = run["checks"]
            out += _table(
                ["quality suite (s)", "GX import (s)", "expectations"],
                [[c["suite_s"], c["gx_import_s"], c.get("expectations")]],
            )
        if "report" in run:
            r = run["report"]
            out += _table(
                ["1g1p report", "region", "quarter", "first after an import (s)", "bytes", "exit"],
                [
                    [
                        kind,
                        r["region"],
                        r["quarter"],
                        r[kind]["cold_s"],
                        r[kind]["bytes"],
                        r[kind]["exit_code"],
                    ]
                    for kind in ("pdf", "xlsx")
                ],
            )
        if "browser" in run:
            out += browser_markdown(run["browser"])
        peaks = {k: v for k, v in run.items() if k.endswith("_peak_rss_mb")}
        out += _table(
            ["process", "peak RSS (MB)"],
            [[k.removesuffix("_peak_rss_mb"), v] for k, v in peaks.items()],
        )
        errors = {k: v for k, v in run.items() if k.endswith("_error")}
        for key, text in errors.items():
            out += [f"**{key}**:", "```", text, "```", ""]
    return "\n".join(out)


def comparison_markdown(compared: dict[str, Any], against: str) -> str:
    """The alternating import passes as one table: medians and the median per-round ratio."""
    rows = [
        [kind, v[f"{against}_median"], v["this_median"], v["ratio_median"], len(v["this"])]
        for kind, v in compared.items()
    ]
    header = ["source kind", f"{against} rows/s", "this tree rows/s", "ratio", "rounds"]
    return "\n".join(_table(header, rows))


def _split(stats: dict[str, Any]) -> str:
    """Where an action's median time went: to send / server / after, and the bytes."""
    if not stats.get("n"):
        return "–"
    return (
        f"{stats['to_send_s']} / {stats['server_s']} / {stats['after_s']} s, "
        f"{stats['received_kb']} kB → {stats['dominates']}"
    )


def browser_markdown(browser: dict[str, Any]) -> list[str]:
    """The browser section: per page opening and filter changes against the floor."""
    app, floor, ratios = browser["app"], browser["floor"], browser["ratios"]
    out: list[str] = []

    def cell(stats: dict[str, Any]) -> str:
        return f"{stats['median_s']} / {stats['p95_s']}" if stats.get("n") else "–"

    def ratio(path: str, kind: str) -> str:
        found = ratios.get(path, {}).get(kind)
        return f"{found['ratio']}× (≤ {found['target']}×)" if found else "–"

    rows = [
        [
            path,
            cell(figures["open"]),
            ratio(path, "open"),
            _split(figures["open"]),
            cell(figures["filter"]),
            ratio(path, "filter"),
            _split(figures["filter"]),
        ]
        for path, figures in app["pages"].items()
    ]
    out += _table(
        [
            "page",
            "open median / p95 (s)",
            "open × floor",
            "open: to send / server / after, kB → dominates",
            "filter median / p95 (s)",
            "filter × floor",
            "filter: to send / server / after, kB → dominates",
        ],
        rows,
    )
    first = ratios["first_page"]
    out += _table(
        ["", "new session's first page median / p95 (s)", "split", "× floor"],
        [
            ["monitor", cell(app["first_page"]), _split(app["first_page"]),
             f"{first['ratio']}× (≤ {first['target']}×)"],
            ["floor", cell(floor["first_page"]), _split(floor["first_page"]), "1"],
        ],
    )  # fmt: skip
    out += _table(
        ["floor", "median / p95 (s)", "split"],
        [
            [kind, cell(floor["pages_all"][kind]), _split(floor["pages_all"][kind])]
            for kind in ("open", "filter")
        ],
    )
    detail = [
        [path, widget, cell(stats), _split(stats)]
        for path, figures in app["pages"].items()
        for widget, stats in figures["widgets"].items()
    ]
    out += _table(["page", "filter", "median / p95 (s)", "split"], detail)
    out.append(
        f"Load average before / after: {browser['load_before'][0]} / {browser['load_after'][0]}."
    )
    out.append("")
    return out
