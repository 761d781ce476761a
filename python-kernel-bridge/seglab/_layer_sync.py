"""Keeping ``viewer.layers`` and the frontend's layer list the same, both ways.

The frontend sends ``layer-list`` (its layers, bottom first) whenever the user removes,
reorders, duplicates or creates a layer in the viewer. The kernel then drops the layers the
user removed, takes the frontend's order, and adopts layers it has never seen: it asks for
their descriptor and data with a ``data-request`` (not waited for) and lists them once the
reply is in. Python's ``viewer.layers.move`` sends ``layer-order`` the other way.

Two guards keep a late or stale list from undoing work: a layer the frontend has not yet
confirmed (``layer-ready``) is never taken as removed (it was added after the list was sent),
and a layer removed once is never adopted again (another tab may still list it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Set

import numpy as np

from . import _builders, protocol
from ._bridge import _Request
from .descriptors import ProtocolError

if TYPE_CHECKING:  # pragma: no cover
    from .layers import Layer

_DISPLAY = ("name", "opacity", "blending", "scale", "translate", "visible")
_KIND_DISPLAY = {
    "image": ("colormap", "contrast_limits", "gamma", "interpolation"),
    "labels": ("selected_label", "mode", "label_classes"),
    "points": (),
    "shapes": (),
}


def placeholder(viewer: Any, desc: Mapping[str, Any]) -> "Layer":
    """A layer of the descriptor's kind and display fields, its data still to come (the
    reply's payload replaces it through ``Layer._apply_reply``)."""
    kind = desc["kind"]
    args = {key: desc[key] for key in _DISPLAY + _KIND_DISPLAY[kind]}
    if kind == "labels":
        return _builders.labels_layer(viewer, np.zeros(desc["shape"], desc["dtype"]), **args)
    if kind == "image":
        zeros = np.zeros(desc["shape"], desc["dtype"])
        return _builders.image_layers(viewer, zeros, channel_axis=None, rgb=desc["rgb"], **args)[0]
    if kind == "points":
        return _builders.points_layer(viewer, None, ndim=desc["ndim"], size=10, face_color="white",
                                      properties=None, **args)
    return _builders.shapes_layer(viewer, None, ndim=desc["ndim"], shape_type="rectangle", edge_color="#ff0000",
                                  face_color="transparent", edge_width=1, properties=None, **args)


class LayerSync:
    """Mixin of :class:`~seglab.Viewer`: the ``layer-list`` handler and ``layer-order`` sender."""

    _removed_ids: Set[str]
    _adopting: Dict[str, str]
    _frontend_order: List[str]

    def _init_layer_sync(self) -> None:
        self._removed_ids = set()
        self._adopting = {}  # layer id -> request id of its data-request
        self._frontend_order = []

    def _send_order(self) -> None:
        self._post(protocol.layer_order([layer.id for layer in self._layer_list._items]))  # type: ignore[attr-defined]

    def _on_layer_list(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        order = [entry["id"] for entry in msg["layers"]]
        self._frontend_order = order
        items: List["Layer"] = self._layer_list._items  # type: ignore[attr-defined]
        removed = [layer for layer in items
                   if layer.id not in order and layer._ready_transfer is not None]
        for layer in removed:
            self._remove_layer(layer)  # type: ignore[attr-defined]  (tells other tabs too)
        rank = {layer_id: i for i, layer_id in enumerate(order)}
        before = [layer.id for layer in items]
        # Layers the frontend lists keep its order; unconfirmed ones stay where they are last.
        items.sort(key=lambda layer: rank.get(layer.id, len(order)))
        if removed or before != [layer.id for layer in items]:
            self._sync_specs()  # type: ignore[attr-defined]
            self._layer_list.events.moved(list(self._layer_list.names()))  # type: ignore[attr-defined]
        known = {layer.id for layer in items}
        for entry in msg["layers"]:
            layer_id = entry["id"]
            if layer_id not in known and layer_id not in self._removed_ids and layer_id not in self._adopting:
                self._adopt(layer_id)

    def _adopt(self, layer_id: str) -> None:
        """Ask for a layer made in the frontend; it joins ``viewer.layers`` when its data arrives."""
        request = _Request(decode=self._adopted, max_bytes=self.max_bytes, layer_id=layer_id)  # type: ignore[attr-defined]
        self._adopting[layer_id] = request.id
        self._requests[request.id] = request  # type: ignore[attr-defined]
        self._post(protocol.data_request(request.id, layer_id))  # type: ignore[attr-defined]

    def _adopted(self, desc: Mapping[str, Any], payload: bytearray) -> "Layer":
        layer_id = desc["id"]
        request_id = self._adopting.pop(layer_id, None)
        self._requests.pop(request_id, None)  # type: ignore[attr-defined]
        if layer_id in self._removed_ids:
            raise ProtocolError(f"layer {layer_id!r} was removed before its data arrived")
        layer = placeholder(self, desc)
        layer.id = layer_id
        layer._apply_reply(desc, payload)
        # The frontend has it and named it: both ends agree from the start.
        layer._name = desc["name"]
        layer._ready_transfer = layer._last_transfer = f"frontend-{layer_id}"
        items = self._layer_list._items  # type: ignore[attr-defined]
        rank = {lid: i for i, lid in enumerate(self._frontend_order)}
        position = sum(1 for other in items if rank.get(other.id, len(rank)) < rank.get(layer_id, len(rank)))
        items.insert(position, layer)
        self._sync_specs()  # type: ignore[attr-defined]
        self._layers_changed()  # type: ignore[attr-defined]
        self._layer_list.events.inserted(layer)  # type: ignore[attr-defined]
        self._autosave.schedule()  # type: ignore[attr-defined]
        return layer
