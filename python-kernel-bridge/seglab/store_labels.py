"""Labels kept in a zarr store: the viewer edits the user's zarr array in place.

napari keeps the array given to ``add_labels`` as ``layer.data`` and paints into it. For a
zarr array SegLab does the same without a numpy copy in the kernel:

* sending: the layer's payload is read from the store chunk by chunk as the frontend
  acknowledges them (only the rows covering each chunk of the transfer, converted to the
  wire dtype: little-endian, ``bool`` as ``uint8``);
* edits (``layer-edit`` boxes) are written with ``z[box] = pixels``, so zarr rewrites only
  the chunks the box touches;
* a ``data-reply`` (``layer.data`` with a frontend) is compared with the store one write
  unit (chunk, or shard) at a time and only the units that differ are written.

Accepted: a ``zarr.Array`` however it was opened (``zarr.open(path, mode="r+")``,
``zarr.open_array(store)``, ``zarr.open_group(path)["labels"]``...), and a dask array that
is an unchanged view of one (``da.from_zarr(z)`` / ``da.from_array(z)``: its writes go to
``z``, and ``layer.data`` stays the dask array). A dask array computed from a zarr array
(sliced, rechunked, ``+ 1``...) is still read into a numpy copy, with a warning that edits
do not reach the store. A read-only array (``mode="r"``) is shown as is; its first edit
moves the layer to an in-memory numpy copy (warned about when it is added).
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from typing import Any, Callable, Optional, Sequence, Tuple

import numpy as np

from .arrays import ArrayInfo, check_labels, check_size


class EditsNotStoredWarning(UserWarning):
    """Edits made in the viewer will not be written to the zarr store the labels came from."""


def _module(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


def is_zarr_array(obj: Any) -> bool:
    """A (synchronous) ``zarr.Array``, zarr 2 or 3, without importing zarr."""
    return _module(obj) == "zarr" and type(obj).__name__ == "Array" and hasattr(obj, "shape")


def _zarr_sources(x: Any) -> list:
    """``(layer name, zarr array)`` for every zarr array a dask graph reads from (dask puts
    the array of ``from_array``/``from_zarr`` in a one-key layer named ``original-<name>``)."""
    try:
        layers = dict(x.dask.layers)
    except Exception:  # not a high-level graph (another dask flavour): nothing found
        return []
    found = []
    for name, layer in layers.items():
        if str(name).startswith("original-") and len(layer) == 1:
            value = next(iter(dict(layer).values()))
            if is_zarr_array(value):
                found.append((name, value))
    return found


def dask_view_of_zarr(x: Any) -> Optional[Any]:
    """The zarr array ``z`` when dask array ``x`` is exactly ``da.from_zarr(z)`` (or
    ``da.from_array(z)``, any chunks): reading ``x`` gives ``z``'s values, so writing ``z``
    is writing ``x``'s source. None for anything computed from it."""
    sources = _zarr_sources(x)
    if len(sources) != 1 or len(x.dask.layers) != 2 or sources[0][0] != f"original-{x.name}":
        return None
    z = sources[0][1]
    same = tuple(z.shape) == tuple(x.shape) and np.dtype(z.dtype) == np.dtype(x.dtype)
    return z if same else None


class StoreLabels:
    """A labels layer's zarr array: shape and dtypes up front, pixels read and written per region."""

    def __init__(self, array: Any) -> None:
        self.array = array
        self.shape: Tuple[int, ...] = tuple(int(n) for n in array.shape)
        self.dtype = np.dtype(array.dtype)  # as stored (bool, big-endian...)
        self.wire = check_labels(array)  # as sent: little-endian, bool as uint8
        self.nbytes = math.prod(self.shape) * self.wire.itemsize
        self.read_only = bool(getattr(array, "read_only", False))
        # What zarr writes at once: a shard when the array is sharded, else a chunk.
        block = getattr(array, "shards", None) or getattr(array, "chunks", None) or self.shape
        self.block: Tuple[int, ...] = tuple(int(b) for b in block)

    def _check_unchanged(self) -> None:
        now = tuple(int(n) for n in self.array.shape)
        if now != self.shape:
            raise ValueError(f"the zarr array changed shape from {self.shape} to {now} since it was "
                             "added; set layer.data again to show it")

    def read(self, region: Tuple[Any, ...]) -> np.ndarray:
        """``array[region]`` in the wire dtype, C order."""
        part = np.asarray(self.array[region])
        if part.dtype == np.bool_:
            part = part.astype(np.uint8)
        return np.ascontiguousarray(part.astype(self.wire, copy=False))

    def read_all(self) -> np.ndarray:
        """The whole array, read into a fresh, writable numpy array (wire dtype)."""
        self._check_unchanged()
        return np.array(self.read(tuple(slice(None) for _ in self.shape)), copy=True)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.read_all()
        return arr if dtype is None else arr.astype(dtype)

    def read_bytes(self, start: int, stop: int) -> memoryview:
        """Bytes ``[start, stop)`` of the C-order payload, reading only the rows that cover them.

        A *row* is one index of the first axes: the deepest axis ``k`` whose rows
        ``array[i0, ..., i(k-1), j]`` are at most ``stop - start`` bytes each is read along, so
        a range is at most two reads (one per index of the axes before ``k``) and at most two
        rows more than asked for.
        """
        self._check_unchanged()
        itemsize, shape = self.wire.itemsize, self.shape
        first, last = start // itemsize, -(-stop // itemsize)  # elements covering the bytes
        k = next((axis for axis in range(len(shape))
                  if math.prod(shape[axis + 1:]) * itemsize <= max(stop - start, itemsize)), len(shape) - 1)
        unit, length = math.prod(shape[k + 1:]), shape[k]
        u0, u1 = first // unit, -(-last // unit)
        pieces, u = [], u0
        while u < u1:
            outer, lo = divmod(u, length)
            hi = min(length, lo + (u1 - u))
            prefix = tuple(int(i) for i in np.unravel_index(outer, shape[:k])) if k else ()
            pieces.append(self.read(prefix + (slice(lo, hi),)).reshape(-1))
            u += hi - lo
        flat = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
        offset = u0 * unit * itemsize
        return memoryview(flat.view(np.uint8))[start - offset:stop - offset]

    def chunk_reader(self, chunk_bytes: int) -> Callable[[int], Any]:
        """``read(i)``: chunk ``i`` of the payload, read from the store when asked for."""
        total = self.nbytes

        def read(index: int) -> memoryview:
            start = index * chunk_bytes
            if not 0 <= start < total:
                raise IndexError(f"chunk {index} is outside a payload of {total} bytes")
            return self.read_bytes(start, min(total, start + chunk_bytes))
        return read

    def _to_store(self, pixels: np.ndarray) -> np.ndarray:
        return pixels != 0 if self.dtype == np.bool_ else pixels.astype(self.dtype, copy=False)

    def write(self, start: Sequence[int], pixels: np.ndarray) -> None:
        """``array[box] = pixels``: zarr rewrites the chunks the box touches, no others."""
        self._check_unchanged()
        self.array[tuple(slice(a, a + n) for a, n in zip(start, pixels.shape))] = self._to_store(pixels)

    def sync(self, pixels: np.ndarray, write: bool = True) -> int:
        """Make the store hold ``pixels`` (the whole array, wire dtype): compares one slab of
        write units along the first axis at a time and writes only the units that differ
        (unchanged chunks keep their files). Returns how many units differed; with
        ``write=False`` only counts, stopping at the first."""
        self._check_unchanged()
        if pixels.shape != self.shape:
            raise ValueError(f"expected labels of shape {self.shape}, got {pixels.shape}")
        differ = 0
        b0 = self.block[0]
        grid = [range(0, n, b) for n, b in zip(self.shape[1:], self.block[1:])]
        for r0 in range(0, self.shape[0], b0):
            rows = slice(r0, min(self.shape[0], r0 + b0))
            held, wanted = np.asarray(self.array[rows]), self._to_store(pixels[rows])
            if np.array_equal(held, wanted):
                continue
            for corner in itertools.product(*grid):
                local = (slice(None),) + tuple(slice(c, c + b) for c, b in zip(corner, self.block[1:]))
                if np.array_equal(held[local], wanted[local]):
                    continue
                differ += 1
                if not write:
                    return differ
                self.array[(rows,) + local[1:]] = wanted[local]
        return differ


def _refuse_paths(data: Any) -> None:
    if isinstance(data, (str, os.PathLike)):
        raise TypeError(f"expected a numpy or zarr array, got the path {os.fspath(data)!r}; open it "
                        "first, e.g. seglab.Viewer().add_labels(zarr.open(path, mode='r+'))")
    if _module(data) == "zarr" and not hasattr(data, "shape"):
        raise TypeError(f"expected a zarr array, got a zarr {type(data).__name__}; pass one of its "
                        "arrays, e.g. group['labels']")


def as_store_labels(data: Any, *, max_bytes: int,
                    stacklevel: int = 4) -> Optional[Tuple[Any, StoreLabels, ArrayInfo]]:
    """``(given, store, info)`` when ``data`` is a zarr array (or dask's unchanged view of
    one) to keep as the layer's backing store; None for anything else (numpy and the rest go
    through :func:`~seglab.arrays.as_labels`). Checks dtype, dims and size like ``as_labels``
    without reading a pixel. Warns (:class:`EditsNotStoredWarning`) for a read-only array
    and for a dask array computed from a zarr array (edits reach neither)."""
    _refuse_paths(data)
    source = data if is_zarr_array(data) else dask_view_of_zarr(data) if _module(data) == "dask" else None
    if source is None:
        if _module(data) == "dask" and _zarr_sources(data):
            warnings.warn("this dask array is computed from a zarr array, so the viewer keeps a numpy "
                          "copy of it and edits made in the viewer are not written to the store; pass "
                          "the zarr array itself (or da.from_zarr(z) unchanged) to write them through",
                          EditsNotStoredWarning, stacklevel=stacklevel)
        return None
    store = StoreLabels(source)
    check_size(store.nbytes, store.shape, store.wire, max_bytes)
    if store.read_only:
        where = str(getattr(source, "store_path", "") or "")
        warnings.warn(f"the zarr array {where + ' ' if where else ''}is read-only (opened with "
                      "mode='r'?): the viewer shows it, and from the first edit made in the viewer the "
                      "layer holds an in-memory numpy copy instead (layer.data returns it; the store "
                      "is never written). Open it with mode='r+' to write edits to the store.",
                      EditsNotStoredWarning, stacklevel=stacklevel)
    info = ArrayInfo(dtype=store.wire.name, shape=store.shape, rgb=False, nbytes=store.nbytes)
    return data, store, info
