"""Does an ONNX pair have SAM's interface? Pure ``onnx`` (no torch, no onnxruntime)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

# name -> (ONNX element type name, shape); an int is a fixed size, a str any size (symbolic).
Spec = Dict[str, Tuple[str, Tuple[Union[int, str], ...]]]

ENCODER_INPUTS: Spec = {"image": ("float32", (1, 3, 1024, 1024))}
ENCODER_OUTPUTS: Spec = {"image_embeddings": ("float32", (1, 256, 64, 64))}
DECODER_INPUTS: Spec = {
    "image_embeddings": ("float32", (1, 256, 64, 64)),
    "point_coords": ("float32", (1, "N", 2)),
    "point_labels": ("float32", (1, "N")),
    "mask_input": ("float32", (1, 1, 256, 256)),
    "has_mask_input": ("float32", (1,)),
}
DECODER_OUTPUTS: Spec = {
    "iou_predictions": ("float32", (1, 4)),
    "low_res_masks": ("float32", (1, 4, 256, 256)),
}
# Upstream's own decoder export (segment_anything/scripts/export_onnx_model.py with
# return_single_mask=False) also has these; tolerated, SegLab does not feed/read them.
DECODER_OPTIONAL_INPUTS: Spec = {"orig_im_size": ("float32", (2,))}
DECODER_OPTIONAL_OUTPUTS: Spec = {"masks": ("float32", (1, 4, "H", "W"))}


def _fmt(spec: Spec) -> str:
    return ", ".join(f"{n} {t}[{', '.join(str(d) for d in shape)}]" for n, (t, shape) in spec.items())


def expected_interface() -> str:
    """SAM's interface as SegLab runs it, in words (used in error messages)."""
    return (f"encoder: inputs {_fmt(ENCODER_INPUTS)} -> outputs {_fmt(ENCODER_OUTPUTS)}; "
            f"decoder: inputs {_fmt(DECODER_INPUTS)} -> outputs {_fmt(DECODER_OUTPUTS)} "
            f"(N = number of prompt points, dynamic)")


def _onnx():
    try:
        import onnx
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("checking model files needs the 'onnx' package "
                          "(pip install onnx, or seglab[export])") from e
    return onnx


def _load(path: Path, role: str):
    onnx = _onnx()
    from google.protobuf.message import DecodeError

    if not path.is_file():
        raise ValueError(f"{role} model {path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise ValueError(f"{role} model {path}: the file is empty (0 bytes)")
    try:
        # Initializers may live in external data next to the file; their bytes are not
        # needed to check the interface.
        model = onnx.load(str(path), load_external_data=False)
    except (DecodeError, RuntimeError, ValueError, OSError) as e:
        raise ValueError(f"{role} model {path} ({size} bytes) is not a readable ONNX file "
                         f"(corrupt or truncated?): {e}") from e
    if not model.HasField("graph") or not model.graph.node:
        raise ValueError(f"{role} model {path} ({size} bytes) is not a readable ONNX model "
                         f"(no graph: corrupt, truncated or not ONNX)")
    # A truncated file can still parse (protobuf stops at a field boundary); an initializer
    # whose raw bytes are shorter than its shape says gives it away.
    for init in model.graph.initializer:
        if init.data_location == onnx.TensorProto.EXTERNAL or not init.HasField("raw_data"):
            continue
        n = 1
        for d in init.dims:
            n *= d
        itemsize = onnx.helper.tensor_dtype_to_np_dtype(init.data_type).itemsize
        if len(init.raw_data) != n * itemsize:
            raise ValueError(f"{role} model {path}: initializer {init.name!r} has "
                             f"{len(init.raw_data)} bytes, its shape needs {n * itemsize} "
                             f"(corrupt or truncated file)")
    external = any(i.data_location == onnx.TensorProto.EXTERNAL for i in model.graph.initializer)
    try:
        # By path when weights live next to the file (the checker then finds them there).
        onnx.checker.check_model(str(path) if external else model)
    except Exception as e:  # onnx.checker.ValidationError and friends
        raise ValueError(f"{role} model {path} fails the ONNX checker: {e}") from e
    return model


def _value_infos(model, which: str) -> Dict[str, Tuple[str, Tuple[Union[int, str], ...]]]:
    onnx = _onnx()
    graph = model.graph
    values = graph.input if which == "input" else graph.output
    initializers = {i.name for i in graph.initializer}
    out = {}
    for v in values:
        if which == "input" and v.name in initializers:
            continue  # old-style exports list weights as inputs
        tt = v.type.tensor_type
        dtype = (onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type).name
                 if tt.elem_type else "?")
        if tt.HasField("shape"):
            shape = tuple(d.dim_value if d.HasField("dim_value") else (d.dim_param or "?")
                          for d in tt.shape.dim)
        else:
            shape = ("?unknown rank",)
        out[v.name] = (dtype, shape)
    return out


def _compare(got, want: Spec, optional: Spec, what: str) -> List[str]:
    problems = []
    for name, (dtype, shape) in want.items():
        if name not in got:
            problems.append(f"{what} {name!r} missing")
            continue
        problems += _compare_one(name, got[name], (dtype, shape), what)
    for name, info in got.items():
        if name in want:
            continue
        if name in optional:
            problems += _compare_one(name, info, optional[name], what)
        else:
            problems.append(f"unexpected {what} {name!r}")
    return problems


def _compare_one(name, got, want, what) -> List[str]:
    (gdt, gshape), (wdt, wshape) = got, want
    problems = []
    if gdt != wdt:
        problems.append(f"{what} {name!r} is {gdt}, expected {wdt}")
    if gshape == ("?unknown rank",):
        return problems
    if len(gshape) != len(wshape):
        problems.append(f"{what} {name!r} has rank {len(gshape)} {list(gshape)}, "
                        f"expected rank {len(wshape)} {list(wshape)}")
        return problems
    for g, w in zip(gshape, wshape):
        if isinstance(w, int) and isinstance(g, int) and g != 0 and g != w:
            problems.append(f"{what} {name!r} has shape {list(gshape)}, expected {list(wshape)}")
            break
    return problems


def _describe(got) -> str:
    return ", ".join(f"{n} {t}{list(s)}" for n, (t, s) in got.items()) or "none"


def check_model_files(encoder_path: Union[str, os.PathLike],
                      decoder_path: Union[str, os.PathLike]) -> Dict[str, Dict]:
    """Check that ``encoder_path`` / ``decoder_path`` are ONNX files with SAM's interface.

    Encoder ``image`` float32 [1, 3, 1024, 1024] (resized, normalised and padded as
    ``SamPredictor.set_image`` does) -> ``image_embeddings`` float32 [1, 256, 64, 64];
    decoder ``image_embeddings``, ``point_coords`` [1, N, 2], ``point_labels`` [1, N],
    ``mask_input`` [1, 1, 256, 256], ``has_mask_input`` [1] -> ``iou_predictions`` [1, 4],
    ``low_res_masks`` [1, 4, 256, 256].

    Raises ``ValueError`` naming the expected interface when the files do not have it, or
    saying the file is corrupt/truncated. Returns each model's inputs/outputs and opset.
    """
    enc_path, dec_path = Path(encoder_path), Path(decoder_path)
    result = {}
    for role, path, want_in, want_out, opt_in, opt_out in (
            ("encoder", enc_path, ENCODER_INPUTS, ENCODER_OUTPUTS, {}, {}),
            ("decoder", dec_path, DECODER_INPUTS, DECODER_OUTPUTS,
             DECODER_OPTIONAL_INPUTS, DECODER_OPTIONAL_OUTPUTS)):
        model = _load(path, role)
        ins, outs = _value_infos(model, "input"), _value_infos(model, "output")
        problems = _compare(ins, want_in, opt_in, "input") + _compare(outs, want_out, opt_out,
                                                                      "output")
        if problems:
            hint = ""
            other_in = DECODER_INPUTS if role == "encoder" else ENCODER_INPUTS
            if set(other_in) <= set(ins):
                hint = (f" It looks like the {'decoder' if role == 'encoder' else 'encoder'}: "
                        f"are encoder and decoder swapped?")
            raise ValueError(
                f"{role} model {path} does not have SAM's {role} interface: "
                f"{'; '.join(problems[:6])}.{hint} It has inputs {_describe(ins)}, outputs "
                f"{_describe(outs)}. Expected {expected_interface()}.")
        opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                    default=None)
        result[role] = {"inputs": ins, "outputs": outs, "opset": opset}
    return result


def conv_nodes_missing_attributes(model, required: Sequence[str] = (
        "kernel_shape", "strides", "dilations")) -> List[str]:
    """Conv/ConvTranspose nodes lacking any of ``required`` attributes (WebGPU needs them)."""
    missing = []
    for node in _all_nodes(model.graph):
        if node.op_type in ("Conv", "ConvTranspose"):
            have = {a.name for a in node.attribute}
            lack = [r for r in required if r not in have]
            if lack:
                missing.append(f"{node.name or node.output[0]} ({', '.join(lack)})")
    return missing


def _all_nodes(graph):
    for node in graph.node:
        yield node
        for attr in node.attribute:
            if attr.g is not None and attr.g.node:
                yield from _all_nodes(attr.g)
            for g in attr.graphs:
                yield from _all_nodes(g)


def read_opset(path: Union[str, os.PathLike]) -> Optional[int]:
    model = _onnx().load(str(path), load_external_data=False)
    return max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
               default=None)
