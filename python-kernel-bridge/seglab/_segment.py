"""``viewer.segment(...)``: a SAM-family model segments one plane of an image, in the browser.

The model runs where the viewer is (the user's browser, WebGPU or WASM), so the kernel needs no
GPU and no model files: the kernel sends the prompt (``segment-request``) and gets the mask back
as a chunked ``segment-reply``. Coordinates follow napari: points are ``(row, column)`` in the
image layer's data coordinates (what ``viewer.layers['point_prompts'].data`` holds), the box is
``(row0, col0, row1, col1)``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from . import protocol
from ._bridge import _Request
from ._outbox import Outgoing
from .transfer import split_chunks_of_parts, transfer_header

if TYPE_CHECKING:  # pragma: no cover
    from .layers import ImageLayer

#: The most point prompts one request carries (SAM's prompt encoder takes any number; a
#: click-driven prompt has a handful).
MAX_POINTS = 1000


def _finite_pairs(points: Any) -> np.ndarray:
    arr = np.asarray(points, dtype=float)
    if arr.ndim == 1 and arr.size == 2:
        arr = arr[None]
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"segment: expected points as (N, 2) (row, column) pairs, got shape {arr.shape}")
    if len(arr) > MAX_POINTS:
        raise ValueError(f"segment: expected at most {MAX_POINTS} points, got {len(arr)}")
    if not np.isfinite(arr).all():
        raise ValueError("segment: point coordinates must be finite numbers")
    return arr


def build_prompt(points: Any = None, labels: Any = None, box: Any = None, step: Any = None,
                 multimask: Optional[bool] = None) -> Dict[str, Any]:
    """The ``segment-request`` fields for a prompt, checked; raises ValueError saying what
    was expected."""
    prompt: Dict[str, Any] = {"points": [], "labels": []}
    if points is not None:
        pts = _finite_pairs(points)
        if labels is None:
            lab = np.ones(len(pts), int)
        else:
            lab = np.asarray(labels).reshape(-1)
            if len(lab) != len(pts) or not np.isin(lab, (0, 1)).all():
                raise ValueError(f"segment: expected one label per point, each 1 (object) or 0 (background); "
                                 f"got {lab.tolist()!r} for {len(pts)} points")
        prompt["points"] = pts.tolist()
        prompt["labels"] = [int(v) for v in lab]
    elif labels is not None:
        raise ValueError("segment: labels were given without points")
    if box is not None:
        b = np.asarray(box, dtype=float).reshape(-1)
        if b.size != 4 or not np.isfinite(b).all() or not (b[2] > b[0] and b[3] > b[1]):
            raise ValueError(f"segment: expected box as (row0, col0, row1, col1) with row1 > row0 and col1 > col0, got {box!r}")
        prompt["box"] = b.tolist()
    if not prompt["points"] and "box" not in prompt:
        raise ValueError("segment: expected points=... and/or box=...")
    if step is not None:
        s = [int(v) for v in np.asarray(step).reshape(-1)]
        prompt["step"] = s
    if multimask is not None:
        prompt["multimask"] = bool(multimask)
    return prompt


class SegmentMixin:
    """Mixin of :class:`~seglab.Viewer`: ``segment``."""

    def segment(self, points: Any = None, labels: Any = None, box: Any = None, *,
                layer: Union[str, "ImageLayer", None] = None, step: Optional[Sequence[int]] = None,
                multimask: Optional[bool] = None, return_iou: bool = False,
                timeout: Optional[float] = None) -> Any:
        """The mask (bool, the plane's shape) the viewer's segment model gives for a prompt,
        as micro-sam's ``segment_from_points`` / ``segment_from_box`` would.

        ``points``: (N, 2) ``(row, column)`` in the image's data coordinates; ``labels``: 1
        (object, default) or 0 (background) per point; ``box``: ``(row0, col0, row1, col1)``.
        ``layer``: the image (name or layer; default the top image layer). ``step``: the
        index on every leading axis of an nD image (default: the slice the viewer shows).
        ``multimask``: SAM's choice of three masks (default: only for a lone point).
        ``return_iou``: return ``(mask, predicted_iou)`` instead.

        Runs in the browser showing the viewer, with the model chosen there (or by
        :meth:`set_model`). Raises RuntimeError when no viewer is displayed or the model
        fails, TimeoutError after ``timeout`` seconds (default 120: the first call computes
        the plane's embeddings).
        """
        image = self._segment_target(layer)
        prompt = build_prompt(points, labels, box, step, multimask)
        if "step" in prompt and len(prompt["step"]) != image.ndim - 2:
            raise ValueError(f"segment: expected step with {image.ndim - 2} index(es) for the leading axes of "
                             f"{image.name!r} {tuple(image.shape)}, got {prompt['step']}")
        if not self._await_frontend():
            raise RuntimeError("viewer.segment() runs the model in the browser: display the viewer in an open "
                               "JupyterLab tab first (no frontend has connected)")
        request = _Request(decode=_decode_mask, max_bytes=self.max_bytes)
        result = self._ask(request, protocol.segment_request(request.id, image.id, prompt),
                           120.0 if timeout is None else timeout, "a segmentation")
        mask, iou = result
        return (mask, iou) if return_iou else mask

    def set_model(self, model: Any, *, timeout: Optional[float] = None) -> str:
        """Chooses the model the viewer segments with; returns its id.

        ``model``: the id of a model in SegLab's ``models`` setting, or a folder (or its
        ``seglab-model.json``) as ``python -m seglab.models export`` writes it, e.g.
        :func:`seglab.models.bundled_prompter`. A folder's files are sent from the kernel
        (so they need not be on the Jupyter server) and kept in the browser's model cache.
        Blocks until the viewer has the model (default timeout: 60 s plus 1 s per 20 MB).
        """
        if not self._await_frontend():
            raise RuntimeError("viewer.set_model() needs a frontend: display the viewer in an open "
                               "JupyterLab tab first (no frontend has connected)")
        request = _Request(decode=lambda meta, _payload: meta, max_bytes=0)
        if isinstance(model, str) and not os.path.exists(model):
            if not model or len(model) > 256 or os.sep in model:
                raise ValueError(f"set_model: expected a model id or a model folder, got {model!r} (no such folder)")
            message = protocol.model_select(request.id, model)
            return self._ask(request, message, 60.0 if timeout is None else timeout, f"model {model!r}")
        manifest, encoder, decoder = read_model_folder(model)
        total = len(encoder) + len(decoder)
        header = transfer_header(total, self.chunk_bytes)
        message = protocol.model_data(request.id, manifest, len(encoder), len(decoder), header)
        chunks = split_chunks_of_parts([memoryview(encoder), memoryview(decoder)], self.chunk_bytes)
        outgoing = Outgoing(header["id"], header["n_chunks"], self.chunk_bytes, lambda i: chunks[i])
        wait = (60.0 + total / 20e6) if timeout is None else timeout
        return self._ask(request, message, wait, f"the model {manifest.get('id')!r}",
                         post=lambda: self._outbox.post_transfer(message, outgoing))

    def set_embeddings(self, embeddings: Any, *, layer: Union[str, "ImageLayer", None] = None,
                       timeout: Optional[float] = None) -> int:
        """Gives the viewer embeddings computed in the kernel (micro-sam's "precompute" on a
        GPU server or in a batch job): ``embeddings`` is what
        :func:`seglab.embeddings.compute_embeddings` returns, or the path of a file
        :func:`seglab.embeddings.save_embeddings` wrote. The image (``layer``, default the top
        image) must be the one they were computed from: the viewer checks each plane's content
        hash and the model's encoder hash, and computes planes that do not match itself.
        Returns how many planes (or tiles) the viewer took.
        """
        from .embeddings import load_embeddings

        emb = load_embeddings(embeddings) if isinstance(embeddings, (str, os.PathLike)) else embeddings
        if not isinstance(emb, dict) or "features" not in emb or "attrs" not in emb:
            raise ValueError("set_embeddings: expected the result of seglab.embeddings.compute_embeddings or a file path")
        image = self._segment_target(layer)
        meta = embeddings_meta(emb["attrs"], tuple(image.shape))
        features = np.ascontiguousarray(emb["features"], dtype="<f4")
        if features.shape != (len(meta["entries"]), 256, 64, 64):
            raise ValueError(f"set_embeddings: expected features of shape ({len(meta['entries'])}, 256, 64, 64), got {features.shape}")
        if not self._await_frontend():
            raise RuntimeError("viewer.set_embeddings() needs a frontend: display the viewer first")
        request = _Request(decode=lambda m, _p: m, max_bytes=0)
        header = transfer_header(features.nbytes, self.chunk_bytes)
        message = protocol.embeddings_data(request.id, image.id, meta, header)
        chunks = split_chunks_of_parts([memoryview(features).cast("B")], self.chunk_bytes)
        outgoing = Outgoing(header["id"], header["n_chunks"], self.chunk_bytes, lambda i: chunks[i])
        wait = (60.0 + features.nbytes / 20e6) if timeout is None else timeout
        return self._ask(request, message, wait, "the embeddings", post=lambda: self._outbox.post_transfer(message, outgoing))

    def _on_embeddings_ready(self, msg: Dict[str, Any], _buffers: Any) -> None:
        request = self._requests.get(msg["request_id"])
        if request is not None and not request.done.is_set():
            request.result = int(msg["accepted"])
            request.done.set()

    def _on_model_ready(self, msg: Dict[str, Any], _buffers: Any) -> None:
        request = self._requests.get(msg["request_id"])
        if request is not None and not request.done.is_set():
            request.result = msg["model_id"]
            request.done.set()

    def _segment_target(self, layer: Any) -> "ImageLayer":
        from .layers import ImageLayer

        if layer is None:
            images = [la for la in self._layer_list if isinstance(la, ImageLayer)]
            if not images:
                raise ValueError("segment: the viewer has no image layer (add_image first)")
            return images[-1]
        found = self._layer_list[layer] if isinstance(layer, str) else layer
        if not isinstance(found, ImageLayer):
            raise ValueError(f"segment: expected an image layer, got {type(found).__name__} {getattr(found, 'name', found)!r}")
        return found

    def _on_segment_reply(self, msg: Dict[str, Any], _buffers: Any) -> None:
        self._start_reply(msg["request_id"], msg["transfer"], (tuple(msg["shape"]), float(msg["iou"])))


def _decode_mask(meta: Any, payload: bytearray) -> Any:
    shape, iou = meta
    if len(payload) != shape[0] * shape[1] or not math.isfinite(iou):
        raise ValueError(f"segment-reply: expected {shape[0] * shape[1]} mask bytes, got {len(payload)}")
    return np.frombuffer(payload, np.uint8).reshape(shape).astype(bool), iou


#: What the browser can hold of one model file (ArrayBuffers above ~2 GiB are unreliable).
MAX_MODEL_FILE_BYTES = 2 * 1024 ** 3


def read_model_folder(path: Any) -> Tuple[Dict[str, Any], bytes, bytes]:
    """The manifest and both ONNX files of a model folder (or of its seglab-model.json);
    raises ValueError saying what was expected."""
    from .models import MANIFEST

    p = Path(path)
    folder = p.parent if p.name == MANIFEST else p
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise ValueError(f"set_model: expected a folder with {MANIFEST} (as `python -m seglab.models export` "
                         f"writes), got {str(path)!r}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"set_model: {manifest_path} is not readable JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise ValueError(f"set_model: {manifest_path} must hold a JSON object")
    files = []
    for part in ("encoder", "decoder"):
        entry = manifest.get(part)
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(name, str) or "/" in name or "\\" in name:
            raise ValueError(f"set_model: {manifest_path}: expected \"{part}\": {{\"file\": NAME, ...}}")
        if isinstance(entry, dict) and entry.get("external_data"):
            raise ValueError(f"set_model: the {part} of {folder} keeps its weights in an external data file, which "
                             "the browser cannot load; export a smaller model (vit_b, vit_t) or serve it by URL")
        f = folder / name
        if not f.is_file():
            raise ValueError(f"set_model: {f} is missing")
        size = f.stat().st_size
        if size > MAX_MODEL_FILE_BYTES:
            raise ValueError(f"set_model: {f} is {size / 1e9:.1f} GB; the browser takes at most 2 GB per file")
        files.append(f.read_bytes())
    return manifest, files[0], files[1]


def embeddings_meta(attrs: Dict[str, Any], layer_shape: Tuple[int, ...]) -> Dict[str, Any]:
    """What the viewer needs of a seglab-embeddings file to place each plane's (or tile's)
    features: one entry per feature row, in the file's order (``z * n_tiles + tile``)."""
    if attrs.get("format") != "seglab-embeddings":
        raise ValueError("set_embeddings: not a seglab-embeddings result (attrs.format)")
    if tuple(attrs["image_shape"]) != tuple(layer_shape):
        raise ValueError(f"set_embeddings: the embeddings are of an image of shape {tuple(attrs['image_shape'])}; "
                         f"the layer has shape {tuple(layer_shape)}")
    if attrs.get("z_axis") not in (None, 0):
        raise ValueError("set_embeddings: the viewer takes embeddings of planes along the first axis (z_axis 0)")
    n_tiles = int(attrs["n_tiles"])
    tiled = attrs.get("tile_shape") is not None
    entries = []
    for z in range(int(attrs["n_slices"])):
        for t in range(n_tiles):
            entries.append({"z": z if attrs.get("z_axis") == 0 else None, "image_hash": attrs["image_hashes"][z],
                            "tile_box": list(attrs["tile_boxes"][t]) if tiled else None,
                            "input_size": list(attrs["input_sizes"][t]), "original_size": list(attrs["original_sizes"][t])})
    return {"model_id": attrs["model_id"], "model_sha256": attrs["model_sha256"], "entries": entries}
