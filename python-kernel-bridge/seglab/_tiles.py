"""Serving a lazy image's tiles: the kernel half of ``tile-request`` / ``tile-data``.

The frontend asks for exactly the region a texture tile needs (a level, one index on every
sliced axis, a rectangle and a stride on the two displayed ones); the viewer checks the
request against the layer, reads the region through its bytes-bounded LRU cache and answers
with one ``tile-data`` message carrying the pixels as its buffer. Requests that cannot be
served get an ``error`` with their ``request_id``, so the frontend stops waiting for them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Dict, List

import numpy as np

from . import protocol
from ._frontend import MAX_CHUNK_BYTES
from .descriptors import ProtocolError
from .lazy import TileCache, region_of

if TYPE_CHECKING:  # pragma: no cover
    from .layers import ImageLayer


class TileServer:
    """Mixin of :class:`~seglab.Viewer`: answers ``tile-request`` for its lazy image layers."""

    _tile_cache: TileCache

    @property
    def tile_cache(self) -> TileCache:
        """The kernel-side cache of tiles read from lazy layers (``bytes``, ``budget``, ``hits``, ``misses``)."""
        return self._tile_cache

    def _on_tile_request(self, msg: Dict[str, Any], _buffers: List[Any]) -> None:
        rid = msg["request_id"]
        layer = self._layer_by_id(msg["layer_id"])  # type: ignore[attr-defined]
        if layer is None or not getattr(layer, "lazy", False):
            raise ProtocolError(f"layer_id: expected a lazy image layer of this viewer, got {msg['layer_id']!r}",
                                request_id=rid)
        level, start, stop, step = msg["level"], msg["start"], msg["stop"], msg["step"]
        levels = layer._levels()
        if level >= len(levels):
            raise ProtocolError(f"level: expected a level in [0, {len(levels)}) of layer {layer.name!r}, got {level}",
                                request_id=rid)
        array = levels[level]
        now = tuple(int(n) for n in array.source.shape)
        if now != array.shape:  # e.g. a zarr array resized after it was added
            raise ProtocolError(f"level {level} of layer {layer.name!r} changed shape from {array.shape} to {now} "
                                "since it was added; set layer.data again to show it", request_id=rid)
        spatial = array.shape[:len(array.shape) - (1 if layer.rgb else 0)]
        if len(start) != len(spatial):
            raise ProtocolError(f"start: expected {len(spatial)} entries (one per axis of level {level}), got {len(start)}",
                                request_id=rid)
        for axis, (a, b, n) in enumerate(zip(start, stop, spatial)):
            if not 0 <= a < b <= n:
                raise ProtocolError(f"start[{axis}], stop[{axis}]: expected 0 <= start < stop <= {n}, got {a}, {b}",
                                    request_id=rid)
        shape = [math.ceil((b - a) / s) for a, b, s in zip(start, stop, step)] + ([array.shape[-1]] if layer.rgb else [])
        nbytes = math.prod(shape) * array.dtype.itemsize
        if nbytes > MAX_CHUNK_BYTES:
            raise ProtocolError(f"stop: expected a region of at most {MAX_CHUNK_BYTES} bytes, got {nbytes} "
                                f"for shape {tuple(shape)}", request_id=rid)
        key = (layer.id, layer.revision, level, tuple(start), tuple(stop), tuple(step))
        try:
            pixels = self._tile_cache.get(key, lambda: array.read(region_of(array.shape, start, stop, step, layer.rgb)))
        except Exception as exc:  # a failing store (missing chunk, closed file) must not kill the comm
            raise ProtocolError(f"could not read level {level} of layer {layer.name!r}: {exc!r}", request_id=rid) from None
        if pixels.dtype == np.bool_:
            pixels = pixels.view(np.uint8)
        self._post(protocol.tile_data(rid, layer.id, level, start, stop, step, list(pixels.shape), layer._info.dtype),  # type: ignore[attr-defined]
                   [memoryview(pixels.reshape(-1).view(np.uint8))])

    def _forget_tiles(self, layer: "ImageLayer") -> None:
        self._tile_cache.drop(layer.id)
