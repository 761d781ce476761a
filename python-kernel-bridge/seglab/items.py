"""Per-item fields of points and shapes (sizes, widths, colours).

A field is *uniform* (one value for every item: a float, or an RGBA array of
shape (4,)) or *per item* (an array with one entry per item). Uniform values
stay uniform when items are added or removed; per-item ones are cut, or
extended with their last value, as napari does.
"""

from __future__ import annotations

from typing import Any, List, Union

import numpy as np

from . import colors
from ._frontend import MAX_ITEM_LIST

Numbers = Union[float, np.ndarray]


def _limit(n: int, what: str) -> None:
    if n > MAX_ITEM_LIST:
        raise ValueError(f"{what}: one value per item is supported for at most {MAX_ITEM_LIST} items, "
                         f"got {n}; pass one value for all")


def numbers(value: Any, n: int, what: str, *, positive: bool) -> Numbers:
    """A number for all items, or one per item (> 0 if ``positive``, else >= 0)."""
    try:
        arr = np.asarray(value)
    except ValueError:
        raise ValueError(f"{what}: expected a number or one per item, got ragged input") from None
    if arr.dtype.kind not in "iuf" or arr.ndim > 1:
        raise TypeError(f"{what}: expected a number or a 1-D sequence of numbers, got {value!r:.80}")
    arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr) | ((arr <= 0) if positive else (arr < 0))
    if np.any(bad):
        raise ValueError(f"{what}: expected finite numbers {'> 0' if positive else '>= 0'}, got {value!r:.80}")
    if arr.ndim == 0 or len(arr) == 1:
        return float(arr.reshape(-1)[0])
    if len(arr) != n or n == 0:
        raise ValueError(f"{what}: expected one value or {n} (one per item), got {len(arr)}")
    _limit(n, what)
    return arr


def rgba(value: Any, n: int, what: str) -> np.ndarray:
    """A colour for all items or one per item, rounded to what the wire keeps."""
    table = colors.to_rgba(value, n, what)
    if table.ndim == 2:
        _limit(n, what)
    return colors.from_wire(colors.to_wire(table))


def is_uniform(value: Any, *, color: bool) -> bool:
    """True for one value for all items (a float, or one RGBA row for colours)."""
    return np.ndim(value) == (1 if color else 0)


def resize(value: Any, n: int, *, color: bool) -> Any:
    """Fit a field to ``n`` items (uniform values are kept)."""
    if is_uniform(value, color=color):
        return value
    if n == 0:  # an empty layer keeps its last value as the uniform one
        return value[-1].copy() if color else float(value[-1])
    if n <= len(value):
        return value[:n].copy()
    _limit(n, "per-item field")
    return np.concatenate([value, np.repeat(value[-1:], n - len(value), axis=0)])


def expand(value: Any, n: int, *, color: bool) -> np.ndarray:
    """napari's getter form: one entry per item."""
    if color:
        return colors.per_item(value, n)
    return np.full(n, float(value)) if np.ndim(value) == 0 else np.array(value, dtype=np.float64)


def numbers_to_wire(value: Numbers) -> Union[float, List[float]]:
    return float(value) if np.ndim(value) == 0 else [float(v) for v in value]


def numbers_from_wire(value: Union[float, List[float]]) -> Numbers:
    return float(value) if not isinstance(value, list) else np.array(value, dtype=np.float64)
