"""SAM image embeddings computed in Python (a GPU server, a batch job) with exactly the
browser's pre-processing, and saved in a file the viewer and micro-sam-style tools can read.

``compute_embeddings(image, model_folder)`` runs the ``encoder.onnx`` of a folder written by
``python -m seglab.models export`` with onnxruntime (``providers=`` picks CPU/CUDA/...).
Pre-processing, identical to src/core/sam/transforms.ts (``toRgb8`` + ``prepareImage``):

1. per 2D plane (the whole plane, also when tiled): ``lo, hi`` = min and max over all pixels
   and the first three channels; ``rgb8 = floor(255 * (x - lo) / (hi - lo) + 0.5)`` in float64
   (0 everywhere when ``hi == lo``), gray repeated on three channels, RGBA's alpha dropped;
2. tiles (``tile_shape``/``halo``, micro-sam's tiling, see src/core/sam/tiling.ts): the outer
   block of each tile is cropped from ``rgb8``. (micro-sam normalises each tile on its own; we
   normalise the plane once so that an object has the same contrast in every tile's halo.)
3. Pillow bilinear resize of the longest side to 1024 (``ResizeLongestSide``), then
   ``(x - pixel_mean) / pixel_std`` in float32 and zero padding to 1024².

File format (``save_embeddings``/``load_embeddings``), a zarr group (zarr format 2) modelled on
micro-sam's precomputed embeddings:

- ``features``: float32 array (n_slices * n_tiles, 256, 64, 64), entry ``z * n_tiles + tile``,
  one chunk per entry.
- attrs: ``format`` = "seglab-embeddings", ``format_version`` = 1, ``model_id``,
  ``model_sha256`` (of encoder.onnx), ``model_arch``, ``encoder_input_size`` (1024),
  ``image_shape`` (the array as given), ``image_dtype``, ``z_axis`` (or null), ``rgb``,
  ``n_slices``, ``plane_shape`` ([H, W]), ``tile_shape`` and ``halo`` (null when untiled),
  ``n_tiles``, ``tile_boxes`` (outer blocks [y0, x0, y1, x1), row-major tile order),
  ``inner_boxes``, ``input_sizes`` and ``original_sizes`` (per tile: the tile image's size in
  the 1024 input and its own size), ``input_size``/``original_size`` (untiled only, as
  micro-sam), ``image_hashes`` (per plane, seglab-hash64 of the plane's C-ordered little-endian
  bytes, as src/compute/embeddings/contentHash.ts), ``preprocessing``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

FORMAT = "seglab-embeddings"
FORMAT_VERSION = 1
INPUT_SIZE = 1024
PIXEL_MEAN = (123.675, 116.28, 103.53)
PIXEL_STD = (58.395, 57.12, 57.375)
#: As src/core/sam/tiling.ts: a larger plane needs tile_shape (or allow_downscale=True).
MAX_UNTILED_SIDE = 4096
PREPROCESSING = "seglab-rgb8-minmax-per-plane/pillow-bilinear-1024/v1"

__all__ = ["compute_embeddings", "save_embeddings", "load_embeddings", "content_hash", "to_rgb8",
           "prepare_image", "tile_grid", "FORMAT", "FORMAT_VERSION"]

# --- seglab-hash64 (definition in src/compute/embeddings/contentHash.ts) ---------------------

_M32 = 0xFFFFFFFF
_P1, _P2 = np.uint32(0x9E3779B1), np.uint32(0x85EBCA77)
_S1, _S2, _S3 = np.uint32(0x243F6A88), np.uint32(0xB7E15162), 0x3C6EF372
_CHUNK = 1 << 22  # words per numpy pass


def _fmix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _fmix_int(x: int) -> int:
    return int(_fmix(np.array([x & _M32], dtype=np.uint32))[0])


def content_hash(data: Union[np.ndarray, bytes]) -> str:
    """seglab-hash64 of an array's C-ordered little-endian bytes (or of ``bytes``): 16 hex digits."""
    if isinstance(data, np.ndarray):
        a = data
        if a.dtype == bool:
            a = a.astype(np.uint8)
        a = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
        buf = a.reshape(-1).view(np.uint8)
    else:
        buf = np.frombuffer(bytes(data), dtype=np.uint8)
    n_bytes = int(buf.size)
    n_words = -(-n_bytes // 4)
    a_sum = b_sum = 0
    with np.errstate(over="ignore"):
        for start in range(0, n_words, _CHUNK):
            stop = min(start + _CHUNK, n_words)
            chunk = buf[start * 4: stop * 4]
            if chunk.size % 4:
                chunk = np.concatenate([chunk, np.zeros(4 - chunk.size % 4, np.uint8)])
            w = chunk.view("<u4").astype(np.uint32)
            i = (np.arange(start, stop, dtype=np.uint64) & _M32).astype(np.uint32)
            a_sum += int(_fmix((w + i * _P1) ^ _S1).sum(dtype=np.uint64))
            b_sum += int(_fmix((w ^ (i * _P2)) + _S2).sum(dtype=np.uint64))
    h1 = _fmix_int((a_sum & _M32) ^ _fmix_int((n_bytes & _M32) ^ _S3))
    h2 = _fmix_int((b_sum & _M32) ^ _fmix_int((n_bytes >> 32) + h1))
    return f"{h1:08x}{h2:08x}"


# --- pre-processing (src/core/sam/transforms.ts) ---------------------------------------------

def to_rgb8(plane: np.ndarray, rgb: bool) -> np.ndarray:
    """SegLab's uint8 RGB of a 2D gray (H, W) or RGB(A) (H, W, 3|4) plane (``toRgb8``)."""
    a = np.asarray(plane)
    if a.ndim != (3 if rgb else 2) or (rgb and a.shape[2] not in (3, 4)):
        raise ValueError(f"expected a 2D gray (H, W) or RGB(A) (H, W, 3|4) plane, got shape {a.shape}")
    a = a[..., :3] if rgb else a[..., None]
    a = a.astype(np.float64)
    lo, hi = float(a.min()), float(a.max())
    g = np.floor(255 * (a - lo) / (hi - lo) + 0.5) if hi > lo else np.zeros_like(a)
    g = g.astype(np.uint8)
    return np.ascontiguousarray(np.repeat(g, 3, axis=2) if not rgb else g)


def preprocess_shape(h: int, w: int, long_side: int = INPUT_SIZE) -> Tuple[int, int]:
    scale = long_side / max(h, w)
    return int(h * scale + 0.5), int(w * scale + 0.5)


def prepare_image(rgb8: np.ndarray) -> Tuple[np.ndarray, Tuple[int, int]]:
    """The encoder input (1, 3, 1024, 1024) float32 for a uint8 RGB image, and its input size."""
    from PIL import Image

    h, w = rgb8.shape[:2]
    th, tw = preprocess_shape(h, w)
    resized = np.asarray(Image.fromarray(rgb8).resize((tw, th), Image.BILINEAR))
    mean = np.asarray(PIXEL_MEAN, np.float32)
    std = np.asarray(PIXEL_STD, np.float32)
    x = (resized.astype(np.float32) - mean) / std  # float32 at each step, as torch does
    out = np.zeros((1, 3, INPUT_SIZE, INPUT_SIZE), np.float32)
    out[0, :, :th, :tw] = x.transpose(2, 0, 1)
    return out, (th, tw)


# --- tiling (src/core/sam/tiling.ts) -----------------------------------------------------------

def tile_grid(shape: Sequence[int], tile_shape: Sequence[int], halo: Sequence[int] = (0, 0)) -> List[Dict]:
    """micro-sam's tiles, row-major: ``inner`` and ``outer`` blocks as [y0, x0, y1, x1)."""
    h, w = int(shape[0]), int(shape[1])
    th, tw = int(tile_shape[0]), int(tile_shape[1])
    hy, hx = int(halo[0]), int(halo[1])
    if th < 1 or tw < 1 or hy < 0 or hx < 0:
        raise ValueError(f"expected a positive tile_shape and a non-negative halo, got {tile_shape}, {halo}")
    tiles = []
    for r in range(math.ceil(h / th)):
        for c in range(math.ceil(w / tw)):
            y0, x0 = r * th, c * tw
            y1, x1 = min(y0 + th, h), min(x0 + tw, w)
            tiles.append({"inner": [y0, x0, y1, x1],
                          "outer": [max(y0 - hy, 0), max(x0 - hx, 0), min(y1 + hy, h), min(x1 + hx, w)]})
    return tiles


# --- computing -------------------------------------------------------------------------------

def _model_info(folder: Path) -> Dict[str, Any]:
    manifest = folder / "seglab-model.json"
    if manifest.is_file():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        return {"id": m["id"], "sha256": m["encoder"]["sha256"], "arch": m.get("arch"),
                "input_size": int(m.get("input_size", INPUT_SIZE))}
    from .models._export import sha256_file  # a folder without manifest: hash the file

    return {"id": folder.name, "sha256": sha256_file(folder / "encoder.onnx"), "arch": None, "input_size": INPUT_SIZE}


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="SAM embeddings", unit="image")


def compute_embeddings(image: np.ndarray, model: Union[str, os.PathLike], *,
                       tile_shape: Optional[Sequence[int]] = None, halo: Optional[Sequence[int]] = None,
                       z_axis: Optional[int] = None, rgb: Optional[bool] = None,
                       providers: Optional[Iterable[str]] = None, allow_downscale: bool = False,
                       progress: bool = True) -> Dict[str, Any]:
    """Embeddings of every plane (and tile) of ``image`` with the encoder in folder ``model``.

    ``image``: (H, W), (H, W, 3|4) RGB(A), or with ``z_axis`` a stack of such planes (any
    leading axis order: the z axis is moved first). ``rgb`` defaults to "last axis of length 3
    or 4 on a 3D array without z_axis, or on a 4D one". ``providers``: onnxruntime execution
    providers (default ``["CPUExecutionProvider"]``). Returns ``{"features": (N, 256, 64, 64)
    float32, "attrs": {...}}`` as the module docstring describes.
    """
    import onnxruntime as ort

    folder = Path(model)
    info = _model_info(folder)
    image = np.asarray(image)
    if rgb is None:
        rgb = image.shape[-1] in (3, 4) and image.ndim == (3 if z_axis is None else 4)
    planes = image[None] if z_axis is None else np.moveaxis(image, z_axis, 0)
    if planes.ndim != (4 if rgb else 3):
        raise ValueError(f"expected {'RGB(A) ' if rgb else ''}planes with z_axis={z_axis}, got an array of shape {image.shape}")
    plane_shape = [int(planes.shape[1]), int(planes.shape[2])]
    if tile_shape is not None:
        tiles = tile_grid(plane_shape, tile_shape, halo or (0, 0))
    else:
        if max(plane_shape) > MAX_UNTILED_SIDE and not allow_downscale:
            raise ValueError(f"a {plane_shape[0]} x {plane_shape[1]} plane is too large to encode without tiling "
                             f"(SAM would shrink it {max(plane_shape) / INPUT_SIZE:.1f}x); pass tile_shape=(1024, 1024), "
                             "halo=(256, 256), or allow_downscale=True")
        tiles = [{"inner": [0, 0, *plane_shape], "outer": [0, 0, *plane_shape]}]
    session = ort.InferenceSession(str(folder / "encoder.onnx"), providers=list(providers or ["CPUExecutionProvider"]))
    n = len(planes) * len(tiles)
    features = np.empty((n, 256, 64, 64), np.float32)
    bar = _progress(n, progress)
    hashes, input_sizes = [], []
    try:
        for z, plane in enumerate(planes):
            hashes.append(content_hash(plane))
            rgb8 = to_rgb8(plane, rgb)
            for t, tile in enumerate(tiles):
                y0, x0, y1, x1 = tile["outer"]
                tensor, in_size = prepare_image(np.ascontiguousarray(rgb8[y0:y1, x0:x1]))
                if z == 0:
                    input_sizes.append(list(in_size))
                features[z * len(tiles) + t] = session.run(["image_embeddings"], {"image": tensor})[0][0]
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    attrs: Dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "model_id": info["id"], "model_sha256": info["sha256"], "model_arch": info["arch"],
        "encoder_input_size": info["input_size"],
        "image_shape": [int(s) for s in image.shape], "image_dtype": str(image.dtype),
        "z_axis": z_axis, "rgb": bool(rgb), "n_slices": int(len(planes)), "plane_shape": plane_shape,
        "tile_shape": None if tile_shape is None else [int(s) for s in tile_shape],
        "halo": None if tile_shape is None else [int(s) for s in (halo or (0, 0))],
        "n_tiles": len(tiles), "tile_boxes": [t["outer"] for t in tiles], "inner_boxes": [t["inner"] for t in tiles],
        "input_sizes": input_sizes,
        "original_sizes": [[t["outer"][2] - t["outer"][0], t["outer"][3] - t["outer"][1]] for t in tiles],
        "image_hashes": hashes, "preprocessing": PREPROCESSING,
    }
    if tile_shape is None:
        attrs["input_size"], attrs["original_size"] = input_sizes[0], plane_shape
    return {"features": features, "attrs": attrs}


# --- files -------------------------------------------------------------------------------------

def save_embeddings(path: Union[str, os.PathLike], emb: Dict[str, Any]) -> Path:
    """Write ``emb`` (as ``compute_embeddings`` returns) as a zarr group at ``path`` (replaced)."""
    import zarr

    features = np.asarray(emb["features"], np.float32)
    attrs = dict(emb["attrs"])
    if features.ndim != 4 or features.shape[0] != attrs["n_slices"] * attrs["n_tiles"]:
        raise ValueError(f"features of shape {features.shape} do not match n_slices={attrs['n_slices']} x n_tiles={attrs['n_tiles']}")
    root = zarr.open_group(str(path), mode="w", zarr_format=2)
    arr = root.create_array("features", shape=features.shape, dtype="float32", chunks=(1,) + features.shape[1:])
    arr[...] = features
    # Written last: a reader that finds "format" knows the features are complete.
    root.attrs.update(json.loads(json.dumps(attrs)))
    return Path(path)


def load_embeddings(path: Union[str, os.PathLike], *, lazy: bool = False) -> Dict[str, Any]:
    """Read a file ``save_embeddings`` wrote: ``{"features": array (or the zarr array with lazy=True), "attrs": {...}}``."""
    import zarr

    root = zarr.open_group(str(path), mode="r")
    attrs = dict(root.attrs)
    if attrs.get("format") != FORMAT:
        raise ValueError(f"{path} is not a complete {FORMAT} file (attrs format={attrs.get('format')!r})")
    if int(attrs.get("format_version", 0)) > FORMAT_VERSION:
        raise ValueError(f"{path} has format_version {attrs['format_version']}; this seglab reads <= {FORMAT_VERSION}")
    features = root["features"]
    return {"features": features if lazy else features[...], "attrs": attrs}
