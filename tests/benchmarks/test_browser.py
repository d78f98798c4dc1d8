"""The browser timings' machinery, on the floor app: pages and filters found, time split."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.browser import CHROMIUM, Action, measure, ratios, summarise
from benchmarks.servers import floor_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium (apt-get install)"),
]


def test_the_floor_is_measured_from_its_navigation_and_widgets(tmp_path: Path) -> None:
    """Nothing is listed: both pages come from the navigation, the radio from the page. Every
    action's parts add up to its total, the server's share comes from the websocket, and a
    filter change receives the redrawn chart."""
    with floor_server(log=tmp_path / "floor.log") as server:
        actions = measure(server.base_url, repeat=2, progress=lambda _line: None)
    kinds = {(a.kind, a.page) for a in actions}
    assert ("open", "/tweede") in kinds and ("first", "/") in kinds
    filters = [a for a in actions if a.kind == "filter"]
    assert {a.widget for a in filters} == {"Periode per (stRadio)"}
    assert len(filters) == 4  # two pages, two rounds
    for action in actions:
        parts = action.to_send_s + action.server_s + action.after_s
        assert action.server_s > 0 and abs(parts - action.total_s) < 0.01, action
    assert all(a.received_kb > 5 for a in filters)  # 17 lines of chart data


def test_ratios_compare_each_page_with_the_floor() -> None:
    """A page's medians are divided by the floor's, against its own target (the comparison
    page has looser ones)."""

    def action(page: str, kind: str, seconds: float) -> Action:
        return Action(page, kind, "w", seconds, 0.01, seconds / 2, seconds / 2 - 0.01, 10.0)

    app = summarise(
        [
            action("/", "first", 2.0),
            action("/intakes", "open", 1.2),
            action("/intakes", "filter", 0.6),
            action("/compare", "filter", 0.9),
        ]
    )
    floor = summarise([action("/", "first", 1.0), action("/", "filter", 0.3)])
    floor["pages_all"] = {
        "open": summarise([action("/tweede", "open", 0.4)])["pages"]["/tweede"]["open"],
        "filter": floor["pages"]["/"]["filter"],
    }
    found = ratios(app, floor)
    assert found["first_page"] == {"ratio": 2.0, "target": 3.0}
    assert found["/intakes"]["open"] == {"ratio": 3.0, "target": 2.0}
    assert found["/intakes"]["filter"] == {"ratio": 2.0, "target": 1.5}
    assert found["/compare"]["filter"] == {"ratio": 3.0, "target": 2.5}
