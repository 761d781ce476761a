"""Train, export and evaluate ``seglab-nucleus-prompter`` (see ``_prompter.py``).

``python -m seglab.models train-prompter --out DIR [--minutes M] [--seed S]``.

Data (from ``$SEGLAB_DATA``, default ``<repo>/../shared/data``):

- nuclei2d, LEFT half only: the image and labels are cut to ``x < 256`` before anything else,
  and only objects whose centroid (in the full label image) has ``x < 256`` are prompted. The
  right half (objects entirely in ``x >= 256``) is held out: the accuracy figures come from
  it, and the project's ui-tests click there.
- blobs (sparse instance annotation, 7 blobs): the annotated blobs are prompted; with
  prompted segmentation the unannotated blobs do no harm (the target is one object).
- synthetic cells: random blurred, textured, touching ellipses with noise.
- nuclei3d is held out entirely (the 3D propagation test runs on it).

Every source also serves in a blurred and a 2x-downsampled version (to look like small,
blurry volumes such as nuclei3d once upscaled ~17x), at scales that put objects between ~20
and ~300 px in SAM's 1024 frame. Crops of 384 x 384 frame pixels (fully convolutional
model), random flips/rotations, gamma/contrast/noise, zero (= SAM's padding) beyond the
image. Prompts as SAM's training draws them: a random positive point, boxes with jitter,
extra positive/negative points, and refinement from a (perturbed) previous mask plus a
corrective click. Deterministic for a given seed and step count (``--minutes`` only caps the
wall time; a capped run says so in the manifest).
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
CROP = 320          # training crop, 1024-frame pixels (a multiple of 64)
BATCH = 8
STEPS = 1000
# One thread: on a shared 2-core machine, two torch threads spin-wait on each other and ran
# 3x slower than one (measured); uncontended, two are ~1.5x faster. --threads 2 to choose.
THREADS = 1
HALF = 256          # nuclei2d: train on x < HALF, hold out the rest

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
    def __init__(self, name, image01, labels, prompt_ids, diam, weight, scales):
        self.name, self.image, self.labels = name, image01.astype(np.float32), labels
        self.ids = np.array(sorted(prompt_ids))
        self.diam, self.weight, self.scales = diam, weight, scales
        from scipy import ndimage
        self.boxes = {i: s for i, s in enumerate(ndimage.find_objects(labels), 1) if s}


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


def _variants(name, image01, labels, ids, diam, weight, scales, out):
    """The source, a blurred copy and a 2x-downsampled copy (smaller, blurrier objects)."""
    from scipy import ndimage

    out.append(Source(name, image01, labels, ids, diam, weight, scales))
    out.append(Source(name + "/blur", ndimage.gaussian_filter(image01, 1.5), labels, ids, diam,
                      weight * 0.5, scales))
    h, w = (s // 2 * 2 for s in labels.shape)
    small = image01[:h, :w].reshape(h // 2, 2, w // 2, 2).mean((1, 3))
    small_lab = labels[:h:2, :w:2]
    present = set(np.unique(small_lab)) - {0}
    big = [i for i in ids if i in present and (small_lab == i).sum() >= 12]
    if big:
        out.append(Source(name + "/down2", small, small_lab, big, diam / 2, weight * 0.7,
                          (scales[0] * 2, scales[1] * 2)))


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
    _variants("nuclei2d-left", left_img, left_lab, ids, 24.0, 6.0, (1.0, 10.0), out)
    b_img = tifffile.imread(root / "blobs" / "image.tif")
    b_lab = tifffile.imread(root / "blobs" / "sparse_instances.tif").astype(np.int32)
    _variants("blobs", _minmax(b_img), b_lab, list(range(1, b_lab.max() + 1)), 18.0, 0.8,
              (1.0, 10.0), out)
    rng = np.random.default_rng(seed + 17)
    for k in range(n_synthetic):
        s_img, s_lab = synthetic_cells(rng)
        if s_lab.max() == 0:
            continue
        _variants(f"synthetic{k}", s_img, s_lab, list(range(1, s_lab.max() + 1)), 22.0,
                  2.5 / n_synthetic, (1.2, 12.0), out)
    return out


def _frame_crop(src: Source, s: float, ox: int, oy: int, size: int, noise: float = 0.0,
                rng: Optional[np.random.Generator] = None):
    """The 1024-frame crop (values 0..1, NaN outside the image) and its labels (nearest).
    ``noise``: std of Gaussian noise added at the source's own resolution (pixel noise of a
    small image becomes blocks once upscaled, as in nuclei3d's 61 x 57 slices)."""
    import torch
    import torch.nn.functional as F

    h, w = src.labels.shape
    px = ox + np.arange(size) + 0.5
    py = oy + np.arange(size) + 0.5
    u, v = px / s - 0.5, py / s - 0.5
    x0, x1 = int(np.clip(np.floor(u[0]) - 2, 0, w - 1)), int(np.clip(np.ceil(u[-1]) + 3, 1, w))
    y0, y1 = int(np.clip(np.floor(v[0]) - 2, 0, h - 1)), int(np.clip(np.ceil(v[-1]) + 3, 1, h))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    sub = src.image[y0:y1, x0:x1]
    if noise > 0:
        sub = (sub + rng.normal(0, noise, sub.shape)).astype(np.float32)
    sh, sw = sub.shape
    grid = np.empty((1, size, size, 2), np.float32)
    grid[0, :, :, 0] = ((2 * (u - x0) + 1) / sw - 1)[None, :]
    grid[0, :, :, 1] = ((2 * (v - y0) + 1) / sh - 1)[:, None]
    grid = torch.from_numpy(grid)
    img = F.grid_sample(torch.from_numpy(np.ascontiguousarray(sub))[None, None], grid,
                        mode="bilinear",
                        padding_mode="border", align_corners=False)[0, 0].numpy()
    ix, iy = np.floor(px / s).astype(np.int64), np.floor(py / s).astype(np.int64)
    okx, oky = (ix >= 0) & (ix < w), (iy >= 0) & (iy < h)
    lab = src.labels[np.clip(iy, 0, h - 1)][:, np.clip(ix, 0, w - 1)]
    valid = oky[:, None] & okx[None, :]
    lab = np.where(valid, lab, 0)
    img = np.where(valid, img, np.nan)
    return img, lab


def _sample_points(rng, mask: np.ndarray, n: int, interior: bool) -> np.ndarray:
    from scipy import ndimage

    if interior:
        dt = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
        mask = dt >= 0.5 * dt.max()
    ys, xs = np.nonzero(mask)
    k = rng.integers(0, len(xs), n)
    return np.stack([xs[k] + rng.random(n), ys[k] + rng.random(n)], 1)


def make_sample(rng: np.random.Generator, sources: List[Source], size: int = CROP):
    """One training sample: normalised image (3, size, size), target (size, size), points
    (n, 2), labels (n,), mask logits (size/4, size/4) or None."""
    from scipy import ndimage

    weights = np.array([s.weight for s in sources])
    src = sources[rng.choice(len(sources), p=weights / weights.sum())]
    obj = int(rng.choice(src.ids))
    sl = src.boxes[obj]
    oh, ow = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
    lo, hi = src.scales
    if src.name.startswith("nuclei2d-left") and "/" not in src.name and rng.random() < 0.6:
        s = rng.uniform(1.7, 2.4)  # the scale nuclei2d is used at (512 px -> 1024)
    else:
        s = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    s = min(s, (size - 60.0) / max(oh, ow))
    bx0, bx1 = sl[1].start * s, sl[1].stop * s
    by0, by1 = sl[0].start * s, sl[0].stop * s
    fh, fw = src.labels.shape[0] * s, src.labels.shape[1] * s
    over = rng.random() < 0.15  # sometimes reach past the image (SAM's zero padding)
    ox = rng.uniform(bx1 - size + 4, bx0 - 4)
    oy = rng.uniform(by1 - size + 4, by0 - 4)
    if not over:
        ox, oy = min(ox, fw - size), min(oy, fh - size)
    ox, oy = int(max(ox, 0)), int(max(oy, 0))
    noise = rng.uniform(0.02, 0.15) if rng.random() < 0.5 else 0.0
    img, lab = _frame_crop(src, s, ox, oy, size, noise, rng)
    k = int(rng.integers(0, 8))  # flips / rotations
    if k & 1:
        img, lab = img[:, ::-1], lab[:, ::-1]
    if k & 2:
        img, lab = img[::-1], lab[::-1]
    if k & 4:
        img, lab = img.T, lab.T
    target = lab == obj
    if target.sum() < 4:
        return make_sample(rng, sources, size)
    # intensity
    pad = np.isnan(img)
    v = np.nan_to_num(img, nan=0.0)
    v = np.clip(v, 0, 1) ** math.exp(rng.uniform(-0.5, 0.5))
    v = v * rng.uniform(0.6, 1.15) + rng.uniform(-0.05, 0.15)
    v = v + rng.normal(0, rng.uniform(0, 0.04)) * rng.normal(0, 1, v.shape)
    v = np.clip(v, 0, 1) * 255
    x = (v[None] - PIXEL_MEAN[:, None, None]) / PIXEL_STD[:, None, None]
    x[:, pad] = 0.0
    # prompts
    ys, xs = np.nonzero(target)
    box = np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float64)
    pts, lbl = [], []
    r = rng.random()
    use_box = 0.35 <= r < 0.65 or r >= 0.85
    if use_box:
        side = np.array([box[2] - box[0], box[3] - box[1]] * 2)
        box = box + rng.normal(0, 0.05, 4) * side + rng.normal(0, 0.25 * s, 4)
    if r < 0.35:
        pts.append(_sample_points(rng, target, 1, rng.random() < 0.5))
        lbl.append([1])
    elif 0.65 <= r < 0.85 or r >= 0.85:
        n_pos = int(rng.integers(1, 4)) if r < 0.85 else int(rng.integers(0, 2))
        n_neg = int(rng.integers(0, 3)) if r < 0.85 else int(rng.integers(0, 2))
        if n_pos:
            pts.append(_sample_points(rng, target, n_pos, rng.random() < 0.3))
            lbl.append([1] * n_pos)
        if n_neg:
            others = (lab > 0) & ~target
            reach = max(8.0, 0.6 * math.sqrt(target.sum()))
            ring = (ndimage.distance_transform_edt(~target) < reach) & ~target & ~pad
            where = others if others.any() and rng.random() < 0.5 else ring
            if where.any():
                pts.append(_sample_points(rng, where, n_neg, False))
                lbl.append([0] * n_neg)
    mask_logits = None
    if rng.random() < 0.3:
        t4 = target.reshape(size // 4, 4, size // 4, 4).mean((1, 3))
        op = rng.integers(0, 5)
        if op == 0:
            p = ndimage.grey_dilation(t4, size=int(rng.integers(2, 5)))
        elif op == 1:
            p = ndimage.grey_erosion(t4, size=int(rng.integers(2, 4)))
        elif op == 2:
            p = np.roll(t4, tuple(rng.integers(-3, 4, 2)), (0, 1))
        elif op == 3:
            near = (lab > 0) & ~target
            p = np.maximum(t4, near.reshape(size // 4, 4, size // 4, 4).mean((1, 3)) *
                           (rng.random() < 0.5))
        else:
            p = t4
        prev = (p > 0.5)
        mask_logits = ((prev * 2.0 - 1) * rng.uniform(2, 12) +
                       rng.normal(0, 1, prev.shape)).astype(np.float32)
        up = np.repeat(np.repeat(prev, 4, 0), 4, 1)
        fn, fp = target & ~up, up & ~target & ~pad
        if fn.sum() > 8 and (fn.sum() >= fp.sum() or rng.random() < 0.3):
            pts.append(_sample_points(rng, fn, 1, True))
            lbl.append([1])
        elif fp.sum() > 8:
            pts.append(_sample_points(rng, fp, 1, True))
            lbl.append([0])
    if use_box:
        pts.append(np.array([[box[0], box[1]], [box[2], box[3]]]))
        lbl.append([2, 3])
    if not pts:
        pts.append(_sample_points(rng, target, 1, False))
        lbl.append([1])
    pts = np.concatenate(pts, 0)
    # the viewer sends pixel indices scaled by s: up to ~half an original pixel off centre
    pts = pts + rng.uniform(-0.5, 0.0, pts.shape) * s * (np.concatenate(lbl) < 2)[:, None]
    return (x.astype(np.float32), target, pts.astype(np.float32),
            np.concatenate(lbl).astype(np.float32), mask_logits)


def make_batch(rng, sources, batch: int = BATCH, size: int = CROP):
    import torch

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


# ---------------------------------------------------------------------------------------------
# Training


def _losses(logits, target):
    """Per sample and output: BCE + Dice at the crop's 1024-frame resolution; (B, 4)."""
    import torch.nn.functional as F

    up = F.interpolate(logits, scale_factor=4, mode="bilinear", align_corners=False)
    t = target.unsqueeze(1).expand_as(up)
    bce = F.binary_cross_entropy_with_logits(up, t, reduction="none").mean((2, 3))
    p = up.sigmoid()
    dice = 1 - (2 * (p * t).sum((2, 3)) + 1) / (p.sum((2, 3)) + t.sum((2, 3)) + 1)
    inter = ((up > 0) & (t > 0.5)).sum((2, 3)).float()
    union = ((up > 0) | (t > 0.5)).sum((2, 3)).float()
    return bce * 4 + dice, inter / union.clamp(min=1)


def train(seed: int = 0, steps: int = STEPS, minutes: Optional[float] = None,
          log: Log = print, root: Optional[Path] = None, threads: int = THREADS):
    import torch

    from ._prompter import Prompter

    torch.set_num_threads(max(1, min(2, threads)))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    sources = load_sources(seed, root)
    log(f"data: {len(sources)} sources ({sum(len(s.ids) for s in sources)} prompted objects), "
        f"{time.perf_counter() - t0:.1f} s")
    model = Prompter()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps,
                                                pct_start=0.08, final_div_factor=50)
    model.train()
    t_start = time.perf_counter()
    done, capped = 0, False
    run = {"loss": 0.0, "iou0": 0.0, "n": 0}
    for step in range(steps):
        if minutes is not None and time.perf_counter() - t_start > minutes * 60:
            capped = True
            log(f"train: stopped at step {step} of {steps} by --minutes {minutes}")
            break
        x, target, coords, labels, mask, has = make_batch(rng, sources)
        emb = model.encoder(x)
        iou_pred, logits = model.decoder(emb, coords, labels, mask, has)
        loss_k, iou_k = _losses(logits, target)
        multi = loss_k[:, 1:]
        loss = (loss_k[:, 0] + multi.min(1).values + 0.25 * multi.mean(1)).mean() + \
            torch.nn.functional.binary_cross_entropy(iou_pred, iou_k.detach())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        done = step + 1
        run["loss"] += float(loss.detach())
        run["iou0"] += float(iou_k[:, 0].mean())
        run["n"] += 1
        if done % 50 == 0 or done == steps:
            el = time.perf_counter() - t_start
            log(f"train: step {done}/{steps} loss {run['loss'] / run['n']:.3f} "
                f"crop IoU(out0) {run['iou0'] / run['n']:.3f} ({el:.0f} s, "
                f"{el / done:.2f} s/step)")
            run = {"loss": 0.0, "iou0": 0.0, "n": 0}
    model.eval()
    info = {"seed": seed, "steps": done, "planned_steps": steps, "batch": BATCH, "crop": CROP,
            "train_seconds": round(time.perf_counter() - t_start, 1), "capped": capped,
            "threads": torch.get_num_threads(),
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

    def set_image(self, rgb: np.ndarray):
        self.original = rgb.shape[:2]
        self.input_size = preprocess_shape(*self.original)
        self.emb = self.enc.run(["image_embeddings"], {"image": prepare(rgb)})[0]

    def predict(self, points=None, labels=None, box=None, mask_input=None):
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
        k = 0 if (box is not None or (points is not None and len(points) > 1)) else \
            1 + int(np.argmax(iou[0, 1:]))
        logits = postprocess(low[0, k], self.input_size, self.original)
        return logits > 0, low[0, k], iou[0]


def max_dt_point(mask: np.ndarray):
    """(x, y): the pixel of the object farthest from its boundary (first in raster order)."""
    from scipy import ndimage

    dt = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
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


def evaluate(folder, root: Optional[Path] = None, log: Log = print) -> Dict:
    import tifffile

    root = Path(root or data_dir())
    model = OnnxPrompter(folder)
    res: Dict = {}
    img = tifffile.imread(root / "nuclei2d" / "image.tif")
    lab = tifffile.imread(root / "nuclei2d" / "labels.tif")
    model.set_image(rgb8(img))
    # (the left-half figures are on training objects: for comparison only)
    for name, props in (("nuclei2d_right_heldout", heldout_objects_2d(lab)),
                        ("nuclei2d_left_train", heldout_objects_2d(lab[:, ::-1]))):
        pt, bx = [], []
        for p in props:
            gt = lab == p.label
            x, y = max_dt_point(gt)
            ys, xs = np.nonzero(gt)
            pt.append(iou(model.predict([(x, y)], [1])[0], gt))
            bx.append(iou(model.predict(box=(xs.min(), ys.min(), xs.max() + 1,
                                             ys.max() + 1))[0], gt))
        res[name] = _stats(pt, bx)
    img3 = tifffile.imread(root / "nuclei3d" / "image.tif")
    lab3 = tifffile.imread(root / "nuclei3d" / "labels.tif")
    pt, bx = [], []
    for z in (lab3.shape[0] // 2 - 5, lab3.shape[0] // 2, lab3.shape[0] // 2 + 5):
        from skimage.measure import regionprops

        model.set_image(rgb8(img3[z]))
        for p in regionprops(lab3[z]):
            if p.area < 30:
                continue
            gt = lab3[z] == p.label
            x, y = max_dt_point(gt)
            pt.append(iou(model.predict([(x, y)], [1])[0], gt))
            b = p.bbox
            bx.append(iou(model.predict(box=(b[1], b[0], b[3], b[2]))[0], gt))
    res["nuclei3d_slices_heldout"] = _stats(pt, bx)
    # speed (onnxruntime CPU, 1 thread; shared machine, so only indicative)
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


def write_manifest(out: Path, info: Dict, metrics: Dict) -> Dict:
    from importlib import metadata

    from ._export import MANIFEST, OPSET, _file_entry

    h = metrics["nuclei2d_right_heldout"]
    weights = (f"trained by SegLab (python -m seglab.models train-prompter, seed {info['seed']}, "
               f"{info['steps']} steps, {info['train_seconds'] / 60:.1f} min on "
               f"{info['threads']} CPU threads) on the left half of nuclei2d (x < 256), the "
               f"blobs sparse annotation and synthetic cells; held out: nuclei2d right half "
               f"(point IoU mean {h['point']['mean']}, box IoU mean {h['box']['mean']}) and "
               f"nuclei3d. Not SAM: a small U-Net with SAM's ONNX interface.")
    manifest = {
        "format": 1,
        "id": MODEL_ID,
        "family": FAMILY,
        "arch": ARCH,
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
    export_onnx(model, out, log=log)
    from ._check import check_model_files
    check_model_files(out / "encoder.onnx", out / "decoder.onnx")
    metrics = evaluate(out, log=log)
    info["total_seconds"] = round(time.perf_counter() - t0, 1)
    write_manifest(out, info, metrics)
    log(f"train-prompter: wrote {out} ({info['total_seconds'] / 60:.1f} min in all)")
    return out
