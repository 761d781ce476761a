"""Lazy images: arrays the kernel reads region by region when the viewer asks for a tile.

dask arrays, zarr arrays (and OME-Zarr levels, which ome-zarr reads as dask arrays),
xarray DataArrays and numpy memory maps (``tifffile.memmap``, ``np.load(mmap_mode=...)``)
are never materialised: the layer descriptor announces shape and dtype only, and the
frontend sends ``tile-request`` messages for the regions (level, plane, rectangle and
stride) it draws. Reads go through a bytes-bounded LRU cache, so panning back is free.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Optional, Sequence, Tuple

import numpy as np

from .arrays import ArrayInfo, check_image

#: Kernel memory for tiles read from lazy sources, all layers of a viewer together.
DEFAULT_TILE_CACHE_BYTES = 256 * 1024**2
#: A lazy image (level) up to this many elements is read whole for its default contrast limits.
SAMPLE_ELEMENTS = 2**20


def _module(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


class AxisTake:
    """``source[(slice(None),) * axis + (index,)]`` without reading it: one channel of a lazy
    array split by ``channel_axis`` (zarr reads on indexing, so the split must be deferred)."""

    def __init__(self, source: Any, axis: int, index: int) -> None:
        self.source, self.axis, self.index = source, axis, index
        self.shape = tuple(n for a, n in enumerate(source.shape) if a != axis)
        self.dtype = np.dtype(source.dtype)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __getitem__(self, region: Tuple[slice, ...]) -> Any:
        region = tuple(region) + (slice(None),) * (len(self.shape) - len(region))
        return self.source[region[:self.axis] + (self.index,) + region[self.axis:]]


def is_lazy(data: Any) -> bool:
    """True for inputs the kernel should read on demand rather than send whole."""
    if isinstance(data, AxisTake):
        return True
    if isinstance(data, np.memmap):
        return True
    if isinstance(data, np.ndarray):
        return False
    if _module(data) in ("dask", "zarr", "h5py"):
        return hasattr(data, "shape") and hasattr(data, "dtype")
    if _module(data) == "xarray":
        # dask-backed, or loaded lazily from a file (never touch .data/.values: they load it all)
        return getattr(data, "chunks", None) is not None or not getattr(getattr(data, "variable", None), "_in_memory", True)
    return False


def axis_labels_of(data: Any) -> Optional[Tuple[str, ...]]:
    """An xarray's ``dims`` (napari uses them as axis labels), else None."""
    dims = getattr(data, "dims", None) if _module(data) == "xarray" else None
    return tuple(str(d) for d in dims) if dims else None


class LazyArray:
    """One lazily read array: shape and dtype up front, pixels per region."""

    def __init__(self, source: Any) -> None:
        # Indexed positionally as given: an xarray's [] is positional and loads just that part.
        self.source = source
        self.shape: Tuple[int, ...] = tuple(int(n) for n in source.shape)
        self.dtype = np.dtype(source.dtype)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def read(self, region: Tuple[slice, ...]) -> np.ndarray:
        """The region as a C-contiguous little-endian array (bool as uint8 0/1)."""
        part = self.source[region]
        if hasattr(part, "compute"):  # dask: run the graph for this region only
            part = part.compute()
        arr = np.asarray(part)
        if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and not np.little_endian):
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        return np.ascontiguousarray(arr)


def as_lazy(data: Any, *, rgb: Optional[bool] = None) -> Tuple[LazyArray, ArrayInfo]:
    """Check a lazy image like :func:`~seglab.arrays.as_transferable` checks an array,
    reading no pixel. ``ArrayInfo.nbytes`` is 0: nothing travels with the layer."""
    lazy = LazyArray(data)
    is_rgb = check_image(lazy, rgb)  # reads .shape, .ndim and .dtype only
    return lazy, ArrayInfo(dtype=lazy.dtype.name, shape=lazy.shape, rgb=is_rgb, nbytes=0)


def sample_for_contrast(level: LazyArray, rgb: bool, windows: int = 4) -> np.ndarray:
    """Pixels to take default contrast limits from without reading the whole image: the
    level itself when small, else ``windows`` × ``windows`` windows of at most 256² spread
    over its middle plane (each touches a few chunks of a chunked store; napari likewise
    estimates the range of large data from part of it)."""
    if int(np.prod(level.shape)) <= SAMPLE_ELEMENTS:
        return level.read(tuple(slice(None) for _ in level.shape))
    spatial = level.ndim - (1 if rgb else 0)
    rows, cols = level.shape[spatial - 2], level.shape[spatial - 1]
    middle = tuple(slice(n // 2, n // 2 + 1) for n in level.shape[:spatial - 2])
    colour = (slice(None),) if rgb else ()
    h, w = min(256, max(1, rows // windows)), min(256, max(1, cols // windows))
    parts = []
    for i in range(windows):
        for j in range(windows):
            r0 = (rows - h) * (2 * i + 1) // (2 * windows)
            c0 = (cols - w) * (2 * j + 1) // (2 * windows)
            parts.append(level.read(middle + (slice(r0, r0 + h), slice(c0, c0 + w)) + colour).reshape(-1, *level.shape[spatial:]))
    return np.concatenate(parts)


class TileCache:
    """A least-recently-used cache of read regions, bounded in bytes; thread-safe (tile
    requests may be served on a kernel subshell while a cell runs)."""

    def __init__(self, budget_bytes: int = DEFAULT_TILE_CACHE_BYTES) -> None:
        self.budget = int(budget_bytes)
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: "OrderedDict[Any, np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, read: Callable[[], np.ndarray]) -> np.ndarray:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return hit
        value = read()  # outside the lock: a slow read must not block other layers' hits
        with self._lock:
            self.misses += 1
            if key not in self._entries:
                self._entries[key] = value
                self.bytes += value.nbytes
            while self.bytes > self.budget and len(self._entries) > 1:
                _, old = self._entries.popitem(last=False)
                self.bytes -= old.nbytes
        return value

    def drop(self, prefix: Any) -> None:
        """Forgets every entry whose key starts with ``prefix`` (a removed or replaced layer)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == prefix]:
                self.bytes -= self._entries.pop(key).nbytes

    def __len__(self) -> int:
        return len(self._entries)


def region_of(shape: Sequence[int], start: Sequence[int], stop: Sequence[int], step: Sequence[int],
              rgb: bool) -> Tuple[slice, ...]:
    """The slices of a (validated) tile request; the colour axis is always read whole."""
    region = tuple(slice(a, b, s) for a, b, s in zip(start, stop, step))
    return region + ((slice(None),) if rgb else ())

