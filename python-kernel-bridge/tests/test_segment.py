"""viewer.segment(...): the prompt checks, the segment-request the kernel sends, and the mask it
takes back from a segment-reply (in process: the frontend's messages are fed to the real
handler; the model itself runs in the browser and is tested by the jest and ui-tests)."""

import threading
import time

import numpy as np
import pytest

from inprocess import capturing_viewer, frontend
from seglab._segment import build_prompt


@pytest.fixture
def viewer(monkeypatch):
    v = capturing_viewer(monkeypatch)
    v.add_image(np.zeros((2, 30, 40), np.uint16), name="stack")
    frontend(v, type="hello", client_id="tab-1")
    return v


def _answer(v, mask, iou=0.9):
    request = next(c for c, _ in v.sent if c["type"] == "segment-request")
    payload = np.ascontiguousarray(mask, np.uint8).tobytes()
    tid = "mask-" + request["request_id"]
    frontend(v, type="segment-reply", request_id=request["request_id"], shape=list(mask.shape), iou=iou,
             transfer={"id": tid, "nbytes": len(payload), "chunk_bytes": 1 << 20, "n_chunks": 1})
    frontend(v, [memoryview(payload)], type="chunk", transfer_id=tid, index=0, offset=0)
    return request


def _in_thread(fn):
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc
    t = threading.Thread(target=run)
    t.start()
    return t, out


def _wait_for(v, kind, timeout=5.0):
    """The first message of ``kind`` the viewer sent (waiting for the thread that sends it)."""
    deadline = time.time() + timeout
    while True:
        found = next((c for c, _ in v.sent if c["type"] == kind), None)
        if found is not None:
            return found
        assert time.time() < deadline, f"no {kind} was sent"
        time.sleep(0.01)


def _wait_for_request(v):
    return _wait_for(v, "segment-request")


def test_segment_sends_the_prompt_and_returns_the_mask(viewer):
    mask = np.zeros((30, 40), np.uint8)
    mask[5:9, 10:20] = 1
    t, out = _in_thread(lambda: viewer.segment([[7, 15], [20, 30]], labels=[1, 0], box=(2, 8, 12, 25), step=[1],
                                               return_iou=True))
    _wait_for_request(viewer)
    request = _answer(viewer, mask, iou=0.75)
    t.join(5)
    got, iou = out["value"]
    assert got.dtype == bool and (got == mask.astype(bool)).all() and iou == 0.75
    assert request["points"] == [[7.0, 15.0], [20.0, 30.0]] and request["labels"] == [1, 0]
    assert request["box"] == [2.0, 8.0, 12.0, 25.0] and request["step"] == [1]
    assert request["layer_id"] == viewer.layers["stack"].id


def test_segment_reports_the_frontends_error(viewer):
    t, out = _in_thread(lambda: viewer.segment([3, 4]))
    _wait_for_request(viewer)
    request = next(c for c, _ in viewer.sent if c["type"] == "segment-request")
    frontend(viewer, type="error", request_id=request["request_id"], message="point (x 4.0, y 3.0) is outside")
    t.join(5)
    assert isinstance(out["error"], RuntimeError) and "outside" in str(out["error"])


@pytest.mark.parametrize("kwargs, match", [
    ({}, r"expected points=\.\.\. and/or box=\.\.\."),
    ({"points": [[1, 2, 3]]}, r"expected points as \(N, 2\)"),
    ({"points": [[1, np.nan]]}, "finite"),
    ({"points": [[1, 2]], "labels": [2]}, "each 1 .object. or 0"),
    ({"labels": [1]}, "labels were given without points"),
    ({"box": (5, 5, 1, 9)}, "row1 > row0"),
    ({"points": np.zeros((1001, 2))}, "at most 1000 points"),
])
def test_bad_prompts_are_refused_with_what_was_expected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_prompt(**kwargs)


def test_segment_checks_layer_step_and_frontend(monkeypatch, viewer):
    with pytest.raises(ValueError, match=r"expected step with 1 index"):
        viewer.segment([1, 1], step=[0, 0])
    viewer.add_labels(np.zeros((2, 30, 40), np.int32), name="lab")
    with pytest.raises(ValueError, match="expected an image layer, got LabelsLayer 'lab'"):
        viewer.segment([1, 1], layer="lab")
    lonely = capturing_viewer(monkeypatch)
    with pytest.raises(ValueError, match="no image layer"):
        lonely.segment([1, 1])
    lonely.add_image(np.zeros((4, 4), np.uint8))
    with pytest.raises(RuntimeError, match=r"display the viewer in an open JupyterLab tab first"):
        lonely.segment([1, 1])


def _model_folder(tmp_path, encoder=b"E" * 3000, decoder=b"D" * 1000, **extra):
    (tmp_path / "encoder.onnx").write_bytes(encoder)
    (tmp_path / "decoder.onnx").write_bytes(decoder)
    manifest = {"format": 1, "id": "my-model", "family": "sam", "encoder": {"file": "encoder.onnx", **extra},
                "decoder": {"file": "decoder.onnx"}}
    (tmp_path / "seglab-model.json").write_text(__import__("json").dumps(manifest))
    return tmp_path


def test_set_model_sends_the_folder_in_chunks_and_waits_for_the_viewer(monkeypatch, tmp_path):
    v = capturing_viewer(monkeypatch, chunk_bytes=1024)
    frontend(v, type="hello", client_id="tab-1")
    folder = _model_folder(tmp_path)
    t, out = _in_thread(lambda: v.set_model(folder))
    message = _wait_for(v, "model-data")
    assert message["manifest"]["id"] == "my-model" and (message["encoder_bytes"], message["decoder_bytes"]) == (3000, 1000)
    deadline = time.time() + 5
    while len([c for c, _ in v.sent if c["type"] == "chunk"]) < 4:
        assert time.time() < deadline
        time.sleep(0.01)
    sent = b"".join(bytes(b[0]) for c, b in v.sent if c["type"] == "chunk" and c["transfer_id"] == message["transfer"]["id"])
    assert sent == b"E" * 3000 + b"D" * 1000
    frontend(v, type="model-ready", request_id=message["request_id"], model_id="my-model")
    t.join(5)
    assert out["value"] == "my-model"


def test_set_model_by_id_and_bad_folders(monkeypatch, tmp_path, viewer):
    t, out = _in_thread(lambda: viewer.set_model("vit-b-lm"))
    request = _wait_for(viewer, "model-select")
    assert request["model_id"] == "vit-b-lm"
    frontend(viewer, type="error", request_id=request["request_id"], message='no model "vit-b-lm"; known models: a')
    t.join(5)
    assert "no model" in str(out["error"])
    with pytest.raises(ValueError, match="expected a folder with seglab-model.json"):
        viewer.set_model(tmp_path)
    with pytest.raises(ValueError, match="external data file"):
        viewer.set_model(_model_folder(tmp_path, external_data={"file": "encoder.onnx.data"}))


def _fake_embeddings(shape, n_slices, z_axis):
    from seglab.embeddings import FORMAT, FORMAT_VERSION, content_hash
    img = np.arange(np.prod(shape), dtype=np.uint16).reshape(shape)
    planes = img[None] if z_axis is None else img
    attrs = {"format": FORMAT, "format_version": FORMAT_VERSION, "model_id": "m", "model_sha256": "ab" * 32,
             "image_shape": list(shape), "z_axis": z_axis, "n_slices": n_slices, "n_tiles": 1, "tile_shape": None,
             "tile_boxes": [[0, 0, *shape[-2:]]], "input_sizes": [[1024, 1024]], "original_sizes": [list(shape[-2:])],
             "image_hashes": [content_hash(p) for p in planes]}
    features = np.random.default_rng(0).standard_normal((n_slices, 256, 64, 64)).astype(np.float32)
    return img, {"features": features, "attrs": attrs}


def test_set_embeddings_sends_each_plane_with_its_hash(monkeypatch):
    v = capturing_viewer(monkeypatch)
    img, emb = _fake_embeddings((2, 30, 40), 2, 0)
    v.add_image(img, name="stack")
    frontend(v, type="hello", client_id="tab-1")
    t, out = _in_thread(lambda: v.set_embeddings(emb))
    message = _wait_for(v, "embeddings-data")
    assert [e["z"] for e in message["entries"]] == [0, 1] and message["model_sha256"] == "ab" * 32
    assert message["entries"][1]["image_hash"] == emb["attrs"]["image_hashes"][1]
    assert message["transfer"]["nbytes"] == 2 * 256 * 64 * 64 * 4
    deadline = time.time() + 10
    tid = message["transfer"]["id"]
    while sum(bytes(b[0]).__len__() for c, b in v.sent if c["type"] == "chunk" and c["transfer_id"] == tid) < message["transfer"]["nbytes"]:
        assert time.time() < deadline
        time.sleep(0.01)
    sent = b"".join(bytes(b[0]) for c, b in v.sent if c["type"] == "chunk" and c["transfer_id"] == tid)
    assert sent == emb["features"].astype("<f4").tobytes()
    frontend(v, type="embeddings-ready", request_id=message["request_id"], accepted=2, rejected=0)
    t.join(5)
    assert out["value"] == 2


def test_set_embeddings_refuses_another_image(viewer):
    _, emb = _fake_embeddings((3, 30, 40), 3, 0)
    with pytest.raises(ValueError, match=r"embeddings are of an image of shape \(3, 30, 40\); the layer has shape \(2, 30, 40\)"):
        viewer.set_embeddings(emb)
    with pytest.raises(ValueError, match="expected the result of seglab.embeddings.compute_embeddings"):
        viewer.set_embeddings({"x": 1})
