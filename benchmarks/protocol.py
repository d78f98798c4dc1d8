"""A Streamlit session without a browser: Streamlit's own websocket protocol, spoken as a tab does.

The protocol is internal to Streamlit (BackMsg and ForwardMsg in `streamlit.proto`, the
websocket at `/_stcore/stream`), so pyproject.toml pins the Streamlit version and
tests/benchmarks/test_protocol.py keeps a smoke test. What a tab does, and this session does
too (Streamlit 1.67's frontend):

- every rerun request carries the hashes of the messages it has cached, and the server then
  sends a reference instead of the message; a message not referenced for
  `max_cached_message_age` runs is dropped (fragments age only their own messages);
- another page is asked for by its page script hash, from the navigation message;
- a widget inside a fragment asks for a rerun of that fragment only (its delta's fragment id);
- every rerun sends the state of every widget on the page, each widget kind with its own
  value type (radio and selectbox a formatted option string, select_slider, segmented
  control and multiselect a list of them, checkbox and toggle a bool, …), discovered from the
  deltas of the last run.

Latency is measured from sending the rerun request to the `script_finished` message that ends
that run (not one that ends a run it replaced).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

FINISHED = ForwardMsg.ScriptFinishedStatus
XSRF_COOKIE = "_streamlit_xsrf"
# Widgets whose "value" is what the server drew (a download's file), never what the tab set.
SERVER_VALUES = frozenset({"button", "download_button"})
# Widget kinds this session can change, by the Element field that carries them.
CHANGEABLE = ("radio", "selectbox", "button_group", "slider", "multiselect", "checkbox")


@dataclass
class Widget:
    """One widget as the last run drew it, with its current value in the form it is sent."""

    id: str
    kind: str  # Element field: radio, selectbox, button_group, slider, multiselect, checkbox, …
    label: str
    options: list[str]
    value: Any  # str, list[str], bool or float list, as the widget kind sends it
    fragment_id: str = ""
    form_id: str = ""
    script_hash: str = ""  # the script that drew it (the app's main script, or a page's)
    forced: bool = False  # the server set the value (session state): the tab takes it

    def state(self) -> WidgetState | None:
        """The widget's state as a browser sends it, or None for widgets without one."""
        state = WidgetState(id=self.id)
        if self.kind in {"radio", "selectbox", "text_input", "text_area"}:
            if self.value is None:
                return None
            state.string_value = str(self.value)
        elif self.kind in {"button_group", "multiselect"} or (
            self.kind == "slider" and self.options
        ):
            state.string_array_value.data[:] = [str(v) for v in self.value]
        elif self.kind == "slider":
            state.double_array_value.data[:] = [float(v) for v in self.value]
        elif self.kind == "checkbox":
            state.bool_value = bool(self.value)
        elif self.kind == "number_input":
            state.double_value = float(self.value)
        elif self.kind == "file_uploader" and self.value is not None:
            state.file_uploader_state_value.CopyFrom(self.value)
        else:
            return None
        return state

    @property
    def changeable(self) -> bool:
        """Whether a filter change can be made here (more than one choice, not in a form)."""
        if self.form_id or self.kind not in CHANGEABLE:
            return False
        return self.kind == "checkbox" or len(self.options) > 1

    def changed(self, step: int) -> Any:
        """Another value of the widget; `step` alternates the direction (a person goes back
        and forth over a few choices)."""
        if self.kind == "checkbox":
            return not self.value
        if self.kind in {"radio", "selectbox"}:
            others = [o for o in self.options if o != self.value]
            return others[step % len(others)]
        if self.kind == "button_group":
            others = [o for o in self.options if [o] != list(self.value)]
            return [others[step % len(others)]]
        if self.kind == "multiselect":
            chosen = list(self.value)
            if chosen and step % 2:
                return chosen[:-1]
            missing = [o for o in self.options if o not in chosen]
            return [*chosen, missing[step % len(missing)]] if missing else chosen[:-1]
        if self.kind == "slider":  # a select_slider: move the range by one option
            index = [self.options.index(v) for v in self.value]
            shift = -1 if step % 2 == 0 else 1
            if min(index) + shift < 0 or max(index) + shift >= len(self.options):
                shift = -shift
            return [self.options[i + shift] for i in index]
        raise ValueError(f"cannot change a {self.kind}")


def _widget(element: Any, fragment_id: str) -> Widget | None:
    """The widget an Element proto draws, with its current value, or None."""
    kind = element.WhichOneof("type")
    if kind in {"radio", "selectbox"}:
        proto = getattr(element, kind)
        options = list(proto.options)
        if proto.set_value and proto.HasField("raw_value"):
            value: Any = proto.raw_value
        elif proto.HasField("default") and 0 <= proto.default < len(options):
            value = options[proto.default]
        else:
            value = None
        return Widget(proto.id, kind, proto.label, options, value, fragment_id, proto.form_id)
    if kind == "button_group":
        proto = element.button_group
        options = [o.content for o in proto.options]
        value = list(proto.raw_values) if proto.set_value else [options[i] for i in proto.default]
        return Widget(proto.id, kind, proto.label, options, value, fragment_id, proto.form_id)
    if kind == "multiselect":
        proto = element.multiselect
        options = list(proto.options)
        value = list(proto.raw_values) if proto.set_value else [options[i] for i in proto.default]
        return Widget(proto.id, kind, proto.label, options, value, fragment_id, proto.form_id)
    if kind == "slider":
        proto = element.slider
        options = list(proto.options)
        if options:  # select_slider: positions in `default`, or the formatted values
            value = (
                list(proto.raw_value)
                if proto.set_value
                else [options[int(i)] for i in proto.default]
            )
        else:
            value = list(proto.value) if proto.set_value else list(proto.default)
        return Widget(proto.id, kind, proto.label, options, value, fragment_id, proto.form_id)
    if kind == "checkbox":
        proto = element.checkbox
        value = proto.value if proto.set_value else proto.default
        return Widget(proto.id, kind, proto.label, [], value, fragment_id, proto.form_id)
    if kind in {"text_input", "text_area"}:
        proto = getattr(element, kind)
        value = proto.value if proto.set_value else proto.default
        return Widget(proto.id, kind, proto.label, [], value, fragment_id, proto.form_id)
    if kind == "file_uploader":
        proto = element.file_uploader
        return Widget(proto.id, kind, proto.label, [], None, fragment_id, proto.form_id)
    if kind == "button":
        proto = element.button
        return Widget(proto.id, kind, proto.label, [], None, fragment_id, proto.form_id)
    if kind == "download_button":  # its value: the deferred file's id, or the file's URL
        proto = element.download_button
        value = proto.deferred_file_id if proto.HasField("deferred_file_id") else proto.url
        return Widget(proto.id, kind, proto.label, [], value, fragment_id, proto.form_id)
    return None


@dataclass
class Run:
    """One script run as the session saw it."""

    sent: float
    finished: float | None = None
    status: str = ""
    received_bytes: int = 0
    messages: int = 0
    references: int = 0  # cached messages the server only referred to
    errors: list[str] = field(default_factory=list)
    page_hash: str = ""
    first_message: float | None = None

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.sent


@dataclass
class Page:
    """A page in the navigation."""

    script_hash: str
    name: str
    url_pathname: str
    is_default: bool


class ProtocolError(RuntimeError):
    """The server answered in a way a browser would not expect."""


class Session:
    """One simulated browser tab on a Streamlit app (see the module docstring)."""

    def __init__(self, base_url: str, *, cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies: dict[str, str] = dict(cookies or {})
        self.connection: ClientConnection | None = None
        self.session_id = ""
        self.pages: list[Page] = []
        self.page_hash = ""
        self.main_script_hash = ""
        self.widgets: dict[str, Widget] = {}
        self.max_age = 2
        # hash → (run count when last used, fragment id, message)
        self._cache: dict[str, tuple[int, str, ForwardMsg]] = {}
        self._runs_seen = 0
        self._run: Run | None = None
        self._done: asyncio.Event = asyncio.Event()
        self._drawn: dict[str, Widget] = {}
        self._reader: asyncio.Task[None] | None = None
        self._file_urls: dict[str, asyncio.Future[Any]] = {}
        self._operations: dict[str, asyncio.Future[Any]] = {}
        self.closed_because: str | None = None

    # --- connection -------------------------------------------------------------------------

    def fetch_cookies(self) -> dict[str, str]:
        """Ask the server once over HTTP, as a page load does, and keep the cookies it sets (a
        load balancer's route cookie and Streamlit's XSRF cookie); the response's headers."""
        request = urllib.request.Request(f"{self.base_url}/_stcore/health")
        self._add_cookies(request)
        with urllib.request.urlopen(request, timeout=30) as answer:
            headers = dict(answer.headers.items())
            for header in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0].strip()
        return headers

    def _add_cookies(self, request: urllib.request.Request) -> None:
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))

    async def connect(self) -> None:
        scheme = "wss" if self.base_url.startswith("https") else "ws"
        url = f"{scheme}:{self.base_url.split(':', 1)[1]}/_stcore/stream"
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.connection = await connect(
            url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers=headers if self.cookies else None,
            max_size=None,
            open_timeout=60,
            ping_interval=None,
            compression="deflate",  # browsers negotiate it too: the server compresses
            proxy=None,
        )
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    # --- what the session asks --------------------------------------------------------------

    async def open(self, path: str = "", query: str = "", timeout: float = 600) -> Run:
        """The first run of a new tab on `path` ('' is the default page)."""
        return await self._rerun(page_name=path.strip("/"), query=query, timeout=timeout)

    async def switch_page(self, page: Page, timeout: float = 600) -> Run:
        """Open another page of the navigation, as a click on its link does."""
        return await self._rerun(page_hash=page.script_hash, timeout=timeout, new_page=True)

    async def change(self, widget: Widget, value: Any, timeout: float = 600) -> Run:
        """Set a widget to `value` (as that widget kind sends it) and rerun, only the widget's
        fragment when it lives in one."""
        widget.value = value
        return await self._rerun(fragment_id=widget.fragment_id, timeout=timeout)

    async def click(self, widget: Widget, timeout: float = 600) -> Run:
        """Press a button (a trigger value, true for this run only)."""
        trigger = WidgetState(id=widget.id, trigger_value=True)
        return await self._rerun(fragment_id=widget.fragment_id, timeout=timeout, extra=[trigger])

    def widget(self, label: str, kind: str | None = None, key: str = "") -> Widget:
        """The widget with this label (and kind, and user key) on the current page."""
        found = [
            w
            for w in self.widgets.values()
            if w.label == label and kind in (None, w.kind) and w.id.endswith(key)
        ]
        if not found:
            raise ProtocolError(f"no widget {label!r} on the page: {self.labels()}")
        return found[0]

    def labels(self) -> list[str]:
        return sorted(f"{w.kind}:{w.label}" for w in self.widgets.values())

    def screen(self) -> tuple[str, tuple[tuple[str, str, str], ...]]:
        """What the tab shows, as a key: the page and the value of every choice on it (two
        equal keys are the same screen, so the second is one the server drew before)."""
        choices = sorted(
            (w.kind, w.label, repr(w.value)) for w in self.widgets.values() if w.kind in CHANGEABLE
        )
        return self.page_hash, tuple(choices)

    def page(self, name: str) -> Page:
        for page in self.pages:
            if name in (page.name, page.url_pathname):
                return page
        raise ProtocolError(f"no page {name!r}: {[p.name for p in self.pages]}")

    async def _rerun(
        self,
        *,
        page_hash: str | None = None,
        page_name: str = "",
        query: str = "",
        fragment_id: str = "",
        timeout: float,
        new_page: bool = False,
        extra: Iterable[WidgetState] = (),
    ) -> Run:
        if self.connection is None:
            raise ProtocolError("not connected")
        state = ClientState(
            query_string=query,
            page_script_hash=page_hash if page_hash is not None else self.page_hash,
            page_name=page_name if not self.page_hash else "",
            fragment_id=fragment_id,
            cached_message_hashes=list(self._cache),
        )
        state.context_info.timezone = "Europe/Brussels"
        state.context_info.locale = "nl-BE"
        state.context_info.url = self.base_url + "/"
        # A page change sends only the widgets the app's main script drew (a page's own go
        # with it); any other rerun sends every widget on screen.
        for widget in self.widgets.values():
            if new_page and widget.script_hash != self.main_script_hash:
                continue
            widget_state = widget.state()
            if widget_state is not None:
                state.widget_states.widgets.append(widget_state)
        state.widget_states.widgets.extend(extra)
        self._run = Run(sent=time.monotonic(), page_hash=state.page_script_hash)
        self._done = asyncio.Event()
        await self.connection.send(BackMsg(rerun_script=state).SerializeToString())
        try:
            await asyncio.wait_for(self._done.wait(), timeout)
        except TimeoutError:
            self._run.errors.append(f"no script_finished within {timeout:.0f} s")
        run = self._run
        if self.closed_because is not None and run.finished is None:
            run.errors.append(self.closed_because)
        return run

    # --- uploads and downloads (through the same route as the websocket) ----------------------

    async def upload(self, widget: Widget, name: str, data: bytes, mime: str) -> None:
        """Put a file into a file uploader as a browser does: ask for upload URLs over the
        websocket, PUT the file to /_stcore/upload_file/…, then hold it in the widget state."""
        from streamlit.proto.Common_pb2 import FileUploaderState, FileURLsRequest, UploadedFileInfo

        if self.connection is None:
            raise ProtocolError("not connected")
        request_id = uuid.uuid4().hex
        waiting: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._file_urls[request_id] = waiting
        ask = FileURLsRequest(request_id=request_id, session_id=self.session_id)
        ask.file_names.append(name)
        await self.connection.send(BackMsg(file_urls_request=ask).SerializeToString())
        response = await asyncio.wait_for(waiting, 60)
        if response.error_msg:
            raise ProtocolError(response.error_msg)
        urls = response.file_urls[0]
        await asyncio.to_thread(self._put, urls.upload_url, name, data, mime)
        info = UploadedFileInfo(file_id=urls.file_id, name=name, size=len(data))
        info.file_urls.CopyFrom(urls)
        widget.value = FileUploaderState(uploaded_file_info=[info])

    def _put(self, url: str, name: str, data: bytes, mime: str) -> None:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: {mime}\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        target = url if url.startswith("http") else self.base_url + "/" + url.lstrip("/")
        request = urllib.request.Request(target, data=body, method="PUT")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        if XSRF_COOKIE in self.cookies:  # what the frontend copies from its cookie
            request.add_header("X-Xsrftoken", self.cookies[XSRF_COOKIE])
        self._add_cookies(request)
        with urllib.request.urlopen(request, timeout=60) as answer:
            if answer.status not in (200, 204):
                raise ProtocolError(f"upload answered {answer.status}")

    async def download(self, widget: Widget) -> bytes:
        """A download button's file: a deferred download asks the server for a /media/ URL over
        the websocket, then fetches it over HTTP (the file lives in that process's memory)."""
        from streamlit.proto.BackMsg_pb2 import BackendOperationRequest, DeferredFileRequestPayload

        if self.connection is None:
            raise ProtocolError("not connected")
        if str(widget.value).startswith("/"):  # not deferred: the file is already at its URL
            return await asyncio.to_thread(self.get, str(widget.value))
        request_id = str(uuid.uuid4())
        waiting: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._operations[request_id] = waiting
        operation = BackendOperationRequest(
            request_id=request_id,
            session_id=self.session_id,
            deferred_file=DeferredFileRequestPayload(file_id=str(widget.value)),
        )
        await self.connection.send(BackMsg(backend_operation_request=operation).SerializeToString())
        response = await asyncio.wait_for(waiting, 120)
        if response.error_msg:
            raise ProtocolError(response.error_msg)
        return await asyncio.to_thread(self.get, response.deferred_file.url)

    def get(self, url: str) -> bytes:
        target = url if url.startswith("http") else self.base_url + "/" + url.lstrip("/")
        request = urllib.request.Request(urllib.parse.quote(target, safe=":/?&=%"))
        self._add_cookies(request)
        with urllib.request.urlopen(request, timeout=60) as answer:
            return bytes(answer.read())

    # --- what the server sends ----------------------------------------------------------------

    async def _read(self) -> None:
        assert self.connection is not None
        try:
            async for frame in self.connection:
                if isinstance(frame, str):
                    raise ProtocolError("text frame from the server")
                self._receive(frame)
        except Exception as exc:  # the connection ended: a waiting run must hear it
            self.closed_because = f"{type(exc).__name__}: {exc}"
        else:
            self.closed_because = "connection closed by the server"
        self._done.set()

    def _receive(self, frame: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        run = self._run
        if run is not None:
            run.received_bytes += len(frame)
            run.messages += 1
            if run.first_message is None:
                run.first_message = time.monotonic()
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            if run is not None:
                run.references += 1
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError(f"reference to a message never cached: {msg.ref_hash}")
            self._cache[msg.ref_hash] = (self._runs_seen, cached[1], cached[2])
            original = ForwardMsg()
            original.CopyFrom(cached[2])
            original.metadata.CopyFrom(msg.metadata)
            msg, kind = original, original.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash and msg.hash not in self._cache:
            fragment = msg.delta.fragment_id if kind == "delta" else ""
            self._cache[msg.hash] = (self._runs_seen, fragment, msg)
        if kind == "new_session":
            self._new_session(msg)
        elif kind == "navigation":
            self.pages = [
                Page(p.page_script_hash, p.page_name, p.url_pathname, p.is_default)
                for p in msg.navigation.app_pages
            ]
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "delta":
            self._delta(msg)
        elif kind == "script_finished":
            self._finished(msg.script_finished)
        elif kind == "file_urls_response":
            waiting = self._file_urls.pop(msg.file_urls_response.response_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(msg.file_urls_response)
        elif kind == "backend_operation_response":
            answer = msg.backend_operation_response
            pending = self._operations.pop(answer.request_id, None)
            if pending is not None and not pending.done():
                pending.set_result(answer)
        elif kind == "page_not_found" and run is not None:
            run.errors.append(f"page not found: {msg.page_not_found.page_name}")

    def _new_session(self, msg: ForwardMsg) -> None:
        new = msg.new_session
        if new.HasField("initialize"):
            self.session_id = new.initialize.session_id
        if new.config.max_cached_message_age:
            self.max_age = new.config.max_cached_message_age
        self.page_hash = new.page_script_hash or self.page_hash
        self.main_script_hash = new.main_script_hash
        self._drawn = {}

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        if element.WhichOneof("type") == "exception" and self._run is not None:
            self._run.errors.append(f"{element.exception.type}: {element.exception.message}"[:300])
        found = _widget(element, delta.fragment_id)
        if found is not None:
            proto = getattr(element, found.kind)
            found.forced = bool(getattr(proto, "set_value", False))
            found.script_hash = msg.metadata.active_script_hash
            self._drawn[found.id] = found

    def _finished(self, status: int) -> None:
        run = self._run
        if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
            return  # a run replaced by the one asked for: wait for that one
        fragment = status == FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        # What a tab keeps: after a whole run only the widgets it drew; a fragment's run
        # replaces only that fragment's widgets.
        # A tab keeps the values it set; a value the server sets (set_value) replaces them.
        for drawn in self._drawn.values():
            kept = self.widgets.get(drawn.id)
            if (
                kept is not None
                and not drawn.forced
                and kept.kind == drawn.kind
                and drawn.kind not in SERVER_VALUES
            ):
                drawn.value = kept.value
        if fragment:
            self.widgets.update(self._drawn)
        else:
            self.widgets = dict(self._drawn)
            self._age_cache()
        if run is not None and run.finished is None:
            run.finished = time.monotonic()
            run.status = FINISHED.Name(status)
            if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                run.errors.append("compile error")
        self._done.set()

    def _age_cache(self) -> None:
        """After a whole run: drop messages not used for more than max_cached_message_age."""
        self._runs_seen += 1
        for key, (last, _fragment, _msg) in list(self._cache.items()):
            if self._runs_seen - last > self.max_age:
                del self._cache[key]
