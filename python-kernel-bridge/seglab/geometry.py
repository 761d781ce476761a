"""Coordinates of points and shapes: napari's accepted inputs -> float64 arrays.

Rectangles and ellipses are normalised to their 4 bounding-box corners here,
as napari does, so the wire and ``.data`` only ever hold the 4-corner form.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from ._frontend import MAX_NDIM, MAX_POINTS, MAX_SHAPES, MAX_VERTICES, MIN_NDIM, SHAPE_VERTICES

DEFAULT_NDIM = 2


def _coords(data: Any, what: str) -> np.ndarray:
    try:
        arr = np.asarray(data)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{what}: expected rows of equally many coordinates, got ragged input") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: expected numeric coordinates, got dtype {arr.dtype}")
    arr = np.ascontiguousarray(arr, dtype="<f8")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: expected finite coordinates, got NaN or infinity")
    return arr


def _check_ndim(d: int, ndim: Optional[int], what: str, shape: Tuple[int, ...]) -> None:
    if ndim is not None and d != ndim:
        raise ValueError(f"{what}: expected {ndim} columns (ndim={ndim}), got shape {shape}")
    if not MIN_NDIM <= d <= MAX_NDIM:
        raise ValueError(f"{what}: expected {MIN_NDIM} to {MAX_NDIM} columns (one per axis), got shape {shape}")


def check_ndim(ndim: Any) -> Optional[int]:
    if ndim is None:
        return None
    if not isinstance(ndim, (int, np.integer)) or isinstance(ndim, bool) or not MIN_NDIM <= ndim <= MAX_NDIM:
        raise ValueError(f"ndim: expected an int from {MIN_NDIM} to {MAX_NDIM}, got {ndim!r}")
    return int(ndim)


def as_points(data: Any, ndim: Optional[int] = None) -> np.ndarray:
    """(N, D) float64 coordinates; ``None`` is an empty layer, one row a single point."""
    ndim = check_ndim(ndim)
    if data is None:
        return np.zeros((0, ndim or DEFAULT_NDIM))
    arr = _coords(data, "points")
    if arr.ndim == 1 and arr.size:
        arr = arr.reshape(1, -1)
    if arr.size == 0 and arr.ndim < 2:
        return np.zeros((0, ndim or DEFAULT_NDIM))
    if arr.ndim != 2:
        raise ValueError(f"points: expected an (N, D) array of coordinates, got shape {arr.shape}")
    _check_ndim(arr.shape[1], ndim, "points", arr.shape)
    if len(arr) > MAX_POINTS:
        raise ValueError(f"points: expected at most {MAX_POINTS} points, got {len(arr)}")
    return arr


def _corners(a: np.ndarray, b: np.ndarray, what: str) -> np.ndarray:
    """napari's ``find_corners`` on the last two axes; leading coordinates must agree."""
    if not np.array_equal(a[:-2], b[:-2]):
        raise ValueError(f"{what}: two corners must share the leading coordinates "
                         "(the shape lies in the plane of the last two axes)")
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    rows = [(lo[-2], lo[-1]), (hi[-2], lo[-1]), (hi[-2], hi[-1]), (lo[-2], hi[-1])]
    return np.array([np.concatenate([a[:-2], r]) for r in rows])


def _normalise_shape(vertices: np.ndarray, shape_type: str, what: str) -> np.ndarray:
    if shape_type in ("rectangle", "ellipse") and len(vertices) == 2:
        a, b = vertices
        if shape_type == "ellipse":  # napari: centre and radii
            if np.any(b[:-2] != 0):
                raise ValueError(f"{what}: ellipse radii must be 0 on all but the last two axes")
            a, b = a - b, a + b
        return _corners(a, b, what)
    lo, hi = SHAPE_VERTICES[shape_type]
    if len(vertices) < lo or (hi is not None and len(vertices) > hi):
        need = {"rectangle": "4 corners or 2 opposite corners",
                "ellipse": "4 bounding-box corners or 2 rows (centre, radii)",
                "line": "exactly 2 vertices", "path": "at least 2 vertices",
                "polygon": "at least 3 vertices"}[shape_type]
        raise ValueError(f"{what}: a {shape_type} needs {need}, got {len(vertices)}")
    return vertices


def shape_list(data: Any) -> List[Any]:
    """napari's rule: an array whose first element is one vertex is a single shape."""
    if data is None:
        return []
    if isinstance(data, np.ndarray):
        return list(data) if data.ndim == 3 else [data]
    if not isinstance(data, (list, tuple)):
        raise TypeError(f"shapes: expected an array or a list of (N, D) arrays, got {type(data).__name__}")
    try:
        single = bool(data) and np.ndim(data[0]) == 1
    except ValueError:  # a ragged first shape: reported per shape below
        single = False
    return [data] if single else list(data)


def as_shapes(data: Any, shape_type: Any, ndim: Optional[int] = None
              ) -> Tuple[List[np.ndarray], List[str]]:
    """A list of (Ni, D) float64 vertex arrays and one shape type per shape."""
    ndim = check_ndim(ndim)
    shapes = shape_list(data)
    if len(shapes) > MAX_SHAPES:
        raise ValueError(f"shapes: expected at most {MAX_SHAPES} shapes, got {len(shapes)}")
    types = shape_types(shape_type, len(shapes))
    out: List[np.ndarray] = []
    for i, (vertices, kind) in enumerate(zip(shapes, types)):
        what = f"shapes[{i}]"
        arr = _coords(vertices, what)
        if arr.ndim != 2:
            raise ValueError(f"{what}: expected an (N, D) array of vertices, got shape {arr.shape}")
        _check_ndim(arr.shape[1], ndim if ndim is not None else (out[0].shape[1] if out else None),
                    what, arr.shape)
        out.append(np.ascontiguousarray(_normalise_shape(arr, kind, what)))
    if sum(len(s) for s in out) > MAX_VERTICES:
        raise ValueError(f"shapes: expected at most {MAX_VERTICES} vertices in all, got {sum(len(s) for s in out)}")
    return out, types


def shape_types(shape_type: Any, n: int) -> List[str]:
    """One shape type for all shapes, or a sequence with one per shape."""
    types = [shape_type] * n if isinstance(shape_type, str) else list(shape_type)
    if len(types) != n:
        raise ValueError(f"shape_type: expected one type or {n} (one per shape), got {len(types)}")
    for t in types:
        if t not in SHAPE_VERTICES:
            raise ValueError(f"shape_type: expected one of {', '.join(SHAPE_VERTICES)}, got {t!r}")
    return types


def pack(shapes: Sequence[np.ndarray], ndim: int) -> Tuple[List[int], np.ndarray]:
    """Vertex counts and all vertices concatenated (the wire payload)."""
    counts = [len(s) for s in shapes]
    coords = np.concatenate(shapes) if shapes else np.zeros((0, ndim))
    return counts, np.ascontiguousarray(coords, dtype="<f8")


def unpack(counts: Sequence[int], coords: np.ndarray) -> List[np.ndarray]:
    """Inverse of :func:`pack`: one fresh (Ni, D) array per shape."""
    ends = np.cumsum(counts)
    return [coords[end - n:end].copy() for n, end in zip(counts, ends)]
