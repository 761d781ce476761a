"""Shared by the model tests (not a conftest: tests/conftest.py is imported as `conftest`)."""

import os
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("SEGLAB_DATA", REPO.parent / "shared" / "data"))
SEED = 0  # the seeded random weights every model test (and the TS parity test) uses


def rgb8(image: np.ndarray) -> np.ndarray:
    """SegLab's rule for SAM's input (src/core/sam/transforms.ts `toRgb8`): min-max scaled to
    0..255 as floor(255 (x - min) / (max - min) + 0.5), gray repeated on three channels."""
    img = image.astype(np.float64)
    lo, hi = img.min(), img.max()
    gray = np.floor(255 * (img - lo) / (hi - lo) + 0.5).astype(np.uint8) if hi > lo else \
        np.zeros(img.shape, np.uint8)
    return np.repeat(gray[..., None], 3, axis=2)


def nuclei2d():
    """(uint8 RGB image, ground-truth labels) of $SEGLAB_DATA/nuclei2d."""
    import tifffile

    image = tifffile.imread(DATA / "nuclei2d" / "image.tif")
    labels = tifffile.imread(DATA / "nuclei2d" / "labels.tif")
    return rgb8(image), labels


def nucleus_prompts(labels: np.ndarray, n: int = 20, seed: int = 0):
    """(points (n, 2), boxes (n, 4)) in (x, y) image pixels: centroids and bounding boxes of n
    ground-truth nuclei (area >= 30 px) picked with a seeded rng, as the TS parity test does."""
    from skimage.measure import regionprops

    props = [p for p in regionprops(labels) if p.area >= 30]
    pick = np.random.default_rng(seed).choice(len(props), n, replace=False)
    points = np.array([[props[i].centroid[1], props[i].centroid[0]] for i in pick])
    boxes = np.array([[props[i].bbox[1], props[i].bbox[0], props[i].bbox[3], props[i].bbox[2]]
                      for i in pick], dtype=float)
    return points, boxes


def upstream_predictor(arch: str):
    """The upstream SamPredictor (mobile_sam's for vit_t) on the same seeded weights that
    `cached_export(arch, seed=SEED)` exported."""
    from seglab.models._export import FAMILY, build_model

    if FAMILY[arch] == "mobile_sam":
        from mobile_sam import SamPredictor
    else:
        from segment_anything import SamPredictor
    return SamPredictor(build_model(arch, seed=SEED))


def rel_l2(got, want) -> float:
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    return float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30))


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)
