"""Validate and normalise arrays before they are sent to the frontend.

The frontend only understands a fixed set of little-endian, C-ordered dtypes
(PROTOCOL.md), so every array is checked and converted here, once, with error
messages that say what was expected and what was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Tuple

import numpy as np

#: dtypes the protocol supports for grayscale images, by numpy name.
SUPPORTED_DTYPES = (
    "bool", "uint8", "int8", "uint16", "int16", "uint32", "int32",
    "float32", "float64", "uint64", "int64",
)
#: dtypes allowed for RGB(A) images (floats are expected in [0, 1]).
RGB_DTYPES = ("uint8", "float32", "float64")
#: Default cap on the size of one image, in bytes (2 GiB).
DEFAULT_MAX_BYTES = 2 * 1024**3

_GIB = 1024**3


@dataclass(frozen=True)
class ArrayInfo:
    """What the frontend needs to know about a normalised array."""

    dtype: str
    shape: Tuple[int, ...]
    rgb: bool
    nbytes: int


def _fmt_bytes(n: int) -> str:
    return f"{n / _GIB:.2f} GiB" if n >= _GIB else f"{n} bytes"


def as_transferable(
    data: Any, *, rgb: Optional[bool] = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Tuple[np.ndarray, ArrayInfo]:
    """Check ``data`` and return it as a C-contiguous little-endian array.

    Accepts numpy arrays and objects with ``__array__`` (dask, xarray, zarr...).
    Python lists and other containers are refused rather than converted, so a
    list of arrays is never silently stacked into something unexpected.

    ``rgb=None`` detects RGB(A) like napari: 3 dimensions whose last axis has
    length 3 or 4. Returns the array (the input itself when already suitable,
    otherwise a converted copy with identical values) and its :class:`ArrayInfo`.

    Raises ``TypeError`` for unsupported input types and dtypes and
    ``ValueError`` for unsupported shapes and sizes.
    """
    if isinstance(data, np.ndarray):
        arr = data
    elif hasattr(data, "__array__") and not isinstance(data, (list, tuple, str, bytes, dict)):
        arr = np.asarray(data)
    else:
        raise TypeError(
            "expected a numpy array or array-like with __array__, "
            f"got {type(data).__name__}"
        )

    if arr.dtype.name not in SUPPORTED_DTYPES:
        raise TypeError(
            f"expected an array with dtype in {', '.join(SUPPORTED_DTYPES)}, "
            f"got dtype {arr.dtype.name} ({arr.dtype.str})"
        )
    if arr.ndim < 2:
        raise ValueError(
            f"expected a 2-D image (or 3-D RGB(A) with last axis 3 or 4), "
            f"got {arr.ndim}-D array of shape {arr.shape}"
        )
    looks_rgb = arr.ndim == 3 and arr.shape[-1] in (3, 4)
    if rgb is None:
        rgb = looks_rgb
    if rgb and not looks_rgb:
        raise ValueError(
            "expected shape (rows, cols, 3|4) for rgb=True, "
            f"got shape {arr.shape}"
        )
    if not rgb and arr.ndim != 2:
        hint = " (rgb=False was given)" if looks_rgb else ""
        raise ValueError(
            f"expected a 2-D image or 3-D RGB(A), got shape {arr.shape}{hint}; "
            "nD images come in a later version"
        )
    if any(n == 0 for n in arr.shape):
        raise ValueError(f"expected every axis to have length >= 1, got shape {arr.shape}")
    if rgb and arr.dtype.name not in RGB_DTYPES:
        raise TypeError(
            f"expected an RGB(A) image with dtype in {', '.join(RGB_DTYPES)}, "
            f"got dtype {arr.dtype.name}"
        )
    if arr.nbytes > max_bytes:
        raise ValueError(
            f"expected an image of at most {_fmt_bytes(max_bytes)} (max_bytes={max_bytes}), "
            f"got {_fmt_bytes(arr.nbytes)} for shape {arr.shape} {arr.dtype.name}"
        )

    # The wire format is little-endian; astype keeps values, swaps bytes.
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and np.little_endian is False):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    # astype keeps a non-contiguous layout (order="K"), so make C order last.
    arr = np.ascontiguousarray(arr)
    info = ArrayInfo(dtype=arr.dtype.name, shape=tuple(int(n) for n in arr.shape),
                     rgb=bool(rgb), nbytes=int(arr.nbytes))
    return arr, info


def as_bytes_view(arr: np.ndarray) -> memoryview:
    """A flat, zero-copy byte view of a C-contiguous array (bool bytes are 0/1)."""
    if not arr.flags.c_contiguous:
        raise ValueError("expected a C-contiguous array")
    return memoryview(arr.reshape(-1).view(np.uint8))
