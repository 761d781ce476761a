"""Shapes layer: rectangles, ellipses, lines, paths and polygons in 2 to 5 dims."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping

import numpy as np

from .. import colors, geometry, items, properties as props
from .base import Extent
from .items_base import ItemsLayer
from .points import coords_extent

if TYPE_CHECKING:  # pragma: no cover
    from ..viewer import Viewer

_COLOR_FIELDS = ("edge_color", "face_color")


class ShapesLayer(ItemsLayer):
    """Shapes; ``data`` is a list of (Ni, D) float64 vertex arrays, one per shape."""

    kind = "shapes"
    _NUMBER_FIELD = "edge_width"

    def __init__(self, viewer: "Viewer", name: str, shapes: List[np.ndarray], types: List[str],
                 ndim: int, options: Mapping[str, Any]) -> None:
        n = len(shapes)
        self._shapes, self._types = shapes, types
        self._edge_color = items.rgba(options["edge_color"], n, "edge_color")
        self._face_color = items.rgba(options["face_color"], n, "face_color")
        self._edge_width = items.numbers(options["edge_width"], n, "edge_width", positive=False)
        self._properties = props.normalise(options.get("properties"), n)
        super().__init__(viewer, name, ndim, options)

    @property
    def source_data(self) -> List[np.ndarray]:
        """The kernel copy of the shapes' vertices."""
        return self._shapes

    @property
    def nshapes(self) -> int:
        """Number of shapes (of the kernel copy, refreshed when stale)."""
        self._fresh()
        return len(self._shapes)

    @property
    def shape_type(self) -> List[str]:
        """Type of each shape."""
        self._fresh()
        return list(self._types)

    def _per_item(field: str, doc: str, color: bool) -> property:  # noqa: N805 - class-body helper
        def fget(self: "ShapesLayer") -> np.ndarray:
            self._fresh()
            return items.expand(getattr(self, "_" + field), len(self._shapes), color=color)

        def fset(self: "ShapesLayer", value: Any) -> None:
            self._fresh()
            n = len(self._shapes)
            checked = (items.rgba(value, n, field) if color
                       else items.numbers(value, n, field, positive=False))
            self._set_items(field, checked)

        return property(fget, fset, doc=doc)

    edge_color = _per_item("edge_color", "RGBA of each shape's outline, shape (N, 4).", True)
    face_color = _per_item("face_color", "RGBA of each shape's fill, shape (N, 4).", True)
    edge_width = _per_item("edge_width", "Outline width of each shape, shape (N,).", False)
    del _per_item

    def _item_count(self) -> int:
        return len(self._shapes)

    def _payload(self) -> np.ndarray:
        return geometry.pack(self._shapes, self._ndim)[1]

    def _kind_fields(self) -> Dict[str, Any]:
        fields = {"shape_type": list(self._types), "vertex_counts": [len(s) for s in self._shapes]}
        for field in ("edge_color", "face_color", "edge_width", "properties"):
            fields[field] = self._item_wire(field)
        return fields

    def _decode(self, layer: Mapping[str, Any], payload: bytearray) -> List[np.ndarray]:
        coords = np.frombuffer(payload, dtype="<f8").reshape(-1, layer["ndim"])
        self._shapes = geometry.unpack(layer["vertex_counts"], coords)
        self._types = list(layer["shape_type"])
        for field in _COLOR_FIELDS:
            setattr(self, "_" + field, colors.from_wire(layer[field]))
        self._edge_width = items.numbers_from_wire(layer["edge_width"])
        self._properties = props.from_wire(layer["properties"])
        return [s.copy() for s in self._shapes]

    def _replace(self, value: Any) -> None:
        """napari's rule: existing shape types are kept, new shapes repeat the last
        type (``rectangle`` for a layer that had none)."""
        count = len(geometry.shape_list(value))
        types = (self._types + [self._types[-1] if self._types else "rectangle"] * count)[:count]
        shapes, types = geometry.as_shapes(value, types)
        n = len(shapes)
        for field in _COLOR_FIELDS:
            setattr(self, "_" + field, items.resize(getattr(self, "_" + field), n, color=True))
        self._edge_width = items.resize(self._edge_width, n, color=False)
        self._properties = props.resize(self._properties, n)
        self._fit_vectors(shapes[0].shape[1] if shapes else self._ndim)
        self._shapes, self._types = shapes, types

    def _value(self) -> List[np.ndarray]:
        return self._shapes

    def extent(self) -> List[Extent]:
        coords = geometry.pack(self._shapes, self._ndim)[1]
        return coords_extent(coords, self._display["scale"], self._display["translate"])

    def __repr__(self) -> str:
        return f"<ShapesLayer {self._name!r} {len(self._shapes)} shapes ndim={self._ndim}>"
