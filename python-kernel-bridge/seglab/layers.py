"""Kernel-side layer proxies and the napari-like ``viewer.layers`` list."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

import numpy as np

from .arrays import ArrayInfo

if TYPE_CHECKING:  # pragma: no cover
    from .viewer import Viewer


class ImageLayer:
    """Proxy for one image layer of a :class:`~seglab.Viewer`.

    The kernel keeps the array given to ``add_image`` (``source_data``) so that
    it can re-send it when a page reloads. ``data`` returns what the frontend
    holds, which may differ once the frontend edits pixels.
    """

    def __init__(self, viewer: "Viewer", layer_id: str, name: str,
                 array: np.ndarray, info: ArrayInfo) -> None:
        self._viewer = viewer
        self.id = layer_id
        self._name = name
        self._source = array
        self._info = info
        #: ``time.perf_counter()`` when the latest ``layer-data`` was sent.
        self.sent_at: Optional[float] = None
        #: ``time.perf_counter()`` when the frontend confirmed that transfer.
        self.ready_at: Optional[float] = None
        self._last_transfer: Optional[str] = None
        self._ready_transfer: Optional[str] = None

    @property
    def name(self) -> str:
        """Unique name of the layer within its viewer."""
        return self._name

    @property
    def dtype(self) -> np.dtype:
        """numpy dtype of the layer's pixels (little-endian)."""
        return np.dtype(self._info.dtype)

    @property
    def shape(self) -> Tuple[int, ...]:
        """Shape of the pixel array (rows, cols[, channels])."""
        return self._info.shape

    @property
    def rgb(self) -> bool:
        """True for RGB(A) images (last axis holds 3 or 4 channels)."""
        return self._info.rgb

    @property
    def nbytes(self) -> int:
        """Size of the pixel data in bytes."""
        return self._info.nbytes

    @property
    def source_data(self) -> np.ndarray:
        """The array the kernel holds (what was given to ``add_image``, normalised)."""
        return self._source

    @property
    def is_ready(self) -> bool:
        """True once the frontend confirmed the latest transfer of this layer."""
        return self._last_transfer is not None and self._ready_transfer == self._last_transfer

    @property
    def data(self) -> np.ndarray:
        """The pixels as the frontend holds them, as a fresh numpy array.

        If a frontend has said ``hello`` on this viewer, this asks it for its
        bytes and blocks (processing widget messages, so it works inside a
        running cell) until they arrive; see :meth:`fetch` for the timeout.
        Without any frontend (headless use, plain Python), or after the layer
        was removed from its viewer, it returns :attr:`source_data` itself.
        """
        return self.fetch()

    def fetch(self, timeout: Optional[float] = None) -> np.ndarray:
        """Like :attr:`data`, with an explicit timeout in seconds.

        The default timeout is 30 s plus 1 s per 20 MB. Raises ``TimeoutError``
        if no frontend answers in time and ``RuntimeError`` if it reports an error.
        """
        if self not in self._viewer.layers:
            return self._source
        return self._viewer._fetch(self, timeout)

    def descriptor(self) -> Dict[str, Any]:
        """The layer descriptor of PROTOCOL.md."""
        return {"id": self.id, "name": self._name, "kind": "image", "dtype": self._info.dtype,
                "shape": list(self._info.shape), "rgb": self._info.rgb}

    def __repr__(self) -> str:
        rgb = ", rgb" if self.rgb else ""
        return f"<ImageLayer {self._name!r} {self.dtype.name} {self.shape}{rgb}>"


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
        self._items: List[ImageLayer] = []

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[ImageLayer]:
        return iter(list(self._items))

    def __getitem__(self, key: Union[int, str]) -> ImageLayer:
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

    def index(self, item: Union[str, ImageLayer]) -> int:
        """Position of a layer (by name or object)."""
        layer = self[item] if isinstance(item, str) else item
        for i, candidate in enumerate(self._items):
            if candidate is layer:
                return i
        raise ValueError(f"{item!r} is not in this viewer")

    def remove(self, item: Union[str, ImageLayer]) -> None:
        """Remove a layer (by name or object) from the viewer and the frontend."""
        layer = self._items[self.index(item)]
        self._viewer._remove_layer(layer)

    def names(self) -> List[str]:
        """Layer names, bottom first."""
        return [layer.name for layer in self._items]

    def __repr__(self) -> str:
        return f"LayerList({self._items!r})"
