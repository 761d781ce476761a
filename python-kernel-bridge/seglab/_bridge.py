"""The receiving half of the Viewer: frontend messages, requests and their replies.

``data-request`` and ``screenshot-request`` share one mechanism: a pending
:class:`_Request`, a chunked reply reassembled by an :class:`Assembler`, and a
wait that keeps serving comm messages (``_blocking``) until the reply is in.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from . import protocol
from ._blocking import in_kernel, route_comm_to_subshell, wait_until
from ._progress import TransferProgress
from .descriptors import ProtocolError
from .transfer import Assembler, TransferError

if TYPE_CHECKING:  # pragma: no cover
    from .layers import Layer

# How long the first request of a viewer waits for a frontend that may not have said hello yet.
HELLO_GRACE_S = 2.0


@dataclass
class _Request:
    """A pending request; ``decode(meta, payload)`` turns the complete reply into ``result``."""

    decode: Callable[[Any, bytearray], Any]
    max_bytes: int
    layer_id: Optional[str] = None  # a data-reply must name this layer
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: Optional[str] = None


@dataclass
class _Incoming:
    """An incoming reply transfer. ``assembler`` is None when its request is
    already answered or abandoned: the chunks are then dropped."""

    request_id: str
    meta: Any
    n_chunks: int
    assembler: Optional[Assembler]
    seen: int = 0


class CommBridge:
    """Mixin of :class:`~seglab.Viewer` (which provides ``send``, ``comm``, ``_lock``...)."""

    def _init_bridge(self) -> None:
        self._frontend_seen = False
        self._hello_grace_spent = False
        self._requests: Dict[str, _Request] = {}
        self._incoming: Dict[str, _Incoming] = {}
        self.on_msg(self._on_frontend_msg)
        route_comm_to_subshell(self.comm)

    # -- requests -----------------------------------------------------------------

    def _await_frontend(self) -> bool:
        """True once a frontend said hello (waiting briefly, once, inside a kernel)."""
        if not self._frontend_seen and in_kernel() and not self._hello_grace_spent:
            # "Run all" can reach `.data` before the frontend model created for this
            # viewer has said hello; give it a moment, once per viewer.
            self._hello_grace_spent = True
            wait_until(lambda: self._frontend_seen, HELLO_GRACE_S, comm=self.comm)
        return self._frontend_seen

    def _ask(self, request: _Request, message: Dict[str, Any], timeout: float, what: str,
             post: Optional[Callable[[], None]] = None) -> Any:
        """Sends ``message`` (or runs ``post``, e.g. to queue a transfer) and waits for the reply."""
        with self._lock:
            self._requests[request.id] = request
        progress = TransferProgress(f"receiving {what.split(' (')[0]}")

        def done() -> bool:
            try:  # a snapshot: the comm thread adds and removes transfers meanwhile
                incoming = next((i for i in list(self._incoming.values()) if i.request_id == request.id), None)
            except RuntimeError:
                incoming = None
            if incoming is not None and incoming.assembler is not None:
                a = incoming.assembler
                progress.update(min(a.nbytes, a.received * a.chunk_bytes), a.nbytes)
            return request.done.is_set()
        try:
            answered = wait_until(done, timeout, comm=self.comm, start=post or (lambda: self._post(message)))
        finally:
            with self._lock:
                self._requests.pop(request.id, None)
                if not request.done.is_set():  # timed out or interrupted (Ctrl+C, "Interrupt kernel")
                    self._stop_reply(request.id)
            progress.close(ok=request.done.is_set() and request.error is None)
        if not answered:
            raise TimeoutError(f"no frontend sent {what} within {timeout:.0f} s; "
                               "is the viewer still open in a JupyterLab tab?")
        if request.error is not None:
            raise RuntimeError(f"the frontend could not send {what}: {request.error}")
        return request.result

    def _stop_reply(self, request_id: str) -> None:
        """Nobody waits for this reply any more: the frontends stop sending it."""
        for incoming in list(self._incoming.values()):
            if incoming.request_id == request_id:
                incoming.assembler = None  # its remaining chunks are dropped as they come
        self.send(protocol.transfer_cancel("the kernel stopped waiting for it", request_id=request_id))

    def _fetch(self, layer: "Layer", timeout: Optional[float]) -> Any:
        if not self._await_frontend():
            return layer._value()  # headless: the kernel copy is all there is
        if timeout is None:
            timeout = 30.0 + layer.nbytes / 20e6
        request = _Request(decode=layer._apply_reply, max_bytes=max(self.max_bytes, layer.nbytes),
                           layer_id=layer.id)
        value = self._ask(request, protocol.data_request(request.id, layer.id), timeout,
                          f"the data of layer {layer.name!r} (layer.source_data holds the kernel's copy)")
        with self._lock:  # the frontend's data may span other ranges; it computes the same
            self._dims._layers_changed(self._layer_list._items)
        return value

    def _screenshot(self, timeout: Optional[float]) -> np.ndarray:
        if not self._await_frontend():
            raise RuntimeError("viewer.screenshot() needs a frontend: display the viewer in an "
                               "open JupyterLab tab first (no frontend has connected)")
        request = _Request(decode=lambda shape, payload: np.frombuffer(payload, np.uint8).reshape(shape),
                           max_bytes=self.max_bytes)
        return self._ask(request, protocol.screenshot_request(request.id),
                         30.0 if timeout is None else timeout, "a screenshot")

    # -- receiving ------------------------------------------------------------------

    def _on_frontend_msg(self, _widget: Any, content: Any, buffers: Sequence[Any]) -> None:
        """Handle one frontend message; answers problems with ``error``, never raises."""
        try:
            msg = protocol.validate_incoming(content, buffers)
            with self._lock:
                getattr(self, "_on_" + msg["type"].replace("-", "_"))(msg, list(buffers or []))
        except (ProtocolError, TransferError) as exc:
            self.log.warning("seglab: rejected frontend message: %s", exc)
            self._send_error(str(exc), getattr(exc, "request_id", None))
        except Exception as exc:  # a bug here must not break the kernel's comm loop
            self.log.warning("seglab: failed to handle frontend message: %r", exc, exc_info=True)
            self._send_error(f"kernel failed to handle message: {exc!r}")

    def _layer_by_id(self, layer_id: str) -> Optional["Layer"]:
        return next((layer for layer in self._layer_list if layer.id == layer_id), None)

    def _on_hello(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        # A new frontend model (e.g. after a page reload) has no data yet.
        self._frontend_seen = True
        self._clients.add(msg["client_id"])
        for layer in self._layer_list:
            self._send_layer(layer)
        self._sync_specs()  # new revisions
        self._send_dims()

    def _on_layer_ready(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        layer = self._layer_by_id(msg["layer_id"])
        if layer is None or msg["transfer_id"] != layer._last_transfer:
            return  # removed layer or superseded transfer: nothing to confirm
        if msg["nbytes"] != layer._sent_nbytes:
            raise ProtocolError(f"nbytes: expected {layer._sent_nbytes} for layer {layer.name!r}, got {msg['nbytes']}")
        layer._ready_transfer = msg["transfer_id"]
        layer.ready_at = time.perf_counter()

    def _on_layer_update(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        layer = self._layer_by_id(msg["layer_id"])
        if layer is not None and layer._remote_update(msg["revision"], msg["data_changed"], msg.get("props")):
            self._sync_specs()
            if msg.get("props"):
                self._forward_props(layer, msg["props"], msg["client_id"])
                if "label_classes" in msg["props"]:
                    self._autosave.schedule()  # class names are annotations too
                if {"scale", "translate"} & set(msg["props"]):
                    self._dims._layers_changed(self._layer_list._items)  # the frontend did the same
            if msg["data_changed"] and layer.kind in ("points", "shapes") and (
                    self._several_tabs or self._autosave.folder is not None):
                self._follow_items(layer, msg["client_id"])

    def _on_layer_edit(self, msg: Dict[str, Any], buffers: List[Any]) -> None:
        """The pixels a user edit changed, written into the kernel's copy (the box arrives
        right after the edit's ``layer-update``, in pieces; the last makes the copy current).
        ``layer.data`` still asks the frontend: that round trip is also what guarantees an
        edit announced just before (on the comm's own thread) is seen."""
        layer = self._layer_by_id(msg["layer_id"])
        if layer is None or layer.kind != "labels":
            raise ProtocolError(f"layer_id: expected a labels layer of this viewer, got {msg['layer_id']!r}")
        if msg["revision"] <= layer._data_revision:
            return  # made on data the kernel has replaced since: stale
        start, stop = msg["start"], msg["stop"]
        if len(start) != len(layer.shape) or any(b > n for b, n in zip(stop, layer.shape)):
            raise ProtocolError(f"stop: expected a box inside shape {layer.shape}, got {start} to {stop}")
        shape = tuple(b - a for a, b in zip(start, stop))
        data = memoryview(buffers[0]).cast("B")
        if data.nbytes != int(np.prod(shape)) * layer.dtype.itemsize:
            raise ProtocolError(f"buffers[0]: expected {int(np.prod(shape)) * layer.dtype.itemsize} bytes for a "
                                f"{shape} box of {layer.dtype.name}, got {data.nbytes}")
        layer._write_box(start, np.frombuffer(data, layer.dtype).reshape(shape))
        self._forward_pixels(layer, msg, buffers[0])
        if msg["last"]:
            layer._copy_revision = max(layer._copy_revision, msg["revision"])
            self._autosave.schedule()

    def _on_dims(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        self._dims._apply_remote(msg)

    def _start_reply(self, request_id: str, header: Dict[str, Any], meta: Any) -> None:
        if header["id"] in self._incoming:
            raise ProtocolError(f"transfer.id: transfer {header['id']!r} already in progress")
        request = self._requests.get(request_id)
        live = request is not None and not request.done.is_set()
        if header["nbytes"] == 0:  # an empty points/shapes layer: complete on its header
            if live:
                self._complete(request, meta, bytearray())
            return
        assembler = None
        if live:
            try:
                assembler = Assembler(header, max_bytes=request.max_bytes)
            except TransferError as exc:
                request.error = str(exc)
                request.done.set()
                raise ProtocolError(str(exc), request_id=request_id) from None
        self._incoming[header["id"]] = _Incoming(request_id, meta, header["n_chunks"], assembler)

    def _on_data_reply(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        request = self._requests.get(msg["request_id"])
        expected = getattr(request, "layer_id", None)
        if expected is not None and msg["layer"]["id"] != expected:
            raise ProtocolError(f"layer.id: expected {expected!r} for request {request.id!r}, "
                                f"got {msg['layer']['id']!r}", request_id=request.id)
        self._start_reply(msg["request_id"], msg["transfer"], msg["layer"])

    def _on_screenshot_reply(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        self._start_reply(msg["request_id"], msg["transfer"], tuple(msg["shape"]))

    def _complete(self, request: _Request, meta: Any, payload: bytearray) -> None:
        try:
            request.result = request.decode(meta, payload)
        except ProtocolError as exc:
            request.error = str(exc)
            raise ProtocolError(str(exc), request_id=request.id) from None
        finally:
            request.done.set()

    def _on_chunk(self, msg: Dict[str, Any], buffers: List[Any]) -> None:
        incoming = self._incoming.get(msg["transfer_id"])
        if incoming is None:
            raise ProtocolError(f"transfer_id: no transfer {msg['transfer_id']!r} in progress")
        incoming.seen += 1
        if incoming.seen >= incoming.n_chunks:
            del self._incoming[msg["transfer_id"]]
        else:  # back-pressure: the sender keeps a few chunks ahead of this count
            self.send(protocol.chunk_ack(msg["transfer_id"], incoming.seen))
        request = self._requests.get(incoming.request_id)
        if incoming.assembler is None or request is None or request.done.is_set():
            return  # another frontend answered first, or the caller gave up
        try:
            complete = incoming.assembler.add(msg, buffers[0])
        except TransferError as exc:
            self._incoming.pop(msg["transfer_id"], None)
            request.error = f"bad chunk: {exc}"
            request.done.set()
            raise ProtocolError(str(exc), request_id=request.id) from None
        if complete:
            self._complete(request, incoming.meta, incoming.assembler.result())

    def _on_chunk_ack(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        self._outbox.ack(msg["transfer_id"], msg["received"])

    def _on_transfer_cancel(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        """A frontend cancelled a layer's transfer (the x by its progress bar) or its own reply."""
        transfer_id, reason = msg.get("transfer_id"), msg["reason"]
        incoming = self._incoming.get(transfer_id) if transfer_id else None
        if incoming is not None:
            incoming.assembler = None  # chunks still in flight are dropped as they come
            request = self._requests.get(incoming.request_id)
            if request is not None and not request.done.is_set():
                request.error = f"the viewer cancelled the transfer ({reason})"
                request.done.set()
            return
        if transfer_id is None or self._outbox.cancel(transfer_id) is None:
            return  # finished or unknown: nothing left to stop
        layer = next((la for la in self._layer_list if la._last_transfer == transfer_id), None)
        if layer is not None:
            layer._cancelled_transfer = transfer_id
            self.log.info("seglab: the viewer cancelled the transfer of layer %r (%s)", layer.name, reason)
        # Every other tab drops what it received of it too.
        self.send(protocol.transfer_cancel(reason, transfer_id=transfer_id))

    def _on_error(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        request = self._requests.get(msg.get("request_id") or "")
        if request is not None and not request.done.is_set():
            request.error = msg["message"]
            request.done.set()
            return
        self.log.warning("seglab: frontend reported an error: %s", msg["message"])
