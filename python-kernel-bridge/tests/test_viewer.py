"""Viewer behaviour without a kernel (messages captured in-process)."""

import numpy as np
import pytest

import seglab
from seglab import Viewer


@pytest.fixture
def viewer(monkeypatch):
    v = Viewer(chunk_bytes=64)
    v.sent = []
    monkeypatch.setattr(v, "send", lambda content, buffers=None: v.sent.append((content, buffers or [])))
    return v


def test_package_metadata():
    assert seglab.__version__ == "0.1.0"
    assert seglab._jupyter_labextension_paths() == [{"src": "labextension", "dest": "seglab"}]
    v = Viewer()
    assert (v._model_name, v._view_name, v._model_module, v._model_module_version) == (
        "SegLabViewerModel", "SegLabViewerView", "seglab", "^0.1.0")
    assert v._view_module == "seglab" and v._view_module_version == "^0.1.0" and v.protocol_version == 1
    assert {"layer_specs", "protocol_version"} <= set(v.keys)


def test_names_follow_napari(viewer):
    names = [viewer.add_image(np.zeros((2, 2), np.uint8)).name for _ in range(3)]
    assert names == ["Image", "Image [1]", "Image [2]"]
    assert viewer.add_image(np.zeros((2, 2), np.uint8), name="nuclei").name == "nuclei"
    assert viewer.add_image(np.zeros((2, 2), np.uint8), name="nuclei").name == "nuclei [1]"
    assert viewer.add_image(np.zeros((2, 2), np.uint8), name="nuclei [1]").name == "nuclei [2]"


def test_layer_list(viewer):
    a = viewer.add_image(np.zeros((2, 2), np.uint8), name="a")
    b = viewer.add_image(np.ones((3, 4, 3), np.uint8), name="b")
    assert len(viewer.layers) == 2 and list(viewer.layers) == [a, b]
    assert viewer.layers["b"] is b and viewer.layers[0] is a and viewer.layers[-1] is b
    assert "a" in viewer.layers and b in viewer.layers and "zz" not in viewer.layers
    assert (b.dtype, b.shape, b.rgb) == (np.dtype("uint8"), (3, 4, 3), True)
    assert [s["name"] for s in viewer.layer_specs] == ["a", "b"] and viewer.layer_specs[1] == b.descriptor()
    with pytest.raises(KeyError, match="no layer named 'zz'"):
        viewer.layers["zz"]
    with pytest.raises(TypeError, match="expected a layer name"):
        viewer.layers[1.0]
    viewer.layers.remove("a")
    assert viewer.layers.names() == ["b"] and viewer.sent[-1][0] == {"v": 1, "type": "layer-remove", "layer_id": a.id}
    viewer.layers.remove(b)
    assert len(viewer.layers) == 0 and viewer.layer_specs == []
    with pytest.raises(ValueError, match="not in this viewer"):
        viewer.layers.remove(b)


def test_add_image_sends_chunks(viewer):
    img = np.arange(100, dtype=np.uint16).reshape(10, 10)  # 200 bytes, 64-byte chunks
    layer = viewer.add_image(img, name="x")
    (head, hb), *chunks = viewer.sent
    assert head["type"] == "layer-data" and hb == [] and head["layer"] == layer.descriptor()
    assert head["transfer"]["n_chunks"] == 4 == len(chunks)
    assert b"".join(bytes(b[0]) for _, b in chunks) == img.tobytes()
    assert all(isinstance(b[0], memoryview) for _, b in chunks)
    assert [c["offset"] for c, _ in chunks] == [0, 64, 128, 192]


def test_headless_data_is_kernel_array(viewer):
    img = np.ones((4, 4), np.float32)
    assert viewer.add_image(img).data is img


def test_bad_input_is_rejected_before_sending(viewer):
    with pytest.raises(TypeError, match="got list"):
        viewer.add_image([[1, 2], [3, 4]])
    assert viewer.sent == [] and len(viewer.layers) == 0


def test_hello_resends_and_ready(viewer):
    layer = viewer.add_image(np.zeros((8, 8), np.uint8), name="z")
    first = viewer.sent[0][0]["transfer"]["id"]
    viewer.sent.clear()
    viewer._on_frontend_msg(viewer, {"v": 1, "type": "hello", "client_id": "c"}, [])
    assert viewer._frontend_seen and viewer.sent[0][0]["type"] == "layer-data"
    second = viewer.sent[0][0]["transfer"]["id"]
    ready = {"v": 1, "type": "layer-ready", "layer_id": layer.id, "nbytes": 64}
    viewer._on_frontend_msg(viewer, dict(ready, transfer_id=first), [])
    assert not layer.is_ready  # superseded transfer
    with pytest.raises(TimeoutError, match="did not confirm layer 'z'"):
        viewer.wait_until_ready("z", timeout=0.05)
    viewer._on_frontend_msg(viewer, dict(ready, transfer_id=second), [])
    assert layer.is_ready and layer.ready_at >= layer.sent_at
    assert viewer.wait_until_ready("z", timeout=1) < 1


def test_bad_frontend_messages_get_error_replies(viewer):
    viewer._on_frontend_msg(viewer, {"v": 9, "type": "hello"}, [])
    viewer._on_frontend_msg(viewer, {"v": 1, "type": "chunk", "transfer_id": "x", "index": 0, "offset": 0}, [b"a"])
    viewer._on_frontend_msg(viewer, "garbage", None)
    errors = [c for c, _ in viewer.sent]
    assert [e["type"] for e in errors] == ["error"] * 3
    assert errors[0]["message"].startswith("v:") and errors[1]["message"].startswith("transfer_id:")


def test_open_panel(viewer):
    viewer.open_panel("Nuclei")
    viewer.open_panel()
    assert [c for c, _ in viewer.sent] == [{"v": 1, "type": "open-panel", "title": "Nuclei"},
                                          {"v": 1, "type": "open-panel"}]
