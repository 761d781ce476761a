"""``seglab-nucleus-prompter``: a small promptable segmentation CNN with SAM's ONNX interface.

Not SAM, and nothing of SAM inside: a fully-convolutional U-Net encoder and a small
prompt-conditioned CNN decoder, trained by SegLab itself (``_train_prompter.py``). It exists
so that the browser pipeline that runs real SAM exports (``src/core/sam/transforms.ts``,
``src/compute/sam/samSession.ts``) can run a model that really segments nuclei, with no
pretrained weights available. Imported only to train or export (needs torch); ``import
seglab`` never imports it.

Interface (as ``python -m seglab.models export`` writes for SAM, see ``_check.py``):

- encoder: ``image`` [1, 3, 1024, 1024] (SAM-preprocessed) -> ``image_embeddings``
  [1, 256, 64, 64]. The embedding packs two feature maps: channels 0..127 are a 256 x 256 x 8
  "fine" map pixel-unshuffled by 4 (the 1/4 frame the low-res masks live in), channels
  128..255 a 64 x 64 x 128 "context" map.
- decoder: ``image_embeddings``, ``point_coords`` [1, N, 2] (x, y in the 1024 frame),
  ``point_labels`` [1, N] (1 positive, 0 negative, 2/3 box corners, -1 ignored),
  ``mask_input`` [1, 1, 256, 256], ``has_mask_input`` [1] -> ``iou_predictions`` [1, 4],
  ``low_res_masks`` [1, 4, 256, 256]. The prompts are rendered as maps (Gaussian heat maps
  of the positive and negative points at two widths, a soft box mask, the previous mask),
  concatenated with the context map at 1/16 and the fine map at 1/4, and a small U-Net
  gives ONE logit map, the object. The model has no real ambiguity outputs (a click on a
  nucleus means that nucleus), so outputs 1..3 are copies of output 0 made in the graph, with
  the same IoU prediction: SAM's multimask choice (argmax of outputs 1..3) then returns the
  very mask of output 0, instead of a choice between near-duplicates by a noisy IoU head
  (v1's weak point). The IoU prediction regresses the measured IoU of that mask.

Everything is Conv / Relu / Add / Mul / Exp / Resize / Concat / Reduce* / Sigmoid etc., so
onnxruntime-web (WASM and WebGPU) runs it. Fully convolutional: training runs on crops.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

FINE = 8        # channels of the 1/4-frame fine map (x 16 after pixel-unshuffle = 128)
CONTEXT = 128   # channels of the 1/16-frame context map
EMBED = FINE * 16 + CONTEXT
assert EMBED == 256


def _cbr(cin: int, cout: int, k: int = 3, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, padding=(k - 1) // 2 if stride == 1
                                   else (k - stride + 1) // 2, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def _up(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, size=like.shape[-2:], mode="bilinear", align_corners=False)


class PrompterEncoder(nn.Module):
    """SAM-preprocessed image (B, 3, 4H, 4W) -> embeddings (B, 256, H/4, W/4) (H = W = 256 at
    export). A 5-level U-Net on the 1/4 frame."""

    def __init__(self, w=(24, 32, 64, 96, 96)):
        super().__init__()
        w1, w2, w3, w4, w5 = w
        self.stem = nn.Sequential(_cbr(3, w1, 4, 4), _cbr(w1, w1))           # 1/4
        self.d2 = nn.Sequential(_cbr(w1, w2, 3, 2), _cbr(w2, w2))           # 1/8
        self.d3 = nn.Sequential(_cbr(w2, w3, 3, 2), _cbr(w3, w3))           # 1/16
        self.d4 = nn.Sequential(_cbr(w3, w4, 3, 2), _cbr(w4, w4))           # 1/32
        self.d5 = nn.Sequential(_cbr(w4, w5, 3, 2), _cbr(w5, w5), _cbr(w5, w5))  # 1/64
        self.u4 = _cbr(w5 + w4, w4)
        self.u3 = nn.Sequential(_cbr(w4 + w3, CONTEXT), _cbr(CONTEXT, CONTEXT))
        self.u2 = _cbr(CONTEXT + w2, w2)
        self.u1 = _cbr(w2 + w1, w1)
        self.fine = nn.Conv2d(w1, FINE, 1)
        self.context = nn.Conv2d(CONTEXT, CONTEXT, 1)

    def features(self, image: torch.Tensor):
        f1 = self.stem(image)
        f2 = self.d2(f1)
        f3 = self.d3(f2)
        f4 = self.d4(f3)
        f5 = self.d5(f4)
        g4 = self.u4(torch.cat([_up(f5, f4), f4], 1))
        g3 = self.u3(torch.cat([_up(g4, f3), f3], 1))
        g2 = self.u2(torch.cat([_up(g3, f2), f2], 1))
        g1 = self.u1(torch.cat([_up(g2, f1), f1], 1))
        return self.fine(g1), self.context(g3)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        fine, context = self.features(image)
        return torch.cat([F.pixel_unshuffle(fine, 4), context], 1)


def _point_maps(coords: torch.Tensor, labels: torch.Tensor, h: int, w: int, stride: float,
                sigmas) -> torch.Tensor:
    """(B, 2 * len(sigmas), h, w): per sigma, the max over points of Gaussian bumps of the
    positive points, then of the negative points, on a grid whose cell (i, j) is centred at
    ((j + 0.5) stride, (i + 0.5) stride) in the 1024 frame. Sigmas are in 1024-frame pixels."""
    ys = (torch.arange(h, dtype=coords.dtype, device=coords.device) + 0.5) * stride
    xs = (torch.arange(w, dtype=coords.dtype, device=coords.device) + 0.5) * stride
    dx = xs.view(1, 1, 1, w) - coords[..., 0].unsqueeze(-1).unsqueeze(-1)  # B,N,1,w
    dy = ys.view(1, 1, h, 1) - coords[..., 1].unsqueeze(-1).unsqueeze(-1)  # B,N,h,1
    d2 = dx * dx + dy * dy                                                  # B,N,h,w
    pos = (labels == 1).to(coords.dtype).unsqueeze(-1).unsqueeze(-1)
    neg = (labels == 0).to(coords.dtype).unsqueeze(-1).unsqueeze(-1)
    maps = []
    for s in sigmas:
        g = torch.exp(d2 * (-0.5 / (s * s)))
        maps.append(torch.amax(g * pos, dim=1))
        maps.append(torch.amax(g * neg, dim=1))
    return torch.stack(maps, 1)


def _box_map(coords: torch.Tensor, labels: torch.Tensor, h: int, w: int,
             stride: float) -> torch.Tensor:
    """(B, 1, h, w): a soft mask of the box whose corners are the points labelled 2 and 3
    (all zeros without a box)."""
    tl = (labels == 2).to(coords.dtype).unsqueeze(-1)
    br = (labels == 3).to(coords.dtype).unsqueeze(-1)
    has = torch.clamp(tl.sum(1), max=1.0)                      # B,1
    p0 = (coords * tl).sum(1) / torch.clamp(tl.sum(1), min=1.0)  # B,2
    p1 = (coords * br).sum(1) / torch.clamp(br.sum(1), min=1.0)
    lo, hi = torch.minimum(p0, p1), torch.maximum(p0, p1)
    ys = (torch.arange(h, dtype=coords.dtype, device=coords.device) + 0.5) * stride
    xs = (torch.arange(w, dtype=coords.dtype, device=coords.device) + 0.5) * stride
    soft = stride
    bx = torch.sigmoid((xs.view(1, w) - lo[:, :1]) / soft) * \
        torch.sigmoid((hi[:, :1] - xs.view(1, w)) / soft)       # B,w
    by = torch.sigmoid((ys.view(1, h) - lo[:, 1:]) / soft) * \
        torch.sigmoid((hi[:, 1:] - ys.view(1, h)) / soft)       # B,h
    return (by.unsqueeze(2) * bx.unsqueeze(1) * has.unsqueeze(-1)).unsqueeze(1)


class PrompterDecoder(nn.Module):
    """Embeddings + prompts -> (iou_predictions (B, 4), low_res_masks (B, 4, 4h, 4w))."""

    SIGMAS = (12.0, 40.0)  # 1024-frame pixels

    def __init__(self, c=32, c2=48):
        super().__init__()
        n_prompt = 2 * len(self.SIGMAS) + 1 + 2   # points, box, mask, has_mask
        self.inp = _cbr(CONTEXT + n_prompt, c, 1)
        self.b1 = nn.Sequential(_cbr(c, c), _cbr(c, c))                 # 1/16
        self.down = nn.Sequential(_cbr(c, c2, 3, 2), _cbr(c2, c2), _cbr(c2, c2))   # 1/32
        self.down2 = nn.Sequential(_cbr(c2, c2, 3, 2), _cbr(c2, c2))   # 1/64
        self.up2 = _cbr(c2 + c2, c2)
        self.up = _cbr(c2 + c, c, 1)
        self.to_fine = nn.Conv2d(c, 16, 1)
        # 1/4 frame: upsampled coarse features + fine image features + box/mask/point maps
        self.f1 = _cbr(16 + FINE + 4, 16, 1)
        self.f2 = _cbr(16, 8)
        self.head = nn.Conv2d(8 + 16, 1, 1)   # one output: the object (see the module doc)
        self.iou = nn.Sequential(nn.Linear(c + 5, 32), nn.ReLU(inplace=True), nn.Linear(32, 1))

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input):
        e = image_embeddings
        b, _, h, w = e.shape
        fine = F.pixel_shuffle(e[:, :FINE * 16], 4)
        context = e[:, FINE * 16:]
        hm = has_mask_input.view(-1, 1, 1, 1).to(e.dtype)
        mask = torch.sigmoid(mask_input) * hm                          # B,1,4h,4w
        pts = _point_maps(point_coords, point_labels, h, w, 16.0, self.SIGMAS)
        box = _box_map(point_coords, point_labels, h, w, 16.0)
        mask_c = F.avg_pool2d(mask, 4)
        x = self.inp(torch.cat([context, pts, box, mask_c, hm.expand(b, 1, h, w)], 1))
        x1 = self.b1(x)
        x2 = self.down(x1)
        x3 = self.down2(x2)
        x2 = self.up2(torch.cat([_up(x3, x2), x2], 1))
        x1 = self.up(torch.cat([_up(x2, x1), x1], 1))
        H, W = 4 * h, 4 * w
        pts_f = _point_maps(point_coords, point_labels, H, W, 4.0, self.SIGMAS[:1])
        box_f = _box_map(point_coords, point_labels, H, W, 4.0)
        up = F.interpolate(self.to_fine(x1), size=(H, W), mode="bilinear", align_corners=False)
        y = self.f1(torch.cat([up, fine, pts_f[:, :1], box_f, mask, pts_f[:, 1:]], 1))
        y = torch.cat([self.f2(y), up], 1)
        logit = self.head(y)                                            # B,1,H,W
        # IoU head (not back-propagated into the mask): the coarse features pooled over the
        # mask, its size, a soft stability score (as SAM's: masks at logit +1 vs -1), how much
        # of the positive-point map it covers, its mean confidence and its peak.
        lg = logit.detach() if self.training else logit
        m = torch.sigmoid(F.avg_pool2d(lg, 4))                          # B,1,h,w
        area = m.sum((2, 3))                                            # B,1
        pooled = torch.matmul(m.flatten(2), x1.flatten(2).transpose(1, 2)) / \
            (area.unsqueeze(-1) + 1.0)                                  # B,1,c
        hi = torch.sigmoid(4.0 * (lg - 1.0)).sum((2, 3))
        lo = torch.sigmoid(4.0 * (lg + 1.0)).sum((2, 3))
        stability = hi / (lo + 1.0)
        p = torch.sigmoid(lg)
        pos = pts_f[:, :1]
        covered = (p * pos).sum((2, 3)) / (pos.sum((2, 3)) + 1e-3)
        confidence = (p * p).sum((2, 3)) / (p.sum((2, 3)) + 1.0)
        feats = torch.cat([pooled, torch.log1p(area).unsqueeze(-1), stability.unsqueeze(-1),
                           covered.unsqueeze(-1), confidence.unsqueeze(-1),
                           torch.amax(m.flatten(2), 2).unsqueeze(-1)], 2)
        iou = torch.sigmoid(self.iou(feats).squeeze(-1))                 # B,1
        # SAM's 4 outputs: 0 the single-mask output, 1..3 the multimask ones; all the same here.
        return torch.cat([iou] * 4, 1), torch.cat([logit] * 4, 1)


class Prompter(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = PrompterEncoder()
        self.decoder = PrompterDecoder()


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
