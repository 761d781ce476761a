"""napari's ``viewer.layers``: the layers bottom first, by position or name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Iterator, List, Union

import numpy as np

from .._events import EventGroup
from .base import Layer

if TYPE_CHECKING:  # pragma: no cover
    from ..viewer import Viewer

_SUFFIX = re.compile(r"^(.*) \[(\d+)\]$")


def unique_name(name: str, taken: Iterable[str]) -> str:
    """napari's rule: ``name``, else ``name [1]``, ``name [2]``... (an existing
    `` [n]`` suffix is replaced rather than stacked)."""
    taken = set(taken)
    if name not in taken:
        return name
    match = _SUFFIX.match(name)
    base = match.group(1) if match else name
    i = 1
    while f"{base} [{i}]" in taken:
        i += 1
    return f"{base} [{i}]"


class LayerList:
    """The viewer's layers, bottom first: index by position or by name."""

    def __init__(self, viewer: "Viewer") -> None:
        self._viewer = viewer
        self._items: List[Layer] = []
        #: napari's ``layers.events``: ``inserted`` (the layer), ``removed`` (the layer),
        #: ``moved`` (the names in their new order), from Python or from the viewer.
        self.events = EventGroup(self, ("inserted", "removed", "moved"))

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Layer]:
        return iter(list(self._items))

    def __getitem__(self, key: Union[int, str]) -> Layer:
        if isinstance(key, str):
            for layer in self._items:
                if layer.name == key:
                    return layer
            raise KeyError(f"no layer named {key!r}; layers are {[l.name for l in self._items]}")
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            return self._items[key]
        raise TypeError(f"expected a layer name (str) or index (int), got {type(key).__name__}")

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return any(layer.name == item for layer in self._items)
        return any(layer is item for layer in self._items)

    def __delitem__(self, key: Union[int, str]) -> None:
        self.remove(self[key])

    def index(self, item: Union[str, Layer]) -> int:
        """Position of a layer (by name or object)."""
        layer = self[item] if isinstance(item, str) else item
        for i, candidate in enumerate(self._items):
            if candidate is layer:
                return i
        raise ValueError(f"{item!r} is not in this viewer")

    def remove(self, item: Union[str, Layer]) -> None:
        """Remove a layer (by name or object) from the viewer and the frontend."""
        layer = self._items[self.index(item)]
        self._viewer._remove_layer(layer)

    def move(self, index: int, dest_index: int) -> None:
        """napari's ``layers.move(index, dest_index)``: the layer at ``index`` ends up at
        ``dest_index`` (bottom is 0); every frontend follows."""
        n = len(self._items)
        for value, what in ((index, "index"), (dest_index, "dest_index")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not -n <= value < n:
                raise IndexError(f"{what}: expected an int in [{-n}, {n}), got {value!r}")
        with self._viewer._lock:
            layer = self._items.pop(index)
            self._items.insert(dest_index % n, layer)
            self._viewer._sync_specs()
            self._viewer._send_order()
        self.events.moved(self.names())

    def names(self) -> List[str]:
        """Layer names, bottom first."""
        return [layer.name for layer in self._items]

    def __repr__(self) -> str:
        return f"LayerList({self._items!r})"
