"""Multiscale images, as napari's ``add_image(..., multiscale=True)``: a list of
arrays, full resolution first, each level smaller than the one before.

The viewer draws the level that matches the zoom (and builds coarser levels of
its own on demand), so a pyramid is only needed when level 0 is large. numpy levels
travel to the browser once; lazy levels (dask, zarr, OME-Zarr) are read tile by tile
(seglab.lazy).
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np

from .arrays import ArrayInfo, as_transferable

#: Levels per image; 2^16 downsampling is past any image a browser can hold.
MAX_LEVELS = 16


def looks_multiscale(data: Any) -> bool:
    """napari's guess: a list or tuple of two or more array-likes (never a nested list of numbers)."""
    return (isinstance(data, (list, tuple)) and len(data) > 1
            and all(hasattr(level, "shape") and hasattr(level, "dtype") for level in data))


def check_level_shapes(shapes: Sequence[Tuple[int, ...]], rgb: bool) -> None:
    """Raise ``ValueError`` unless every level is no longer on any axis and shorter on one."""
    spatial = len(shapes[0]) - (1 if rgb else 0)
    for i in range(1, len(shapes)):
        prev, shape = shapes[i - 1], shapes[i]
        if len(shape) != len(shapes[0]):
            raise ValueError(f"expected every level to have {len(shapes[0])} axes like level 0 "
                             f"{tuple(shapes[0])}, level {i} has shape {tuple(shape)}")
        if rgb and shape[-1] != shapes[0][-1]:
            raise ValueError(f"expected every level to keep the {shapes[0][-1]} colour channels, "
                             f"level {i} has shape {tuple(shape)}")
        axes = list(zip(shape[:spatial], prev[:spatial]))
        if any(n > p for n, p in axes) or all(n == p for n, p in axes):
            raise ValueError("expected each level of a multiscale image to be smaller than the one "
                             f"before (largest first), level {i} {tuple(shape)} after {tuple(prev)}")


def as_multiscale(data: Any, *, rgb: Optional[bool], max_bytes: int,
                  check_level: Optional[Callable[..., Tuple[Any, ArrayInfo]]] = None) -> List[Tuple[Any, ArrayInfo]]:
    """Check a multiscale image: every level as :func:`as_transferable` checks an image
    (or ``check_level``, e.g. :func:`~seglab.lazy.as_lazy` for levels read on demand),
    one dtype and RGB-ness for all, shrinking shapes, all levels together within ``max_bytes``."""
    if not isinstance(data, (list, tuple)) or not data:
        raise TypeError(f"expected a multiscale image as a non-empty list of arrays, got {type(data).__name__}")
    if len(data) > MAX_LEVELS:
        raise ValueError(f"expected at most {MAX_LEVELS} levels, got {len(data)}")
    check = check_level or (lambda level, rgb: as_transferable(level, rgb=rgb, max_bytes=max_bytes))
    levels: List[Tuple[Any, ArrayInfo]] = []
    for i, level in enumerate(data):
        try:
            levels.append(check(level, rgb=rgb if i == 0 else levels[0][1].rgb))
        except (TypeError, ValueError) as err:
            raise type(err)(f"level {i} of the multiscale image: {err}") from None
    first = levels[0][1]
    for i, (_, info) in enumerate(levels[1:], 1):
        if info.dtype != first.dtype:
            raise TypeError(f"expected every level to have dtype {first.dtype}, level {i} has {info.dtype}")
    check_level_shapes([info.shape for _, info in levels], first.rgb)
    total = sum(info.nbytes for _, info in levels)
    if total > max_bytes:
        raise ValueError(f"expected a multiscale image of at most {max_bytes} bytes in all "
                         f"(max_bytes), got {total} bytes over {len(levels)} levels")
    return levels
