"""The ``Viewer`` widget: napari's API on the kernel side of the SegLab comm protocol."""

from __future__ import annotations

import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from ipywidgets import DOMWidget
from traitlets import Dict as TDict, Int, List as TList, Unicode

from . import _builders, protocol
from ._blocking import wait_until
from ._bridge import CommBridge
from ._frontend import DEFAULT_CHUNK_BYTES, MODULE_NAME, MODULE_VERSION, PROTOCOL_VERSION
from ._layer_sync import LayerSync
from ._tab_sync import TabSync
from ._tiles import TileServer
from .arrays import DEFAULT_MAX_BYTES
from .autosave import Autosave, load_annotations, save_annotations
from .camera import Camera, run_click_callbacks
from .dims import Dims
from .lazy import TileCache, axis_labels_of
from .layers import ImageLayer, LabelsLayer, Layer, LayerList, PointsLayer, ShapesLayer, unique_name
from .scale_bar import ScaleBar
from ._outbox import Outgoing, Outbox
from ._pixel import PixelMixin
from ._segment import SegmentMixin
from .transfer import transfer_header


class Viewer(CommBridge, SegmentMixin, PixelMixin, TileServer, LayerSync, TabSync, DOMWidget):
    """A SegLab viewer, shown in a notebook output or a main-area panel.

    Data travels in chunked custom messages (PROTOCOL.md), never in the synced
    state, which only holds the layer summaries (``layer_specs``).
    """

    _model_name = Unicode("SegLabViewerModel").tag(sync=True)
    _view_name = Unicode("SegLabViewerView").tag(sync=True)
    _model_module = Unicode(MODULE_NAME).tag(sync=True)
    _view_module = Unicode(MODULE_NAME).tag(sync=True)
    _model_module_version = Unicode(MODULE_VERSION).tag(sync=True)
    _view_module_version = Unicode(MODULE_VERSION).tag(sync=True)
    protocol_version = Int(PROTOCOL_VERSION).tag(sync=True)
    #: Layer descriptors without per-item fields, bottom first (``viewer.layers`` is the LayerList).
    layer_specs = TList(TDict()).tag(sync=True)

    def __init__(self, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                 max_bytes: int = DEFAULT_MAX_BYTES, autosave: Any = None, **kwargs: Any) -> None:
        """``autosave``: a folder that the labels layers are written into a second after
        each edit made in the viewer, so annotations outlive the kernel (see
        :meth:`restore_annotations` and ``seglab.autosave``); None (default) writes nothing."""
        super().__init__(**kwargs)
        self.chunk_bytes = chunk_bytes
        self.max_bytes = max_bytes
        self._layer_list = LayerList(self)
        # Handlers run on a subshell thread on ipykernel 7 (see _blocking).
        self._lock = threading.RLock()
        self._dims = Dims(self)
        self._scale_bar = ScaleBar(self)
        self._camera = Camera(self)
        #: napari-style: each ``callback(viewer, event)`` runs on a click in the viewer
        #: (``event.position`` in world coordinates, ``event.button``, ``event.modifiers``).
        self.mouse_click_callbacks: List[Any] = []
        self._tile_cache = TileCache()
        # Through a lambda: tests replace ``send`` on the instance.
        self._outbox = Outbox(lambda content, buffers: self.send(content, buffers=buffers))
        self._autosave = Autosave(self, autosave)
        self._init_layer_sync()
        self._init_tab_sync()
        self._init_bridge()

    # -- public API -------------------------------------------------------------

    @property
    def layers(self) -> LayerList:
        """The layers, napari-style: ``viewer.layers["nuclei"]``, ``viewer.layers[0]``."""
        return self._layer_list

    @property
    def dims(self) -> Dims:
        """Slider state: ``current_step``, ``axis_labels``, ``ndim``, ``range``."""
        return self._dims

    @property
    def camera(self) -> Camera:
        """napari's camera: ``center`` (world row, column at the canvas centre) and ``zoom``
        (screen pixels per world unit); set them to move the view, read them after a pan."""
        return self._camera

    @property
    def scale_bar(self) -> ScaleBar:
        """napari's scale bar: ``visible``, ``unit`` (e.g. ``"um"``; world units are the layers' ``scale``), ``position``."""
        return self._scale_bar

    def add_image(self, data: Any, *, name: Union[str, Sequence[str], None] = None,
                  channel_axis: Optional[int] = None, rgb: Optional[bool] = None,
                  colormap: Any = None, contrast_limits: Any = None, gamma: Any = 1.0,
                  opacity: Any = 1.0, blending: Any = None, scale: Any = None,
                  translate: Any = None, visible: Any = True,
                  interpolation: Any = "nearest",
                  multiscale: Optional[bool] = None) -> Union[ImageLayer, List[ImageLayer]]:
        """Add an image (2 to 5 dims, or RGB(A)); a list of layers with ``channel_axis``.

        Defaults follow napari: colormap ``gray``, blending ``translucent_no_depth``,
        contrast limits from the data range (0..255 for uint8; from the smallest level of
        a multiscale image). With ``channel_axis`` each argument may be one value or a
        list with one per channel. ``multiscale``: ``data`` is a list of levels, full
        resolution first, each smaller than the one before (napari's pyramids); ``None``
        guesses True for a list or tuple of several arrays. The viewer shows the level
        that fits the zoom; single-scale images get coarser levels built in the browser.
        """
        layers = _builders.image_layers(
            self, data, channel_axis=channel_axis, rgb=rgb, multiscale=multiscale, name=name, colormap=colormap,
            contrast_limits=contrast_limits, gamma=gamma, opacity=opacity, blending=blending,
            scale=scale, translate=translate, visible=visible, interpolation=interpolation)
        self._add(layers)
        self._labels_from_xarray(data, channel_axis, layers[0])
        return layers if channel_axis is not None else layers[0]

    def _labels_from_xarray(self, data: Any, channel_axis: Optional[int], layer: ImageLayer) -> None:
        """napari uses an xarray's ``dims`` as axis labels: when they name every world axis."""
        labels = axis_labels_of(data)
        if not labels:
            return
        labels = list(labels)
        if channel_axis is not None:
            del labels[channel_axis]
        if layer.rgb:
            labels = labels[:-1]
        if len(labels) == self._dims.ndim:
            self._dims.axis_labels = labels

    def add_labels(self, data: Any, *, name: Optional[str] = None, opacity: Any = 0.7,
                   blending: Any = "translucent", scale: Any = None, translate: Any = None,
                   visible: Any = True, selected_label: Any = 1, mode: Any = "pan_zoom",
                   label_classes: Any = None) -> LabelsLayer:
        """Add integer labels (2 to 5 dims). ``bool`` masks become ``uint8``; floats are refused.
        ``label_classes``: names and colours of ids 1..n (see ``LabelsLayer.label_classes``)."""
        layer = _builders.labels_layer(
            self, data, name=name, opacity=opacity, blending=blending, scale=scale,
            translate=translate, visible=visible, selected_label=selected_label, mode=mode,
            label_classes=label_classes)
        self._add([layer])
        return layer

    def add_points(self, data: Any = None, *, ndim: Optional[int] = None, name: Optional[str] = None,
                   size: Any = 10, face_color: Any = "white", properties: Any = None,
                   opacity: Any = 1.0, blending: Any = "translucent", scale: Any = None,
                   translate: Any = None, visible: Any = True) -> PointsLayer:
        """Add points: an (N, D) array of coordinates (D from 2 to 5), or None for an empty layer."""
        layer = _builders.points_layer(
            self, data, ndim=ndim, name=name, size=size, face_color=face_color, properties=properties,
            opacity=opacity, blending=blending, scale=scale, translate=translate, visible=visible)
        self._add([layer])
        return layer

    def add_shapes(self, data: Any = None, *, ndim: Optional[int] = None, shape_type: Any = "rectangle",
                   edge_color: Any = "#ff0000", face_color: Any = "transparent", edge_width: Any = 1,
                   properties: Any = None, name: Optional[str] = None, opacity: Any = 0.7,
                   blending: Any = "translucent", scale: Any = None, translate: Any = None,
                   visible: Any = True) -> ShapesLayer:
        """Add shapes: a list of (Ni, D) vertex arrays (or one array for one shape)."""
        layer = _builders.shapes_layer(
            self, data, ndim=ndim, name=name, shape_type=shape_type, edge_color=edge_color,
            face_color=face_color, edge_width=edge_width, properties=properties, opacity=opacity,
            blending=blending, scale=scale, translate=translate, visible=visible)
        self._add([layer])
        return layer

    def screenshot(self, *, timeout: Optional[float] = None) -> np.ndarray:
        """The canvas as the frontend draws it: an (H, W, 4) uint8 RGBA array.

        Raises ``RuntimeError`` when no frontend is connected (the viewer was never
        displayed in a JupyterLab tab) or the frontend reports an error, and
        ``TimeoutError`` after ``timeout`` seconds (default 30).
        """
        return self._screenshot(timeout)

    def save_annotations(self, folder: Any = None) -> Any:
        """Writes the labels, points and shapes layers into ``folder`` (default: the
        ``autosave`` folder) now; returns the folder."""
        target = folder if folder is not None else self._autosave.folder
        if target is None:
            raise ValueError("save_annotations: expected a folder (this viewer has no autosave folder)")
        return save_annotations(self, target)

    def restore_annotations(self, folder: Any = None) -> List[Layer]:
        """Brings back the labels, points and shapes saved in ``folder`` (default: the
        ``autosave`` folder), e.g. after a kernel restart: a layer of the same name and kind
        (and, for labels, shape; for shapes, shape types) gets the saved data, any other is
        added. Returns the layers."""
        target = folder if folder is not None else self._autosave.folder
        if target is None:
            raise ValueError("restore_annotations: expected a folder (this viewer has no autosave folder)")
        out = []
        for saved in load_annotations(target):
            name, data, kind = saved["name"], saved["data"], saved["kind"]
            existing = self._layer_list[name] if name in self._layer_list else None
            same = existing is not None and existing.kind == kind and (
                existing.shape == data.shape if kind == "labels"
                else existing.shape_type == saved["shape_type"] if kind == "shapes" else True)
            if same:
                existing.data = data
                if kind == "labels":
                    existing.label_classes = saved["label_classes"]
            place = {"name": name, "scale": saved["scale"], "translate": saved["translate"]}
            if same:
                out.append(existing)
            elif kind == "labels":
                out.append(self.add_labels(data, label_classes=saved["label_classes"], **place))
            elif kind == "points":
                out.append(self.add_points(data, ndim=data.shape[1], **place))
            else:
                out.append(self.add_shapes(data, shape_type=saved["shape_type"], **place))
        return out

    def open_panel(self, title: Optional[str] = None) -> None:
        """Ask the frontend to show this viewer in a JupyterLab main-area panel."""
        self._post(protocol.open_panel(title))

    def wait_until_ready(self, layer_name: str, timeout: float = 60.0) -> float:
        """Block until the frontend confirmed the latest transfer of a layer.

        Returns the seconds waited; raises ``TimeoutError`` after ``timeout``.
        """
        layer = self._layer_list[layer_name]
        start = time.perf_counter()

        def cancelled() -> bool:
            return layer._last_transfer is not None and layer._cancelled_transfer == layer._last_transfer
        if not wait_until(lambda: layer.is_ready or cancelled(), timeout, comm=self.comm):
            raise TimeoutError(
                f"the frontend did not confirm layer {layer_name!r} within {timeout:g} s "
                "(is the viewer displayed in an open JupyterLab tab?)")
        if not layer.is_ready:
            raise RuntimeError(f"the transfer of layer {layer_name!r} was cancelled in the viewer; "
                               "layer.refresh() sends it again")
        return time.perf_counter() - start

    # -- sending ----------------------------------------------------------------

    def _add(self, layers: List[Layer]) -> None:
        for layer in layers:  # refuse before anything is added
            protocol.check_json_size(protocol.layer_data(layer.descriptor(), {}), f"layer {layer.name!r}")
        with self._lock:
            self._layer_list._items.extend(layers)
            for layer in layers:
                self._send_layer(layer)
            self._sync_specs()
            self._layers_changed()
        for layer in layers:
            self._layer_list.events.inserted(layer)

    def _sync_specs(self) -> None:
        self.layer_specs = [layer.summary() for layer in self._layer_list._items]

    def _layers_changed(self) -> None:
        if self._dims._layers_changed(self._layer_list._items):
            self._send_dims()

    def _post(self, content: Dict[str, Any], buffers: Optional[List[Any]] = None) -> None:
        """Send a message in order behind the transfers queued before it (``_outbox``)."""
        self._outbox.post(content, buffers)

    def _layer_transfer(self, layer: Layer, origin: Optional[str] = None) -> Tuple[Dict[str, Any], Outgoing]:
        """The ``layer-data`` message of the kernel copy and its chunks, to queue (``origin``:
        another tab's edit forwarded; it supersedes no transfer of the layer)."""
        parts = layer._payload_parts()
        header = transfer_header(sum(int(p.nbytes) for p in parts), self.chunk_bytes, allow_empty=True)
        message = protocol.layer_data(layer.descriptor(), header, origin=origin)
        protocol.check_json_size(message, f"layer {layer.name!r}")
        read = layer._chunk_reader(self.chunk_bytes) if header["nbytes"] else None
        return message, Outgoing(header["id"], header["n_chunks"], self.chunk_bytes, read,
                                 layer_id=layer.id if origin is None else None)

    def _send_layer(self, layer: Layer) -> None:
        """Queue ``layer-data``; its chunks follow as the frontend acknowledges them."""
        layer._new_revision()
        message, outgoing = self._layer_transfer(layer)
        layer._last_transfer, layer._sent_nbytes = outgoing.transfer_id, message["transfer"]["nbytes"]
        layer.sent_at = time.perf_counter()
        self._outbox.post_transfer(message, outgoing)

    def _send_props(self, layer: Layer, props: Dict[str, Any]) -> None:
        if layer not in self._layer_list:
            return
        message = protocol.layer_props(layer.id, props)
        protocol.check_json_size(message, f"layer {layer.name!r}")
        self._post(message)
        self._sync_specs()
        if {"scale", "translate"} & set(props):
            self._layers_changed()

    def _send_dims(self) -> None:
        self._post(protocol.dims(**self._dims.message_fields()))

    def _send_camera(self) -> None:
        self._post(protocol.camera(**self._camera.message_fields()))

    def _send_scale_bar(self) -> None:
        self._post(protocol.scale_bar(**self._scale_bar.message_fields()))

    # -- receiving (the rest is in _bridge.CommBridge) -----------------------------

    def _on_hello(self, msg: Dict[str, Any], buffers: List[Any]) -> None:
        super()._on_hello(msg, buffers)
        # A fresh frontend starts with napari's defaults: only a changed scale bar needs sending.
        if not self._scale_bar.is_default:
            self._send_scale_bar()
        if self._camera.known:  # the view Python set (or the last one a frontend showed)
            self._send_camera()

    def _on_scale_bar(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        self._scale_bar._apply_remote(msg)

    def _on_camera(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        self._camera._apply_remote(msg)

    def _on_click(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        run_click_callbacks(self, self.mouse_click_callbacks, msg)

    def _data_replaced(self, layer: Layer) -> None:
        self._tile_cache.drop(layer.id)
        if layer in self._layer_list:
            self._send_layer(layer)
            self._sync_specs()
            self._layers_changed()

    def _rename(self, layer: Layer, name: str, from_frontend: bool = False) -> None:
        with self._lock:
            taken = [n for n in self._layer_list.names() if n != layer.name]
            unique = unique_name(name, taken)
            layer._name = unique
            if not from_frontend or unique != name:  # tell the frontend what it does not know
                self._send_props(layer, {"name": unique})
            self._sync_specs()
        layer.events.name(unique)

    def _remove_layer(self, layer: Layer) -> None:
        with self._lock:
            self._layer_list._items.remove(layer)
            self._removed_ids.add(layer.id)
            self._tile_cache.drop(layer.id)
            self._sync_specs()
            self._post(protocol.layer_remove(layer.id))
            self._layers_changed()
        self._layer_list.events.removed(layer)

    def _send_error(self, message: str, request_id: Optional[str] = None) -> None:
        try:
            self._post(protocol.error(message, request_id))
        except Exception as exc:  # never raise out of the comm handler
            self.log.warning("seglab: could not send error message: %s", exc)
