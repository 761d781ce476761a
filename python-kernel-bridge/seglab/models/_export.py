"""SAM-family model -> ``encoder.onnx`` + ``decoder.onnx`` + ``seglab-model.json``.

The only module of seglab that imports torch, and only when an export runs. The architectures
come from the upstream packages (``segment_anything`` for vit_b/l/h, ``mobile_sam`` for vit_t);
nothing of theirs is copied here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from importlib import metadata
from pathlib import Path
from typing import Callable, Dict, Optional, Union

from ._check import check_model_files, conv_nodes_missing_attributes

ARCHS = ("vit_b", "vit_l", "vit_h", "vit_t")
FAMILY = {"vit_b": "sam", "vit_l": "sam", "vit_h": "sam", "vit_t": "mobile_sam"}
INPUT_SIZE = 1024
PIXEL_MEAN = [123.675, 116.28, 103.53]
PIXEL_STD = [58.395, 57.12, 57.375]
OPSET = 17
MANIFEST = "seglab-model.json"
# Parameters the default init leaves all zero get N(0, ZERO_PARAM_NOISE^2) noise.
ZERO_PARAM_NOISE = 0.02
# Files over this go to external data (protobuf's 2 GiB limit; ViT-H's encoder is ~2.5 GB).
_EXTERNAL_DATA_OVER = 1_800_000_000

Log = Callable[[str], None]


class ExportError(ValueError):
    """Bad input to the export (unknown arch, unreadable or mismatched checkpoint...)."""


def _print(msg: str) -> None:
    print(msg, flush=True)


@contextlib.contextmanager
def _quiet():
    """Upstream imports and the TorchScript exporter warn loudly about things we handle."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def package_versions() -> Dict[str, str]:
    """The versions an export depends on (also part of the cache key)."""
    out = {}
    for dist in ("torch", "segment-anything", "mobilesam-mirror", "onnx"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "missing"
    return out


def _registry(arch: str):
    with _quiet():
        if FAMILY[arch] == "mobile_sam":
            import mobile_sam
            return mobile_sam.sam_model_registry
        import segment_anything
        return segment_anything.sam_model_registry


def sha256_file(path: Union[str, os.PathLike], chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Building the model


def build_model(arch: str, *, seed: int = 0, checkpoint: Optional[Union[str, os.PathLike]] = None,
                allow_pickle: bool = False, log: Optional[Log] = None):
    """The upstream model for ``arch``, in eval mode, on the CPU.

    With ``checkpoint``: its weights (plain SAM/MobileSAM state dict, or micro-sam / MedicoSAM
    style: wrapped under ``model_state`` / ``model`` / ``state_dict``, keys maybe prefixed
    ``sam.`` / ``module.``). Without: ``torch.manual_seed(seed)`` then upstream's own init, and
    parameters that init leaves all zero (ViT pos_embed, rel_pos, norm biases, TinyViT attention
    biases, zero-init BatchNorm weights...) get small seeded noise, so no branch is dead.
    """
    if arch not in ARCHS:
        raise ExportError(f"unknown arch {arch!r}: expected one of {', '.join(ARCHS)}")
    import torch

    log = log or (lambda _m: None)
    registry = _registry(arch)
    torch.manual_seed(seed)
    with _quiet():
        model = registry[arch](checkpoint=None)
    if checkpoint is not None:
        state = load_checkpoint_state(checkpoint, allow_pickle=allow_pickle)
        _load_state(model, state, arch, checkpoint)
        log(f"load: {Path(checkpoint).name}: {len(state)} tensors loaded into {arch}")
    else:
        gen = torch.Generator().manual_seed(seed + 1)
        noised = []
        with torch.no_grad():
            for name, p in model.named_parameters():
                if p.numel() and not torch.any(p):
                    p.copy_(torch.randn(p.shape, generator=gen) * ZERO_PARAM_NOISE)
                    noised.append(name)
        log(f"build: random weights (seed {seed}); {len(noised)} all-zero parameter tensors "
            f"given N(0, {ZERO_PARAM_NOISE}^2) noise")
    # eval() again after changing weights: MobileSAM's attention caches its bias table (`ab`)
    # when switched to eval mode, and upstream's builder calls eval() *before* loading.
    model.eval()
    return model


def load_checkpoint_state(path: Union[str, os.PathLike], *, allow_pickle: bool = False) -> Dict:
    """The SAM state dict inside a checkpoint file, wrappers and key prefixes stripped."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise ExportError(f"checkpoint {path}: no such file")
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=not allow_pickle)
    except Exception as e:
        msg = str(e)
        if not allow_pickle and "Unsupported global" in msg:
            raise ExportError(
                f"checkpoint {path} holds Python objects besides tensors, which torch.load "
                f"refuses to unpickle by default; pass --allow-pickle (allow_pickle=True) "
                f"only if you trust the file") from e
        detail = msg.split("WeightsUnpickler error:")[-1].strip().splitlines()
        detail = (detail[0] if detail else type(e).__name__)[:200]
        raise ExportError(f"checkpoint {path} could not be read by torch.load "
                          f"(corrupt, truncated or not a PyTorch file?): {detail}") from e
    state = obj
    for _ in range(3):  # {"model_state": {...}}, {"model": {...}}, {"state_dict": {...}}
        if isinstance(state, dict):
            inner = next((state[k] for k in ("model_state", "model", "state_dict")
                          if isinstance(state.get(k), dict)), None)
            if inner is not None:
                state = inner
                continue
        break
    if hasattr(state, "state_dict") and not isinstance(state, dict):  # a pickled nn.Module
        state = state.state_dict()
    if not isinstance(state, dict) or not state:
        raise ExportError(f"checkpoint {path} has no state dict (got {type(obj).__name__})")
    state = {k: v for k, v in state.items() if isinstance(v, torch.Tensor)}
    changed = True
    while changed:  # micro-sam's DDP checkpoints: "module.sam.image_encoder..."
        changed = False
        for prefix in ("module.", "sam.", "_orig_mod.", "model."):
            if state and all(k.startswith(prefix) for k in state):
                state = {k[len(prefix):]: v for k, v in state.items()}
                changed = True
    return state


def guess_arch(state: Dict) -> Optional[str]:
    """Which arch a SAM state dict is for, from its shapes (None when unknown)."""
    if any(k.startswith("image_encoder.layers.") for k in state):
        return "vit_t"
    pos = state.get("image_encoder.pos_embed")
    if pos is not None and pos.ndim == 4:
        return {768: "vit_b", 1024: "vit_l", 1280: "vit_h"}.get(int(pos.shape[-1]))
    return None


def _load_state(model, state: Dict, arch: str, path) -> None:
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [f"{k} {list(state[k].shape)} (expected {list(expected[k].shape)})"
             for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or wrong:
        guess = guess_arch(state)
        hint = (f"; it looks like a {guess} checkpoint: try --arch {guess}"
                if guess and guess != arch else "")
        parts = []
        for label, items in (("missing", missing), ("unexpected", unexpected),
                             ("wrong shape", wrong)):
            if items:
                more = f" ... (+{len(items) - 5})" if len(items) > 5 else ""
                parts.append(f"{len(items)} {label}: {', '.join(items[:5])}{more}")
        raise ExportError(f"checkpoint {Path(path).name} does not match {arch} "
                          f"({FAMILY[arch]}): {'; '.join(parts)}{hint}")
    model.load_state_dict(state, strict=True)


# ---------------------------------------------------------------------------------------------
# ONNX


def _initializer_bytes(model) -> int:
    return sum(len(t.raw_data) for t in model.graph.initializer)


def _onnx_save(model, path: Path) -> None:
    import onnx

    if _initializer_bytes(model) > _EXTERNAL_DATA_OVER:
        onnx.save_model(model, str(path), save_as_external_data=True,
                        all_tensors_to_one_file=True, location=path.name + ".data",
                        size_threshold=1024)
    else:
        onnx.save_model(model, str(path))


def fix_conv_attributes(model) -> int:
    """Give every Conv/ConvTranspose explicit kernel_shape, strides, dilations (and pads when
    there is no auto_pad): onnxruntime-web's WebGPU Conv needs them. Returns how many added."""
    import onnx
    from onnx import helper

    shapes = {i.name: list(i.dims) for i in model.graph.initializer}
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
        for vi in list(inferred.graph.value_info) + list(inferred.graph.input):
            dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
            if dims and all(dims):
                shapes.setdefault(vi.name, dims)
    except Exception:  # shape inference is only a fallback for weights that are not initializers
        pass
    added = 0
    for node in model.graph.node:
        if node.op_type not in ("Conv", "ConvTranspose"):
            continue
        attrs = {a.name: a for a in node.attribute}
        w = shapes.get(node.input[1])
        if "kernel_shape" not in attrs:
            if not w:
                raise RuntimeError(f"{node.op_type} {node.name}: kernel shape unknown")
            node.attribute.append(helper.make_attribute("kernel_shape", w[2:]))
            added += 1
        nd = len(next(a for a in node.attribute if a.name == "kernel_shape").ints)
        for name, default in (("strides", [1] * nd), ("dilations", [1] * nd)):
            if name not in attrs:
                node.attribute.append(helper.make_attribute(name, default))
                added += 1
        if "pads" not in attrs and attrs.get("auto_pad") in (None,) and \
                node.op_type == "Conv":
            node.attribute.append(helper.make_attribute("pads", [0] * (2 * nd)))
            added += 1
    return added


def _export_encoder(model, path: Path) -> None:
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self, sam):
            super().__init__()
            self.image_encoder = sam.image_encoder

        def forward(self, image):
            return self.image_encoder(image)

    x = torch.randn(1, 3, INPUT_SIZE, INPUT_SIZE)
    with _quiet(), torch.no_grad():
        # eval(): a new wrapper module is in training mode, and torch.onnx.export restores the
        # wrapper's mode afterwards, recursively, which would leave the model in training mode.
        torch.onnx.export(Encoder(model).eval(), (x,), str(path), dynamo=False, opset_version=OPSET,
                          input_names=["image"], output_names=["image_embeddings"],
                          do_constant_folding=True)


def _export_decoder(model, arch: str, path: Path) -> None:
    import torch

    with _quiet():
        if FAMILY[arch] == "mobile_sam":
            from mobile_sam.utils.onnx import SamOnnxModel
        else:
            from segment_anything.utils.onnx import SamOnnxModel
    onnx_model = SamOnnxModel(model, return_single_mask=False).eval()  # see _export_encoder
    embed_dim = model.prompt_encoder.embed_dim
    embed_size = model.prompt_encoder.image_embedding_size
    mask_size = [4 * s for s in embed_size]
    gen = torch.Generator().manual_seed(0)
    dummy = {  # as upstream's scripts/export_onnx_model.py
        "image_embeddings": torch.randn(1, embed_dim, *embed_size, generator=gen),
        "point_coords": torch.randint(0, INPUT_SIZE, (1, 5, 2), generator=gen).float(),
        "point_labels": torch.randint(0, 4, (1, 5), generator=gen).float(),
        "mask_input": torch.randn(1, 1, *mask_size, generator=gen),
        "has_mask_input": torch.tensor([1.0]),
        "orig_im_size": torch.tensor([1500.0, 2250.0]),
    }
    dynamic_axes = {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}}
    with _quiet(), torch.no_grad():
        torch.onnx.export(onnx_model, tuple(dummy.values()), str(path), dynamo=False,
                          opset_version=OPSET, input_names=list(dummy),
                          output_names=["masks", "iou_predictions", "low_res_masks"],
                          dynamic_axes=dynamic_axes, do_constant_folding=True)


def _prune_decoder(src: Path, dst: Path) -> None:
    """Keep only iou_predictions and low_res_masks (SegLab upscales to the image itself), and
    drop the inputs that then feed nothing (orig_im_size)."""
    import onnx
    from onnx.utils import Extractor

    model = onnx.load(str(src))
    keep_out = ["iou_predictions", "low_res_masks"]
    inputs = [i.name for i in model.graph.input if i.name != "orig_im_size"]
    pruned = Extractor(model).extract_model(inputs, keep_out)
    used = {name for n in pruned.graph.node for name in n.input}
    for inp in list(pruned.graph.input):
        if inp.name not in used:
            pruned.graph.input.remove(inp)
    # The exporter leaves the output shapes symbolic (odd generated names); they are fixed.
    fixed = {"iou_predictions": [1, 4], "low_res_masks": [1, 4, 256, 256]}
    for o in pruned.graph.output:
        dims = o.type.tensor_type.shape.dim
        del dims[:]
        for d in fixed[o.name]:
            dims.add().dim_value = d
    del pruned.opset_import[:]
    pruned.opset_import.extend(model.opset_import)
    pruned.ir_version = model.ir_version
    pruned.producer_name, pruned.producer_version = model.producer_name, model.producer_version
    _finish(pruned, dst)


def _finish(model, dst: Path) -> int:
    import onnx

    added = fix_conv_attributes(model)
    missing = conv_nodes_missing_attributes(model)
    if missing:
        raise RuntimeError(f"Conv nodes still lack WebGPU attributes: {missing[:5]}")
    _onnx_save(model, dst)
    onnx.checker.check_model(str(dst))  # by path: works past protobuf's 2 GiB too
    return added


def _verify_with_onnxruntime(model, enc: Path, dec: Path, arch: str, log: Log) -> Dict:
    """Run the pair once in onnxruntime against the torch model (CPU), on a seeded input."""
    import numpy as np
    import torch

    try:
        import onnxruntime as ort
    except ImportError:
        log("verify: onnxruntime not installed, numeric check skipped")
        return {}
    gen = torch.Generator().manual_seed(1234)
    x = torch.randn(1, 3, INPUT_SIZE, INPUT_SIZE, generator=gen)
    with torch.no_grad():
        want_emb = model.image_encoder(x)
    so = ort.SessionOptions()
    so.log_severity_level = 3
    enc_sess = ort.InferenceSession(str(enc), so, providers=["CPUExecutionProvider"])
    got_emb = enc_sess.run(["image_embeddings"], {"image": x.numpy()})[0]
    emb_err = float(np.linalg.norm(got_emb - want_emb.numpy()) / np.linalg.norm(want_emb.numpy()))

    # One positive click + the padding point, as SamPredictor pads a points-only prompt.
    coords = torch.tensor([[[400.0, 300.0], [0.0, 0.0]]])
    labels = torch.tensor([[1.0, -1.0]])
    with torch.no_grad():
        sparse, dense = model.prompt_encoder(points=(coords[:, :1], labels[:, :1]), boxes=None,
                                             masks=None)
        want_masks, want_iou = model.mask_decoder.predict_masks(
            image_embeddings=want_emb, image_pe=model.prompt_encoder.get_dense_pe(),
            sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense)
    dec_sess = ort.InferenceSession(str(dec), so, providers=["CPUExecutionProvider"])
    got_iou, got_masks = dec_sess.run(["iou_predictions", "low_res_masks"], {
        "image_embeddings": want_emb.numpy(), "point_coords": coords.numpy(),
        "point_labels": labels.numpy(), "mask_input": np.zeros((1, 1, 256, 256), np.float32),
        "has_mask_input": np.zeros(1, np.float32)})
    mask_err = float(np.linalg.norm(got_masks - want_masks.numpy())
                     / np.linalg.norm(want_masks.numpy()))
    iou_err = float(np.linalg.norm(got_iou - want_iou.numpy()) / np.linalg.norm(want_iou.numpy()))
    log(f"verify: onnxruntime vs torch: embeddings rel L2 {emb_err:.1e}, "
        f"low-res logits {mask_err:.1e}, IoU {iou_err:.1e}")
    if not (emb_err <= 1e-4 and mask_err <= 1e-3 and iou_err <= 1e-3):
        raise RuntimeError(f"exported {arch} does not match torch in onnxruntime (embeddings "
                           f"{emb_err:.2e} > 1e-4 or logits {mask_err:.2e} / IoU {iou_err:.2e} "
                           f"> 1e-3)")
    return {"embeddings_rel_l2": emb_err, "low_res_logits_rel_l2": mask_err,
            "iou_predictions_rel_l2": iou_err}


def _file_entry(path: Path) -> Dict:
    entry = {"file": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size}
    data = path.with_name(path.name + ".data")
    if data.exists():
        entry["external_data"] = {"file": data.name, "sha256": sha256_file(data),
                                  "bytes": data.stat().st_size}
    return entry


def export(arch: str, out: Union[str, os.PathLike], *, seed: int = 0,
           checkpoint: Optional[Union[str, os.PathLike]] = None, name: Optional[str] = None,
           allow_pickle: bool = False, verify: bool = True,
           log: Optional[Log] = _print) -> Path:
    """Export ``arch`` (random seeded weights, or ``checkpoint``) into the folder ``out``:
    ``encoder.onnx``, ``decoder.onnx`` and ``seglab-model.json``. Returns ``out``."""
    log = log or (lambda _m: None)
    if arch not in ARCHS:
        raise ExportError(f"unknown arch {arch!r}: expected one of {', '.join(ARCHS)}")
    if seed < 0:
        raise ExportError(f"seed must be >= 0, got {seed}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} exists and is not a folder")
    if checkpoint is not None and not Path(checkpoint).is_file():
        raise ExportError(f"checkpoint {checkpoint}: no such file")
    try:
        import onnx  # noqa: F401
        import torch
    except ImportError as e:
        raise ExportError(f"export needs torch, onnx and the upstream SAM packages "
                          f"(pip install 'seglab[export]'): {e}") from e
    t_all = time.perf_counter()
    torch.set_grad_enabled(False)

    t0 = time.perf_counter()
    log(f"build: {arch} ({FAMILY[arch]}) from "
        f"{'mobile_sam' if FAMILY[arch] == 'mobile_sam' else 'segment_anything'}")
    model = build_model(arch, seed=seed, checkpoint=checkpoint, allow_pickle=allow_pickle,
                        log=log)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"build: {n_params / 1e6:.1f} M parameters ({time.perf_counter() - t0:.1f} s)")

    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        import onnx

        t0 = time.perf_counter()
        log(f"export encoder: torch.onnx.export (TorchScript, dynamo=False), opset {OPSET}")
        (work / "raw").mkdir()  # torch may write one external-data file per tensor here
        raw = work / "raw" / "encoder.onnx"
        _export_encoder(model, raw)
        enc_model = onnx.load(str(raw))  # pulls in external data if torch wrote any
        added = _finish(enc_model, work / "encoder.onnx")
        del enc_model
        log(f"export encoder: done ({time.perf_counter() - t0:.1f} s, {added} Conv attributes "
            f"added)")

        t0 = time.perf_counter()
        log("export decoder: SamOnnxModel(return_single_mask=False), pruned to "
            "iou_predictions + low_res_masks")
        raw = work / "raw" / "decoder.onnx"
        _export_decoder(model, arch, raw)
        _prune_decoder(raw, work / "decoder.onnx")
        log(f"export decoder: done ({time.perf_counter() - t0:.1f} s)")
        model.eval()  # whatever the exporter did to the modules' modes

        t0 = time.perf_counter()
        check = check_model_files(work / "encoder.onnx", work / "decoder.onnx")
        numbers = (_verify_with_onnxruntime(model, work / "encoder.onnx", work / "decoder.onnx",
                                            arch, log) if verify else {})
        log(f"verify: SAM interface ok ({time.perf_counter() - t0:.1f} s)")

        for f in ("encoder.onnx", "encoder.onnx.data", "decoder.onnx", "decoder.onnx.data",
                  MANIFEST):
            if (out / f).exists():
                (out / f).unlink()
        for f in ("encoder.onnx", "encoder.onnx.data", "decoder.onnx", "decoder.onnx.data"):
            if (work / f).exists():
                os.chmod(work / f, 0o644)  # onnx writes external data 0600
                os.replace(work / f, out / f)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    versions = package_versions()
    if checkpoint is not None:
        ck = Path(checkpoint)
        ck_sha = sha256_file(ck)
        weights = f"checkpoint {ck.name} (sha256 {ck_sha[:16]}...)"
        default_id = f"{arch}-{ck.stem}"
    else:
        weights = f"random, seed {seed} — NOT a trained model"
        default_id = f"{arch}-random-seed{seed}"
    manifest = {
        "format": 1,
        "id": name or default_id,
        "family": FAMILY[arch],
        "arch": arch,
        "input_size": INPUT_SIZE,
        "pixel_mean": PIXEL_MEAN,
        "pixel_std": PIXEL_STD,
        "encoder": _file_entry(out / "encoder.onnx"),
        "decoder": _file_entry(out / "decoder.onnx"),
        "weights": weights,
        "opset": check["encoder"]["opset"],
        "exported_with": {
            "exporter": "torch.onnx.export (TorchScript, dynamo=False)",
            "torch": versions["torch"],
            ("mobile_sam" if FAMILY[arch] == "mobile_sam" else "segment_anything"):
                versions["mobilesam-mirror" if FAMILY[arch] == "mobile_sam"
                         else "segment-anything"],
            "onnx": versions["onnx"],
            "python": sys.version.split()[0],
        },
    }
    if checkpoint is not None:
        manifest["checkpoint"] = {"file": Path(checkpoint).name, "sha256": ck_sha}
    else:
        manifest["seed"] = seed
    if numbers:
        manifest["verified"] = {"onnxruntime_vs_torch": numbers}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    mb = lambda e: (e["bytes"] + e.get("external_data", {}).get("bytes", 0)) / 1e6  # noqa: E731
    log(f"exported {manifest['id']} ({arch}, {weights}) to {out}: encoder.onnx "
        f"{mb(manifest['encoder']):.1f} MB, decoder.onnx {mb(manifest['decoder']):.1f} MB, "
        f"opset {manifest['opset']}, {time.perf_counter() - t_all:.1f} s")
    return out
