"""Image and labels layers: an nD array of pixels plus how to show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Tuple

import numpy as np

from ..arrays import ArrayInfo, as_labels, as_transferable
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
    """An image: 2 to 5 data dims, grayscale through a colormap, or RGB(A)."""

    kind = "image"

    colormap = display_property("colormap", "napari colormap name, e.g. 'gray', 'magma'.")
    contrast_limits = display_property("contrast_limits", "(low, high) mapped to the colormap ends.")
    gamma = display_property("gamma", "Gamma applied after the contrast limits (> 0).")
    interpolation = display_property("interpolation", "'nearest' or 'linear'.")

    @property
    def rgb(self) -> bool:
        """True for RGB(A) images (last axis holds 3 or 4 channels)."""
        return self._info.rgb

    def _kind_fields(self) -> Dict[str, Any]:
        return {**super()._kind_fields(), "rgb": self._info.rgb}

    def _replace(self, value: Any) -> None:
        self._adopt(*as_transferable(value, max_bytes=self._viewer.max_bytes))


class LabelsLayer(_PixelLayer):
    """Integer labels (0 is background), e.g. a segmentation painted in the viewer."""

    kind = "labels"

    selected_label = display_property("selected_label", "The label the paint tool writes.")
    mode = display_property("mode", "Active tool: 'pan_zoom', 'pick', 'paint', 'fill' or 'erase'.")

    def _replace(self, value: Any) -> None:
        self._adopt(*as_labels(value, max_bytes=self._viewer.max_bytes))
