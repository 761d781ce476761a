"""`python -m seglab.models export` / `cached_export` / `check_model_files` (issue 5, item 3).

Exports MobileSAM (vit_t) and SAM ViT-B with seeded random weights once into the repo's
.cache/models (reused across runs while weights, versions and export code are unchanged).
"""

import json
import os
import subprocess
import sys
from importlib import metadata

import pytest

pytest.importorskip("torch")
pytest.importorskip("segment_anything")
pytest.importorskip("mobile_sam")
onnx = pytest.importorskip("onnx")

from modelkit import SEED  # noqa: E402

from seglab.models import cached_export, check_model_files  # noqa: E402
from seglab.models._check import conv_nodes_missing_attributes  # noqa: E402

ARCHS = ["vit_t", "vit_b"]


@pytest.fixture(scope="module", params=ARCHS)
def exported(request):
    return request.param, cached_export(request.param, seed=SEED)


def run_cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "seglab.models", *args], capture_output=True,
                          text=True, timeout=timeout, env=dict(os.environ))


def test_manifest_describes_export(exported):
    arch, folder = exported
    m = json.loads((folder / "seglab-model.json").read_text())
    assert m["format"] == 1
    assert m["arch"] == arch
    assert m["family"] == ("mobile_sam" if arch == "vit_t" else "sam")
    assert m["id"] == f"{arch}-random-seed{SEED}"
    assert m["input_size"] == 1024
    assert m["pixel_mean"] == [123.675, 116.28, 103.53]
    assert m["pixel_std"] == [58.395, 57.12, 57.375]
    assert m["weights"] == f"random, seed {SEED} — NOT a trained model"
    assert m["opset"] == 17
    from seglab.models._export import sha256_file
    for part in ("encoder", "decoder"):
        f = folder / m[part]["file"]
        assert m[part]["file"] == f"{part}.onnx"
        assert m[part]["bytes"] == f.stat().st_size
        assert m[part]["sha256"] == sha256_file(f)
    w = m["exported_with"]
    assert w["torch"] == metadata.version("torch")
    if arch == "vit_t":
        assert w["mobile_sam"] == metadata.version("mobilesam-mirror")
    else:
        assert w["segment_anything"] == metadata.version("segment-anything")
    checked = m["verified"]["onnxruntime_vs_torch"]
    assert checked["embeddings_rel_l2"] <= 1e-4 and checked["low_res_logits_rel_l2"] <= 1e-3


def test_check_accepts_export(exported):
    _, folder = exported
    info = check_model_files(folder / "encoder.onnx", folder / "decoder.onnx")
    assert info["encoder"]["opset"] == info["decoder"]["opset"] == 17


def test_decoder_keeps_only_lowres_outputs(exported):
    _, folder = exported
    dec = onnx.load(str(folder / "decoder.onnx"))
    assert [i.name for i in dec.graph.input] == [
        "image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input"]
    assert [o.name for o in dec.graph.output] == ["iou_predictions", "low_res_masks"]
    coords = dec.graph.input[1].type.tensor_type.shape.dim
    assert coords[1].dim_param and not coords[1].dim_value, "number of points must be dynamic"
    dims = [[d.dim_value for d in o.type.tensor_type.shape.dim] for o in dec.graph.output]
    assert dims == [[1, 4], [1, 4, 256, 256]]


def test_conv_nodes_have_webgpu_attributes(exported):
    _, folder = exported
    for f in ("encoder.onnx", "decoder.onnx"):
        model = onnx.load(str(folder / f))
        assert any(n.op_type == "Conv" for n in model.graph.node)
        assert conv_nodes_missing_attributes(model) == [], f


def tiny_conv_model(path):
    from onnx import TensorProto, helper, numpy_helper
    import numpy as np

    w = numpy_helper.from_array(np.ones((4, 3, 3, 3), np.float32), "w")
    node = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3])
    graph = helper.make_graph(
        [node], "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 30, 30])], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


def test_check_rejects_non_sam_model(tmp_path):
    tiny = tiny_conv_model(tmp_path / "tiny.onnx")
    folder = cached_export("vit_t", seed=SEED)
    with pytest.raises(ValueError) as e:
        check_model_files(tiny, folder / "decoder.onnx")
    msg = str(e.value)
    assert "encoder model" in msg and "input 'image' missing" in msg
    assert "image float32[1, 3, 1024, 1024]" in msg  # the expected interface, named
    assert "point_coords float32[1, N, 2]" in msg and "low_res_masks" in msg
    with pytest.raises(ValueError, match="decoder model .*input 'point_coords' missing"):
        check_model_files(folder / "encoder.onnx", tiny)


def test_check_rejects_truncated_file(tmp_path):
    folder = cached_export("vit_t", seed=SEED)
    for part in ("encoder", "decoder"):
        cut = tmp_path / f"{part}.onnx"
        cut.write_bytes((folder / f"{part}.onnx").read_bytes()[:1000])
        pair = ((cut, folder / "decoder.onnx") if part == "encoder"
                else (folder / "encoder.onnx", cut))
        with pytest.raises(ValueError, match=rf"{part} model .*1000 bytes.*corrupt or truncated"):
            check_model_files(*pair)
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        check_model_files(empty, folder / "decoder.onnx")


def test_check_rejects_swapped_pair():
    folder = cached_export("vit_t", seed=SEED)
    with pytest.raises(ValueError, match="encoder model .*swapped"):
        check_model_files(folder / "decoder.onnx", folder / "encoder.onnx")


def test_import_does_not_load_torch():
    code = ("import sys, seglab, seglab.models; "
            "bad = [m for m in ('torch', 'onnx', 'onnxruntime', 'segment_anything', 'mobile_sam')"
            " if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cache_reuses_and_repairs_export(tmp_path):
    import shutil

    repo_copy = cached_export("vit_t", seed=SEED)
    first = tmp_path / f"vit_t-seed{SEED}"
    shutil.copytree(repo_copy, first)  # a valid cache entry, wherever it lives
    stamp = (first / "encoder.onnx").stat().st_mtime_ns
    assert cached_export("vit_t", seed=SEED, cache_dir=tmp_path) == first
    assert (first / "encoder.onnx").stat().st_mtime_ns == stamp, "re-exported needlessly"
    # A damaged file is noticed and the export redone, deterministically the same.
    (first / "decoder.onnx").write_bytes(b"broken")
    again = cached_export("vit_t", seed=SEED, cache_dir=tmp_path)
    assert again == first
    check_model_files(again / "encoder.onnx", again / "decoder.onnx")
    assert (again / "decoder.onnx").read_bytes() == (repo_copy / "decoder.onnx").read_bytes()
    assert (again / "encoder.onnx").read_bytes() == (repo_copy / "encoder.onnx").read_bytes()


def test_cli_exports_micro_sam_style_checkpoint(tmp_path):
    """A checkpoint wrapped as micro-sam's training checkpoints are ({"model_state": ...},
    keys prefixed "sam."): loaded, and the same weights give the same ONNX as the seeded export."""
    import torch

    from seglab.models._export import build_model

    state = build_model("vit_t", seed=SEED).state_dict()
    ckpt = tmp_path / "vit_t_lm.pt"
    torch.save({"model_state": {f"sam.{k}": v for k, v in state.items()}, "epoch": 3}, ckpt)
    out = tmp_path / "out"
    r = run_cli("export", "--arch", "vit_t", "--checkpoint", str(ckpt), "--out", str(out),
                "--name", "my-lm-model", "--no-verify")
    assert r.returncode == 0, r.stdout + r.stderr
    for step in ("build:", "load:", "export encoder:", "export decoder:", "verify:", "exported "):
        assert step in r.stdout, (step, r.stdout)
    m = json.loads((out / "seglab-model.json").read_text())
    assert m["id"] == "my-lm-model"
    assert m["weights"].startswith("checkpoint vit_t_lm.pt") and "seed" not in m
    seeded = json.loads((cached_export("vit_t", seed=SEED) / "seglab-model.json").read_text())
    assert m["encoder"]["sha256"] == seeded["encoder"]["sha256"]
    assert m["decoder"]["sha256"] == seeded["decoder"]["sha256"]


def test_cli_names_arch_and_keys_on_mismatch(tmp_path, capsys):
    import torch

    from seglab.models.__main__ import main
    from seglab.models._export import build_model

    ckpt = tmp_path / "mobile_sam.pt"
    torch.save(build_model("vit_t", seed=SEED).state_dict(), ckpt)
    code = main(["export", "--arch", "vit_b", "--checkpoint", str(ckpt), "--out",
                 str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "does not match vit_b (sam)" in err[0]
    assert "missing: image_encoder." in err[0] and "unexpected: image_encoder." in err[0]
    assert "looks like a vit_t checkpoint: try --arch vit_t" in err[0]
    assert not (tmp_path / "out" / "seglab-model.json").exists()


def test_cli_rejects_bad_input_in_one_line(tmp_path, capsys):
    import argparse

    import torch

    from seglab.models.__main__ import main

    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"not a checkpoint" * 10)
    pickled = tmp_path / "pickled.pth"
    torch.save({"model_state": {}, "config": argparse.Namespace(lr=1e-4)}, pickled)
    cases = [
        (["--arch", "vit_t", "--checkpoint", str(junk)], "could not be read by torch.load"),
        (["--arch", "vit_t", "--checkpoint", str(pickled)], "pass --allow-pickle"),
        (["--arch", "vit_t", "--checkpoint", str(tmp_path / "nope.pth")], "no such file"),
        (["--arch", "vit_t", "--seed", "-1"], "--seed must be >= 0"),
        (["--arch", "vit_x"], "invalid choice: 'vit_x'"),
    ]
    for args, message in cases:
        try:
            code = main(["export", *args, "--out", str(tmp_path / "out")])
        except SystemExit as e:  # argparse's own errors
            code = e.code
        err = capsys.readouterr().err.strip().splitlines()
        assert code != 0, args
        assert message in err[-1], (args, err)
        assert len(err) == 1 or err[0].startswith("usage:"), err
    assert not (tmp_path / "out" / "seglab-model.json").exists()
    # The same through `python -m`, once.
    r = run_cli("export", "--arch", "vit_t", "--checkpoint", str(junk), "--out", str(tmp_path))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith(f"seglab.models export: checkpoint {junk} could not be read by "
                           f"torch.load (corrupt, truncated or not a PyTorch file?)"), line


def test_cli_check_command():
    folder = cached_export("vit_t", seed=SEED)
    ok = run_cli("check", str(folder / "encoder.onnx"), str(folder / "decoder.onnx"))
    assert ok.returncode == 0 and "ok: SAM interface" in ok.stdout, ok.stderr
    bad = run_cli("check", str(folder / "decoder.onnx"), str(folder / "encoder.onnx"))
    assert bad.returncode == 1 and "swapped" in bad.stderr
