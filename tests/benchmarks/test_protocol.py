"""Streamlit's internal websocket protocol as the load generator speaks it (pinned version)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from benchmarks.load import (
    USER_PICKER,
    floor_load,
    log_in,
    markdown,
    ratios,
    run_load,
    warm_up,
)
from benchmarks.protocol import Session
from benchmarks.servers import Server, app_server, floor_server
from data_access.settings import Settings
from tests.browser import harness

pytestmark = [
    # .ci/run runs these on their own: the smoke test of the pinned, internal protocol.
    pytest.mark.protocol,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="the app server runs on a SQLite store of its own (once per CI job is enough)",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("protocol")
    harness.build_store(directory, scale=0.02)
    settings = Settings(
        data_dir=directory,
        database_url=f"sqlite:///{directory / 'monitor.db'}",
        pseudonym_key=harness.PSEUDONYM_KEY,
    )
    with app_server(settings) as running:
        yield running


def test_streamlit_is_the_pinned_version() -> None:
    """The protocol is Streamlit's internal one: pyproject pins the version it was written for."""
    pinned = Path(__file__).resolve().parents[2] / "pyproject.toml"
    assert '"streamlit[auth]==1.67.0"' in pinned.read_text(encoding="utf-8")
    assert metadata.version("streamlit") == "1.67.0"


def test_a_session_opens_a_page_and_hears_script_finished(server: Server) -> None:
    """One simulated tab opens the app: its first run ends with script_finished, and the
    navigation and the sidebar's widgets arrive as deltas."""

    async def scenario() -> tuple[object, ...]:
        session = Session(server.base_url)
        await session.connect()
        try:
            run = await session.open()
            return run.status, run.errors, run.received_bytes, session.pages, session.labels()
        finally:
            await session.close()

    status, errors, received, pages, labels = asyncio.run(scenario())
    assert status == "FINISHED_SUCCESSFULLY" and errors == []
    assert isinstance(received, int) and received > 10_000
    assert "Overzicht" in [p.name for p in pages]  # type: ignore[attr-defined]
    assert "selectbox:Demogebruiker" in labels  # type: ignore[operator]
    assert "button_group:Periode per" in labels  # type: ignore[operator]


def test_each_widget_kind_sends_its_own_value_type(server: Server) -> None:
    """A selectbox's string picks the role (the navigation shrinks to a stuurgroep's), a
    segmented control's list of strings switches to quarters (its slider is redrawn), a
    select_slider moves its range, and a page switch by script hash opens that page."""

    async def scenario() -> dict[str, object]:
        session = Session(server.base_url)
        await session.connect()
        try:
            await session.open()
            seen: dict[str, object] = {"pages": len(session.pages)}
            user = session.widget("Demogebruiker")
            role = next(o for o in user.options if "stuurgroep" in o.lower())
            seen["role"] = (await session.change(user, role)).errors
            seen["pages_as_stuurgroep"] = len(session.pages)
            per = session.widget("Periode per")
            seen["quarters"] = (await session.change(per, ["Kwartaal"])).errors
            seen["slider"] = session.widget("Kwartalen", "slider").value
            slider = session.widget("Kwartalen", "slider")
            moved = slider.changed(0)
            await session.change(slider, moved)
            seen["moved"] = (moved, session.widget("Kwartalen", "slider").value)
            target = session.page("Tijdige opname")
            run = await session.switch_page(target)
            seen["switched"] = (run.status, session.page_hash == target.script_hash)
            seen["rule"] = session.widget("Termijn").value
            seen["user_kept"] = session.widget("Demogebruiker").value == role
            return seen
        finally:
            await session.close()

    seen = asyncio.run(scenario())
    assert seen["role"] == [] and seen["quarters"] == []
    assert isinstance(seen["pages"], int) and isinstance(seen["pages_as_stuurgroep"], int)
    assert seen["pages_as_stuurgroep"] < seen["pages"]  # no Beheer pages for a stuurgroep
    assert isinstance(seen["slider"], list) and len(seen["slider"]) == 2
    moved, shown = seen["moved"]  # type: ignore[misc]
    assert moved == shown and moved != seen["slider"]
    assert seen["switched"] == ("FINISHED_SUCCESSFULLY", True)
    assert seen["rule"] == ["Kalendermaand"]
    assert seen["user_kept"] is True


def test_cached_messages_come_back_as_references(server: Server) -> None:
    """A rerun that draws the same large charts again (the comparison's map) gets references to
    the messages the tab cached, not the charts themselves: far fewer bytes."""

    async def scenario() -> tuple[int, int, int]:
        session = Session(server.base_url)
        await session.connect()
        try:
            await session.open()
            first = await session.switch_page(session.page("Regio's vergelijken"))  # a map
            regions = session.widget("Regio's", "radio")
            again = await session.change(regions, regions.value)  # the same selection
            return first.received_bytes, again.received_bytes, again.references
        finally:
            await session.close()

    first, again, references = asyncio.run(scenario())
    assert references > 0
    assert again < first / 2


def test_a_widget_in_a_fragment_reruns_only_its_fragment(tmp_path: Path) -> None:
    """The widget's delta carries its fragment's id; changing it asks for that fragment's run
    (which ends as a fragment run), a widget outside asks for a whole run."""
    script = Path(__file__).with_name("fragment_app.py")

    async def scenario(base_url: str) -> tuple[str, str, str, str]:
        session = Session(base_url)
        await session.connect()
        try:
            await session.open()
            inside, outside = session.widget("Binnen"), session.widget("Buiten")
            fragment = (await session.change(inside, "b")).status
            whole = (await session.change(outside, "y")).status
            return inside.fragment_id, outside.fragment_id, fragment, whole
        finally:
            await session.close()

    with floor_server(log=tmp_path / "fragment.log", script=script) as server:
        inside, outside, fragment, whole = asyncio.run(scenario(server.base_url))
    assert inside and not outside
    assert fragment == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
    assert whole == "FINISHED_SUCCESSFULLY"


def test_the_load_generator_runs_sessions_that_open_pages_and_change_filters(
    server: Server,
) -> None:
    """`python -m benchmarks load` at the smallest scale: two sessions with short think times
    open pages and change filters without errors, and the server's CPU time is read."""
    run = run_load(server.base_url, 2, 12, think=1.0, server_pids=(server.pid,))
    assert run["errors"] == 0, run["error_examples"]
    assert run["steps"] >= 2 and run["all"]["n"] == run["steps"]
    assert run["first"]["n"] == 2 and run["login"]["n"] == 2
    assert run["server_cpu_s"][server.pid] > 0
    assert run["new_screen"]["n"] + run["seen_screen"]["n"] == run["steps"]
    assert "| 2 |" in markdown([run])


def test_the_same_sessions_run_on_the_floor_app(tmp_path: Path) -> None:
    """The floor has no one to log in as: its sessions change its one radio and open its
    other page, each step a screen it draws anew."""
    alone, two = floor_load([1, 2], 6, 0.5, tmp_path)
    assert alone["errors"] == 0 and two["errors"] == 0, two["error_examples"]
    assert alone["login"]["n"] == 0 and two["first"]["n"] == 2
    assert two["steps"] >= 2 and alone["server_cpu_per_step_s"] > 0
    assert {"page", "filter"} >= {s["kind"] for s in alone["per_step"]}


def test_a_screen_is_known_again_by_its_page_and_the_values_of_its_choices(
    server: Server,
) -> None:
    """What tells the load report's new screens from those shown before: the warm-up's
    screens are known, a changed filter makes a new one, changing it back the same again."""
    shown = warm_up(server.base_url)

    async def scenario() -> tuple[object, object, object]:
        session = Session(server.base_url)
        await asyncio.to_thread(session.fetch_cookies)
        await session.connect()
        try:
            await session.open()
            assert await log_in(session) is not None
            first = session.screen()
            widget = next(
                w for w in session.widgets.values() if w.changeable and w.label != USER_PICKER
            )
            before = widget.value
            await session.change(widget, widget.changed(1))
            changed = session.screen()
            await session.change(session.widgets[widget.id], before)
            return first, changed, session.screen()
        finally:
            await session.close()

    first, changed, back = asyncio.run(scenario())
    assert first in shown
    assert changed not in shown and changed != first
    assert back == first


def test_the_report_gives_the_targets_ratio_against_one_session() -> None:
    alone = {"sessions": 1, "all": {"n": 40, "p50_s": 0.05, "p95_s": 0.1}}
    many = {"sessions": 20, "all": {"n": 900, "p50_s": 0.04, "p95_s": 0.16}}
    assert ratios([alone, many]) == [
        "- one session: p95 ÷ median 2.00× (0.1 ÷ 0.05 s)",
        "- 20 sessions: p95 ÷ the one-session median 3.20× (0.16 ÷ 0.05 s)",
    ]
    assert ratios([many]) == []
