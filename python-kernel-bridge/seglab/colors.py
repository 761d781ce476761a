"""napari-style colour arguments -> RGBA floats, and the ``#rrggbbaa`` wire form.

A colour field is either *uniform* (one colour for every item, an array of
shape (4,)) or *per item* (shape (n, 4)); the wire carries one string or a list.
"""

from __future__ import annotations

from typing import Any, List, Optional, Union

import numpy as np

from ._css_colors import CSS_COLORS

Wire = Union[str, List[str]]


def _parse_str(text: str, what: str) -> np.ndarray:
    name = text.strip().lower()
    if name == "transparent":
        return np.zeros(4)
    digits = name[1:] if name.startswith("#") else CSS_COLORS.get(name)
    if digits is None:
        raise ValueError(f"{what}: unknown colour {text!r}; expected a CSS colour name, "
                         "'transparent' or '#rgb', '#rgba', '#rrggbb', '#rrggbbaa'")
    if len(digits) in (3, 4):
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 6:
        digits += "ff"
    try:
        if len(digits) != 8:
            raise ValueError(digits)
        return np.array([int(digits[i:i + 2], 16) for i in range(0, 8, 2)]) / 255.0
    except ValueError:
        raise ValueError(f"{what}: invalid hex colour {text!r}") from None


def _check_floats(arr: np.ndarray, what: str) -> np.ndarray:
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: expected colour names or RGB(A) numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not (np.all(np.isfinite(arr)) and np.all((arr >= 0) & (arr <= 1))):
        raise ValueError(f"{what}: expected RGB(A) values in [0, 1], got {arr.tolist()!r:.80}")
    if arr.shape[-1] == 3:
        arr = np.concatenate([arr, np.ones(arr.shape[:-1] + (1,))], axis=-1)
    return arr


def _one(color: Any, what: str) -> np.ndarray:
    row = np.asarray(color)
    if row.shape not in ((3,), (4,)):
        raise ValueError(f"{what}: expected a colour name or 3 or 4 numbers per item, got {color!r}")
    return _check_floats(row, what)


def to_rgba(color: Any, n: Optional[int], what: str) -> np.ndarray:
    """Parse a colour argument: returns shape (4,) (uniform) or (n, 4) (one per item).

    Accepts a colour string, 3 or 4 floats in [0, 1], or a sequence of either with
    one entry per item (``n`` items; ``n=None`` accepts any count).
    """
    if isinstance(color, str):
        return _parse_str(color, what)
    if isinstance(color, (list, tuple)) and any(isinstance(c, str) for c in color):
        rows = np.array([to_rgba(c, None, what) if isinstance(c, str) else _one(c, what) for c in color])
    else:
        try:
            rows = np.asarray(color)
        except ValueError:
            raise ValueError(f"{what}: expected one colour or one per item, got ragged input") from None
        if rows.ndim == 1 and rows.shape[0] in (3, 4):
            return _check_floats(rows, what)
        if rows.ndim != 2 or rows.shape[1] not in (3, 4):
            raise ValueError(f"{what}: expected a colour, RGB(A) values, or an (n, 3|4) array, "
                             f"got shape {rows.shape}")
        rows = _check_floats(rows, what)
    if len(rows) == 1:
        return rows[0]  # one colour given as a one-row table
    if (n is not None and len(rows) != n) or len(rows) == 0:
        raise ValueError(f"{what}: expected one colour or {n} (one per item), got {len(rows)}")
    return rows


def to_wire(rgba: np.ndarray) -> Wire:
    """``#rrggbbaa`` for a uniform colour, a list of them for per-item colours."""
    bytes_ = np.clip(np.round(np.asarray(rgba) * 255), 0, 255).astype(int)
    if bytes_.ndim == 1:
        return "#" + "".join(f"{b:02x}" for b in bytes_)
    return ["#" + "".join(f"{b:02x}" for b in row) for row in bytes_]


def from_wire(value: Wire) -> np.ndarray:
    """Inverse of :func:`to_wire` (values are ``byte / 255``)."""
    if isinstance(value, str):
        return _parse_str(value, "colour")
    return np.array([_parse_str(v, "colour") for v in value]).reshape(len(value), 4)


def per_item(rgba: np.ndarray, n: int) -> np.ndarray:
    """The (n, 4) table napari's ``face_color`` returns."""
    rgba = np.asarray(rgba, dtype=np.float64)
    return np.tile(rgba, (n, 1)) if rgba.ndim == 1 else rgba.copy()
