"""The ``Viewer`` widget: kernel side of the SegLab comm protocol."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from ipywidgets import DOMWidget
from traitlets import Dict as TDict, Int, List as TList, Unicode

from . import protocol
from ._blocking import in_kernel, route_comm_to_subshell, wait_until
from ._frontend import DEFAULT_CHUNK_BYTES, MODULE_NAME, MODULE_VERSION, PROTOCOL_VERSION
from .arrays import DEFAULT_MAX_BYTES, as_bytes_view, as_transferable
from .layers import ImageLayer, LayerList, unique_name
from .protocol import ProtocolError
from .transfer import Assembler, TransferError, split_chunks, transfer_header

# How long the first `.data` of a viewer waits for a frontend that may not have said hello yet.
HELLO_GRACE_S = 2.0


@dataclass
class _Request:
    """A pending ``data-request``; filled in by the message handler."""

    layer: ImageLayer
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    done: threading.Event = field(default_factory=threading.Event)
    result: Optional[np.ndarray] = None
    error: Optional[str] = None


@dataclass
class _Incoming:
    """An incoming ``data-reply`` transfer. ``assembler`` is None when its
    request is already answered or abandoned: the chunks are then dropped."""

    request_id: str
    layer: Dict[str, Any]
    n_chunks: int
    assembler: Optional[Assembler]
    seen: int = 0


class Viewer(DOMWidget):
    """A SegLab image viewer, shown in a notebook output or a main-area panel.

    Pixel data travels in chunked custom messages (PROTOCOL.md), never in the
    synced state, which only holds the layer descriptors (``layer_specs``).
    """

    _model_name = Unicode("SegLabViewerModel").tag(sync=True)
    _view_name = Unicode("SegLabViewerView").tag(sync=True)
    _model_module = Unicode(MODULE_NAME).tag(sync=True)
    _view_module = Unicode(MODULE_NAME).tag(sync=True)
    _model_module_version = Unicode(MODULE_VERSION).tag(sync=True)
    _view_module_version = Unicode(MODULE_VERSION).tag(sync=True)
    protocol_version = Int(PROTOCOL_VERSION).tag(sync=True)
    #: Layer descriptors, bottom first (``viewer.layers`` is the LayerList).
    layer_specs = TList(TDict()).tag(sync=True)

    def __init__(self, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                 max_bytes: int = DEFAULT_MAX_BYTES, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.chunk_bytes = chunk_bytes
        self.max_bytes = max_bytes
        self._layer_list = LayerList(self)
        self._frontend_seen = False
        # Handlers run on a subshell thread on ipykernel 7 (see _blocking).
        self._lock = threading.RLock()
        self._requests: Dict[str, _Request] = {}
        self._incoming: Dict[str, _Incoming] = {}
        self.on_msg(self._on_frontend_msg)
        self._hello_grace_spent = False
        route_comm_to_subshell(self.comm)

    # -- public API -------------------------------------------------------------

    @property
    def layers(self) -> LayerList:
        """The layers, napari-style: ``viewer.layers["nuclei"]``, ``viewer.layers[0]``."""
        return self._layer_list

    def add_image(self, data: Any, *, name: Optional[str] = None,
                  rgb: Optional[bool] = None) -> ImageLayer:
        """Add a 2-D image (or RGB(A)) layer and send its pixels to the frontend."""
        array, info = as_transferable(data, rgb=rgb, max_bytes=self.max_bytes)
        name = unique_name(name if name is not None else "Image", self._layer_list.names())
        layer = ImageLayer(self, uuid.uuid4().hex, name, array, info)
        with self._lock:
            self._layer_list._items.append(layer)
            self._sync_specs()
        self._send_layer(layer)
        return layer

    def open_panel(self, title: Optional[str] = None) -> None:
        """Ask the frontend to show this viewer in a JupyterLab main-area panel."""
        self.send(protocol.open_panel(title))

    def wait_until_ready(self, layer_name: str, timeout: float = 60.0) -> float:
        """Block until the frontend confirmed the latest transfer of a layer.

        Returns the seconds waited; raises ``TimeoutError`` after ``timeout``.
        """
        layer = self._layer_list[layer_name]
        start = time.perf_counter()
        if not wait_until(lambda: layer.is_ready, timeout, comm=self.comm):
            raise TimeoutError(
                f"the frontend did not confirm layer {layer_name!r} within {timeout:g} s "
                "(is the viewer displayed in an open JupyterLab tab?)")
        return time.perf_counter() - start

    # -- sending ----------------------------------------------------------------

    def _sync_specs(self) -> None:
        self.layer_specs = [layer.descriptor() for layer in self._layer_list._items]

    def _send_layer(self, layer: ImageLayer) -> None:
        """Send ``layer-data`` and its chunks (memoryview slices, no copies)."""
        header = transfer_header(layer.nbytes, self.chunk_bytes)
        layer._last_transfer = header["id"]
        layer.sent_at = time.perf_counter()
        self.send(protocol.layer_data(layer.descriptor(), header))
        pieces = split_chunks(as_bytes_view(layer.source_data), self.chunk_bytes)
        for index, piece in enumerate(pieces):
            self.send(protocol.chunk(header["id"], index, index * self.chunk_bytes), buffers=[piece])

    def _remove_layer(self, layer: ImageLayer) -> None:
        with self._lock:
            self._layer_list._items.remove(layer)
            self._sync_specs()
        self.send(protocol.layer_remove(layer.id))

    def _send_error(self, message: str, request_id: Optional[str] = None) -> None:
        try:
            self.send(protocol.error(message, request_id))
        except Exception as exc:  # never raise out of the comm handler
            self.log.warning("seglab: could not send error message: %s", exc)

    # -- pulling data back ------------------------------------------------------

    def _fetch(self, layer: ImageLayer, timeout: Optional[float]) -> np.ndarray:
        if not self._frontend_seen and in_kernel() and not self._hello_grace_spent:
            # "Run all" can reach `.data` before the frontend model created for this
            # viewer has said hello; give it a moment, once per viewer.
            self._hello_grace_spent = True
            wait_until(lambda: self._frontend_seen, HELLO_GRACE_S, comm=self.comm)
        if not self._frontend_seen:
            return layer.source_data  # headless: the kernel copy is all there is
        if timeout is None:
            timeout = 30.0 + layer.nbytes / 20e6
        request = _Request(layer)
        with self._lock:
            self._requests[request.id] = request
        try:
            answered = wait_until(
                request.done.is_set, timeout, comm=self.comm,
                start=lambda: self.send(protocol.data_request(request.id, layer.id)))
        finally:
            with self._lock:
                self._requests.pop(request.id, None)
        if not answered:
            raise TimeoutError(
                f"no frontend sent the data of layer {layer.name!r} within {timeout:.0f} s; "
                "is the viewer still open in a JupyterLab tab? "
                "layer.source_data holds the kernel's copy")
        if request.error is not None:
            raise RuntimeError(f"the frontend could not send layer {layer.name!r}: {request.error}")
        assert request.result is not None
        return request.result

    # -- receiving ----------------------------------------------------------------

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

    def _on_hello(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        # A new frontend model (e.g. after a page reload) has no pixels yet.
        self._frontend_seen = True
        for layer in self._layer_list:
            self._send_layer(layer)

    def _on_layer_ready(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        layer = next((l for l in self._layer_list if l.id == msg["layer_id"]), None)
        if layer is None or msg["transfer_id"] != layer._last_transfer:
            return  # removed layer or superseded transfer: nothing to confirm
        if msg["nbytes"] != layer.nbytes:
            raise ProtocolError(f"nbytes: expected {layer.nbytes} for layer {layer.name!r}, got {msg['nbytes']}")
        layer._ready_transfer = msg["transfer_id"]
        layer.ready_at = time.perf_counter()

    def _on_data_reply(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        request = self._requests.get(msg["request_id"])
        header = msg["transfer"]
        if header["id"] in self._incoming:
            raise ProtocolError(f"transfer.id: transfer {header['id']!r} already in progress")
        if request is not None and msg["layer"]["id"] != request.layer.id:
            raise ProtocolError(f"layer.id: expected {request.layer.id!r} for request "
                                f"{request.id!r}, got {msg['layer']['id']!r}", request_id=request.id)
        assembler = None
        if request is not None and not request.done.is_set():
            limit = max(self.max_bytes, request.layer.nbytes)
            assembler = Assembler(header, max_bytes=limit)
        self._incoming[header["id"]] = _Incoming(msg["request_id"], msg["layer"], header["n_chunks"], assembler)

    def _on_chunk(self, msg: Dict[str, Any], buffers: List[Any]) -> None:
        incoming = self._incoming.get(msg["transfer_id"])
        if incoming is None:
            raise ProtocolError(f"transfer_id: no transfer {msg['transfer_id']!r} in progress")
        incoming.seen += 1
        if incoming.seen >= incoming.n_chunks:
            del self._incoming[msg["transfer_id"]]
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
            spec = incoming.layer
            # frombuffer over the assembler's bytearray: a fresh, writable array.
            array = np.frombuffer(incoming.assembler.result(), dtype=np.dtype(spec["dtype"]))
            request.result = array.reshape(spec["shape"])
            request.done.set()

    def _on_error(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        request = self._requests.get(msg.get("request_id") or "")
        if request is not None and not request.done.is_set():
            request.error = msg["message"]
            request.done.set()
            return
        self.log.warning("seglab: frontend reported an error: %s", msg["message"])
