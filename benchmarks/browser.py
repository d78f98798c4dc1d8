"""Browser timings: Debian's Chromium opens every page and changes every filter, as a person does.

The pages and filters are found, not listed: the pages from the sidebar's navigation, the
filters from the widgets on screen (radio, segmented control, selectbox, multiselect, slider,
checkbox or toggle; not text fields, buttons or forms). A role picker (the demo's
"Demogebruiker") is set once first. Each measured action runs from the input event (the click
or key press, timed in the page) until the run it caused has finished, every plotly chart is
drawn and the page has not changed for QUIET_MS: the time of the last change is the end. What
the time went to is measured from the websocket: the page's own clock times every frame sent
and received (a wrapper around the page's WebSocket), Playwright's frame events say which
frame is which (BackMsg rerun request, ForwardMsg script_finished). So each action splits into
*to send* (input → rerun request: the frontend), *server* (rerun request → script_finished:
the script run and the messages' transfer) and *after* (script_finished → last change: the
browser drawing), with the bytes received. The floor app (benchmarks/floor/app.py) is measured
the same way in the same run; the targets are ratios to it.
"""

from __future__ import annotations

import base64
import itertools
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

CHROMIUM = Path("/usr/bin/chromium")
# Debian's browser with everything that would reach the network switched off (as the tests).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 900}  # a laptop's screen
QUIET_MS = 500
RERUN_WAIT_S = 5.0  # an input that sends no rerun request within this is not a change
ACTION_TIMEOUT_S = 180.0
WIDGET_TIMEOUT_S = 15.0
KINDS = ("stRadio", "stButtonGroup", "stSelectbox", "stMultiSelect", "stSlider", "stCheckbox")
WIDGETS = ", ".join(f"[data-testid={kind}]" for kind in KINDS)
FINISHED = ForwardMsg.ScriptFinishedStatus
DONE_STATUSES = (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)

OBSERVER_JS = """(() => {
  const B = window.__bench = {lastMutation: performance.now(), input: null, armed: false,
                              received: []};
  new MutationObserver(() => { B.lastMutation = performance.now(); }).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true});
  for (const type of ['pointerdown', 'keydown']) {
    document.addEventListener(type, () => {
      if (B.armed) { B.input = performance.now(); B.armed = false; }
    }, true);
  }
  // When the page handled each frame of the app's websocket (to join its clock to the network's).
  const Native = window.WebSocket;
  function Timed(url, protocols) {
    const socket = new Native(url, protocols);
    if (String(url).endsWith('/_stcore/stream')) {
      socket.addEventListener('message', () => { B.received.push([performance.now()]); });
    }
    return socket;
  }
  Timed.prototype = Native.prototype;
  for (const key of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Timed[key] = Native[key];
  window.WebSocket = Timed;
})();"""

IDLE_JS = """(quiet) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid=stStatusWidget]')) return false;
  const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];
  if (charts.some((chart) => !chart.querySelector('.main-svg'))) return false;
  return performance.now() - window.__bench.lastMutation >= quiet;
}"""

DISCOVER_JS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => !e.closest('[data-testid=stForm]'))
  .filter((e) => !e.querySelector('input:disabled, button:disabled'))
  .map((e) => [e.getAttribute('data-testid'),
               (e.querySelector('[data-testid=stWidgetLabel]') || {}).innerText || ''])"""


@dataclass
class Action:
    """One measured action: where, what, and where its time went (seconds, kB)."""

    page: str
    kind: str  # first (a new session's first page), open (another page), filter
    widget: str
    total_s: float
    to_send_s: float
    server_s: float
    after_s: float
    received_kb: float


class Observer:
    """A tab's clock of inputs and changes, joined to the websocket's frames as the network saw
    them (Chrome DevTools Protocol: when each frame left or arrived, and what it was).

    The page's own handling of a frame can wait behind drawing; the network's time cannot, so
    the server's share is measured between network times. The two clocks are joined by the
    smallest gap between a frame's arrival and the page's handling of it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.sent: list[tuple[float, str]] = []  # (network ms, BackMsg type)
        self.received: list[tuple[float, int | None, int]] = []  # (ms, finished status, bytes)
        self._streams: set[str] = set()
        page.add_init_script(OBSERVER_JS)
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("Network.webSocketCreated", self._created)
        self.cdp.on("Network.webSocketFrameSent", self._sent)
        self.cdp.on("Network.webSocketFrameReceived", self._received)
        self.cdp.send("Network.enable")

    def _created(self, event: dict[str, Any]) -> None:
        if str(event.get("url", "")).endswith("/_stcore/stream"):
            self._streams.add(event["requestId"])

    @staticmethod
    def _payload(event: dict[str, Any]) -> bytes:
        response = event["response"]
        data = response.get("payloadData", "")
        return base64.b64decode(data) if response.get("opcode") == 2 else data.encode()

    def _sent(self, event: dict[str, Any]) -> None:
        if event["requestId"] not in self._streams:
            return
        message = BackMsg()
        message.ParseFromString(self._payload(event))
        self.sent.append((event["timestamp"] * 1000, message.WhichOneof("type") or ""))

    def _received(self, event: dict[str, Any]) -> None:
        if event["requestId"] not in self._streams:
            return
        payload = self._payload(event)
        message = ForwardMsg()
        message.ParseFromString(payload)
        finished = message.WhichOneof("type") == "script_finished"
        status = message.script_finished if finished else None
        self.received.append((event["timestamp"] * 1000, status, len(payload)))

    def arm(self) -> None:
        """The next pointer or key event is the action's start."""
        self.page.evaluate("window.__bench.armed = true; window.__bench.input = null")

    def timings(self) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate(
            "({input: window.__bench.input, handled: window.__bench.received.map((f) => f[0]),"
            " last: window.__bench.lastMutation})"
        )
        return result

    def _offset(self, handled: list[float]) -> float | None:
        """Page ms minus network ms, from the frames handled soonest after arriving."""
        gaps = [page - net for page, (net, _, _) in zip(handled, self.received, strict=False)]
        return min(gaps) if gaps else None

    def settle(
        self, start: float | None = None, *, first: bool = False
    ) -> tuple[float, ...] | None:
        """Wait for the run an input caused; (start, send, finished, done, bytes) in page ms,
        or None when no rerun request followed the input (nothing to measure)."""
        deadline = time.monotonic() + ACTION_TIMEOUT_S
        rerun_deadline = time.monotonic() + RERUN_WAIT_S
        send = finished = None
        while True:
            t = self.timings()
            begin = 0.0 if first else (start if start is not None else t["input"])
            offset = self._offset(t["handled"])
            if begin is not None and offset is not None and send is None:
                send = next(
                    (at + offset for at, kind in self.sent if at + offset >= begin - 1.0
                     and kind == "rerun_script"),
                    None,
                )  # fmt: skip
            if send is not None and offset is not None:
                finished = next(
                    (at + offset for at, status, _ in self.received
                     if at + offset >= send and status in DONE_STATUSES),
                    None,
                )  # fmt: skip
            if finished is not None:
                break
            if send is None and not first and time.monotonic() > rerun_deadline:
                return None
            if time.monotonic() > deadline:
                raise TimeoutError("no script_finished")
            self.page.wait_for_timeout(40)
        self.page.wait_for_function(
            IDLE_JS, arg=QUIET_MS, polling=50, timeout=ACTION_TIMEOUT_S * 1000
        )
        t = self.timings()
        offset = self._offset(t["handled"]) or 0.0
        done = float(t["last"])
        assert begin is not None and send is not None
        received = sum(size for at, _, size in self.received if send <= at + offset <= done)
        return float(begin), float(send), float(finished), done, float(received)


def _action(page: str, kind: str, widget: str, marks: tuple[float, ...]) -> Action:
    begin, send, finished, done, received = marks
    return Action(
        page,
        kind,
        widget,
        round((done - begin) / 1000, 3),
        round((send - begin) / 1000, 3),
        round((finished - send) / 1000, 3),
        round(max(done - finished, 0) / 1000, 3),
        round(received / 1024, 1),
    )


def launch(playwright: Any) -> Any:
    """Headless Debian Chromium; never a downloaded browser."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def _tab(browser: Any) -> tuple[Any, Any, Observer]:
    context = browser.new_context(viewport=VIEWPORT, locale="nl-BE")
    page = context.new_page()
    # Finding and working a widget is quick; waiting for a run has its own, longer limit.
    page.set_default_timeout(WIDGET_TIMEOUT_S * 1000)
    return context, page, Observer(page)


def first_page(browser: Any, base_url: str) -> Action:
    """A new session: from the navigation's start to its first page drawn and idle."""
    context, page, observer = _tab(browser)
    try:
        page.goto(base_url + "/", wait_until="commit", timeout=ACTION_TIMEOUT_S * 1000)
        marks = observer.settle(first=True)
        assert marks is not None
        return _action(urlparse(page.url).path, "first", "", marks)
    finally:
        context.close()


def nav_paths(page: Any) -> list[str]:
    """The pages the navigation offers, as URL paths (past ten Streamlit folds the rest)."""
    more = page.locator("[data-testid=stSidebarNavViewButton]", has_text="more")
    if more.count():
        more.first.click()
        page.wait_for_timeout(300)
    paths: list[str] = page.locator("[data-testid=stSidebarNav] a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )
    return paths


def open_page(page: Any, observer: Observer, path: str) -> Action | None:
    link = page.locator(f"[data-testid=stSidebarNav] a[href$='{path}']").first
    if not link.count():
        more = page.locator("[data-testid=stSidebarNavViewButton]", has_text="more")
        if more.count():
            more.first.click()
    observer.arm()
    link.click()
    marks = observer.settle()
    if marks is None:
        return None
    return _action(path, "open", "", marks)


def _widget(page: Any, kind: str, label: str) -> Any:
    found = page.locator(f"[data-testid={kind}]").filter(
        has=page.locator("[data-testid=stWidgetLabel]", has_text=label)
    )
    return found.first if label else page.locator(f"[data-testid={kind}]").first


def change(page: Any, observer: Observer, kind: str, label: str, step: int) -> bool:
    """Change the widget as a person would; False when it offers nothing else to choose."""
    page.keyboard.press("Escape")  # a list a multiselect left open would take the click
    widget = _widget(page, kind, label)
    # Scrolled to first, as a person does: a list opened while the page still scrolls closes
    # again (the table pager at the foot of a page).
    widget.scroll_into_view_if_needed()
    if kind == "stRadio":
        options = widget.locator("label:has(input)")
        checked = [options.nth(i).locator("input").is_checked() for i in range(options.count())]
        others = [i for i, on in enumerate(checked) if not on]
        if not others:
            return False
        observer.arm()
        options.nth(others[step % len(others)]).click()
    elif kind == "stButtonGroup":
        buttons = widget.locator("button[role=radio], button[role=checkbox]")
        others = [
            i
            for i in range(buttons.count())
            if buttons.nth(i).get_attribute("aria-checked") != "true"
        ]
        if not others:
            return False
        observer.arm()
        buttons.nth(others[step % len(others)]).click()
    elif kind == "stSelectbox":
        widget.locator("button[aria-haspopup=listbox], [role=combobox]").first.click()
        options = page.locator("[role=option]")
        options.first.wait_for()
        choices = [
            i
            for i in range(options.count())
            if options.nth(i).get_attribute("aria-selected") != "true"
        ]
        if not choices:
            page.keyboard.press("Escape")
            return False
        observer.arm()
        options.nth(choices[step % len(choices)]).click()
    elif kind == "stMultiSelect":
        field = widget.locator("input").first
        if step % 2:
            field.focus()
            observer.arm()
            page.keyboard.press("Backspace")  # removes the last chosen option
        else:  # open the list with its button, take an option not chosen yet
            widget.locator("button[aria-haspopup=listbox]").first.click()
            # Not the list's own "Select all": one region more, as a person adds one.
            options = page.locator(
                "[role=option][aria-selected=false]:not([data-key=__select_all__])"
            )
            options.first.wait_for()
            observer.arm()
            options.nth(step % 3).click()
    elif kind == "stSlider":
        thumb = widget.locator("input[type=range]").first
        thumb.focus()
        observer.arm()
        page.keyboard.press("ArrowLeft" if step % 2 == 0 else "ArrowRight")
    elif kind == "stCheckbox":
        observer.arm()
        widget.locator("label:has(input)").first.click()
    else:
        return False
    return True


def choose_role(page: Any, observer: Observer, picker: str, role: str) -> None:
    """Pick the demo user whose label contains `role` (unmeasured)."""
    widget = _widget(page, "stSelectbox", picker)
    widget.locator("[role=combobox]").first.click()
    observer.arm()
    page.locator("[role=option]", has_text=role).first.click()
    observer.settle()


def measure(
    base_url: str,
    *,
    repeat: int,
    role: tuple[str, str] | None = None,
    progress: Any = print,
) -> list[Action]:
    """Every page opened and every filter changed `repeat` times, plus `repeat` new sessions."""
    from playwright.sync_api import sync_playwright

    actions: list[Action] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context, page, observer = _tab(browser)
            page.goto(base_url + "/", timeout=ACTION_TIMEOUT_S * 1000)
            observer.settle(first=True)
            picker = role[0] if role else None
            if role:
                choose_role(page, observer, *role)
            paths = nav_paths(page)
            for step in range(repeat):
                for path in paths:
                    if urlparse(page.url).path != path:  # already there: nothing to open
                        opened = open_page(page, observer, path)
                        if opened is not None:
                            actions.append(opened)
                    for index in itertools.count():
                        # Found again before each change: a change can rename a later widget
                        # (the period slider is "Maanden" or "Kwartalen" by "Periode per").
                        widgets = page.evaluate(DISCOVER_JS, WIDGETS)
                        if index >= len(widgets):
                            break
                        kind, label = widgets[index]
                        if label == picker:
                            continue
                        try:
                            changed = change(page, observer, kind, label, step)
                            marks = observer.settle() if changed else None
                        except Exception as exc:  # noted; the other widgets still count
                            progress(f"  {path} {label}: {type(exc).__name__}: {exc}"[:300])
                            page.keyboard.press("Escape")
                            continue
                        if marks is not None:
                            actions.append(_action(path, "filter", f"{label} ({kind})", marks))
                progress(f"  round {step + 1}/{repeat}: {len(actions)} actions")
            context.close()
            # New sessions on a server whose caches are warm: what the next person meets.
            for _ in range(repeat):
                actions.append(first_page(browser, base_url))
        finally:
            browser.close()
    return actions


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def _stats(actions: list[Action]) -> dict[str, Any]:
    if not actions:
        return {"n": 0}
    totals = [a.total_s for a in actions]
    parts = {
        "to_send": statistics.median(a.to_send_s for a in actions),
        "server": statistics.median(a.server_s for a in actions),
        "after": statistics.median(a.after_s for a in actions),
    }
    return {
        "n": len(actions),
        "median_s": round(statistics.median(totals), 3),
        "p95_s": round(percentile(totals, 0.95), 3),
        "to_send_s": round(parts["to_send"], 3),
        "server_s": round(parts["server"], 3),
        "after_s": round(parts["after"], 3),
        "received_kb": round(statistics.median(a.received_kb for a in actions), 1),
        "dominates": max(parts, key=parts.__getitem__),
    }


def summarise(actions: list[Action]) -> dict[str, Any]:
    """Per page: opening, filter changes (all, and per widget); new sessions' first page."""
    pages: dict[str, Any] = {}
    for path in dict.fromkeys(a.page for a in actions if a.kind != "first"):
        mine = [a for a in actions if a.page == path]
        filters = [a for a in mine if a.kind == "filter"]
        pages[path] = {
            "open": _stats([a for a in mine if a.kind == "open"]),
            "filter": _stats(filters),
            "widgets": {
                w: _stats([a for a in filters if a.widget == w])
                for w in dict.fromkeys(a.widget for a in filters)
            },
        }
    return {"first_page": _stats([a for a in actions if a.kind == "first"]), "pages": pages}


# Targets (issue 19) as ratios to the floor: a filter change, a page opened, a first page.
COMPARE_PAGE = "/compare"
TARGETS: dict[str, tuple[float, float]] = {
    "filter": (1.5, 2.5),
    "open": (2.0, 3.0),
    "first_page": (3.0, 3.0),
}


def ratios(app: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    """Each page's medians against the floor's, with the target each must meet."""
    floor_filter = floor["pages_all"]["filter"]["median_s"]
    floor_open = floor["pages_all"]["open"]["median_s"]
    out: dict[str, Any] = {
        "first_page": {
            "ratio": round(app["first_page"]["median_s"] / floor["first_page"]["median_s"], 2),
            "target": TARGETS["first_page"][0],
        }
    }
    for path, figures in app["pages"].items():
        compare = path.endswith(COMPARE_PAGE)
        row: dict[str, Any] = {}
        for kind in ("filter", "open"):
            if figures[kind].get("n"):
                base = floor_filter if kind == "filter" else floor_open
                row[kind] = {
                    "ratio": round(figures[kind]["median_s"] / base, 2),
                    "target": TARGETS[kind][1 if compare else 0],
                }
        out[path] = row
    return out


def browser_section(settings: Any, repeat: int, *, out_dir: Path | None = None) -> dict[str, Any]:
    """The monitor (as a stuurgroep) and the floor app, each in its own server, same run."""
    import os

    from benchmarks.servers import app_server, floor_server

    out_dir = out_dir or settings.data_dir
    load_before = os.getloadavg()
    with app_server(settings, log=out_dir / "browser-app.log") as server:
        app_actions = measure(server.base_url, repeat=repeat, role=("Demogebruiker", "Stuurgroep"))
    with floor_server(log=out_dir / "browser-floor.log") as server:
        floor_actions = measure(server.base_url, repeat=repeat)
    app = summarise(app_actions)
    floor = summarise(floor_actions)
    floor["pages_all"] = {
        "open": _stats([a for a in floor_actions if a.kind == "open"]),
        "filter": _stats([a for a in floor_actions if a.kind == "filter"]),
    }
    return {
        "browser": {
            "app": app,
            "floor": floor,
            "ratios": ratios(app, floor),
            "actions": [asdict(a) for a in app_actions],
            "floor_actions": [asdict(a) for a in floor_actions],
            "load_before": [round(v, 2) for v in load_before],
            "load_after": [round(v, 2) for v in os.getloadavg()],
        }
    }
