"""Foundation-model features: a SAM-family encoder's image embedding upsampled to the pixels,
defined as ``src/core/features/embeddingFeatures.ts`` computes it in the browser.

The embedding is a (C, G, G) grid over SAM's 1024² input frame (G = 64, cells of 16 frame
pixels); the plane (H, W) fills ``input_size`` (th, tw) of that frame. Pixel (y, x) samples
the grid bilinearly at ``((y + 0.5) * th / H) / 16 - 0.5`` (and likewise for x), clamped to
the edge cells: PyTorch's ``interpolate(mode="bilinear", align_corners=False)`` at that
point. Arithmetic is float32 in the browser's order, so both sides get the same values.

``embeddings`` arguments take what ``seglab.compute_embeddings`` returns (or
``seglab.embeddings.load_embeddings`` reads): one untiled 2D plane."""

from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

import numpy as np

MAX_CHANNELS = 2048


def _taps(start: int, n: int, size: int, input_size: float, cell: float, grid: int):
    g = np.clip(((start + np.arange(n, dtype=np.float64) + 0.5) * (input_size / size)) / cell - 0.5, 0, grid - 1)
    lo = np.floor(g).astype(np.int64)
    return lo, np.minimum(lo + 1, grid - 1), (g - lo).astype(np.float32)


def embedding_features(grid: np.ndarray, input_size: Sequence[float], plane_shape: Sequence[int],
                       channels: Sequence[int], region: Optional[Tuple[int, int, int, int]] = None,
                       frame: int = 1024) -> np.ndarray:
    """(len(channels), h, w) float32: the ``channels`` of ``grid`` (C, G, G) upsampled to the
    pixels of ``region`` (y0, x0, y1, x1; default the whole plane)."""
    grid = np.asarray(grid, np.float32)
    if grid.ndim != 3 or grid.shape[1] != grid.shape[2] or not 0 < grid.shape[0] <= MAX_CHANNELS:
        raise ValueError(f"expected an embedding grid (channels, G, G), got shape {grid.shape}")
    h, w = (int(s) for s in plane_shape)
    y0, x0, y1, x1 = region or (0, 0, h, w)
    if not (0 <= y0 < y1 <= h and 0 <= x0 < x1 <= w):
        raise ValueError(f"region {region} is not inside the {h} x {w} plane")
    ch = np.asarray(channels, np.int64)
    if ch.size and (ch.min() < 0 or ch.max() >= grid.shape[0]):
        raise ValueError(f"embedding channels {list(channels)} are not all among its {grid.shape[0]} channels")
    g = grid.shape[1]
    cell = frame / g
    ylo, yhi, ty = _taps(y0, y1 - y0, h, float(input_size[0]), cell, g)
    xlo, xhi, tx = _taps(x0, x1 - x0, w, float(input_size[1]), cell, g)
    sel = grid[ch]
    r0a, r0b = sel[:, ylo][:, :, xlo], sel[:, ylo][:, :, xhi]
    r1a, r1b = sel[:, yhi][:, :, xlo], sel[:, yhi][:, :, xhi]
    top = r0a + tx * (r0b - r0a)
    bottom = r1a + tx * (r1b - r1a)
    return (top + ty[:, None] * (bottom - top)).astype(np.float32)


def plane_embedding(embeddings: Dict, plane_shape: Sequence[int], info: Dict) -> Tuple[np.ndarray, Tuple[float, float]]:
    """The (C, G, G) grid and input size of ``embeddings`` for one plane, checked against the
    classifier's ``embedding`` entry ``info`` and the image's plane shape."""
    if not isinstance(embeddings, dict) or "features" not in embeddings or "attrs" not in embeddings:
        raise ValueError("expected embeddings as seglab.compute_embeddings returns them: {'features': ..., 'attrs': ...}")
    attrs = embeddings["attrs"]
    sha = info.get("model_sha256")
    if sha and attrs.get("model_sha256") != sha:
        raise ValueError(f"the classifier was trained on embeddings of {info['model_id']} (encoder sha256 {sha[:12]}...); "
                         f"these are of {attrs.get('model_id')} (sha256 {str(attrs.get('model_sha256'))[:12]}...)")
    if not sha and attrs.get("model_id") != info["model_id"]:
        raise ValueError(f"the classifier was trained on embeddings of {info['model_id']}; these are of {attrs.get('model_id')}")
    if attrs.get("n_tiles", 1) != 1 or attrs.get("n_slices", 1) != 1:
        raise ValueError(f"expected the embedding of one untiled plane, got {attrs.get('n_slices')} slice(s) x "
                         f"{attrs.get('n_tiles')} tile(s)")
    if list(attrs.get("plane_shape", [])) != [int(s) for s in plane_shape]:
        raise ValueError(f"the embeddings are of a {attrs.get('plane_shape')} plane, the image is {list(plane_shape)}")
    features = np.asarray(embeddings["features"], np.float32)
    grid = features[0] if features.ndim == 4 else features
    if grid.shape[-1] != int(info.get("grid", 64)) or int(attrs.get("encoder_input_size", 1024)) != int(info.get("frame", 1024)):
        raise ValueError(f"expected a {info.get('grid', 64)}-cell grid over a {info.get('frame', 1024)} frame, "
                         f"got {grid.shape} over {attrs.get('encoder_input_size')}")
    return grid, tuple(float(s) for s in attrs["input_size"])
