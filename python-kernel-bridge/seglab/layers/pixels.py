"""Image and labels layers: an nD array of pixels plus how to show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from ..arrays import ArrayInfo, as_labels, as_transferable
from ..descriptors import ProtocolError
from ..lazy import as_lazy, is_lazy
from ..multiscale import as_multiscale, looks_multiscale
from ..store_labels import StoreLabels, as_store_labels
from .base import Extent, Layer, display_property

if TYPE_CHECKING:  # pragma: no cover
    from ..viewer import Viewer


class _PixelLayer(Layer):
    def __init__(self, viewer: "Viewer", name: str, array: np.ndarray, info: ArrayInfo,
                 options: Mapping[str, Any]) -> None:
        self._array, self._info = array, info
        super().__init__(viewer, name, info.ndim, options)

    @property
    def dtype(self) -> np.dtype:
        """numpy dtype of the pixels (little-endian)."""
        return np.dtype(self._info.dtype)

    @property
    def shape(self) -> Tuple[int, ...]:
        """Shape of the pixel array (an RGB image's colour axis included)."""
        return self._info.shape

    @property
    def source_data(self) -> np.ndarray:
        """The kernel copy: the array given to Python, or the latest frontend reply."""
        return self._array

    def _payload(self) -> np.ndarray:
        return self._array

    def _kind_fields(self) -> Dict[str, Any]:
        return {"dtype": self._info.dtype, "shape": list(self._info.shape)}

    def _decode(self, layer: Mapping[str, Any], payload: bytearray) -> np.ndarray:
        # frombuffer over the assembled bytearray: a fresh, writable array.
        dtype = np.dtype(layer["dtype"]).newbyteorder("<")
        array = np.frombuffer(payload, dtype=dtype).reshape(layer["shape"])
        self._array = array
        self._info = ArrayInfo(dtype=layer["dtype"], shape=tuple(layer["shape"]),
                               rgb=bool(layer.get("rgb", False)), nbytes=int(array.nbytes))
        return array

    def _value(self) -> np.ndarray:
        return self._array

    def _adopt(self, array: np.ndarray, info: ArrayInfo) -> None:
        self._fit_vectors(info.ndim)
        self._array, self._info = array, info

    def extent(self) -> List[Extent]:
        scale, translate = self._display["scale"], self._display["translate"]
        # Pixel i covers [i, i + 1) in data coordinates (napari >= 0.5).
        return [(t, t + n * s, s) for n, s, t in zip(self._info.shape[:self._ndim], scale, translate)]

    def __repr__(self) -> str:
        rgb = ", rgb" if self._info.rgb else ""
        return f"<{type(self).__name__} {self._name!r} {self.dtype.name} {self.shape}{rgb}>"


class ImageLayer(_PixelLayer):
    """An image: 2 to 5 data dims, grayscale through a colormap, or RGB(A).

    A multiscale image (napari's ``multiscale=True``) keeps every level:
    ``data`` is then the list of levels, full resolution first.

    A lazy image (dask, zarr, OME-Zarr levels, xarray, memory maps) is never read whole:
    the frontend asks for the tiles it draws and the viewer reads them (``seglab.lazy``);
    ``data`` is the object(s) given, unchanged.
    """

    kind = "image"

    colormap = display_property("colormap", "napari colormap name, e.g. 'gray', 'magma'.")
    contrast_limits = display_property("contrast_limits", "(low, high) mapped to the colormap ends.")
    gamma = display_property("gamma", "Gamma applied after the contrast limits (> 0).")
    interpolation = display_property("interpolation", "'nearest' or 'linear'.")

    def __init__(self, viewer: "Viewer", name: str, array: Any, info: ArrayInfo,
                 options: Mapping[str, Any], lower_levels: Sequence[Any] = (),
                 sources: Optional[List[Any]] = None) -> None:
        #: Levels 1.. of a multiscale image (level 0 is the layer's array).
        self._lower_levels: List[Any] = list(lower_levels)
        #: A lazy image's levels as given (dask, zarr...); the arrays are LazyArray readers.
        self._sources = sources
        super().__init__(viewer, name, array, info, options)

    @property
    def lazy(self) -> bool:
        """True when the kernel serves the pixels tile by tile (dask, zarr, memory maps)."""
        return self._sources is not None

    def fetch(self, timeout: Optional[float] = None) -> Any:
        """The image's data. Images are not edited in the browser; a lazy image's data is
        the object given, never materialised."""
        if self.lazy:
            return self._value()
        return super().fetch(timeout)

    def _levels(self) -> List[Any]:
        return [self._array, *self._lower_levels]

    @property
    def rgb(self) -> bool:
        """True for RGB(A) images (last axis holds 3 or 4 channels)."""
        return self._info.rgb

    @property
    def multiscale(self) -> bool:
        """True when the image is a list of resolution levels."""
        return bool(self._lower_levels)

    @property
    def level_shapes(self) -> List[Tuple[int, ...]]:
        """Shape of every level, full resolution first."""
        return [self._info.shape] + [tuple(level.shape) for level in self._lower_levels]

    def _kind_fields(self) -> Dict[str, Any]:
        return {**super()._kind_fields(), "rgb": self._info.rgb,
                "multiscale_shapes": [list(level.shape) for level in self._lower_levels],
                "lazy": self.lazy}

    def _payload(self) -> np.ndarray:
        return np.empty(0, np.uint8) if self.lazy else self._array

    def _payload_parts(self) -> List[np.ndarray]:
        return [] if self.lazy else self._levels()

    def _decode(self, layer: Mapping[str, Any], payload: bytearray) -> Any:
        dtype = np.dtype(layer["dtype"]).newbyteorder("<")
        shapes = [layer["shape"], *layer["multiscale_shapes"]]
        levels, offset = [], 0
        for shape in shapes:
            count = int(np.prod(shape))
            levels.append(np.frombuffer(payload, dtype=dtype, count=count, offset=offset).reshape(shape))
            offset += count * dtype.itemsize
        self._array, self._lower_levels = levels[0], levels[1:]
        self._info = ArrayInfo(dtype=layer["dtype"], shape=tuple(layer["shape"]),
                               rgb=bool(layer.get("rgb", False)), nbytes=int(levels[0].nbytes))
        return self._value()

    def _value(self) -> Any:
        if self._sources is not None:
            return list(self._sources) if len(self._sources) > 1 else self._sources[0]
        return [self._array, *self._lower_levels] if self._lower_levels else self._array

    def _replace(self, value: Any) -> None:
        levels_in = list(value) if looks_multiscale(value) else [value]
        if any(is_lazy(level) for level in levels_in):
            levels = (as_multiscale(value, rgb=None, max_bytes=self._viewer.max_bytes, check_level=as_lazy)
                      if len(levels_in) > 1 else [as_lazy(value)])
            self._adopt(*levels[0])
            self._lower_levels = [array for array, _ in levels[1:]]
            self._sources = levels_in
            return
        self._sources = None
        if looks_multiscale(value):
            levels = as_multiscale(value, rgb=None, max_bytes=self._viewer.max_bytes)
            self._adopt(*levels[0])
            self._lower_levels = [array for array, _ in levels[1:]]
        else:
            self._adopt(*as_transferable(value, max_bytes=self._viewer.max_bytes))
            self._lower_levels = []


class LabelsLayer(_PixelLayer):
    """Integer labels (0 is background), e.g. a segmentation painted in the viewer.

    As in napari, the array given is the layer's data and edits made in the viewer are
    written into it. A zarr array (or ``da.from_zarr(z)`` unchanged) stays the backing store:
    the kernel holds no numpy copy, the payload is read from the store chunk by chunk as it
    is sent, each edit is written with ``z[box] = pixels`` (zarr rewrites only the chunks
    the box touches), and ``data`` / ``source_data`` return the object given, with what the
    frontend holds written into the store first (only the chunks that differ). A read-only
    zarr array (``mode="r"``) is shown as is and warned about when added
    (:class:`~seglab.store_labels.EditsNotStoredWarning`); its first edit moves the layer to
    an in-memory numpy copy, which ``data`` then returns (the store is never written).
    """

    kind = "labels"

    selected_label = display_property("selected_label", "The label the paint tool writes.")
    mode = display_property("mode", "Active tool: 'pan_zoom', 'pick', 'paint', 'fill' or 'erase'.")
    label_classes = display_property(
        "label_classes",
        "What ids 1..n mean (ilastik's label list): entry k names label k + 1 and gives its colour, "
        "as ``{'name', 'color'}`` dicts (colours ``#rrggbbaa``; set it with dicts or (name, colour) "
        "pairs, at most 16). The Classify tool's scribbles keep their class names and colours here.")

    def __init__(self, viewer: "Viewer", name: str, array: Any, info: ArrayInfo,
                 options: Mapping[str, Any], store: Optional[StoreLabels] = None) -> None:
        #: The zarr array behind ``array`` (the object given) while it backs the layer.
        self._store = store
        super().__init__(viewer, name, array, info, options)

    # -- a zarr store instead of a numpy copy ------------------------------------------

    def _payload(self) -> np.ndarray:
        # Whole, read from the store: only for a caller that needs all of it at once
        # (transfers read chunk by chunk through _chunk_reader).
        return self._store.read_all() if self._store is not None else self._array

    def _payload_parts(self) -> List[Any]:
        # The store itself stands for its bytes: it knows its nbytes without reading them.
        return [self._store] if self._store is not None else [self._array]

    def _chunk_reader(self, chunk_bytes: int) -> Callable[[int], Any]:
        if self._store is None:
            return super()._chunk_reader(chunk_bytes)
        return self._store.chunk_reader(chunk_bytes)

    def _decode(self, layer: Mapping[str, Any], payload: bytearray) -> Any:
        store = self._store
        if store is None:
            return super()._decode(layer, payload)
        if tuple(layer["shape"]) != store.shape or layer["dtype"] != self._info.dtype:
            raise ProtocolError(f"layer.shape, layer.dtype: expected {store.shape} {self._info.dtype} (the zarr "
                                f"store of layer {self._name!r}), got {tuple(layer['shape'])} {layer['dtype']}")
        pixels = np.frombuffer(payload, dtype=store.wire).reshape(store.shape)
        try:
            if not store.read_only:
                store.sync(pixels)
            elif store.sync(pixels, write=False):  # edits the read-only store cannot take
                self._to_copy(pixels)
        except Exception as exc:  # a failing store: the caller of .data gets the reason
            raise ProtocolError(f"could not write the viewer's labels into the zarr store of layer "
                                f"{self._name!r}: {exc!r}") from None
        return self._value()

    def _to_copy(self, array: Optional[np.ndarray] = None) -> None:
        """A read-only store meets an edit: from now on the layer holds a numpy copy."""
        self._array = self._store.read_all() if array is None else array
        self._store = None
        self._viewer.log.warning("seglab: labels layer %r: its zarr array is read-only, so edits now go to "
                                 "an in-memory numpy copy (layer.data); the store is not written", self._name)

    def _replace(self, value: Any) -> None:
        found = as_store_labels(value, max_bytes=self._viewer.max_bytes)
        if found is None:
            self._store = None
            self._adopt(*as_labels(value, max_bytes=self._viewer.max_bytes))
            return
        given, self._store, info = found
        self._adopt(given, info)

    def _write_box(self, start: Sequence[int], pixels: np.ndarray) -> None:
        """Write a box of pixels edited in the viewer, at ``start``, into the layer's data
        (in place, as napari edits the array it was given; a zarr store through
        ``z[box] = pixels``; a read-only array or store is copied first)."""
        if self._store is not None and not self._store.read_only:
            self._store.write(start, pixels)
            return
        if self._store is not None:
            self._to_copy()
        if not self._array.flags.writeable:
            self._array = self._array.copy()
        self._array[tuple(slice(a, a + n) for a, n in zip(start, pixels.shape))] = pixels

    def __repr__(self) -> str:
        where = " in a zarr store" if self._store is not None else ""
        return f"<{type(self).__name__} {self._name!r} {self.dtype.name} {self.shape}{where}>"
