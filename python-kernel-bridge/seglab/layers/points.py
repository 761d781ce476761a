"""Points layer: N points in 2 to 5 dims, with sizes, colours and properties."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping

import numpy as np

from .. import colors, items, properties as props
from ..geometry import as_points
from .base import Extent
from .items_base import ItemsLayer

if TYPE_CHECKING:  # pragma: no cover
    from ..viewer import Viewer


def coords_extent(coords: np.ndarray, scale: Any, translate: Any) -> List[Extent]:
    """World extent of points or vertices per axis: data [min, max + 1), the index range an
    image covering them would need ([0, 1) without any), as the frontend measures it."""
    if len(coords) == 0:
        lo, hi = np.zeros(coords.shape[1]), np.ones(coords.shape[1])
    else:
        lo, hi = coords.min(axis=0), coords.max(axis=0) + 1
    return [(t + s * float(a), t + s * float(b), s) for a, b, s, t in zip(lo, hi, scale, translate)]


class PointsLayer(ItemsLayer):
    """Points; ``data`` is an (N, D) float64 array in data coordinates."""

    kind = "points"
    _NUMBER_FIELD = "size"

    def __init__(self, viewer: "Viewer", name: str, coords: np.ndarray, options: Mapping[str, Any]) -> None:
        n = len(coords)
        self._coords = coords
        self._size = items.numbers(options["size"], n, "size", positive=True)
        self._face_color = items.rgba(options["face_color"], n, "face_color")
        self._properties = props.normalise(options.get("properties"), n)
        super().__init__(viewer, name, coords.shape[1], options)

    @property
    def source_data(self) -> np.ndarray:
        """The kernel copy of the coordinates."""
        return self._coords

    @property
    def size(self) -> np.ndarray:
        """Size of each point in world units, shape (N,); set one value or one per point."""
        self._fresh()
        return items.expand(self._size, len(self._coords), color=False)

    @size.setter
    def size(self, value: Any) -> None:
        self._fresh()
        self._set_items("size", items.numbers(value, len(self._coords), "size", positive=True))

    @property
    def face_color(self) -> np.ndarray:
        """RGBA of each point, shape (N, 4); set one colour or one per point."""
        self._fresh()
        return items.expand(self._face_color, len(self._coords), color=True)

    @face_color.setter
    def face_color(self, value: Any) -> None:
        self._fresh()
        self._set_items("face_color", items.rgba(value, len(self._coords), "face_color"))

    def _item_count(self) -> int:
        return len(self._coords)

    def _payload(self) -> np.ndarray:
        return self._coords

    def _kind_fields(self) -> Dict[str, Any]:
        return {"n_points": len(self._coords), "size": self._item_wire("size"),
                "face_color": self._item_wire("face_color"),
                "properties": self._item_wire("properties")}

    def _decode(self, layer: Mapping[str, Any], payload: bytearray) -> np.ndarray:
        coords = np.frombuffer(payload, dtype="<f8").reshape(layer["n_points"], layer["ndim"])
        self._coords = coords
        self._size = items.numbers_from_wire(layer["size"])
        self._face_color = colors.from_wire(layer["face_color"])
        self._properties = props.from_wire(layer["properties"])
        return coords.copy()

    def _replace(self, value: Any) -> None:
        coords = as_points(value)
        n = len(coords)
        self._size = items.resize(self._size, n, color=False)
        self._face_color = items.resize(self._face_color, n, color=True)
        self._properties = props.resize(self._properties, n)
        self._fit_vectors(coords.shape[1])
        self._coords = coords

    def _value(self) -> np.ndarray:
        return self._coords

    def extent(self) -> List[Extent]:
        return coords_extent(self._coords, self._display["scale"], self._display["translate"])

    def __repr__(self) -> str:
        return f"<PointsLayer {self._name!r} {len(self._coords)} points ndim={self._ndim}>"
