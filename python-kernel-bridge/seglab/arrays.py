"""Validate and normalise image and labels arrays before they are sent.

The frontend only understands a fixed set of little-endian, C-ordered dtypes
(PROTOCOL.md), so every array is checked and converted here, once, with error
messages that say what was expected and what was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Tuple

import numpy as np

from ._frontend import MAX_ARRAY_BYTES, MAX_NDIM, MIN_NDIM

#: dtypes the protocol supports for grayscale images, by numpy name.
SUPPORTED_DTYPES = (
    "bool", "uint8", "int8", "uint16", "int16", "uint32", "int32",
    "float32", "float64", "uint64", "int64",
)
#: dtypes allowed for RGB(A) images (floats are expected in [0, 1]).
RGB_DTYPES = ("uint8", "float32", "float64")
#: dtypes allowed for labels.
LABEL_DTYPES = ("uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64")
#: Default cap on the size of one layer, in bytes (2 GiB).
DEFAULT_MAX_BYTES = MAX_ARRAY_BYTES
#: napari's RGB guess: a last axis of 3 or 4 is colour only if the two displayed
#: axes before it are longer than this (a (5, 64, 3) array is a stack, not a photo).
RGB_MIN_SIDE = 30

_GIB = 1024**3


@dataclass(frozen=True)
class ArrayInfo:
    """What the frontend needs to know about a normalised array."""

    dtype: str
    shape: Tuple[int, ...]
    rgb: bool
    nbytes: int

    @property
    def ndim(self) -> int:
        """Data dims: the colour axis of an RGB image is not one."""
        return len(self.shape) - (1 if self.rgb else 0)


def _fmt_bytes(n: int) -> str:
    return f"{n / _GIB:.2f} GiB" if n >= _GIB else f"{n} bytes"


def as_array(data: Any) -> np.ndarray:
    """numpy arrays and objects with ``__array__`` (dask, xarray, zarr...).

    Python lists and other containers are refused rather than converted, so a
    list of arrays is never silently stacked into something unexpected.
    """
    if isinstance(data, np.ndarray):
        return data
    if hasattr(data, "__array__") and not isinstance(data, (list, tuple, str, bytes, dict)):
        return np.asarray(data)
    raise TypeError(f"expected a numpy array or array-like with __array__, got {type(data).__name__}")


def guess_rgb(shape: Tuple[int, ...]) -> bool:
    """napari's rule: > 2 dims, last axis 3 or 4, displayed axes > 30 long."""
    return (len(shape) > 2 and shape[-1] in (3, 4)
            and all(n > RGB_MIN_SIDE for n in shape[-3:-1]))


def _check_shape(arr: np.ndarray, rgb: bool, what: str) -> None:
    ndim = arr.ndim - (1 if rgb else 0)
    if not MIN_NDIM <= ndim <= MAX_NDIM:
        extra = " plus the colour axis" if rgb else ""
        raise ValueError(f"expected {what} with {MIN_NDIM} to {MAX_NDIM} dimensions{extra}, "
                         f"got {arr.ndim}-D array of shape {arr.shape}")
    if any(n == 0 for n in arr.shape):
        raise ValueError(f"expected every axis to have length >= 1, got shape {arr.shape}")


def check_size(nbytes: int, shape: Tuple[int, ...], dtype: np.dtype, max_bytes: int) -> None:
    """Refuse a layer of more than ``max_bytes`` (``viewer.max_bytes``) to send."""
    if nbytes > max_bytes:
        raise ValueError(
            f"expected an array of at most {_fmt_bytes(max_bytes)} (max_bytes={max_bytes}), "
            f"got {_fmt_bytes(nbytes)} for shape {tuple(shape)} {np.dtype(dtype).name}")


def _finish(arr: np.ndarray, rgb: bool, max_bytes: int) -> Tuple[np.ndarray, ArrayInfo]:
    check_size(arr.nbytes, arr.shape, arr.dtype, max_bytes)
    # The wire format is little-endian; astype keeps values, swaps bytes.
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and not np.little_endian):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    # astype keeps a non-contiguous layout (order="K"), so make C order last.
    arr = np.ascontiguousarray(arr)
    info = ArrayInfo(dtype=arr.dtype.name, shape=tuple(int(n) for n in arr.shape),
                     rgb=bool(rgb), nbytes=int(arr.nbytes))
    return arr, info


def as_transferable(
    data: Any, *, rgb: Optional[bool] = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Tuple[np.ndarray, ArrayInfo]:
    """Check image ``data`` and return it as a C-contiguous little-endian array.

    2 to 5 data dims; RGB(A) images have one more, last axis of length 3 or 4
    (``rgb=None`` guesses like napari, see :func:`guess_rgb`). Returns the array
    (the input itself when already suitable, otherwise a converted copy with
    identical values) and its :class:`ArrayInfo`. Raises ``TypeError`` for
    unsupported types and dtypes, ``ValueError`` for unsupported shapes and sizes.
    """
    arr = as_array(data)
    return _finish(arr, check_image(arr, rgb), max_bytes)


def check_image(arr: Any, rgb: Optional[bool]) -> bool:
    """The checks of an image that need only its ``shape``, ``ndim`` and ``dtype`` (so a lazy
    array is checked without reading it); returns whether it is RGB(A)."""
    dtype = np.dtype(arr.dtype)
    if dtype.name not in SUPPORTED_DTYPES:
        raise TypeError(f"expected an array with dtype in {', '.join(SUPPORTED_DTYPES)}, "
                        f"got dtype {dtype.name} ({dtype.str})")
    looks_rgb = arr.ndim > 2 and arr.shape[-1] in (3, 4)
    if rgb is None:
        rgb = guess_rgb(tuple(arr.shape))
    if rgb and not looks_rgb:
        raise ValueError(f"expected a last axis of length 3 or 4 for rgb=True, got shape {tuple(arr.shape)}")
    _check_shape(arr, bool(rgb), "an image")
    if rgb and dtype.name not in RGB_DTYPES:
        raise TypeError(f"expected an RGB(A) image with dtype in {', '.join(RGB_DTYPES)}, "
                        f"got dtype {dtype.name}")
    return bool(rgb)


def as_labels(data: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Tuple[np.ndarray, ArrayInfo]:
    """Check labels ``data`` (2 to 5 dims of integers) like :func:`as_transferable`.

    ``bool`` masks become ``uint8`` (0/1) so that the frontend can paint other
    labels into them; floats are refused, as napari does, even whole-number ones,
    because a silent cast could merge or wrap labels.
    """
    arr = as_array(data)
    check_labels(arr)
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8)
    return _finish(arr, False, max_bytes)


def check_labels(arr: Any) -> np.dtype:
    """The checks of labels that need only ``shape``, ``ndim`` and ``dtype`` (so a zarr array
    is checked without reading it); returns the dtype they travel in (little-endian,
    ``bool`` as ``uint8``)."""
    dtype = np.dtype(arr.dtype)
    if dtype.kind == "f":
        raise TypeError(f"expected integer labels, got dtype {dtype.name}; convert first, "
                        "e.g. data.astype(np.int32)")
    if dtype != np.bool_ and dtype.name not in LABEL_DTYPES:
        raise TypeError(f"expected labels with dtype in bool, {', '.join(LABEL_DTYPES)}, "
                        f"got dtype {dtype.name} ({dtype.str})")
    _check_shape(arr, False, "labels")
    return np.dtype(np.uint8) if dtype == np.bool_ else dtype.newbyteorder("<")


def as_bytes_view(arr: np.ndarray) -> memoryview:
    """A flat, zero-copy byte view of a C-contiguous array (bool bytes are 0/1)."""
    if not arr.flags.c_contiguous:
        raise ValueError("expected a C-contiguous array")
    return memoryview(arr.reshape(-1).view(np.uint8))
