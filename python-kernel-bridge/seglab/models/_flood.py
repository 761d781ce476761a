"""``seglab-nucleus-prompter`` v3 ("flood"): SAM's ONNX interface, two simple halves.

- Encoder (trained): a 5-level U-Net on the 1/4 frame of SAM's 1024 input that predicts, for
  every cell, a foreground logit and a *contact* logit (cells of an object within 2 cells of
  another object). It is trained densely: every pixel of every crop supervises it, which
  learns in a CPU budget what per-object prompted training (v1, v2: ``_prompter.py``) did not.
  The two maps are the embeddings (pixel-unshuffled into SAM's [1, 256, 64, 64]).
- Decoder (no parameters): the object under the positive points (or in the box's core) grown
  4-connected over the interior (foreground, its rim eroded, minus contacts), minus what grows from negative
  points, then the contact band shared out between neighbours as a watershed would; the
  low-res logits are the foreground logits there, so edges fall between cells.

Data, augmentation, export and evaluation are ``_train_prompter``'s (same held-out split)."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import _train_prompter as tp

TOUCH = 0.0  # touching-boundary logit above which a cell is not interior
CLAIM = 4  # steps of the watershed-like share-out of the band (cells of the 1/4 frame)
STEPS = 2400
NUCLEI3D_WEIGHT = 1.0  # factor on nuclei3d's share of the crops (load_sources gives it 2.5 of ~9.5)
ARCH = "seglab_prompter_flood"
ERODE = 2  # cells of foreground rim kept out of the interior: where a contact meets the
# background, the predicted contact band stops short and a thin rim of foreground bridges two
# touching nuclei; the share-out (CLAIM >= ERODE) gives the rim back to its object
GROW = 40  # region-growing steps on the 1/4 frame (objects up to ~40 cells = 160 px of the 1024 frame in radius)


def _cbr(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class DenseEncoder(nn.Module):
    """SAM-preprocessed image (B, 3, 4H, 4W) -> (B, 256, H/4, W/4): the 1/4-frame maps
    [foreground logit, touching-boundary logit, 14 zeros] pixel-unshuffled by 4."""

    def __init__(self, w=(24, 40, 64, 96, 128)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, w[0], 4, 4, bias=False), nn.BatchNorm2d(w[0]), nn.ReLU(inplace=True), _cbr(w[0], w[0]))
        self.downs = nn.ModuleList([nn.Sequential(_cbr(w[i], w[i + 1], 2), _cbr(w[i + 1], w[i + 1])) for i in range(4)])
        self.ups = nn.ModuleList([_cbr(w[i + 1] + w[i], w[i]) for i in range(4)])
        self.head = nn.Conv2d(w[0], 2, 1)

    def maps(self, image):
        x = self.stem(image)
        skips = [x]
        for d in self.downs:
            x = d(x)
            skips.append(x)
        for i in reversed(range(4)):
            x = self.ups[i](torch.cat([F.interpolate(x, size=skips[i].shape[-2:], mode="bilinear", align_corners=False), skips[i]], 1))
        return self.head(x)

    def forward(self, image):
        m = self.maps(image)
        pad = torch.zeros(m.shape[0], 14, m.shape[2], m.shape[3], dtype=m.dtype)
        return F.pixel_unshuffle(torch.cat([m, pad], 1), 4)


def _max4(x):
    return torch.maximum(F.max_pool2d(x, (3, 1), 1, (1, 0)), F.max_pool2d(x, (1, 3), 1, (0, 1)))


def _grow(seeds, allowed, steps):
    for _ in range(steps):
        seeds = _max4(seeds) * allowed
    return seeds


class FloodDecoder(nn.Module):
    """SAM's decoder interface: the object under the positive points (or inside the box) grown
    4-connected over the predicted interior, minus what grows from negative points, widened by
    one cell over the foreground; logits are the foreground logits there (sub-cell edges)."""

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input):
        m = F.pixel_shuffle(image_embeddings, 4)
        fg, touch = m[:, :1], m[:, 1:2]
        b, _, h, w = fg.shape
        fgm = (fg > 0).to(fg.dtype)
        core_fg = fgm
        for _ in range(ERODE):
            core_fg = -_max4(-core_fg)
        interior = core_fg * (touch < TOUCH).to(fg.dtype)
        ys = (torch.arange(h, dtype=fg.dtype) + 0.5) * 4.0
        xs = (torch.arange(w, dtype=fg.dtype) + 0.5) * 4.0
        px = point_coords[..., 0:1].unsqueeze(-1)  # B,N,1,1
        py = point_coords[..., 1:2].unsqueeze(-1)
        near = ((xs.view(1, 1, 1, w) - px).abs() <= 4.0) * ((ys.view(1, 1, h, 1) - py).abs() <= 4.0)  # B,N,h,w: the cells under a point
        near = near.to(fg.dtype)
        lab = point_labels.unsqueeze(-1).unsqueeze(-1)
        pos = torch.amax(near * (lab == 1).to(fg.dtype), 1, keepdim=True)
        neg = torch.amax(near * (lab == 0).to(fg.dtype), 1, keepdim=True)
        tl = (point_labels == 2).to(fg.dtype).unsqueeze(-1)
        br = (point_labels == 3).to(fg.dtype).unsqueeze(-1)
        has_box = torch.clamp(tl.sum(1), max=1.0).view(b, 1, 1, 1)
        p0 = (point_coords * tl).sum(1) / torch.clamp(tl.sum(1), min=1.0)
        p1 = (point_coords * br).sum(1) / torch.clamp(br.sum(1), min=1.0)
        inx = ((xs.view(1, w) >= p0[:, :1]) * (xs.view(1, w) <= p1[:, :1])).to(fg.dtype)
        iny = ((ys.view(1, h) >= p0[:, 1:]) * (ys.view(1, h) <= p1[:, 1:])).to(fg.dtype)
        box = (iny.unsqueeze(2) * inx.unsqueeze(1)).unsqueeze(1)  # B,1,h,w
        c = (p0 + p1) / 2
        half = (p1 - p0) / 4
        core = (((xs.view(1, w) - c[:, :1]).abs() <= half[:, :1]).to(fg.dtype).unsqueeze(1) *
                ((ys.view(1, h) - c[:, 1:]).abs() <= half[:, 1:]).to(fg.dtype).unsqueeze(2)).unsqueeze(1)
        inside = box * has_box + (1 - has_box)
        # A click on the boundary ring (or on a thin nucleus) still seeds its object.
        # A previous mask alone (micro-sam's "mask" projection) seeds the object too; with
        # points or a box, those decide (a negative point must be able to remove a part).
        hm = has_mask_input.view(-1, 1, 1, 1).to(fg.dtype)
        no_prompt = (1 - torch.clamp(pos.sum((2, 3), keepdim=True), max=1.0)) * (1 - has_box)
        prev = (mask_input > 0).to(fg.dtype) * hm * no_prompt
        seeds = torch.maximum(torch.maximum(pos * fgm, core * interior * has_box), prev * interior)
        allowed = interior * inside
        region = _grow(torch.maximum(seeds * interior, _max4(seeds) * interior), allowed, GROW)
        region = torch.maximum(region, seeds * fgm)
        region = region * (1 - _grow(neg * fgm, fgm * inside, GROW))  # negatives: their objects are taken out
        # The band along contacts (and the rim) is shared out as a watershed on distance would:
        # this object and every other interior grow one cell a step over the foreground, and a
        # cell reached by both in the same step goes to neither.
        others = interior * (1 - region)
        for _ in range(CLAIM):
            mine = _max4(region) * fgm * inside * (1 - others)
            theirs = _max4(others) * fgm * (1 - region)
            region = torch.maximum(region, mine * (1 - theirs))
            others = torch.maximum(others, theirs * (1 - mine))
        logit = torch.where(region > 0, torch.clamp(fg, min=0.5), torch.full_like(fg, -12.0))
        area = region.sum((2, 3))
        conf = (torch.sigmoid(fg.abs()) * region).sum((2, 3)) / (area + 1e-3)
        iou = conf * (area > 0).to(fg.dtype)
        return torch.cat([iou] * 4, 1), torch.cat([logit] * 4, 1)


def dense_sample(rng, sources, size):
    """A crop of a random source at a random scale: normalised image (3, S, S) and the 1/4-frame
    targets: foreground and touching boundary (cells of an object next to another object)."""
    weights = np.array([s.weight for s in sources])
    src = sources[rng.choice(len(sources), p=weights / weights.sum())]
    h, w = src.labels.shape
    if src.native is not None and rng.random() < 0.5:
        s = src.native * rng.uniform(0.85, 1.2)
    else:
        med = np.median([max(sl[0].stop - sl[0].start, sl[1].stop - sl[1].start) for sl in src.boxes.values()])
        s = math.exp(rng.uniform(math.log(30), math.log(250))) / max(med, 3)
    ox = int(rng.uniform(-0.1 * size, max(1.0, w * s - 0.9 * size)))
    oy = int(rng.uniform(-0.1 * size, max(1.0, h * s - 0.9 * size)))
    ox, oy = max(ox, 0), max(oy, 0)
    blur = rng.uniform(0.3, 2.0) if rng.random() < 0.5 else 0.0
    noise = rng.uniform(0.02, 0.15) if rng.random() < 0.5 else 0.0
    img, lab, _ = tp._frame_crop(src, s, ox, oy, size, rng, blur, noise)
    k = int(rng.integers(0, 8))
    o = lambda a: (lambda a1: (lambda a2: a2.T if k & 4 else a2)(a1[::-1] if k & 2 else a1))(a[:, ::-1] if k & 1 else a)  # noqa: E731
    img, lab = o(img), o(lab)
    pad = np.isnan(img)
    v = np.nan_to_num(img, nan=0.0)
    v = np.clip(v, 0, 1) ** math.exp(rng.uniform(-0.6, 0.6))
    v = v * rng.uniform(0.6, 1.15) + rng.uniform(-0.05, 0.15)
    v = v + rng.normal(0, rng.uniform(0, 0.03)) * rng.normal(0, 1, v.shape)
    u8 = np.floor(255 * np.clip(v, 0, 1) + 0.5)
    x = (np.repeat(u8[None], 3, 0) - tp.PIXEL_MEAN[:, None, None]) / tp.PIXEL_STD[:, None, None]
    x[:, pad] = 0
    l4 = lab[2::4, 2::4]
    fg = l4 > 0
    # Touching boundary: object cells with another object within 2 cells (a band 2 cells wide
    # on each side of a contact, which 4-connected growth cannot cross).
    touch = np.zeros_like(fg)
    H, W = l4.shape
    p4 = np.pad(l4, 2)
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            if dy or dx:
                other = p4[2 + dy:2 + dy + H, 2 + dx:2 + dx + W]
                touch |= fg & (other > 0) & (other != l4)
    valid = ~pad[2::4, 2::4]
    return x.astype(np.float32), fg.astype(np.float32), touch.astype(np.float32), valid.astype(np.float32)


def train(seed=0, steps=STEPS, minutes=12.0, threads=2, log=print):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    # blobs is annotated sparsely: its unannotated pixels are not background, so dense
    # training leaves it out.
    sources = [s for s in tp.load_sources(seed) if not s.name.startswith("blobs")]
    for s in sources:
        if s.name.startswith("nuclei3d"):
            s.weight *= NUCLEI3D_WEIGHT
    model = DenseEncoder()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.05, final_div_factor=30)
    t0 = time.perf_counter()
    done = 0
    for step in range(steps):
        if time.perf_counter() - t0 > minutes * 60:
            break
        bs, size = (12, 256) if rng.random() < 0.6 else (6, 384)
        batch = [dense_sample(rng, sources, size) for _ in range(bs)]
        x, fg, touch, known = (torch.from_numpy(np.stack([b[i] for b in batch])) for i in range(4))
        out = model.maps(x)
        lf = F.binary_cross_entropy_with_logits(out[:, 0], fg, reduction="none")
        lt = F.binary_cross_entropy_with_logits(out[:, 1], touch, pos_weight=torch.tensor(4.0), reduction="none")
        loss = ((lf + lt) * known).sum() / known.sum().clamp(min=1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        done = step + 1
        if done % 100 == 0:
            with torch.no_grad():
                acc = (((out[:, 0].detach() > 0) == (fg > 0.5)).float() * known).sum() / known.sum()
            log(f"step {done} loss {float(loss):.3f} fg acc {float(acc):.3f} ({time.perf_counter() - t0:.0f} s)")
    model.eval()
    return model, {"seed": seed, "steps": done, "train_seconds": round(time.perf_counter() - t0, 1), "threads": threads}


class _Pair(nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.encoder, self.decoder = enc, FloodDecoder()


def run(out, **kw):
    """Train, export into ``out``, evaluate on the held-out data and write the manifest."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model, info = train(**kw)
    tp.export_onnx(_Pair(model), out)
    metrics = tp.evaluate(out)
    _write_manifest(out, info, metrics)
    return metrics


def _write_manifest(out, info, metrics):
    tp.write_manifest(out, info, metrics, arch=ARCH, blobs=False, kind="a dense foreground/contact "
                      "U-Net encoder and a region-growing decoder")


def refresh_decoder(out):
    """Re-export the decoder next to a trained encoder.onnx (the decoder has no weights: a change
    to its rules needs no retraining), evaluate again and rewrite the manifest."""
    import json

    out = Path(out)
    export_decoder(out)
    info = json.loads((out / "seglab-model.json").read_text())["training"]
    metrics = tp.evaluate(out)
    _write_manifest(out, info, metrics)
    return metrics


def export_decoder(out):
    """Only the (parameter-free) decoder, next to an encoder.onnx already in ``out``."""
    import warnings

    import onnx

    from ._export import OPSET, _finish

    out = Path(out)
    dec_in = (torch.zeros(1, 256, 64, 64), torch.tensor([[[500.0, 400.0], [0.0, 0.0]]]),
              torch.tensor([[1.0, -1.0]]), torch.zeros(1, 1, 256, 256), torch.tensor([0.0]))
    raw = out / "decoder.raw.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(FloodDecoder(), dec_in, str(raw), dynamo=False, opset_version=OPSET,
                          input_names=["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input"],
                          output_names=["iou_predictions", "low_res_masks"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
                          do_constant_folding=True)
    m = onnx.load(str(raw))
    for o in m.graph.output:
        dims = o.type.tensor_type.shape.dim
        del dims[:]
        for d in {"iou_predictions": [1, 4], "low_res_masks": [1, 4, 256, 256]}[o.name]:
            dims.add().dim_value = d
    _finish(m, out / "decoder.onnx")
    raw.unlink()
