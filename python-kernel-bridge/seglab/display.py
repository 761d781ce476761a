"""Check the display arguments napari users pass (``opacity=``, ``colormap=``...).

Each checker returns the normalised value as the layer stores it (floats,
tuples) or raises ``TypeError``/``ValueError`` saying what was expected.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import colors
from ._frontend import (
    BLENDINGS, COLORMAPS, INTERPOLATIONS, LABELS_MODES, MAX_LABEL_CLASS_NAME, MAX_LABEL_CLASSES,
    MAX_SAFE_INTEGER, MAX_STRING_LENGTH,
)

#: Elements above which contrast limits come from a few planes, as napari does.
_SAMPLE_ABOVE = 10_000_000


def _real(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what}: expected a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what}: expected a finite number, got {value}")
    return value


def name(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_STRING_LENGTH:
        raise ValueError(f"name: expected a string of 1 to {MAX_STRING_LENGTH} characters, got {value!r}")
    return value


def visible(value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"visible: expected True or False, got {value!r}")
    return bool(value)


def opacity(value: Any) -> float:
    value = _real(value, "opacity")
    if not 0 <= value <= 1:
        raise ValueError(f"opacity: expected a number in [0, 1], got {value}")
    return value


def _choice(value: Any, options: Sequence[str], what: str) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{what}: expected one of {', '.join(options)}, got {value!r}")
    return value


def blending(value: Any) -> str:
    return _choice(value, BLENDINGS, "blending")


def colormap(value: Any) -> str:
    return _choice(value, COLORMAPS, "colormap")


def interpolation(value: Any) -> str:
    return _choice(value, INTERPOLATIONS, "interpolation")


def mode(value: Any) -> str:
    return _choice(value, LABELS_MODES, "mode")


def gamma(value: Any) -> float:
    value = _real(value, "gamma")
    if value <= 0:
        raise ValueError(f"gamma: expected a number > 0, got {value}")
    return value


def selected_label(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= MAX_SAFE_INTEGER:
        raise ValueError(f"selected_label: expected an int in [0, 2**53 - 1], got {value!r}")
    return int(value)


def label_classes(value: Any) -> Tuple[Dict[str, str], ...]:
    """What label ids 1..n mean: entry k names label k + 1 and gives its colour. Takes
    ``{"name": ..., "color": ...}`` dicts or ``(name, color)`` pairs (any colour napari takes);
    returns the dicts with ``#rrggbbaa`` colours, as they travel."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__"):
        raise TypeError(f"label_classes: expected a list of (name, colour) pairs or {{'name', 'color'}} dicts, "
                        f"got {type(value).__name__}")
    if len(value) > MAX_LABEL_CLASSES:
        raise ValueError(f"label_classes: expected at most {MAX_LABEL_CLASSES} classes, got {len(value)}")
    out, seen = [], set()
    for k, entry in enumerate(value):
        what = f"label_classes[{k}]"
        if isinstance(entry, Mapping):
            if set(entry) != {"name", "color"}:
                raise ValueError(f"{what}: expected the keys 'name' and 'color', got {sorted(map(str, entry))}")
            label, color = entry["name"], entry["color"]
        elif isinstance(entry, (tuple, list)) and len(entry) == 2:
            label, color = entry
        else:
            raise TypeError(f"{what}: expected a (name, colour) pair or a {{'name', 'color'}} dict, got {entry!r:.80}")
        if not isinstance(label, str) or not 1 <= len(label) <= MAX_LABEL_CLASS_NAME:
            raise ValueError(f"{what}: expected a name of 1 to {MAX_LABEL_CLASS_NAME} characters, got {label!r:.80}")
        if label in seen:
            raise ValueError(f"{what}: the name {label!r} is taken by another class")
        seen.add(label)
        rgba = colors.to_rgba(color, None, f"{what} colour")
        if rgba.ndim != 1:
            raise ValueError(f"{what}: expected one colour, got {color!r:.80}")
        out.append({"name": label, "color": colors.to_wire(rgba)})
    return tuple(out)


def contrast_limits(value: Any) -> Tuple[float, float]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(f"contrast_limits: expected (low, high), got {value!r}")
    lo, hi = (_real(v, "contrast_limits") for v in value)
    if not lo < hi:
        raise ValueError(f"contrast_limits: expected low < high, got ({lo}, {hi})")
    return lo, hi


def vector(value: Any, ndim: int, what: str, default: float) -> Tuple[float, ...]:
    """``scale``/``translate``: one number per data axis (``None``: the default)."""
    if value is None:
        return (default,) * ndim
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != ndim:
        raise ValueError(f"{what}: expected {ndim} numbers (one per data axis), got {value!r}")
    out = tuple(_real(v, what) for v in value)
    if what == "scale" and any(v <= 0 for v in out):
        raise ValueError(f"scale: expected numbers > 0, got {out}")
    return out


def _finite_range(arr: np.ndarray) -> Tuple[float, float]:
    if arr.dtype.kind == "f":
        arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return 0.0, 1.0
    return float(arr.min()), float(arr.max())


def default_contrast_limits(arr: np.ndarray, rgb: bool, data_ndim: int) -> Tuple[float, float]:
    """napari's defaults: uint8 (and RGB uint8) 0..255, RGB float 0..1, else the
    data range (from the first, middle and last planes of big arrays) widened to
    include 0 and 1 when all values are equal."""
    if arr.dtype == np.uint8:
        return 0.0, 255.0
    if rgb:
        return 0.0, 1.0
    if arr.dtype == np.bool_:
        return 0.0, 1.0
    sample = arr
    if arr.size > _SAMPLE_ABOVE and data_ndim > 2:
        lead = arr.shape[:data_ndim - 2]
        planes = {tuple(0 for _ in lead), tuple(n // 2 for n in lead), tuple(n - 1 for n in lead)}
        sample = np.stack([arr[p] for p in sorted(planes)])
    lo, hi = _finite_range(sample)
    if lo == hi:
        lo, hi = min(lo, 0.0), max(hi, 1.0)
    return lo, hi


def sequence_arg(value: Any, n: int, what: str, nested: bool = False) -> Optional[list]:
    """Per-channel form of an argument: ``None`` if ``value`` is one value for all.

    ``nested`` arguments (``contrast_limits``, ``scale``, ``translate``) are already
    sequences for one layer, so only a sequence of sequences is per channel.
    """
    if isinstance(value, (str, bytes)) or value is None or not isinstance(value, (list, tuple)):
        return None
    if nested and not (value and isinstance(value[0], (list, tuple, np.ndarray))):
        return None
    if len(value) != n:
        raise ValueError(f"{what}: expected one value for all channels or {n} (one per channel), "
                         f"got {len(value)}")
    return list(value)
