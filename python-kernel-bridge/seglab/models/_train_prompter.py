"""Train, export and evaluate ``seglab-nucleus-prompter`` (see ``_prompter.py``).

``python -m seglab.models train-prompter --out DIR [--minutes M] [--seed S] [--steps N]
[--threads 1|2]``.

Data (from ``$SEGLAB_DATA``, default ``<repo>/../shared/data``):

- nuclei2d, LEFT half only: the image and labels are cut to ``x < 256`` before anything else,
  and only objects whose centroid (in the full label image) has ``x < 256`` are prompted. The
  right half (objects entirely in ``x >= 256``) is held out: the accuracy figures come from
  it, and the project's ui-tests click there.
- nuclei3d, LEFT part only: the volume (z, y, x = 31, 61, 57) is cut to ``x < 28``; the nuclei
  whose voxels all lie there are prompted, slice by slice, also from their neighbouring
  slice's mask (as 3D propagation prompts: box or micro-sam-like points; the target may then
  be empty, which teaches propagation where to stop). Held out: the nuclei wholly at
  ``x >= 30`` (the 3D ui-test propagates the largest of them).
- blobs (sparse instance annotation, 7 blobs): the annotated blobs are prompted; with
  prompted segmentation the unannotated blobs do no harm (the target is one object).
- synthetic cells: random blurred, textured, touching ellipses with noise.

Each source also as a 2x-downsampled copy. Scales: half of the samples at the source's
native scale in SAM's frame (nuclei2d 2x, nuclei3d ~17x), half with objects spread over ~30..250
px; blur and noise at the source's resolution (they become blocks when upscaled, as in
nuclei3d), gamma/gain/offset/noise/inversion; flips/rotations; zero (= SAM's padding) beyond
the image. Batches of 16 crops of 192 px or 8 of 320 px (fully convolutional model). Prompts
as SAM's training draws them: one click (distance-weighted towards the interior), loose /
jittered boxes, several positive and negative points, a given previous mask; and every step
a second pass that refines the model's own first mask (its logits as ``mask_input``) with a
corrective click in its error. Deterministic for a given seed, step count and thread count
(``--minutes`` only caps the wall time; a capped run says so in the manifest).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np

MODEL_ID = "seglab-nucleus-prompter"
FAMILY = "seglab_prompter"
ARCH = "seglab_prompter_unet"
INPUT_SIZE = 1024
PIXEL_MEAN = np.array([123.675, 116.28, 103.53], np.float32)
PIXEL_STD = np.array([58.395, 57.12, 57.375], np.float32)
CROP = 320          # largest training crop, 1024-frame pixels (a multiple of 64)
STEPS = 2000
LR = 3e-3
# One thread: on a shared 2-core machine, two torch threads spin-wait on each other and ran
# 3x slower than one (measured); uncontended, two are ~1.5x faster. --threads 2 to choose.
THREADS = 1
HALF = 256          # nuclei2d: train on x < HALF, hold out the rest
X3D_LEFT = 28       # nuclei3d (z, y, x = 31, 61, 57): train on x < X3D_LEFT (objects wholly there)
X3D_HELDOUT = 30    # ... and evaluate on the nuclei wholly at x >= X3D_HELDOUT

Log = Callable[[str], None]


def data_dir() -> Path:
    repo = Path(__file__).resolve().parents[3]
    return Path(os.environ.get("SEGLAB_DATA", repo.parent / "shared" / "data"))


# ---------------------------------------------------------------------------------------------
# SAM's pre/post-processing in numpy (as SamPredictor / src/core/sam/transforms.ts)


def rgb8(image: np.ndarray) -> np.ndarray:
    img = image.astype(np.float64)
    lo, hi = img.min(), img.max()
    gray = np.floor(255 * (img - lo) / (hi - lo) + 0.5).astype(np.uint8) if hi > lo else \
        np.zeros(img.shape, np.uint8)
    return np.repeat(gray[..., None], 3, axis=2)


def preprocess_shape(h: int, w: int, long_side: int = INPUT_SIZE):
    scale = long_side / max(h, w)
    return int(h * scale + 0.5), int(w * scale + 0.5)


def prepare(rgb: np.ndarray) -> np.ndarray:
    """(1, 3, 1024, 1024) float32: ResizeLongestSide (Pillow bilinear), normalised, padded."""
    from PIL import Image

    h, w = preprocess_shape(*rgb.shape[:2])
    resized = np.asarray(Image.fromarray(rgb).resize((w, h), Image.BILINEAR))
    x = (resized.astype(np.float32) - PIXEL_MEAN) / PIXEL_STD
    out = np.zeros((1, 3, INPUT_SIZE, INPUT_SIZE), np.float32)
    out[0, :, :h, :w] = x.transpose(2, 0, 1)
    return out


def _axis(n_in: int, n_out: int):
    scale = np.float32(n_in / n_out)
    src = np.maximum((np.arange(n_out, dtype=np.float32) + 0.5) * scale - 0.5, 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, (src - i0).astype(np.float32)


def resize_bilinear(a: np.ndarray, h: int, w: int) -> np.ndarray:
    """torch ``interpolate(mode="bilinear", align_corners=False)`` of a 2D array."""
    y0, y1, ly = _axis(a.shape[0], h)
    x0, x1, lx = _axis(a.shape[1], w)
    top = a[y0][:, x0] * (1 - lx) + a[y0][:, x1] * lx
    bot = a[y1][:, x0] * (1 - lx) + a[y1][:, x1] * lx
    return top * (1 - ly[:, None]) + bot * ly[:, None]


def postprocess(low_res: np.ndarray, input_size, original_size) -> np.ndarray:
    """``Sam.postprocess_masks`` of one 256 x 256 logit plane -> logits at original size."""
    full = resize_bilinear(low_res, INPUT_SIZE, INPUT_SIZE)
    return resize_bilinear(full[:input_size[0], :input_size[1]], *original_size)


# ---------------------------------------------------------------------------------------------
# Data


class Source:
    """One training image (values 0..1) with instance labels. ``ids``: the objects prompted.
    ``native``: the scale at which the image is used in SAM's 1024 frame (1024 / its long
    side), or None. ``neighbours`` (nuclei3d slices only): the label images of the slices above
    and below, for prompts made from a neighbour's mask as 3D propagation makes them;
    ``pairs``: (object, neighbour index) with the object present in that neighbour (the object
    may be absent from this slice: the target is then empty, which teaches propagation to stop)."""

    def __init__(self, name, image01, labels, prompt_ids, weight, native=None,
                 neighbours=(), pairs=()):
        self.name, self.image, self.labels = name, image01.astype(np.float32), labels
        self.ids = np.array(sorted(prompt_ids))
        self.weight, self.native = weight, native
        self.neighbours, self.pairs = list(neighbours), list(pairs)
        from scipy import ndimage
        self.boxes = {i: s for i, s in enumerate(ndimage.find_objects(labels), 1) if s}
        self.nboxes = [{i: s for i, s in enumerate(ndimage.find_objects(n), 1) if s}
                       for n in self.neighbours]


def _minmax(a):
    a = a.astype(np.float32)
    return (a - a.min()) / max(float(a.max() - a.min()), 1e-6)


def synthetic_cells(rng: np.random.Generator, size: int = 224):
    """A random image of touching, textured, blurred ellipses (values 0..1) and its labels."""
    from scipy import ndimage

    labels = np.zeros((size, size), np.int32)
    yy, xx = np.mgrid[:size, :size].astype(np.float32)
    n = int(rng.integers(6, 30))
    r_mean = rng.uniform(6, 16)
    k = 0
    for _ in range(n):
        ry = r_mean * rng.uniform(0.6, 1.4)
        rx = ry * rng.uniform(0.6, 1.3)
        cy, cx = rng.uniform(0, size, 2)
        th = rng.uniform(0, np.pi)
        dy, dx = yy - cy, xx - cx
        u = (dx * np.cos(th) + dy * np.sin(th)) / rx
        v = (-dx * np.sin(th) + dy * np.cos(th)) / ry
        ang = np.arctan2(v, u)
        wobble = 1 + sum(rng.normal(0, 0.06) * np.cos(m * ang + rng.uniform(0, 6.3))
                         for m in (2, 3, 5))
        inside = (u * u + v * v) < wobble ** 2
        free = inside & (labels == 0) if rng.random() < 0.7 else inside
        if free.sum() < 20:
            continue
        k += 1
        labels[free] = k
    labels = _relabel(labels)
    bright = rng.uniform(0.35, 1.0, labels.max() + 1)
    bright[0] = 0
    img = bright[labels].astype(np.float32)
    img *= 1 + rng.uniform(0, 0.4) * ndimage.gaussian_filter(rng.normal(0, 1, labels.shape),
                                                             rng.uniform(1, 3)).astype(np.float32)
    dist = ndimage.distance_transform_edt(labels > 0)
    img *= np.clip(0.6 + 0.4 * dist / rng.uniform(2, 8), 0, 1)  # dimmer rims
    bg = rng.uniform(0, 0.25) * ndimage.gaussian_filter(rng.random(labels.shape), 30) * 4
    img = img + bg.astype(np.float32)
    img = ndimage.gaussian_filter(img, rng.uniform(0.6, 2.5))
    img = img + rng.normal(0, rng.uniform(0.01, 0.06), img.shape)
    return _minmax(img), labels


def _relabel(labels):
    from scipy import ndimage

    out = np.zeros_like(labels)
    k = 0
    for i in range(1, labels.max() + 1):
        comp, n = ndimage.label(labels == i)
        if n == 0:
            continue
        sizes = ndimage.sum(np.ones_like(comp), comp, range(1, n + 1))
        keep = int(np.argmax(sizes)) + 1
        if sizes[keep - 1] >= 20:
            k += 1
            out[comp == keep] = k
    return out


def _with_down2(name, image01, labels, ids, weight, native, out):
    """The source and a 2x-downsampled copy: smaller objects that become blocky and blurry
    once upscaled, as nuclei3d's 61 x 57 slices do at ~17x."""
    out.append(Source(name, image01, labels, ids, weight, native))
    h, w = (s // 2 * 2 for s in labels.shape)
    small = image01[:h, :w].reshape(h // 2, 2, w // 2, 2).mean((1, 3))
    small_lab = labels[:h:2, :w:2]
    present = set(np.unique(small_lab)) - {0}
    big = [i for i in ids if i in present and (small_lab == i).sum() >= 12]
    if big:
        out.append(Source(name + "/down2", small, small_lab, big, weight * 0.6,
                          None if native is None else 2 * native))


def nuclei3d_left(root: Path):
    """nuclei3d cut to its left part: (image (Z, Y, X3D_LEFT), labels, ids) where ids are the
    nuclei whose voxels all lie at x < X3D_LEFT (objects crossing the cut are neither prompted
    nor kept whole: only their left part is seen, as context). The rest of the volume (x >=
    X3D_LEFT, the held-out nuclei wholly at x >= X3D_HELDOUT) is never read into training."""
    import tifffile
    from scipy import ndimage

    vol = tifffile.imread(root / "nuclei3d" / "image.tif")
    lab = tifffile.imread(root / "nuclei3d" / "labels.tif").astype(np.int32)
    ids = [i for i, s in enumerate(ndimage.find_objects(lab), 1) if s and s[2].stop <= X3D_LEFT]
    return vol[:, :, :X3D_LEFT], lab[:, :, :X3D_LEFT], ids


def load_sources(seed: int, root: Optional[Path] = None, n_synthetic: int = 24) -> List[Source]:
    import tifffile
    from skimage.measure import regionprops

    root = Path(root or data_dir())
    out: List[Source] = []
    img = tifffile.imread(root / "nuclei2d" / "image.tif")
    lab = tifffile.imread(root / "nuclei2d" / "labels.tif").astype(np.int32)
    # Objects prompted: centroid x < HALF in the full image; then everything at x >= HALF is cut
    # away (min-max over the full image, as the viewer sees it).
    ids = [p.label for p in regionprops(lab) if p.centroid[1] < HALF and p.area >= 15]
    left_img, left_lab = _minmax(img)[:, :HALF], lab[:, :HALF]
    ids = [i for i in ids if (left_lab == i).sum() >= 15]
    _with_down2("nuclei2d-left", left_img, left_lab, ids, 5.0, INPUT_SIZE / 512, out)
    b_img = tifffile.imread(root / "blobs" / "image.tif")
    b_lab = tifffile.imread(root / "blobs" / "sparse_instances.tif").astype(np.int32)
    _with_down2("blobs", _minmax(b_img), b_lab, list(range(1, b_lab.max() + 1)), 0.6,
                INPUT_SIZE / 256, out)
    # nuclei3d, left part: each slice (min-max per slice, as the viewer's plane segmenter) is
    # a source at its native ~17x scale, with its neighbours' labels for propagation prompts.
    vol, lab3, ids3 = nuclei3d_left(root)
    keep = np.isin(lab3, ids3)
    native3 = INPUT_SIZE / max(vol.shape[1], 57)  # the full slice's long side sets the scale
    n3 = []
    for z in range(vol.shape[0]):
        labz = lab3[z]
        present = [i for i in ids3 if (labz == i).sum() >= 4]
        nbs = [lab3[n] * keep[n] for n in (z - 1, z + 1) if 0 <= n < vol.shape[0]]
        pairs = [(i, k) for k, nb in enumerate(nbs) for i in ids3 if (nb == i).sum() >= 4]
        if present or pairs:
            n3.append(Source(f"nuclei3d-left/z{z}", _minmax(vol[z]), labz, present, 1.0,
                             native3, nbs, pairs))
    for s in n3:
        s.weight = 2.5 / len(n3)
        out.append(s)
    rng = np.random.default_rng(seed + 17)
    for k in range(n_synthetic):
        s_img, s_lab = synthetic_cells(rng)
        if s_lab.max() == 0:
            continue
        _with_down2(f"synthetic{k}", s_img, s_lab, list(range(1, s_lab.max() + 1)),
                    2.0 / n_synthetic, None, out)
    return out


def _frame_crop(src: Source, s: float, ox: int, oy: int, size: int, rng: np.random.Generator,
                blur: float = 0.0, noise: float = 0.0):
    """The 1024-frame crop (values 0..1, NaN outside the image), its labels (nearest) and the
    neighbours' labels likewise. ``blur`` (Gaussian sigma) and ``noise`` (std) are applied at
    the source's own resolution: pixel noise of a small image becomes blocks once upscaled,
    as in nuclei3d's slices."""
    import torch
    import torch.nn.functional as F
    from scipy import ndimage

    h, w = src.labels.shape
    px = ox + np.arange(size) + 0.5
    py = oy + np.arange(size) + 0.5
    u, v = px / s - 0.5, py / s - 0.5
    x0, x1 = int(np.clip(np.floor(u[0]) - 6, 0, w - 1)), int(np.clip(np.ceil(u[-1]) + 7, 1, w))
    y0, y1 = int(np.clip(np.floor(v[0]) - 6, 0, h - 1)), int(np.clip(np.ceil(v[-1]) + 7, 1, h))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    sub = src.image[y0:y1, x0:x1]
    if blur > 0:
        sub = ndimage.gaussian_filter(sub, blur, mode="nearest")
    if noise > 0:
        sub = (sub + rng.normal(0, noise, sub.shape)).astype(np.float32)
    sh, sw = sub.shape
    grid = np.empty((1, size, size, 2), np.float32)
    grid[0, :, :, 0] = ((2 * (u - x0) + 1) / sw - 1)[None, :]
    grid[0, :, :, 1] = ((2 * (v - y0) + 1) / sh - 1)[:, None]
    img = F.grid_sample(torch.from_numpy(np.ascontiguousarray(sub, np.float32))[None, None],
                        torch.from_numpy(grid), mode="bilinear", padding_mode="border",
                        align_corners=False)[0, 0].numpy()
    ix, iy = np.floor(px / s).astype(np.int64), np.floor(py / s).astype(np.int64)
    okx, oky = (ix >= 0) & (ix < w), (iy >= 0) & (iy < h)
    valid = oky[:, None] & okx[None, :]
    iy, ix = np.clip(iy, 0, h - 1), np.clip(ix, 0, w - 1)
    labs = [np.where(valid, a[iy][:, ix], 0) for a in [src.labels] + src.neighbours]
    return np.where(valid, img, np.nan), labs[0], labs[1:]


def _dt(mask: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    return ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]


def _sample_points(rng, mask: np.ndarray, n: int, power: float = 0.0) -> np.ndarray:
    """n points (x, y) in ``mask``, with probability ~ distance-to-boundary ** power (0:
    uniform; users click inside, mostly near the middle)."""
    ys, xs = np.nonzero(mask)
    if power > 0:
        p = _dt(mask)[ys, xs] ** power
        k = rng.choice(len(xs), n, p=p / p.sum())
    else:
        k = rng.integers(0, len(xs), n)
    return np.stack([xs[k] + rng.random(n), ys[k] + rng.random(n)], 1)


def _bbox(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float64)


def _jitter_box(rng, box, s):
    """A user's box or a propagated one: mostly looser than the object (the ui-test drags 2-3
    px of margin; micro-sam extends by 2.5-5 %), sometimes slightly tight, plus noise."""
    side = np.array([box[2] - box[0], box[3] - box[1]] * 2)
    margin = rng.uniform(-0.04, 0.18, 4) * side + rng.normal(0, 0.4 * s, 4)
    return box + margin * np.array([-1, -1, 1, 1])


def _micro_sam_points(rng, mask, box):
    """Roughly micro-sam's points from a mask (_compute_points_from_mask): positives at
    interior distance maxima, negatives at exterior maxima inside its (extended) box."""
    from scipy import ndimage

    dt = ndimage.gaussian_filter(_dt(mask), 1.0)
    mx = (dt == ndimage.maximum_filter(dt, 7)) & mask & (dt > 0)
    pos = np.argwhere(mx)[:, ::-1][:4] + 0.5
    if len(pos) == 0:
        pos = _sample_points(rng, mask, 1, 2.0)
    x0, y0, x1, y1 = np.clip(np.round(box), 0, mask.shape[1]).astype(int)
    outside = np.zeros_like(mask)
    outside[y0:y1, x0:x1] = True
    outside &= ~mask
    neg = _sample_points(rng, outside, int(rng.integers(0, 4))) if outside.sum() > 4 else \
        np.zeros((0, 2))
    return np.concatenate([pos, neg]), [1] * len(pos) + [0] * len(neg)


def make_sample(rng: np.random.Generator, sources: List[Source], size: int = CROP):
    """One training sample: normalised image (3, size, size), target (size, size), points
    (n, 2), labels (n,), mask logits (size/4, size/4) or None."""
    from scipy import ndimage

    weights = np.array([s.weight for s in sources])
    src = sources[rng.choice(len(sources), p=weights / weights.sum())]
    # 3D propagation prompts: the object's mask in the neighbouring slice -> this slice
    nb = None
    if src.pairs and (len(src.ids) == 0 or rng.random() < 0.5):
        obj, nb = src.pairs[int(rng.integers(len(src.pairs)))]
        sl = src.nboxes[nb][obj]
    else:
        obj = int(rng.choice(src.ids))
        sl = src.boxes[obj]
    oh, ow = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
    # scale: half at the source's native scale (as the viewer feeds it), half spreading the
    # objects over ~30..250 px of the 1024 frame
    if src.native is not None and rng.random() < 0.5:
        s = src.native * rng.uniform(0.85, 1.2)
    else:
        s = math.exp(rng.uniform(math.log(30), math.log(250))) / max(oh, ow, 3)
    s = min(s, (size - 40.0) / max(oh, ow))
    bx0, bx1 = sl[1].start * s, sl[1].stop * s
    by0, by1 = sl[0].start * s, sl[0].stop * s
    fh, fw = src.labels.shape[0] * s, src.labels.shape[1] * s
    over = rng.random() < 0.15  # sometimes reach past the image (SAM's zero padding)
    ox = rng.uniform(bx1 - size + 4, bx0 - 4)
    oy = rng.uniform(by1 - size + 4, by0 - 4)
    if not over:
        ox, oy = min(ox, fw - size), min(oy, fh - size)
    ox, oy = int(max(ox, 0)), int(max(oy, 0))
    blur = rng.uniform(0.3, 2.0) if rng.random() < 0.5 else 0.0
    noise = rng.uniform(0.02, 0.15) if rng.random() < 0.5 else 0.0
    img, lab, nlabs = _frame_crop(src, s, ox, oy, size, rng, blur, noise)
    k = int(rng.integers(0, 8))  # flips / rotations

    def orient(a):
        a = a[:, ::-1] if k & 1 else a
        a = a[::-1] if k & 2 else a
        return a.T if k & 4 else a

    img, lab = orient(img), orient(lab)
    target = lab == obj
    source_mask = orient(nlabs[nb]) == obj if nb is not None else target
    if source_mask.sum() < 4 or (nb is None and target.sum() < 4):
        return make_sample(rng, sources, size)
    # intensity: gamma, gain, offset, noise (after the upscaling: the browser's own resize)
    pad = np.isnan(img)
    v = np.nan_to_num(img, nan=0.0)
    v = np.clip(v, 0, 1) ** math.exp(rng.uniform(-0.6, 0.6))
    v = v * rng.uniform(0.6, 1.15) + rng.uniform(-0.05, 0.15)
    v = v + rng.normal(0, rng.uniform(0, 0.03)) * rng.normal(0, 1, v.shape)
    if rng.random() < 0.2:
        v = 1 - v  # dark objects on bright (keeps the model about shapes, not one polarity)
    v = np.clip(v, 0, 1) * 255
    x = (v[None] - PIXEL_MEAN[:, None, None]) / PIXEL_STD[:, None, None]
    x[:, pad] = 0.0
    # prompts
    box = _bbox(source_mask)
    pts, lbl = [], []
    r = rng.random()
    if nb is not None:  # from the neighbour's mask, as segment_mask_in_volume prompts
        if r < 0.5:
            ext = rng.uniform(0, 0.05) * np.array([box[2] - box[0], box[3] - box[1]] * 2)
            b = box + ext * np.array([-1, -1, 1, 1])  # micro-sam's box extension, 0..5 %
            pts.append(np.stack([b[:2], b[2:]])), lbl.append([2, 3])
        else:
            p, lb = _micro_sam_points(rng, source_mask, box)
            pts.append(p), lbl.append(lb)
            if rng.random() < 0.3:
                pts.append(np.stack([box[:2], box[2:]])), lbl.append([2, 3])
    elif r < 0.4:  # one click, as a user (and the ui-test) makes it
        pts.append(_sample_points(rng, target, 1, 2.0 if rng.random() < 0.8 else 0.0))
        lbl.append([1])
    elif r < 0.7:  # a box
        b = _jitter_box(rng, box, s)
        pts.append(np.stack([b[:2], b[2:]])), lbl.append([2, 3])
    else:  # several points, or points and a box
        n_pos = int(rng.integers(1, 4))
        n_neg = int(rng.integers(0, 4))
        pts.append(_sample_points(rng, target, n_pos, 1.0))
        lbl.append([1] * n_pos)
        if n_neg:
            others = (lab > 0) & ~target
            reach = max(8.0, 0.6 * math.sqrt(target.sum()))
            ring = (ndimage.distance_transform_edt(~target) < reach) & ~target & ~pad
            where = others if others.any() and rng.random() < 0.5 else ring
            if where.any():
                pts.append(_sample_points(rng, where, n_neg))
                lbl.append([0] * n_neg)
        if r >= 0.9:
            b = _jitter_box(rng, box, s)
            pts.append(np.stack([b[:2], b[2:]])), lbl.append([2, 3])
    mask_logits = None
    if rng.random() < 0.15:
        # a given previous mask (micro-sam's 'mask' projection: +-6.9 logits of a mask):
        # the target or a perturbed one; model-made previous masks come in train()'s 2nd pass
        t4 = source_mask.reshape(size // 4, 4, size // 4, 4).mean((1, 3))
        op = rng.integers(0, 4)
        if op == 0:
            p = ndimage.grey_dilation(t4, size=int(rng.integers(2, 4)))
        elif op == 1:
            p = ndimage.grey_erosion(t4, size=int(rng.integers(2, 4)))
        elif op == 2:
            p = np.roll(t4, tuple(rng.integers(-2, 3, 2)), (0, 1))
        else:
            p = t4
        prev = (p > 0.5)
        mask_logits = ((prev * 2.0 - 1) * rng.uniform(3, 10) +
                       rng.normal(0, 0.5, prev.shape)).astype(np.float32)
    pts = np.concatenate(pts, 0)
    lbl = np.concatenate([np.asarray(a, np.float64) for a in lbl])
    # the viewer sends pixel indices scaled by s: up to ~half an original pixel off centre
    pts = pts + rng.uniform(-0.5, 0.0, pts.shape) * s * (lbl < 2)[:, None]
    return (x.astype(np.float32), target, pts.astype(np.float32), lbl.astype(np.float32),
            mask_logits)


# Batches: mostly many small crops (most objects are small; cheaper per sample), sometimes
# fewer large ones (objects up to ~250 px of the 1024 frame need the room).
BATCH_SHAPES = ((16, 192), (8, 320))
BATCH_P = (0.7, 0.3)


def make_batch(rng, sources):
    import torch

    batch, size = BATCH_SHAPES[int(rng.choice(len(BATCH_SHAPES), p=BATCH_P))]
    samples = [make_sample(rng, sources, size) for _ in range(batch)]
    n = max(len(s[3]) for s in samples) + int(rng.integers(0, 2))
    coords = np.zeros((batch, n, 2), np.float32)
    labels = -np.ones((batch, n), np.float32)
    masks = np.zeros((batch, 1, size // 4, size // 4), np.float32)
    has = np.zeros(batch, np.float32)
    for i, (_, _, p, l, m) in enumerate(samples):
        coords[i, :len(l)] = p
        labels[i, :len(l)] = l
        coords[i, len(l):] = rng.uniform(0, size, (n - len(l), 2))  # -1: must be ignored
        if m is not None:
            masks[i, 0], has[i] = m, 1
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    return (t(np.stack([s[0] for s in samples])), t(np.stack([s[1] for s in samples])).float(),
            t(coords), t(labels), t(masks), t(has))


def corrective_prompts(rng, logits, target, coords, labels):
    """SAM's iterative training: after a first pass, one more point in the error of the
    model's own mask (positive in a missed region, negative in a false one; at the error's
    interior, dt-weighted), and the first pass's low-res logits as ``mask_input``."""
    import torch

    pred = (torch.nn.functional.interpolate(logits[:, :1], scale_factor=4, mode="bilinear",
                                            align_corners=False)[:, 0] > 0).numpy()
    tgt = target.numpy() > 0.5
    b, n = labels.shape
    new_c = np.concatenate([coords.numpy(), np.zeros((b, 1, 2), np.float32)], 1)
    new_l = np.concatenate([labels.numpy(), -np.ones((b, 1), np.float32)], 1)
    for i in range(b):
        fn, fp = tgt[i] & ~pred[i], pred[i] & ~tgt[i]
        err, lab = (fn, 1.0) if fn.sum() >= fp.sum() else (fp, 0.0)
        if err.sum() >= 6:
            new_c[i, n] = _sample_points(rng, err, 1, 1.0)[0]
            new_l[i, n] = lab
        else:  # nothing to correct: the mask alone should be kept as it is
            new_c[i, n] = rng.uniform(0, tgt.shape[-1], 2)
    return torch.from_numpy(new_c), torch.from_numpy(new_l)


# ---------------------------------------------------------------------------------------------
# Training


def _losses(logits, target):
    """Per sample: BCE + Dice of output 0 at the crop's 1024-frame resolution, and the IoU of
    its mask; (B,), (B,)."""
    import torch.nn.functional as F

    up = F.interpolate(logits[:, :1], scale_factor=4, mode="bilinear", align_corners=False)[:, 0]
    t = target
    bce = F.binary_cross_entropy_with_logits(up, t, reduction="none").mean((1, 2))
    p = up.sigmoid()
    dice = 1 - (2 * (p * t).sum((1, 2)) + 1) / (p.sum((1, 2)) + t.sum((1, 2)) + 1)
    inter = ((up > 0) & (t > 0.5)).sum((1, 2)).float()
    union = ((up > 0) | (t > 0.5)).sum((1, 2)).float()
    iou = _iou_or_one(inter, union)
    return bce * 4 + dice, iou


def _iou_or_one(inter, union):
    """IoU, 1 where both masks are empty (an empty prediction for an absent object is right)."""
    import torch

    return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))


def train(seed: int = 0, steps: int = STEPS, minutes: Optional[float] = None,
          log: Log = print, root: Optional[Path] = None, threads: int = THREADS):
    import torch
    import torch.nn.functional as F

    from ._prompter import Prompter

    torch.set_num_threads(max(1, min(2, threads)))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    sources = load_sources(seed, root)
    log(f"data: {len(sources)} sources ({sum(len(s.ids) for s in sources)} prompted objects), "
        f"{time.perf_counter() - t0:.1f} s")
    model = Prompter()
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=steps,
                                                pct_start=0.06, final_div_factor=50)
    model.train()
    t_start = time.perf_counter()
    done, capped, samples = 0, False, 0
    run = {"loss": 0.0, "iou0": 0.0, "iou1": 0.0, "n": 0}
    for step in range(steps):
        if minutes is not None and time.perf_counter() - t_start > minutes * 60:
            capped = True
            log(f"train: stopped at step {step} of {steps} by --minutes {minutes}")
            break
        x, target, coords, labels, mask, has = make_batch(rng, sources)
        emb = model.encoder(x)
        iou_pred, logits = model.decoder(emb, coords, labels, mask, has)
        loss_a, iou_a = _losses(logits, target)
        # second pass: refine the first pass's own mask with one corrective point (SAM's
        # iterative training; the decoder is cheap next to the encoder)
        c2, l2 = corrective_prompts(rng, logits.detach(), target, coords, labels)
        iou_pred2, logits2 = model.decoder(emb, c2, l2, logits.detach()[:, :1],
                                           torch.ones_like(has))
        loss_b, iou_b = _losses(logits2, target)
        loss = loss_a.mean() + loss_b.mean() + \
            F.binary_cross_entropy(iou_pred[:, 0], iou_a.detach()) + \
            F.binary_cross_entropy(iou_pred2[:, 0], iou_b.detach())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        done = step + 1
        samples += len(x)
        run["loss"] += float(loss.detach())
        run["iou0"] += float(iou_a.mean())
        run["iou1"] += float(iou_b.mean())
        run["n"] += 1
        if done % 100 == 0 or done == steps:
            el = time.perf_counter() - t_start
            log(f"train: step {done}/{steps} loss {run['loss'] / run['n']:.3f} crop IoU "
                f"{run['iou0'] / run['n']:.3f}, refined {run['iou1'] / run['n']:.3f} "
                f"({el:.0f} s, {el / done:.2f} s/step)")
            run = {"loss": 0.0, "iou0": 0.0, "iou1": 0.0, "n": 0}
    model.eval()
    info = {"seed": seed, "steps": done, "planned_steps": steps, "samples": samples,
            "batches": [list(b) for b in BATCH_SHAPES], "batch_p": list(BATCH_P),
            "lr": LR, "train_seconds": round(time.perf_counter() - t_start, 1),
            "capped": capped, "threads": torch.get_num_threads(),
            "sources": sorted({s.name.split("/")[0].rstrip("0123456789") for s in sources})}
    return model, info


# ---------------------------------------------------------------------------------------------
# Export


def export_onnx(model, out: Path, log: Log = print) -> None:
    import warnings

    import onnx
    import torch

    from ._export import OPSET, _finish

    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    tmp = out / ".raw"
    tmp.mkdir(exist_ok=True)
    x = torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    dec_in = (torch.zeros(1, 256, 64, 64), torch.tensor([[[500.0, 400.0], [0.0, 0.0]]]),
              torch.tensor([[1.0, -1.0]]), torch.zeros(1, 1, 256, 256), torch.tensor([0.0]))
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.encoder, (x,), str(tmp / "encoder.onnx"), dynamo=False,
                          opset_version=OPSET, input_names=["image"],
                          output_names=["image_embeddings"], do_constant_folding=True)
        torch.onnx.export(model.decoder, dec_in, str(tmp / "decoder.onnx"), dynamo=False,
                          opset_version=OPSET,
                          input_names=["image_embeddings", "point_coords", "point_labels",
                                       "mask_input", "has_mask_input"],
                          output_names=["iou_predictions", "low_res_masks"],
                          dynamic_axes={"point_coords": {1: "num_points"},
                                        "point_labels": {1: "num_points"}},
                          do_constant_folding=True)
    fixed = {"image_embeddings": [1, 256, 64, 64], "iou_predictions": [1, 4],
             "low_res_masks": [1, 4, 256, 256]}
    for part in ("encoder", "decoder"):
        m = onnx.load(str(tmp / f"{part}.onnx"))
        for o in m.graph.output:
            dims = o.type.tensor_type.shape.dim
            del dims[:]
            for d in fixed[o.name]:
                dims.add().dim_value = d
        m.producer_name = "seglab train-prompter (torch.onnx.export, TorchScript)"
        added = _finish(m, out / f"{part}.onnx")
        log(f"export: {part}.onnx {(out / f'{part}.onnx').stat().st_size / 1e6:.2f} MB "
            f"(ir_version {m.ir_version}, opset {OPSET}, {added} Conv attributes added)")
        (tmp / f"{part}.onnx").unlink()
    tmp.rmdir()


# ---------------------------------------------------------------------------------------------
# Evaluation (onnxruntime only; the same pipeline as tests/models/test_prompter.py)


class OnnxPrompter:
    def __init__(self, folder, threads: int = 1):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        folder = Path(folder)
        self.enc = ort.InferenceSession(str(folder / "encoder.onnx"), so,
                                        providers=["CPUExecutionProvider"])
        self.dec = ort.InferenceSession(str(folder / "decoder.onnx"), so,
                                        providers=["CPUExecutionProvider"])

    def set_image(self, rgb: np.ndarray, key=None):
        """``key``: cache the embedding under it (3D propagation revisits slices)."""
        self.original = rgb.shape[:2]
        self.input_size = preprocess_shape(*self.original)
        cache = self.__dict__.setdefault("_cache", {})
        if key is None or key not in cache:
            emb = self.enc.run(["image_embeddings"], {"image": prepare(rgb)})[0]
            if key is not None:
                cache[key] = emb
        self.emb = cache[key] if key is not None else emb

    def predict(self, points=None, labels=None, box=None, mask_input=None, multimask=None):
        """(mask at original size, low-res logits of the chosen output, iou predictions);
        SamPredictor's rules: a box -> output 0, otherwise multimask (best of 1..3)."""
        h, w = self.original
        sy, sx = self.input_size[0] / h, self.input_size[1] / w
        c, lab = [], []
        if points is not None:
            c += [[x * sx, y * sy] for x, y in points]
            lab += list(labels)
        if box is not None:
            c += [[box[0] * sx, box[1] * sy], [box[2] * sx, box[3] * sy]]
            lab += [2, 3]
        else:
            c.append([0.0, 0.0])
            lab.append(-1)
        iou, low = self.dec.run(["iou_predictions", "low_res_masks"], {
            "image_embeddings": self.emb,
            "point_coords": np.array([c], np.float32), "point_labels": np.array([lab], np.float32),
            "mask_input": (mask_input if mask_input is not None
                           else np.zeros((256, 256), np.float32))[None, None].astype(np.float32),
            "has_mask_input": np.array([0.0 if mask_input is None else 1.0], np.float32)})
        if multimask is None:
            multimask = box is None and points is not None and len(points) == 1
        k = 1 + int(np.argmax(iou[0, 1:])) if multimask else 0
        logits = postprocess(low[0, k], self.input_size, self.original)
        return logits > 0, low[0, k], iou[0]


def max_dt_point(mask: np.ndarray):
    """(x, y): the pixel of the object farthest from its boundary (first in raster order)."""
    dt = _dt(mask)
    y, x = np.unravel_index(int(np.argmax(dt)), dt.shape)
    return float(x), float(y)


def iou(a, b) -> float:
    u = np.logical_or(a, b).sum()
    return 1.0 if u == 0 else float(np.logical_and(a, b).sum() / u)


def heldout_objects_2d(labels: np.ndarray, min_area: int = 30):
    """Right-half nuclei2d objects: entirely in x >= 256, not touching the image border."""
    from skimage.measure import regionprops

    h, w = labels.shape
    return [p for p in regionprops(labels) if p.bbox[1] >= HALF and p.area >= min_area
            and p.bbox[0] > 0 and p.bbox[2] < h and p.bbox[3] < w]


def ui_test_picks(labels: np.ndarray):
    """The nuclei ui-tests/tests/segment.spec.js (PICK) segments in the browser: 11 of the
    right half chosen by np.random.default_rng(0); 10 clicked at the object pixel nearest the
    centroid, the 11th boxed by a drag from 3 px above/left of its bbox to 2 px below/right of
    its (exclusive) end, in the viewer's pixel-index coordinates. -> (label, (x, y)) clicks and
    (label, (x0, y0, x1, y1)) box."""
    from skimage.measure import regionprops

    props = [p for p in regionprops(labels) if p.bbox[1] >= 262 and p.bbox[0] > 4 and
             p.bbox[2] < 508 and p.bbox[3] < 508 and p.area >= 80]
    rng = np.random.default_rng(0)
    pick = [props[i] for i in sorted(rng.choice(len(props), 11, replace=False))]

    def inside(p):
        rr, cc = p.coords[:, 0], p.coords[:, 1]
        k = np.argmin((rr - p.centroid[0]) ** 2 + (cc - p.centroid[1]) ** 2)
        return float(cc[k]), float(rr[k])

    r0, c0, r1, c1 = pick[10].bbox
    return ([(p.label, inside(p)) for p in pick[:10]],
            (pick[10].label, (c0 - 3.0, r0 - 3.0, c1 + 2.0, r1 + 2.0)))


def heldout_nuclei3d(labels3: np.ndarray):
    """nuclei3d's held-out nuclei: all voxels at x >= X3D_HELDOUT; largest first."""
    from scipy import ndimage

    sl = ndimage.find_objects(labels3)
    ids = [i for i, s in enumerate(sl, 1) if s and s[2].start >= X3D_HELDOUT]
    sizes = ndimage.sum(np.ones_like(labels3), labels3, ids)
    return [i for _, i in sorted(zip(-np.asarray(sizes), ids))]


def ui_test_nucleus3d(labels3: np.ndarray):
    """The nucleus the 3D ui-test propagates: the largest held-out one not touching the
    volume's border, clicked in its middle slice at the voxel nearest its centroid there.
    -> (label, z, (x, y))."""
    border = set(np.unique(np.concatenate([labels3[0].ravel(), labels3[-1].ravel(),
                                           labels3[:, 0].ravel(), labels3[:, -1].ravel(),
                                           labels3[:, :, 0].ravel(), labels3[:, :, -1].ravel()])))
    label = next(i for i in heldout_nuclei3d(labels3) if i not in border)
    return (label,) + click_in_middle_slice(labels3, label)


def click_in_middle_slice(labels3, label):
    zz, rr, cc = np.nonzero(labels3 == label)
    z = int(np.median(zz))
    sel = zz == z
    k = np.argmin((rr[sel] - rr[sel].mean()) ** 2 + (cc[sel] - cc[sel].mean()) ** 2)
    return z, (float(cc[sel][k]), float(rr[sel][k]))


def box_from_mask(mask, extension=0.0):
    """micro-sam's _compute_box_from_mask + _process_box (as src/core/sam/promptsFromMask.ts)."""
    ys, xs = np.nonzero(mask)
    y0, x0, y1, x1 = ys.min(), xs.min(), ys.max() + 1, xs.max() + 1
    ey, ex = (extension, extension) if extension >= 1 else \
        (extension * (y1 - y0), extension * (x1 - x0))
    h, w = mask.shape
    return tuple(float(np.round(v)) for v in (max(x0 - ex, 0), max(y0 - ey, 0),
                                              min(x1 + ex, w), min(y1 + ey, h)))


def points_from_mask(mask, extension=0.0):
    """micro-sam's _compute_points_from_mask: positives at the local maxima (min_distance 3)
    of the smoothed distance to the mask's outer boundary inside it, negatives at those
    (min_distance 5) outside it within the extended box."""
    from scipy import ndimage
    from skimage.feature import peak_local_max
    from skimage.segmentation import find_boundaries

    x0, y0, x1, y1 = (int(v) for v in box_from_mask(mask, extension))
    crop = mask[y0:y1, x0:x1].astype(bool)
    bnd = find_boundaries(crop, mode="outer")
    if bnd.any():
        d = ndimage.distance_transform_edt(~bnd)
    else:
        d = ndimage.distance_transform_edt(np.pad(crop, 1))[1:-1, 1:-1]
    d = ndimage.gaussian_filter(d.astype(np.float64), 1.0, mode="nearest", truncate=4.0)
    pos = peak_local_max(np.where(crop, d, 0), min_distance=3)
    neg = peak_local_max(np.where(crop, 0, d), min_distance=5)
    pts = [(float(c + x0), float(r + y0)) for r, c in list(pos) + list(neg)]
    return pts, [1] * len(pos) + [0] * len(neg)


def propagate(model: "OnnxPrompter", volume, z0, mask0, projection="points",
              box_extension=0.05, iou_threshold=0.5):
    """segment_mask_in_volume for one object (as src/core/sam/propagate.ts): from z0 down, then
    up, each slice prompted from its neighbour's mask ('points': micro-sam's points, or the box
    when there is no positive one; 'box': the extended box), single-mask output; a direction
    stops at the first empty mask or one whose IoU with its neighbour is below the threshold
    (that slice is not kept)."""
    out = np.zeros(volume.shape, bool)
    out[z0] = mask0
    for step in (-1, 1):
        z = z0 + step
        while 0 <= z < volume.shape[0]:
            prev = out[z - step]
            model.set_image(rgb8(volume[z]), key=("vol", z))
            pts, lab = points_from_mask(prev, box_extension) if projection == "points" else \
                ([], [])
            if 1 in lab:
                m = model.predict(pts, lab, multimask=False)[0]
            else:
                m = model.predict(box=box_from_mask(prev, box_extension))[0]
            if not m.any() or iou(m, prev) < iou_threshold:
                break
            out[z] = m
            z += step
    return out


def evaluate(folder, root: Optional[Path] = None, log: Log = print) -> Dict:
    import tifffile
    from skimage.measure import regionprops

    root = Path(root or data_dir())
    model = OnnxPrompter(folder)
    res: Dict = {}
    img = tifffile.imread(root / "nuclei2d" / "image.tif")
    lab = tifffile.imread(root / "nuclei2d" / "labels.tif")
    model.set_image(rgb8(img))
    # the ui-test's exact prompts
    clicks, (bl, bb) = ui_test_picks(lab)
    ci = [round(iou(model.predict([xy], [1])[0], lab == i), 3) for i, xy in clicks]
    res["ui_test_nuclei2d"] = {"click_ious": ci, "clicks_ge_0.8": int(sum(v >= 0.8 for v in ci)),
                               "box_iou": round(iou(model.predict(box=bb)[0], lab == bl), 3)}
    # (the left-half figures are on training objects: for comparison only)
    for name, props in (("nuclei2d_right_heldout", heldout_objects_2d(lab)),
                        ("nuclei2d_left_train", heldout_objects_2d(lab[:, ::-1]))):
        pt, bx = [], []
        for p in props:
            gt = lab == p.label  # (left: selected on the mirrored labels, same ids)
            pt.append(iou(model.predict([max_dt_point(gt)], [1])[0], gt))
            bx.append(iou(model.predict(box=box_from_mask(gt))[0], gt))
        res[name] = _stats(pt, bx)
    vol = tifffile.imread(root / "nuclei3d" / "image.tif")
    lab3 = tifffile.imread(root / "nuclei3d" / "labels.tif")
    held = heldout_nuclei3d(lab3)
    # 2D, on the slices z = 10, 15, 20: the held-out nuclei's cross-sections (area >= 30)
    pt, bx = [], []
    for z in (lab3.shape[0] // 2 - 5, lab3.shape[0] // 2, lab3.shape[0] // 2 + 5):
        model.set_image(rgb8(vol[z]), key=("vol", z))
        for p in regionprops(lab3[z]):
            if p.label not in held or p.area < 30:
                continue
            gt = lab3[z] == p.label
            pt.append(iou(model.predict([max_dt_point(gt)], [1])[0], gt))
            bx.append(iou(model.predict(box=box_from_mask(gt))[0], gt))
    res["nuclei3d_slices_heldout"] = _stats(pt, bx)
    # 3D: a click in the middle slice, then propagation (both micro-sam projections)
    target = ui_test_nucleus3d(lab3)
    rows = []
    border = set(np.unique(np.concatenate([lab3[:, 0].ravel(), lab3[:, -1].ravel(),
                                           lab3[:, :, -1].ravel(), lab3[0].ravel(),
                                           lab3[-1].ravel()])))
    others = sorted((i for i in held if i != target[0]), key=lambda i: i in border)
    for label in [target[0]] + others[:5]:  # the ui-test's, then off-border ones first
        z, xy = click_in_middle_slice(lab3, label)
        model.set_image(rgb8(vol[z]), key=("vol", z))
        m0 = model.predict([xy], [1])[0]
        row = {"label": int(label), "z": z, "click": [int(xy[0]), int(xy[1])],
               "slices": int((lab3 == label).any((1, 2)).sum()),
               "click_iou": round(iou(m0, lab3[z] == label), 3)}
        if m0.any():
            for proj, ext in (("points", 0.05), ("box", 0.025)):
                v = propagate(model, vol, z, m0, proj, ext, 0.5)
                row[f"iou3d_{proj}"] = round(iou(v, lab3 == label), 3)
                row[f"slices_{proj}"] = int(v.any((1, 2)).sum())
        rows.append(row)
    res["nuclei3d_propagation_heldout"] = {
        "ui_test_label": int(target[0]), "settings": "iou_threshold 0.5; points: box extension "
        "0.05 (micro-sam annotator default, the viewer's); box: extension 0.025", "nuclei": rows}
    # speed (onnxruntime CPU, 1 thread; shared machine, so only indicative)
    model.set_image(rgb8(img))
    feeds = {"image_embeddings": model.emb, "point_coords": np.array([[[60, 60], [0, 0]]],
                                                                      np.float32),
             "point_labels": np.array([[1, -1]], np.float32),
             "mask_input": np.zeros((1, 1, 256, 256), np.float32),
             "has_mask_input": np.zeros(1, np.float32)}
    ts = []
    for _ in range(30):
        t = time.perf_counter()
        model.dec.run(None, feeds)
        ts.append(time.perf_counter() - t)
    x = prepare(rgb8(img))
    te = []
    for _ in range(3):
        t = time.perf_counter()
        model.enc.run(None, {"image": x})
        te.append(time.perf_counter() - t)
    res["timing"] = {"encoder_s_1thread": round(float(np.min(te)), 3),
                     "decoder_ms_1thread_median": round(1e3 * float(np.median(ts)), 1),
                     "decoder_ms_1thread_min": round(1e3 * float(np.min(ts)), 1)}
    for k, v in res.items():
        log(f"eval: {k}: {v}")
    return res


def _stats(pt, bx):
    f = lambda a: {"n": len(a), "mean": round(float(np.mean(a)), 3),  # noqa: E731
                   "median": round(float(np.median(a)), 3),
                   "frac_ge_0.8": round(float(np.mean(np.array(a) >= 0.8)), 3),
                   "frac_ge_0.7": round(float(np.mean(np.array(a) >= 0.7)), 3)}
    return {"point": f(pt), "box": f(bx)}


# ---------------------------------------------------------------------------------------------


def write_manifest(out: Path, info: Dict, metrics: Dict, arch: str = ARCH,
                   kind: str = "a small U-Net", blobs: bool = True) -> Dict:
    from importlib import metadata

    from ._export import MANIFEST, OPSET, _file_entry

    h = metrics["nuclei2d_right_heldout"]
    weights = (f"trained by SegLab (python -m seglab.models train-prompter, seed {info['seed']}, "
               f"{info['steps']} steps, {info['train_seconds'] / 60:.1f} min on "
               f"{info['threads']} CPU thread(s)) on the left half of nuclei2d (x < 256), the "
               f"left part of nuclei3d (x < {X3D_LEFT}), "
               f"{'the blobs sparse annotation and ' if blobs else ''}synthetic cells; held out: nuclei2d right half (point IoU mean "
               f"{h['point']['mean']}, box IoU mean {h['box']['mean']}) and the nuclei3d nuclei "
               f"wholly at x >= {X3D_HELDOUT}. Not SAM: {kind} with SAM's ONNX interface.")
    manifest = {
        "format": 1,
        "id": MODEL_ID,
        "family": FAMILY,
        "arch": arch,
        "input_size": INPUT_SIZE,
        "pixel_mean": PIXEL_MEAN.tolist(),
        "pixel_std": PIXEL_STD.tolist(),
        "encoder": _file_entry(out / "encoder.onnx"),
        "decoder": _file_entry(out / "decoder.onnx"),
        "weights": weights,
        "opset": OPSET,
        "exported_with": {"exporter": "torch.onnx.export (TorchScript, dynamo=False)",
                          "torch": metadata.version("torch"), "onnx": metadata.version("onnx"),
                          "python": sys.version.split()[0]},
        "seed": info["seed"],
        "training": info,
        "accuracy": metrics,
    }
    manifest["pixel_mean"] = [123.675, 116.28, 103.53]
    manifest["pixel_std"] = [58.395, 57.12, 57.375]
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    return manifest


def reevaluate(out, log: Log = print) -> Dict:
    """Evaluate the files in ``out`` again and rewrite the manifest (training info kept)."""
    from ._export import MANIFEST

    out = Path(out)
    info = json.loads((out / MANIFEST).read_text())["training"]
    return write_manifest(out, info, evaluate(out, log=log))


def train_prompter(out, minutes: Optional[float] = None, seed: int = 0, steps: int = STEPS,
                   threads: int = THREADS, log: Log = print) -> Path:
    out = Path(out)
    t0 = time.perf_counter()
    model, info = train(seed=seed, steps=steps, minutes=minutes, log=log, threads=threads)
    import torch
    out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out / "prompter-state.pt")  # not committed: for fine-tuning
    export_onnx(model, out, log=log)
    from ._check import check_model_files
    check_model_files(out / "encoder.onnx", out / "decoder.onnx")
    metrics = evaluate(out, log=log)
    info["total_seconds"] = round(time.perf_counter() - t0, 1)
    write_manifest(out, info, metrics)
    log(f"train-prompter: wrote {out} ({info['total_seconds'] / 60:.1f} min in all)")
    return out
